import { execute } from "@kiln/core";
import { loopbackRegistry } from "./engine.js";

/** A distro whose images the e2e suite can build: its base must be served where builds pull from. */
export interface BaseFamily {
  distro: "debian" | "ubuntu" | "alpine";
  /** the base's repository and tag on the default registry, as `FROM` names it */
  base: string;
  /** a login shell of the distro's images, for phusion's `my_init -- bash -l` */
  loginShell: string;
}

export const debianFamily: BaseFamily = { distro: "debian", base: "library/debian:bookworm", loginShell: "bash" };

const families: BaseFamily[] = [
  debianFamily,
  { distro: "ubuntu", base: "library/ubuntu:24.04", loginShell: "bash" },
  { distro: "alpine", base: "library/alpine:3.22", loginShell: "sh" },
];

/**
 * The families whose base the loopback registry serves (the registry mirror every e2e build uses),
 * checked with buildx, as a build would pull it. Debian's is always made by
 * scripts/make-debian-base.sh; Ubuntu's and Alpine's are there only where someone could put them,
 * and then their package archives must be reachable too (directly, or through KILN_E2E_MIRROR).
 * The families left out are named on stderr, so a run says what it did not prove.
 */
export async function reachableFamilies(): Promise<BaseFamily[]> {
  const reachable: BaseFamily[] = [];
  for (const family of families) {
    const reference = `${loopbackRegistry}/${family.base}`;
    const inspected = await execute({ command: "docker", args: ["buildx", "imagetools", "inspect", reference] });
    if (inspected.exitCode === 0) reachable.push(family);
    else process.stderr.write(`kiln e2e: ${family.distro} images not run: ${reference} is not served\n`);
  }
  return reachable;
}
