import { defineConfig, type Options } from "tsup";

/**
 * How every kiln package is bundled for npm: ESM for Node 20, type declarations and source maps,
 * a clean dist/. A package's tsup.config.ts is this call, with its own entries when it has a bin.
 */
export function kilnPackage(entry: Record<string, string> = { index: "src/index.ts" }, overrides: Options = {}) {
  return defineConfig({
    entry,
    format: ["esm"],
    target: "node20",
    platform: "node",
    dts: true,
    sourcemap: true,
    clean: true,
    ...overrides,
  });
}
