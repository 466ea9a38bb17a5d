import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { DefinitionError } from "../errors.js";
import { createDefinitionLoader, shareKilnModules } from "./loader.js";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "kiln-loader-"));
});

afterEach(() => {
  shareKilnModules(undefined);
  rmSync(dir, { recursive: true, force: true });
});

function definition(source: string): string {
  const file = path.join(dir, "image.ts");
  writeFileSync(file, source);
  return file;
}

describe("shareKilnModules", () => {
  test("a definition's @kiln imports are the shared module objects, not a second copy", async () => {
    const core = { DefinitionError, marker: { shared: true } };
    shareKilnModules({ "@kiln/core": core });
    const file = definition('import { marker } from "@kiln/core";\nexport default marker;\n');
    expect(await createDefinitionLoader()(file, "image.ts")).toBe(core.marker);
  });

  test("an error class from a shared module is the class kiln checks with instanceof", async () => {
    shareKilnModules({ "@kiln/core": { DefinitionError } });
    const file = definition('import { DefinitionError } from "@kiln/core";\nthrow new DefinitionError("from the feature", "fix it");\n');
    const loading = createDefinitionLoader()(file, "image.ts");
    // The loader passes a DefinitionError through as it is: its message is not rewritten.
    await expect(loading).rejects.toBeInstanceOf(DefinitionError);
    await expect(loading).rejects.toThrow(/^from the feature$/);
  });

  test("without shared modules, a definition loads a copy of its own, whose classes are other classes", async () => {
    const file = definition('import { DefinitionError } from "@kiln/core";\nexport default DefinitionError;\n');
    // What shareKilnModules is for: the alias loads core's sources again (dist/ when built).
    const loaded = (await createDefinitionLoader()(file, "image.ts")) as typeof DefinitionError;
    expect(loaded.name).toBe("DefinitionError");
    expect(loaded).not.toBe(DefinitionError);
  });
});
