import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Workspace packages (`@kiln/<dir>` is packages/<dir>) resolve to their TypeScript sources, so unit
// tests never need a prior build and a new package needs no entry here.
export const workspaceAliases = [
  { find: /^@kiln\/([a-z-]+)$/, replacement: fileURLToPath(new URL("./packages/$1/src/index.ts", import.meta.url)) },
];

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts", "images/*/**/*.test.ts", "apps/*/**/*.test.ts", "bench/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**", "**/*.e2e.test.ts"],
    // Several tests run the real kiln binary; on a 2-core machine busy with a QEMU build, 5 s is
    // not enough for three of them. This is a hang guard, not a speed target (those are in bench/).
    testTimeout: 30_000,
    clearMocks: true,
    restoreMocks: true,
  },
});
