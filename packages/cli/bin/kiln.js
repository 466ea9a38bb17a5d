#!/usr/bin/env node
// Runs kiln. An installed @kiln/cli runs its bundled dist/ directly. Inside the kiln repository
// (src/ present) the workspace packages' dist/ files are first rebuilt with esbuild when any of
// their sources is newer, which takes milliseconds, so a fresh checkout needs no build step,
// never runs a stale bundle, and starts as fast as the published package.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

if (existsSync(fileURLToPath(new URL("../src/cli.ts", import.meta.url)))) {
  const { refreshWorkspaceBundles } = await import("./workspace-bundles.js");
  await refreshWorkspaceBundles(fileURLToPath(new URL("../../", import.meta.url)));
}
await import("../dist/cli.js");
