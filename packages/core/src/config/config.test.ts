import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { DefinitionError } from "../errors.js";
import { loadKilnConfig } from "./config.js";

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

async function errorOf(source: string): Promise<DefinitionError> {
  root = mkdtempSync(path.join(tmpdir(), "kiln-config-"));
  writeFileSync(path.join(root, "kiln.config.ts"), source);
  const error = await loadKilnConfig(root).catch((caught: unknown) => caught);
  if (!(error instanceof DefinitionError)) throw new Error(`expected a DefinitionError, got ${String(error)}`);
  return error;
}

describe("a kiln.config.ts error says to fix kiln.config.ts", () => {
  test("a syntax error names kiln.config.ts:line:column", async () => {
    const error = await errorOf('export default {\n  registry: "ghcr.io/acme"\n  cache: "x",\n};\n');
    expect(error.message).toBe('kiln.config.ts:3:3: cannot load the configuration: syntax error: Unexpected token, expected ","');
    expect(error.hint).toMatch(/^fix kiln\.config\.ts /);
    expect(error.exitCode).toBe(2);
  });

  test("a bad field names the field and the file", async () => {
    const error = await errorOf('export default { source: "not a url" };\n');
    expect(error.message).toMatch(/^kiln\.config\.ts: source: /);
    expect(error.hint).toBe("fix the field in kiln.config.ts");
  });

  test("a default export that is not an object", async () => {
    expect((await errorOf("export default 42;\n")).hint).toMatch(/^fix kiln\.config\.ts: export default defineConfig/);
  });
});
