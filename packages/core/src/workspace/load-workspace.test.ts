import { existsSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { DefinitionError } from "../errors.js";
import { synthImages } from "../synth/synth.js";
import { createWorkspaceFixture, imageSource, type WorkspaceFixture } from "../testing/workspace-fixture.js";
import { loadWorkspace } from "./load-workspace.js";

let fixture: WorkspaceFixture;
afterEach(() => fixture?.remove());

async function loadError(): Promise<DefinitionError> {
  const error = await loadWorkspace(fixture.root).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DefinitionError);
  return error as DefinitionError;
}

describe("loadWorkspace", () => {
  test("orders parents before children and resolves a child on its parent", async () => {
    fixture = createWorkspaceFixture();
    fixture.addImage("web", imageSource("web", { parent: "base" }), ["base"]);
    fixture.addImage("base", imageSource("base"));
    const workspace = await loadWorkspace(fixture.root);
    expect(workspace.images.map((i) => i.pkg.name)).toEqual(["base", "web"]);
    expect(workspace.images[1]?.resolved.base).toMatchObject({ kind: "workspace", name: "base" });
  });

  test("`only` loads the named images and their parents", async () => {
    fixture = createWorkspaceFixture();
    fixture.addImage("base", imageSource("base"));
    fixture.addImage("web", imageSource("web", { parent: "base" }), ["base"]);
    fixture.addImage("other", imageSource("other"));
    const workspace = await loadWorkspace(fixture.root, { only: ["web"] });
    expect(workspace.images.map((i) => i.pkg.name)).toEqual(["base", "web"]);
  });

  test("a cycle between images names the loop and each package.json edge", async () => {
    fixture = createWorkspaceFixture();
    fixture.addImage("a", imageSource("a", { parent: "b" }), ["b"]);
    fixture.addImage("b", imageSource("b", { parent: "a" }), ["a"]);
    const error = await loadError();
    expect(error.message).toContain("cycle between images: a → b → a");
    expect(error.message).toContain("images/a/package.json depends on b");
    expect(error.hint).toMatch(/remove one of these dependencies/);
  });

  test("duplicate image names name both package.json files", async () => {
    fixture = createWorkspaceFixture();
    fixture.addImage("one", imageSource("same"));
    fixture.write("images/one/package.json", JSON.stringify({ name: "same", version: "1.0.0" }));
    fixture.addImage("two", imageSource("same"));
    fixture.write("images/two/package.json", JSON.stringify({ name: "same", version: "1.0.0" }));
    const error = await loadError();
    expect(error.message).toBe('duplicate image name "same": images/one/package.json and images/two/package.json');
  });

  test("a definition whose name differs from its package", async () => {
    fixture = createWorkspaceFixture();
    fixture.addImage("web", imageSource("website"));
    expect((await loadError()).message).toMatch(/^images\/web\/image\.ts: name: "website" differs from the package name "web"/);
  });

  test("a parent that package.json does not list (Turborepo would not order it)", async () => {
    fixture = createWorkspaceFixture();
    fixture.addImage("base", imageSource("base"));
    fixture.addImage("web", imageSource("web", { parent: "base" }));
    const error = await loadError();
    expect(error.message).toMatch(/^images\/web\/image\.ts: base: built from base, which package\.json does not list/);
    expect(error.hint).toContain('"base": "workspace:*"');
  });

  test("a file that does not load names itself", async () => {
    fixture = createWorkspaceFixture();
    fixture.addImage("web", "export default {{;");
    expect((await loadError()).message).toMatch(/^images\/web\/image\.ts:1:\d+: cannot load the definition: syntax error/);
  });

  test("a syntax error names file:line:column, counted from 1 as editors do", async () => {
    fixture = createWorkspaceFixture();
    fixture.addImage("web", 'export default {\n  name: "web"\n  description: "x",\n};\n');
    const error = await loadError();
    expect(error.message).toBe('images/web/image.ts:3:3: cannot load the definition: syntax error: Unexpected token, expected ","');
    expect(error.hint).toMatch(/^fix images\/web\/image\.ts /);
    expect(error.exitCode).toBe(2);
  });

  test("an error thrown while the definition runs names its line", async () => {
    fixture = createWorkspaceFixture();
    fixture.addImage("web", "const options: { port?: number } | undefined = undefined;\n\nexport default { port: options!.port };\n");
    expect((await loadError()).message).toMatch(
      /^images\/web\/image\.ts:3: cannot load the definition: Cannot read properties of undefined/,
    );
  });

  test("a default export that is not a definition", async () => {
    fixture = createWorkspaceFixture();
    fixture.addImage("web", "export default { name: 'web' };");
    expect((await loadError()).message).toBe("images/web/image.ts: the default export is not an image definition");
  });

  test("an error in one definition writes no Dockerfile for any image", async () => {
    fixture = createWorkspaceFixture();
    fixture.addImage("good", imageSource("good"));
    fixture.addImage("bad", imageSource("bad", { extra: "ports: [99999]," }));
    const error = await loadWorkspace(fixture.root)
      .then((w) => synthImages(fixture.root, w.images))
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/images\/bad\/image\.ts: ports\[0\]: ports are 1 to 65535/);
    expect(existsSync(path.join(fixture.root, "images/good/Dockerfile"))).toBe(false);
  });
});
