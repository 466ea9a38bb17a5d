import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { main } from "./cli.js";
import { lintPaths } from "./files.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "kiln-lint-files-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe("files, directories and standard input", () => {
  test("a directory lints the Dockerfiles in it; a missing path is reported without dropping the others' findings", async () => {
    const dir = tree({
      "a/Dockerfile": "FROM debian:12\nMAINTAINER x\n",
      "b/app.Dockerfile": "FROM debian:12\nMAINTAINER y\n",
      "node_modules/x/Dockerfile": "MAINTAINER z\n",
      "README.md": "no",
    });
    const run = await lintPaths([dir, path.join(dir, "missing/Dockerfile")], { shellcheck: "off" });
    expect(run.findings.map((f) => [path.relative(dir, f.file), f.code])).toEqual([
      ["a/Dockerfile", "DL4000"],
      ["b/app.Dockerfile", "DL4000"],
    ]);
    expect(run.missing).toEqual([path.join(dir, "missing/Dockerfile")]);
    expect(run.files).toBe(2);
  });

  test("- reads standard input once", async () => {
    const run = await lintPaths(["-"], { shellcheck: "off", stdin: () => Promise.resolve(new TextEncoder().encode("FROM debian\n")) });
    expect(run.findings.map((f) => [f.file, f.code])).toEqual([["-", "DL3006"]]);
  });
});

describe("kiln-lint", () => {
  const capture = async (args: string[], cwd?: string) => {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = process.stdout.write.bind(process.stdout);
    const stderr = process.stderr.write.bind(process.stderr);
    const before = process.cwd();
    process.stdout.write = (chunk: string) => out.push(chunk) > 0;
    process.stderr.write = (chunk: string) => err.push(chunk) > 0;
    try {
      if (cwd) process.chdir(cwd);
      const code = await main(args);
      return { code, stdout: out.join(""), stderr: err.join("") };
    } finally {
      process.chdir(before);
      process.stdout.write = stdout;
      process.stderr.write = stderr;
    }
  };

  test("exit 1 with findings at the threshold, 0 below it, 2 for a missing file (after the others' findings)", async () => {
    const dir = tree({ Dockerfile: "FROM debian:12\nRUN wget https://example.org/x\n" });
    const file = path.join(dir, "Dockerfile");
    const info = await capture(["--no-shellcheck", file]);
    expect(info.code).toBe(1);
    expect(info.stdout).toContain(`${file}:2:1 DL3047 info:`);
    expect((await capture(["--no-shellcheck", "-t", "warning", file])).code).toBe(0);
    const missing = await capture(["--no-shellcheck", file, path.join(dir, "nope")]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain("DL3047");
    expect(missing.stderr).toContain("nope: no such file or directory");
  });

  test("reads .hadolint.yaml from the current directory; a bad one is exit 2 naming it", async () => {
    const dir = tree({ Dockerfile: "FROM debian:12\nRUN wget https://example.org/x\n", ".hadolint.yaml": "ignored: [DL3047]\n" });
    expect((await capture(["--no-shellcheck", "Dockerfile"], dir)).code).toBe(0);
    writeFileSync(path.join(dir, ".hadolint.yaml"), "ignored: DL3047\n");
    const bad = await capture(["--no-shellcheck", "Dockerfile"], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(".hadolint.yaml: ignored must be a list of rule codes");
  });

  test("--format picks the output; an unknown format is exit 2", async () => {
    const dir = tree({ Dockerfile: "FROM debian\n" });
    const sarif = await capture(["--no-shellcheck", "--format", "sarif", path.join(dir, "Dockerfile")]);
    expect(JSON.parse(sarif.stdout).runs[0].results[0].ruleId).toBe("DL3006");
    expect((await capture(["--format", "xml", "Dockerfile"])).code).toBe(2);
  });
});
