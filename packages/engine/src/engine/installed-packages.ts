import { createAndStart, execInContainer, removeRunContainers } from "./containers.js";
import { engineClient } from "./engine.js";
import { compareCodePoints, type DistroName } from "@kiln/core";

const listCommands: Record<DistroName, string[]> = {
  // "name-version-rN" per line; kept as apk prints it.
  alpine: ["apk", "info", "-v"],
  debian: ["dpkg-query", "-W", "-f", "${Package}=${Version}\n"],
  ubuntu: ["dpkg-query", "-W", "-f", "${Package}=${Version}\n"],
};

/** The packages installed in a built local image, per platform, as the distro reports them. */
export async function installedPackages(reference: string, platforms: string[], distro: DistroName): Promise<Record<string, string[]>> {
  const docker = await engineClient();
  const runLabel = `lock-${Date.now()}`;
  const packages: Record<string, string[]> = {};
  try {
    for (const platform of platforms) {
      const container = await createAndStart(docker, {
        image: reference,
        platform,
        runLabel,
        ports: [],
        entrypoint: ["sleep"],
        cmd: ["600"],
      });
      const listed = await execInContainer(container, listCommands[distro], "root");
      packages[platform] = listed.stdout
        .split("\n")
        .map((line) => line.trim())
        .filter(Boolean)
        .sort(compareCodePoints);
    }
  } finally {
    await removeRunContainers(docker, runLabel);
  }
  return packages;
}
