import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { productionClosure } from "./dependency-closure.js";

const packages = fileURLToPath(new URL("../packages/", import.meta.url));
const closureOf = (dir: string) => productionClosure(path.join(packages, dir)).map((installed) => installed.name);

// What a user installs with one helper package is what its package.json brings: the engine client
// (dockerode and its 30-odd dependencies) only with @kiln/engine, the linter's parsers only with
// @kiln/lint, the CLI's yargs only with @kiln/cli.
describe("each package brings only what its concern needs", () => {
  test.each(["core", "ssh", "init", "dev-image", "mirror", "registry"])("@kiln/%s has no engine client", (dir) => {
    const closure = closureOf(dir);
    expect(closure).not.toContain("dockerode");
    expect(closure).not.toContain("@kiln/engine");
    expect(closure).not.toContain("yargs");
  });

  test("@kiln/ssh brings core and mirror, and nothing of the engine, the registry or the CLI", () => {
    const closure = closureOf("ssh");
    expect(closure).toEqual(expect.arrayContaining(["@kiln/core", "@kiln/mirror", "zod"]));
    for (const other of ["@kiln/engine", "@kiln/registry", "@kiln/cli", "dockerode", "yargs"]) expect(closure).not.toContain(other);
  });

  test("@kiln/engine is where dockerode is", () => {
    expect(closureOf("engine")).toContain("dockerode");
  });

  test("@kiln/mirror depends on no other kiln package", () => {
    expect(closureOf("mirror").filter((name) => name.startsWith("@kiln/"))).toEqual([]);
  });
});
