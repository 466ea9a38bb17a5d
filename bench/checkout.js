import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** A checkout the bench cannot build with: the message names the variable, the path and the fix. */
export class BenchCheckoutError extends Error {
  constructor(message, fix) {
    super(`${message}\nfix: ${fix}`);
    this.name = "BenchCheckoutError";
    this.code = "KILN_BENCH_CHECKOUT";
  }
}

/**
 * A kiln checkout to build with (this repository, or a baseline clone named by an environment
 * variable): its root, its CLI entry and its commit. Refused, before anything is timed, when it is
 * not a git checkout of kiln with its dependencies installed.
 */
export function benchCheckout(dir, origin) {
  const root = path.resolve(dir);
  const kilnBin = path.join(root, "packages/cli/bin/kiln.js");
  if (!existsSync(kilnBin))
    throw new BenchCheckoutError(
      `${origin}: ${root} has no packages/cli/bin/kiln.js`,
      "name the root of a kiln clone, e.g. git clone /work/hub.git /tmp/kiln-baseline && git -C /tmp/kiln-baseline checkout 451cc2b",
    );
  if (!existsSync(path.join(root, "node_modules")))
    throw new BenchCheckoutError(`${origin}: ${root} has no node_modules`, `run pnpm install --frozen-lockfile in ${root}`);
  let revision;
  try {
    revision = execFileSync("git", ["-C", root, "rev-parse", "--short=7", "HEAD"], { encoding: "utf8", stdio: "pipe" }).trim();
  } catch {
    throw new BenchCheckoutError(`${origin}: ${root} is not a git checkout`, "clone the repository with git rather than copying it");
  }
  return { root, kilnBin, revision };
}

/**
 * The platforms a checkout must build `parent` for, loaded, before its `children` can be built
 * for `platform` alone: that platform, and the engine's own when a child's Dockerfile has a stage
 * that runs FROM the parent on the build platform (kiln's native package stage; a checkout from
 * before that stage has none). Read from the checkout's committed Dockerfiles, so each checkout
 * builds what it needs and no more.
 */
export function parentPlatforms(checkout, parent, children, platform, enginePlatform) {
  const onBuildPlatform = new RegExp(`^FROM --platform=\\$BUILDPLATFORM kiln\\.local/${parent}:`, "m");
  const needsEngine = children.some((child) =>
    onBuildPlatform.test(readFileSync(path.join(checkout.root, "images", child, "Dockerfile"), "utf8")),
  );
  return needsEngine && enginePlatform !== platform ? [platform, enginePlatform] : [platform];
}
