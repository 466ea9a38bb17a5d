#!/usr/bin/env node
// Runs kiln. An installed @kiln/cli runs its bundled dist/ directly. Inside the kiln repository
// (src/ present) the workspace packages' dist/ files are first rebuilt with esbuild when any of
// their sources is newer, which takes milliseconds, so a fresh checkout needs no build step,
// never runs a stale bundle, and starts as fast as the published package.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";

// kiln lint's shell grammar (tree-sitter-bash) is a large WebAssembly module: V8's optimizing
// tier recompiles it in the background at more CPU than a whole lint run gains (100 Dockerfiles:
// 1.1 s of CPU with it, 0.45 s without). Set before anything compiles WebAssembly.
setFlagsFromString("--liftoff-only");

// `kiln --version` is asked for by scripts and shell prompts: answered from package.json before
// any bundle is checked or loaded, in Node's own start time.
if (process.argv.length === 3 && process.argv[2] === "--version") {
  process.stdout.write(`${JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version}\n`);
} else {
  if (existsSync(fileURLToPath(new URL("../src/cli.ts", import.meta.url)))) {
    const { refreshWorkspaceBundles } = await import("./workspace-bundles.js");
    await refreshWorkspaceBundles(fileURLToPath(new URL("../../", import.meta.url)));
  }
  // One CommonJS file run with V8's code cache (dist/code-cache.js): Node 20 compiles every ES
  // module again on each start. Without the file (a package built before it existed), the modules.
  const bundle = fileURLToPath(new URL("../dist/kiln.cjs", import.meta.url));
  if (existsSync(bundle)) (await import("../dist/code-cache.js")).runWithCodeCache(bundle);
  else await import("../dist/cli.js");
}
