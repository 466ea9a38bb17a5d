import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { dpkgExcludes } from "./apt-fetch.js";
import { baseTrimScript } from "./base-trim.js";

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Every file and symlink under dir, relative to it, sorted. */
function filesUnder(dir: string): string[] {
  return execFileSync("find", [".", "!", "-type", "d"], { cwd: dir, encoding: "utf8" })
    .split("\n")
    .filter(Boolean)
    .map((line) => line.replace(/^\.\//, ""))
    .sort();
}

/** Runs the trim script in real bash against a file tree under a temp dir standing in for /. */
function trim(files: string[], links: [string, string][] = []): void {
  root = mkdtempSync(path.join(tmpdir(), "kiln-base-trim-"));
  for (const file of files) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), file);
  }
  for (const [link, target] of links) symlinkSync(target, path.join(root, link));
  mkdirSync(path.join(root, "etc/dpkg/dpkg.cfg.d"), { recursive: true });
  const script = baseTrimScript().replaceAll("/usr/share/", `${root}/usr/share/`).replaceAll("/etc/dpkg/", `${root}/etc/dpkg/`);
  execFileSync("bash", ["-eo", "pipefail", "-c", script], { encoding: "utf8" });
}

describe("baseTrimScript", () => {
  test("deletes what the dpkg excludes leave out and keeps copyright files, locale.alias and everything else", () => {
    trim(
      [
        "usr/share/doc/bash/copyright",
        "usr/share/doc/bash/changelog.Debian.gz",
        "usr/share/doc/bash/examples/loadables/Makefile",
        "usr/share/man/man1/bash.1.gz",
        "usr/share/man/de/man1/ls.1.gz",
        "usr/share/info/bash.info.gz",
        "usr/share/locale/locale.alias",
        "usr/share/locale/de/LC_MESSAGES/bash.mo",
        "usr/share/lintian/overrides/bash",
        "usr/share/zoneinfo/UTC",
        "usr/share/common-licenses/GPL-3",
        "usr/bin/bash",
      ],
      [["usr/share/doc/libc-bin", "libc6"]],
    );
    expect(filesUnder(root)).toEqual([
      "etc/dpkg/dpkg.cfg.d/kiln-excludes",
      "usr/bin/bash",
      "usr/share/common-licenses/GPL-3",
      "usr/share/doc/bash/copyright",
      "usr/share/locale/locale.alias",
      "usr/share/zoneinfo/UTC",
    ]);
  });

  test("removes the directories it emptied, not the trees' roots", () => {
    trim(["usr/share/man/man1/bash.1.gz", "usr/share/locale/de/LC_MESSAGES/bash.mo", "usr/share/doc/bash/copyright"]);
    const dirs = execFileSync("find", ["usr/share", "-type", "d"], { cwd: root, encoding: "utf8" }).split("\n").filter(Boolean).sort();
    expect(dirs).toEqual(["usr/share", "usr/share/doc", "usr/share/doc/bash", "usr/share/locale", "usr/share/man"]);
  });

  test("leaves the excludes file, so later apt installs leave out the same files", () => {
    trim(["usr/share/doc/bash/copyright"]);
    // The test moved /usr/share under the temp dir in the script, the excludes file's lines too.
    const lines = dpkgExcludes.map((line) => line.replace("=/usr/share/", `=${root}/usr/share/`));
    expect(readFileSync(path.join(root, "etc/dpkg/dpkg.cfg.d/kiln-excludes"), "utf8")).toBe(`${lines.join("\n")}\n`);
  });

  test("a base without some of the trees is trimmed all the same", () => {
    trim(["usr/share/doc/bash/README"]);
    expect(filesUnder(root)).toEqual(["etc/dpkg/dpkg.cfg.d/kiln-excludes"]);
  });
});
