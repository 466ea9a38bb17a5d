import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, test } from "vitest";
import { execute } from "@kiln/core";
import { availableForE2e } from "../../../../e2e/engine.js";
import { createWorkspaceFixture, imageSource, type WorkspaceFixture } from "../../../core/src/testing/workspace-fixture.js";

/**
 * `kiln merge` refuses before it pushes anything. The refusals of the digest files themselves are
 * planMerge's (core/src/plan/merge.test.ts); here the command: files read from dist/digests/, and
 * a digest the registry does not have, asked of the machine's loopback registry.
 */
const bin = fileURLToPath(new URL("../../bin/kiln.js", import.meta.url));
const registryUp = availableForE2e(
  await fetch("http://127.0.0.1:5000/v2/").then(
    (r) => r.ok,
    () => false,
  ),
  "no registry answers on 127.0.0.1:5000",
);
const registry = `127.0.0.1:5000/merge-refusals-${process.pid}`;
const commit = "0123456789abcdef0123456789abcdef01234567";
let fixture: WorkspaceFixture;
afterEach(() => fixture?.remove());

function kiln(args: string[]) {
  return execute({ command: process.execPath, args: [bin, ...args] }, { cwd: fixture.root, env: { KILN_MIRROR: "" } });
}
function digestFile(platform: string, digest: string) {
  fixture.write(
    `images/base/dist/digests/${platform.replaceAll("/", "-")}.json`,
    JSON.stringify({ image: "base", version: "1.0.0", platform, digest, repository: `${registry}/base`, commit }),
  );
}

describe.skipIf(!registryUp)("kiln merge", () => {
  test("with no digest files: exits 2 and says how to make them", async () => {
    fixture = createWorkspaceFixture();
    fixture.addImage("base", imageSource("base"));
    const result = await kiln(["merge", "base", "--registry", registry]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("base: no digest files in images/base/dist/digests/");
    expect(result.stderr).toContain(`kiln build base --platform <platform> --push-by-digest --registry ${registry}`);
  });

  test("a digest the registry does not have: exits 2 naming it and its platform, tags nothing", async () => {
    fixture = createWorkspaceFixture();
    fixture.addImage("base", imageSource("base"));
    digestFile("linux/amd64", `sha256:${"a".repeat(64)}`);
    digestFile("linux/arm64", `sha256:${"b".repeat(64)}`);
    const result = await kiln(["merge", "base", "--registry", registry]);
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toContain(`${registry}/base@sha256:${"a".repeat(64)} (linux/amd64) is not in the registry`);
    expect(existsSync(path.join(fixture.root, "images/base/dist/build.json"))).toBe(false);
    const tags = await fetch(`http://127.0.0.1:5000/v2/${registry.split("/")[1]}/base/tags/list`);
    expect(tags.status, "no repository was created").toBe(404);
  });

  test("a file that is not JSON: exits 2 naming the file", async () => {
    fixture = createWorkspaceFixture();
    fixture.addImage("base", imageSource("base"));
    fixture.write("images/base/dist/digests/linux-amd64.json", "{ not json");
    const result = await kiln(["merge", "base", "--registry", registry]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/images\/base\/dist\/digests\/linux-amd64\.json: not JSON/);
  });
});
