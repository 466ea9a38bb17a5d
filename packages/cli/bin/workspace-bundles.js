// Keeps the dist/ of kiln's workspace packages current for running kiln from a checkout. The
// published package never ships this file (package.json "files").
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

/** Every package whose entry imports others' dist/ through node_modules, in dependency order. */
const packages = [
  { dir: "mirror", entries: ["index"] },
  { dir: "core", entries: ["index"] },
  { dir: "ssh", entries: ["index"] },
  { dir: "init", entries: ["index"] },
  { dir: "dev-image", entries: ["index"] },
  { dir: "cli", entries: ["index", "cli"] },
];

export async function refreshWorkspaceBundles(packagesDir) {
  const stale = packages.filter(({ dir, entries }) => {
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
