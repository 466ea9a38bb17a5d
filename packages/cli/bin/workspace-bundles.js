// Keeps the dist/ of kiln's workspace packages current for running kiln from a checkout. The
// published package never ships this file (package.json "files").
"use strict";
const { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } = require("node:fs");
const path = require("node:path");

module.exports = { refreshWorkspaceBundles };

async function refreshWorkspaceBundles(packagesDir) {
  const packages = workspacePackages(packagesDir).map((pkg) => ({ ...pkg, newest: newestSource(path.join(packagesDir, pkg.dir, "src")) }));
  const stale = packages.filter(({ dir, entries, newest }) => {
    const built = Math.min(...entries.map((entry) => mtime(path.join(packagesDir, dir, "dist", `${entry}.js`))));
    return newest > built;
  });
  // dist/kiln.cjs holds every package's sources and most of their dependencies: it (and
  // dist/code-cache.cjs, which runs it) is stale when any source, the bundle's recipe or the
  // installed dependencies (pnpm rewrites node_modules/.modules.yaml on every install) are newer.
  const singleFile = Math.min(
    mtime(path.join(packagesDir, "cli", "dist", "kiln.cjs")),
    mtime(path.join(packagesDir, "cli", "dist", "code-cache.cjs")),
  );
  const singleFileStale =
    Math.max(
      ...packages.map(({ newest }) => newest),
      mtime(path.join(packagesDir, "cli", "single-file-bundle.js")),
      mtime(path.join(packagesDir, "..", "node_modules", ".modules.yaml")),
    ) > singleFile;
  if (stale.length === 0 && !singleFileStale) return;
  const { build } = await import("esbuild");
  await Promise.all([
    ...(singleFileStale ? [buildSingleFile(build, packagesDir)] : []),
    ...stale.map(({ dir, entries }) =>
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
  ]);
}

/**
 * dist/kiln.cjs, dist/code-cache.cjs and their source maps, each written to a temporary file and
 * renamed into place: kiln processes started side by side (Turborepo runs several) never read half
 * a bundle.
 */
async function buildSingleFile(build, packagesDir) {
  const { singleFileBundle, codeCacheRunner } = await import("../single-file-bundle.js");
  const results = await Promise.all([singleFileBundle, codeCacheRunner].map((options) => build({ ...options(packagesDir), write: false })));
  for (const { path: file, contents } of results.flatMap((result) => result.outputFiles)) {
    const temporary = `${file}.${process.pid}.tmp`;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(temporary, contents);
    renameSync(temporary, file);
  }
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
