import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { DefinitionError } from "../errors.js";
import { defineImage } from "../spec/define.js";
import { apkRepositorySchema, type ApkRepository } from "../spec/repository.js";
import { resolveImage } from "../resolve/resolve.js";
import { renderDockerfile } from "../dockerfile/render.js";
import { synthesizeDockerfile } from "../dockerfile/synthesize.js";
import { apkRepositoriesScript } from "./apk-repositories.js";

const work: string[] = [];
afterEach(() => {
  for (const dir of work.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs the rendered lines in a real POSIX shell against a repositories file in a temp dir. */
function run(
  repositories: ApkRepository[],
  shipped: string,
  mirror?: string,
): { shipped: string; build: string | undefined; used: string; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "kiln-apk-"));
  work.push(dir);
  const files = { shipped: path.join(dir, "repositories"), build: path.join(dir, "build-repositories") };
  writeFileSync(files.shipped, shipped);
  const script = [...apkRepositoriesScript(repositories, files), 'printf %s "$repositories"'].join("\n");
  const used = execFileSync("sh", ["-euc", script], {
    cwd: dir,
    env: { PATH: process.env.PATH, ...(mirror === undefined ? {} : { KILN_APK_MIRROR: mirror }) },
    encoding: "utf8",
  });
  return {
    shipped: readFileSync(files.shipped, "utf8"),
    build: existsSync(files.build) ? readFileSync(files.build, "utf8") : undefined,
    used,
    dir,
  };
}

const base = "https://archive.example/alpine/v3.22/main\nhttps://archive.example/alpine/v3.22/community\n";
const hostileMirror = `https://m.example/x&y\\z'q"w#1`;

describe("apk repositories", () => {
  test("the mirror rewrite keeps tags and takes &, \\, quotes and # as bytes", () => {
    const out = run(
      [],
      `${base}@testing https://archive.example/alpine/edge/testing\n#comment\nhttps://vendor.example/apk/main\n`,
      hostileMirror,
    );
    expect(out.build).toBe(
      [
        `${hostileMirror}/v3.22/main`,
        `${hostileMirror}/v3.22/community`,
        `@testing ${hostileMirror}/edge/testing`,
        "#comment",
        "https://vendor.example/apk/main",
        "",
      ].join("\n"),
    );
    expect(out.used).toBe(path.join(out.dir, "build-repositories"));
    // The shipped file is untouched: the mirror is for this build only.
    expect(out.shipped).toContain("@testing https://archive.example/alpine/edge/testing\n");
  });

  test("without a mirror apk reads the shipped file and no copy is written", () => {
    const out = run([], base);
    expect(out.used).toBe(path.join(out.dir, "repositories"));
    expect(out.build).toBeUndefined();
  });

  test("a relative repository lands in the base's archive with its tag, and follows the mirror", () => {
    const out = run([{ url: "edge/testing", tag: "testing" }], base, "https://m.example/alpine");
    expect(out.shipped).toBe(`${base}@testing https://archive.example/alpine/edge/testing\n`);
    expect(out.build?.split("\n")).toContain("@testing https://m.example/alpine/edge/testing");
  });

  test("a hostile absolute URL is written verbatim and never runs", () => {
    const url = `https://vendor.example/a&b\\c'd"e$(touch pwned)\`touch pwned\``;
    const out = run([{ url, tag: "vendor" }], base.trimEnd());
    expect(out.shipped).toBe(`${base}@vendor ${url}\n`);
    expect(existsSync(path.join(out.dir, "pwned"))).toBe(false);
  });

  test("declaring a repository the file already has adds nothing (a child repeating its parent)", () => {
    const once = run([{ url: "edge/testing", tag: "testing" }], base);
    const twice = run([{ url: "edge/testing", tag: "testing" }], once.shipped);
    expect(twice.shipped).toBe(once.shipped);
  });

  test("a relative repository with no archive in the file fails the build with the reason", () => {
    expect(() => run([{ url: "edge/testing" }], "https://vendor.example/apk/main\n")).toThrow(/names no \.\.\.\/alpine\/ archive/);
  });

  test.each([
    ["a newline", "https://v.example/a\n@evil https://x.example/alpine"],
    ["a space", "https://v.example/a b"],
    ["a tag in the URL", "@testing https://v.example/a"],
  ])("a URL with %s is refused by the schema", (_what, url) => {
    expect(apkRepositorySchema.safeParse({ url }).success).toBe(false);
  });
});

describe("apk repositories in a definition", () => {
  const resolve = (input: Record<string, unknown>) =>
    resolveImage(defineImage({ name: "x", description: "x", base: "alpine:3.22", user: "root", rootReason: "test", ...input }), {
      file: "images/x/image.ts",
    });

  test("foo@testing installs from the tagged repository declared with it", () => {
    const image = resolve({ packages: ["aports-tool@testing"], repositories: { apk: [{ url: "edge/testing", tag: "testing" }] } });
    const text = renderDockerfile(synthesizeDockerfile(image, { sourcePath: "images/x/image.ts" }));
    expect(text).toContain("kiln_apk_repository '@testing '\"$archive\"/edge/testing");
    expect(text).toContain('apk add --no-cache --repositories-file "$repositories" aports-tool@testing');
  });

  test("foo@testing without a repository tagged testing is a definition error naming the fix", () => {
    expect(() => resolve({ packages: ["aports-tool@testing"] })).toThrow(DefinitionError);
    expect(() => resolve({ packages: ["aports-tool@testing"] })).toThrow(/needs a repository tagged "testing"/);
  });

  test("a child may use its parent's tag", () => {
    const parent = defineImage({
      name: "p",
      description: "p",
      base: "alpine:3.22",
      user: "root",
      rootReason: "test",
      repositories: { apk: [{ url: "edge/testing", tag: "testing" }] },
    });
    const child = resolveImage(defineImage({ name: "c", description: "c", base: parent, packages: ["tool@testing"], rootReason: "test" }), {
      file: "images/c/image.ts",
    });
    expect(child.packages).toEqual(["tool@testing"]);
  });

  test("a newline in a repository URL is refused with the field named", () => {
    expect(() => resolve({ repositories: { apk: [{ url: "https://v.example/a\nRUN evil" }] } })).toThrow(
      /repositories\.apk\[0\]\.url: a repository URL must be one word/,
    );
  });

  test("apt repositories on Alpine are refused", () => {
    expect(() =>
      resolve({
        repositories: {
          apt: [{ name: "v", url: "https://v.example/debian", suites: ["bookworm"], signedBy: "/usr/share/keyrings/v.gpg" }],
        },
      }),
    ).toThrow(/repositories\.apt: the image is Alpine/);
  });
});
