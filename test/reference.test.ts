import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { execute } from "@kiln/core";

const root = fileURLToPath(new URL("..", import.meta.url));

test("docs/reference is what typedoc writes from the TSDoc (pnpm reference regenerates it)", async () => {
  const check = await execute({ command: process.execPath, args: ["scripts/reference.mjs", "--check"] }, { cwd: root });
  expect(check.exitCode, check.stderr).toBe(0);
  expect(check.stdout).toMatch(/^docs\/reference is current \(\d+ files\)$/m);
}, 300_000);
