import { createAndStart, execInContainer, removeRunContainers } from "./containers.js";
import { engineClient } from "./engine.js";
import { compareCodePoints, type DistroName } from "@kiln/core";

const listCommands: Record<DistroName, string[]> = {
  // "name-version-rN" per line; kept as apk prints it.
  alpine: ["apk", "info", "-v"],
  debian: ["dpkg-query", "-W", "-f", "${Package}=${Version}\n"],
  ubuntu: ["dpkg-query", "-W", "-f", "${Package}=${Version}\n"],
};

/** The package databases themselves: they also say each package's architecture. */
const databaseFiles: Record<DistroName, string> = {
  alpine: "/lib/apk/db/installed",
  debian: "/var/lib/dpkg/status",
  ubuntu: "/var/lib/dpkg/status",
};

/** Marks the start of one package.json in the node_modules dump; no line of JSON can start with it. */
const packageJsonMarker = "#kiln-package-json ";

// Every package.json under a node_modules directory of the image's own file system, and under
// /usr/local/lib (where the node() feature unpacks pnpm), each after a marker line with its path. Symlinks are not followed, so pnpm's node_modules/<name> links do not
// list a package twice. A missing find is an error, not an image without Node packages.
const nodeModulesScript = [
  "command -v find >/dev/null || { echo 'find is not in this image' >&2; exit 3; }",
  "find / -xdev -type f -name package.json \\( -path '*/node_modules/*' -o -path '/usr/local/lib/*' \\) 2>/dev/null | while IFS= read -r file; do",
  `  printf '\\n${packageJsonMarker}%s\\n' "$file"`,
  '  cat "$file"',
  "done",
].join("\n");

/** What one platform of a built image holds, as raw text for the SBOM to parse. */
export interface ImageInventory {
  /** the distro's package database (dpkg status or apk installed) */
  database: string;
  /** /etc/os-release (empty when absent) */
  osRelease: string;
  /** every package.json under a node_modules directory or /usr/local/lib: its path and its text */
  packageJsons: { path: string; text: string }[];
}

/** The packages installed in a built local image, per platform, as the distro reports them. */
export async function installedPackages(reference: string, platforms: string[], distro: DistroName): Promise<Record<string, string[]>> {
  const listed = await inContainers(reference, platforms, async (container) => {
    const result = await execInContainer(container, listCommands[distro], "root");
    return result.stdout
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean)
      .sort(compareCodePoints);
  });
  return listed;
}

/**
 * What an SBOM lists, read from a built local image per platform: its package database, its
 * os-release and the Node packages in its node_modules directories. Throws when the database
 * cannot be read: an SBOM without it would claim an empty image.
 */
export async function imageInventory(reference: string, platforms: string[], distro: DistroName): Promise<Record<string, ImageInventory>> {
  return inContainers(reference, platforms, async (container, platform) => {
    const database = await execInContainer(container, ["cat", databaseFiles[distro]], "root");
    if (database.exitCode !== 0 || database.stdout.trim() === "")
      throw new Error(
        `${reference} ${platform}: cannot read ${databaseFiles[distro]}: ${database.stderr.trim() || `exit ${database.exitCode}`}`,
      );
    const osRelease = await execInContainer(container, ["cat", "/etc/os-release"], "root");
    const nodeModules = await execInContainer(container, ["sh", "-c", nodeModulesScript], "root");
    if (nodeModules.exitCode !== 0)
      throw new Error(`${reference} ${platform}: cannot list node_modules: ${nodeModules.stderr.trim() || `exit ${nodeModules.exitCode}`}`);
    return {
      database: database.stdout,
      osRelease: osRelease.exitCode === 0 ? osRelease.stdout : "",
      packageJsons: splitDump(nodeModules.stdout),
    };
  });
}

/** Runs `read` in a sleeping container of the image for each platform, one at a time, and removes them all. */
async function inContainers<T>(
  reference: string,
  platforms: string[],
  read: (container: Awaited<ReturnType<typeof createAndStart>>, platform: string) => Promise<T>,
): Promise<Record<string, T>> {
  const docker = await engineClient();
  const runLabel = `lock-${Date.now()}`;
  const results: Record<string, T> = {};
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
      results[platform] = await read(container, platform);
    }
  } finally {
    await removeRunContainers(docker, runLabel);
  }
  return results;
}

/** The node_modules dump as files: each marker line starts one, the lines after it are its text. */
function splitDump(dump: string): { path: string; text: string }[] {
  const files: { path: string; text: string }[] = [];
  for (const chunk of dump.split(`\n${packageJsonMarker}`).slice(1)) {
    const newline = chunk.indexOf("\n");
    files.push({ path: newline < 0 ? chunk : chunk.slice(0, newline), text: newline < 0 ? "" : chunk.slice(newline + 1) });
  }
  return files;
}
