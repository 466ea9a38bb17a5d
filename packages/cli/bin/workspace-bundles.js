// Keeps the dist/ of kiln's workspace packages current for running kiln from a checkout. The
// published package never ships this file (package.json "files").
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

export async function refreshWorkspaceBundles(packagesDir) {
  const stale = workspacePackages(packagesDir).filter(({ dir, entries }) => {
    const root = path.join(packagesDir, dir);
    if (!existsSync(path.join(root, "src", "index.ts"))) return false;
    const built = Math.min(...entries.map((entry) => mtime(path.join(root, "dist", `${entry}.js`))));
    return newestSource(path.join(root, "src")) > built;
  });
  if (stale.length === 0) return;
  const { build } = await import("esbuild");
  await Promise.all(
    stale.map(({ dir, entries }) =>
      build({
        absWorkingDir: path.join(packagesDir, dir),
        entryPoints: Object.fromEntries(entries.map((entry) => [entry, `src/${entry}.ts`])),
        outdir: "dist",
        bundle: true,
        // Commands stay separate chunks, so `kiln synth` never loads dockerode.
        splitting: true,
        packages: "external",
        platform: "node",
        format: "esm",
        target: "node20",
        sourcemap: true,
        logLevel: "error",
      }),
    ),
  );
}

/**
 * Every @kiln package under packages/ with a src/index.ts, and its bundle entries: index, and cli
 * for the package with a bin entry. Read from the directory, so a new package needs no list here.
 */
function workspacePackages(packagesDir) {
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(packagesDir, entry.name, "src", "index.ts")))
    .map(({ name }) => ({ dir: name, entries: ["index", ...(existsSync(path.join(packagesDir, name, "src", "cli.ts")) ? ["cli"] : [])] }));
}

function mtime(file) {
  return existsSync(file) ? statSync(file).mtimeMs : 0;
}

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(file));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}
