import { defineConfig } from "vitest/config";
import { workspaceAliases } from "./vitest.config.js";

// End-to-end tests drive a real Docker engine, buildx, QEMU and the loopback registry. They run one
// file at a time: they share the engine, and arm64 under QEMU already keeps both cores busy.
export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    include: ["e2e/**/*.e2e.test.ts", "packages/*/src/**/*.e2e.test.ts"],
    fileParallelism: false,
    globalSetup: ["e2e/leftovers.ts"],
    testTimeout: 15 * 60_000,
    hookTimeout: 20 * 60_000,
    reporters: ["default"],
  },
});
