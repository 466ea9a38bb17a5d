import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { packageSize, productionClosure } from "./dependency-closure.js";

const packages = fileURLToPath(new URL("../packages/", import.meta.url));
const closureOf = (dir: string) => productionClosure(path.join(packages, dir)).map((installed) => installed.name);

// What a user installs with one helper package is what its package.json brings: the engine client
// (dockerode and its 30-odd dependencies) only with @kiln/engine, the linter's parsers
// (tree-sitter-bash, ~20 MiB) only with @kiln/lint, the CLI's yargs only with @kiln/cli.
describe("each package brings only what its concern needs", () => {
  test.each(["core", "ssh", "init", "dev-image", "mirror", "registry", "secrets", "reference"])("@kiln/%s has no linter", (dir) => {
    const closure = closureOf(dir);
    expect(closure.filter((name) => name.includes("tree-sitter"))).toEqual([]);
    expect(closure).not.toContain("@kiln/lint");
  });

  test("@kiln/core brings no engine client and no linter: its kiln dependencies are mirror, reference and secrets", () => {
    const closure = closureOf("core");
    for (const other of ["dockerode", "tree-sitter-bash", "web-tree-sitter"]) expect(closure).not.toContain(other);
    expect(closure.filter((name) => name.startsWith("@kiln/"))).toEqual(["@kiln/mirror", "@kiln/reference", "@kiln/secrets"]);
  });

  test("the one image-reference parser depends on nothing, and every package that reads references uses it", () => {
    expect(closureOf("reference")).toEqual([]);
    for (const dir of ["mirror", "core", "lint", "engine", "registry", "cli"]) expect(closureOf(dir)).toContain("@kiln/reference");
  });

  test("the secret detector core and lint share depends on nothing", () => {
    expect(closureOf("secrets")).toEqual([]);
    expect(closureOf("lint")).toContain("@kiln/secrets");
  });

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

  test("@kiln/mirror depends on no other kiln package but the reference parser", () => {
    expect(closureOf("mirror").filter((name) => name.startsWith("@kiln/"))).toEqual(["@kiln/reference"]);
  });
});

// The install size of each package a user can add on its own (its production closure on disk, as
// installed here, without the package itself), printed so a change that grows one shows in the log.
test("install sizes of the helper packages", () => {
  const rows = ["core", "ssh", "init", "dev-image", "mirror", "secrets", "reference", "lint", "engine", "registry", "cli"].map((dir) => {
    const closure = productionClosure(path.join(packages, dir));
    const mebibytes = closure.reduce((total, installed) => total + packageSize(installed.dir), 0) / 2 ** 20;
    return `@kiln/${dir}`.padEnd(18) + `${closure.length} packages`.padEnd(14) + `${mebibytes.toFixed(1)} MiB`;
  });
  console.log(rows.join("\n"));
  expect(rows).toHaveLength(11);
});
