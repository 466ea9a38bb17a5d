import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { defineImage } from "../spec/define.js";
import { aptRepositorySchema, type AptRepository } from "../spec/repository.js";
import { resolveImage } from "../resolve/resolve.js";
import { aptSourcesScript } from "./apt-sources.js";

const work: string[] = [];
afterEach(() => {
  for (const dir of work.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const archives = [
  { pathSuffix: "debian", mirrorArg: "KILN_APT_DEBIAN_MIRROR" },
  { pathSuffix: "debian-security", mirrorArg: "KILN_APT_DEBIAN_SECURITY_MIRROR" },
];

/** Runs the rendered lines in real bash against sources in a temp dir; returns every file written. */
function run(repositories: AptRepository[], sources: Record<string, string>, env: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), "kiln-apt-"));
  work.push(dir);
  const files = {
    sourceList: path.join(dir, "sources.list"),
    sourceParts: path.join(dir, "sources.list.d"),
    build: path.join(dir, "build"),
  };
  mkdirSync(files.sourceParts);
  for (const [name, text] of Object.entries(sources))
    writeFileSync(name === "sources.list" ? files.sourceList : path.join(files.sourceParts, name), text);
  const script = [...aptSourcesScript(archives, repositories, files), 'printf "%s\\n" "${apt_options[@]}"'].join("\n");
  const options = execFileSync("bash", ["-euo", "pipefail", "-c", script], {
    cwd: dir,
    env: { PATH: process.env.PATH, ...env },
    encoding: "utf8",
  });
  const read = (sub: string) => Object.fromEntries(readdirSync(sub).map((name) => [name, readFileSync(path.join(sub, name), "utf8")]));
  let build: Record<string, string> = {};
  try {
    build = read(files.build);
  } catch {
    build = {};
  }
  return { dir, files, options: options.trim().split("\n").filter(Boolean), shipped: read(files.sourceParts), build };
}

/** apt itself parses the files, offline: --print-uris lists what `apt-get update` would fetch. */
function aptUris(sourceParts: string, dir: string): string {
  for (const sub of ["state/lists/partial", "cache/archives/partial"]) mkdirSync(path.join(dir, sub), { recursive: true });
  return execFileSync(
    "apt-get",
    [
      ...["-o", "Dir::Etc::SourceList=/dev/null", "-o", `Dir::Etc::SourceParts=${sourceParts}`],
      ...["-o", `Dir::State=${path.join(dir, "state")}`, "-o", `Dir::Cache=${path.join(dir, "cache")}`, "-o", "APT::Architecture=amd64"],
      ...["--print-uris", "update"],
    ],
    { encoding: "utf8" },
  );
}

const debianSources = [
  "Types: deb",
  "URIs: http://deb.debian.org/debian",
  "Suites: bookworm bookworm-updates",
  "Components: main",
  "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg",
  "",
  "Types: deb",
  "URIs: http://deb.debian.org/debian-security",
  "Suites: bookworm-security",
  "Components: main",
  "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg",
  "",
].join("\n");

const hostile = `https://m.example/a&b\\c'd"e#f`;

describe("apt sources", () => {
  test("a mirror replaces each archive in deb822 URIs, byte for byte, the security archive apart", () => {
    const out = run(
      [],
      { "debian.sources": debianSources },
      { KILN_APT_DEBIAN_MIRROR: hostile, KILN_APT_DEBIAN_SECURITY_MIRROR: `${hostile}-sec` },
    );
    const copy = out.build["debian.sources"] as string;
    expect(copy).toBe(
      debianSources
        .replace("URIs: http://deb.debian.org/debian-security", `URIs: ${hostile}-sec`)
        .replace("URIs: http://deb.debian.org/debian\n", `URIs: ${hostile}\n`),
    );
    expect(out.options).toEqual(["-o", "Dir::Etc::SourceList=/dev/null", "-o", `Dir::Etc::SourceParts=${out.files.build}`]);
    // The shipped sources are untouched.
    expect(out.shipped["debian.sources"]).toBe(debianSources);
    expect(aptUris(out.files.build, out.dir)).toContain(`'${hostile}/dists/bookworm/InRelease'`);
  });

  test("one-line sources keep their options; only the archive named by the set mirror changes", () => {
    const list =
      "# a comment with http://deb.debian.org/debian\ndeb [signed-by=/usr/share/keyrings/k.gpg] http://deb.debian.org/debian bookworm main\ndeb http://deb.debian.org/debian-security bookworm-security main\n";
    const out = run([], { "sources.list": list }, { KILN_APT_DEBIAN_MIRROR: "https://m.example/debian" });
    expect(out.build["sources.list"]).toBe(
      "# a comment with http://deb.debian.org/debian\ndeb [signed-by=/usr/share/keyrings/k.gpg] https://m.example/debian bookworm main\ndeb http://deb.debian.org/debian-security bookworm-security main\n",
    );
  });

  test("without a mirror apt reads the image's own sources", () => {
    const out = run([], { "debian.sources": debianSources });
    expect(out.options).toEqual([]);
    expect(out.build).toEqual({});
  });

  const key = [
    "-----BEGIN PGP PUBLIC KEY BLOCK-----",
    "",
    "mDMEZkiln0WJKwYBBAHaRw8BAQdA",
    "=kiln",
    "-----END PGP PUBLIC KEY BLOCK-----",
    "",
  ].join("\n");

  test("a third-party repository is a deb822 file with its key embedded, which apt parses", () => {
    const out = run(
      [
        {
          name: "vendor",
          url: "https://vendor.example/a&b'c/debian",
          suites: ["bookworm"],
          components: ["main", "contrib"],
          signedBy: key,
        },
      ],
      {},
    );
    expect(out.shipped["kiln-repo-vendor.sources"]).toBe(
      [
        "Types: deb",
        "URIs: https://vendor.example/a&b'c/debian",
        "Suites: bookworm",
        "Components: main contrib",
        "Signed-By:",
        " -----BEGIN PGP PUBLIC KEY BLOCK-----",
        " .",
        " mDMEZkiln0WJKwYBBAHaRw8BAQdA",
        " =kiln",
        " -----END PGP PUBLIC KEY BLOCK-----",
        "",
      ].join("\n"),
    );
    const uris = aptUris(out.files.sourceParts, out.dir);
    expect(uris).toContain("'https://vendor.example/a&b'c/debian/dists/bookworm/InRelease'");
    expect(uris).toContain("/dists/bookworm/contrib/binary-amd64/Packages");
  });

  test("a mirror never rewrites a third-party repository, even one whose path ends in /debian", () => {
    const out = run(
      [
        {
          name: "vendor",
          url: "https://vendor.example/debian",
          suites: ["bookworm"],
          components: ["main"],
          signedBy: "/usr/share/keyrings/vendor.gpg",
        },
      ],
      { "debian.sources": debianSources },
      { KILN_APT_DEBIAN_MIRROR: "https://m.example/debian" },
    );
    expect(out.build["kiln-repo-vendor.sources"]).toContain("URIs: https://vendor.example/debian\n");
    expect(out.build["kiln-repo-vendor.sources"]).toContain("Signed-By: /usr/share/keyrings/vendor.gpg\n");
    expect(out.build["debian.sources"]).toContain("URIs: https://m.example/debian\n");
  });

  test.each([
    ["a newline in the URL", { url: "https://v.example/debian\nTypes: deb-src" }],
    ["a space in a suite", { suites: ["bookworm main"] }],
    ["a relative keyring path", { signedBy: "keys/vendor.gpg" }],
    ["a key block with a field after it", { signedBy: `${key}Trusted: yes\n` }],
    ["no scheme", { url: "vendor.example/debian" }],
  ])("%s is refused", (_what, change) => {
    const repository = {
      name: "vendor",
      url: "https://vendor.example/debian",
      suites: ["bookworm"],
      signedBy: "/usr/share/keyrings/v.gpg",
      ...change,
    };
    expect(aptRepositorySchema.safeParse(repository).success).toBe(false);
  });

  test("a Debian definition's repositories reach the install step, and apk ones are refused", () => {
    const define = (repositories: unknown) =>
      resolveImage(
        defineImage({
          name: "x",
          description: "x",
          base: "debian:bookworm",
          user: "root",
          rootReason: "test",
          packages: ["vendor-tool"],
          repositories,
        } as never),
        {
          file: "images/x/image.ts",
        },
      );
    const image = define({
      apt: [{ name: "vendor", url: "https://vendor.example/debian", suites: ["bookworm"], signedBy: "/usr/share/keyrings/v.gpg" }],
    });
    const script = image.distro.installScript(image.packages, [], [], image.repositories);
    expect(script.indexOf("kiln-repo-vendor.sources")).toBeLessThan(script.indexOf('apt-get "${apt_options[@]}" update'));
    expect(() => define({ apk: [{ url: "edge/testing", tag: "testing" }] })).toThrow(/repositories\.apk: the image is debian/);
  });
});
