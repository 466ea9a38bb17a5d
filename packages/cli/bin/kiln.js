#!/usr/bin/env node
// Inside the kiln repository (src/ next to this file) kiln runs from its TypeScript sources through
// jiti, so a fresh checkout works without building and never runs a stale bundle. An installed
// package has no src/ and runs the bundled dist/.
import { existsSync } from "node:fs";

const source = new URL("../src/cli.ts", import.meta.url);
if (existsSync(source)) {
  const { createJiti } = await import("jiti");
  await createJiti(import.meta.url, { fsCache: true, moduleCache: true }).import(source.pathname);
} else {
  await import("../dist/cli.js");
}
