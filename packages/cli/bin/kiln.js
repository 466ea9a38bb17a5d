#!/usr/bin/env node
// Runs kiln. An installed @kiln/cli runs its bundled dist/ directly. Inside the kiln repository
// (src/ present) the workspace packages' dist/ files are first rebuilt with esbuild when any of
// their sources is newer, which takes milliseconds, so a fresh checkout needs no build step,
// never runs a stale bundle, and starts as fast as the published package.
//
// CommonJS (bin/package.json), like the bundle it runs: an ES module here would start Node's ES
// module loader on every run, about 6 ms that nothing else on the hot path needs.
"use strict";
const { existsSync, readFileSync } = require("node:fs");
const path = require("node:path");
const { setFlagsFromString } = require("node:v8");

// kiln lint's shell grammar (tree-sitter-bash) is a large WebAssembly module: V8's optimizing
// tier recompiles it in the background at more CPU than a whole lint run gains (100 Dockerfiles:
// 1.1 s of CPU with it, 0.45 s without). Set before anything compiles WebAssembly.
setFlagsFromString("--liftoff-only");

// `kiln --version` is asked for by scripts and shell prompts: answered from package.json before
// any bundle is checked or loaded, in Node's own start time.
if (process.argv.length === 3 && process.argv[2] === "--version") {
  process.stdout.write(`${JSON.parse(readFileSync(path.join(__dirname, "../package.json"), "utf8")).version}\n`);
} else {
  void run();
}

async function run() {
  if (existsSync(path.join(__dirname, "../src/cli.ts"))) {
    await require("./workspace-bundles.js").refreshWorkspaceBundles(path.join(__dirname, "../.."));
  }
  // One CommonJS file run with V8's code cache (src/code-cache.ts): Node 20 compiles every ES
  // module again on each start. Without it (a package built before it existed), the modules.
  const bundle = path.join(__dirname, "../dist/kiln.cjs");
  if (existsSync(bundle)) require("../dist/code-cache.cjs").runWithCodeCache(bundle);
  else await import("../dist/cli.js");
}
