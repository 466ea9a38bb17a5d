import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { aptFetchDir, aptFetchScript, aptTargetRoot, dpkgExcludes } from "./apt-fetch.js";
import { debian } from "./debian.js";

const archives = [{ pathSuffix: "debian", mirrorArg: "KILN_APT_DEBIAN_MIRROR" }];
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs the fetch script in real bash with apt-get replaced by a function that records its
 * arguments, the target root and output directory moved into a temp dir.
 */
function runFetch(status: string, packages: string[]): { calls: string[]; madeDirs: boolean; index: string } {
  dir = mkdtempSync(path.join(tmpdir(), "kiln-apt-fetch-"));
  const target = path.join(dir, "target");
  mkdirSync(path.join(target, "var/lib/dpkg"), { recursive: true });
  writeFileSync(path.join(target, "var/lib/dpkg/status"), status);
  const script = aptFetchScript(archives, packages, [])
    .replaceAll(aptTargetRoot, target)
    .replaceAll(aptFetchDir, path.join(dir, "out"))
    .replaceAll("/etc/apt", path.join(dir, "etc-apt"));
  const log = path.join(dir, "apt-get.log");
  writeFileSync(log, "");
  // apt-get as a function: it records its arguments; update writes an index, install downloads.
  const out = path.join(dir, "out");
  const aptGet = [
    "apt-get() {",
    `  printf '%s\\n' "$*" >> ${log}`,
    `  case "$*" in *" update") printf '%s\\n' ${shellWords(index)} > ${out}/lists/deb.example_debian_dists_bookworm_main_binary-armhf_Packages ;; esac`,
    `  case "$*" in *--download-only*) touch ${out}/archives/nginx_1.22.1-9_armhf.deb ${out}/archives/libssl3_3.0.15-1%3a1_armhf.deb ;; esac`,
    "}",
  ].join("\n");
  execFileSync("bash", ["-euo", "pipefail", "-c", `${aptGet}\n${script}`], { encoding: "utf8" });
  return {
    index: readFileSync(path.join(out, "lists/deb.example_debian_dists_bookworm_main_binary-armhf_Packages"), "utf8"),
    calls: readFileSync(log, "utf8").trim().split("\n"),
    madeDirs: ["lists/partial", "archives/partial"].every((sub) => {
      try {
        execFileSync("test", ["-d", path.join(dir, "out", sub)]);
        return true;
      } catch {
        return false;
      }
    }),
  };
}

const shellWords = (lines: string[]) => lines.map((line) => `'${line}'`).join(" ");

/** An archive index of four packages, two of which the install downloads. */
const index = [
  "Package: apache2",
  "Version: 2.4.62-1",
  "",
  "Package: libssl3",
  "Version: 3.0.15-1",
  "Depends: libc6",
  "",
  "Package: nginx",
  "Version: 1.22.1-9",
  "",
  "Package: zsh",
  "Version: 5.9-4",
];

const status = [
  "Package: base-files",
  "Status: install ok installed",
  "Architecture: arm64",
  "",
  "Package: debconf",
  "Status: install ok installed",
  "Architecture: all",
  "",
  "Package: dpkg",
  "Status: install ok installed",
  "Architecture: armhf",
  "Version: 1.21.22",
  "",
].join("\n");

describe("aptFetchScript", () => {
  test("resolves for the target's architecture (its dpkg entry's) and its package database, then downloads only", () => {
    const { calls, madeDirs } = runFetch(status, ["nginx", "tini"]);
    expect(madeDirs).toBe(true);
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call).toContain("-o APT::Architecture=armhf -o APT::Architectures=armhf");
      expect(call).toContain(`-o Dir::State::status=${dir}/target/var/lib/dpkg/status`);
      expect(call).toContain(`-o Dir::State::Lists=${dir}/out/lists -o Dir::Cache::Archives=${dir}/out/archives`);
    }
    expect(calls[0]).toMatch(/ update$/);
    expect(calls[1]).toMatch(/ install -y --no-install-recommends --download-only nginx tini$/);
  });

  test("the indexes keep only the packages that were downloaded, whole entries", () => {
    const { index: kept } = runFetch(status, ["nginx"]);
    expect(kept).toBe("Package: libssl3\nVersion: 3.0.15-1\nDepends: libc6\n\nPackage: nginx\nVersion: 1.22.1-9\n\n");
  });

  test("a target base without dpkg stops the build with the file it read", () => {
    expect(() => runFetch("Package: busybox\nArchitecture: arm64\n", ["nginx"])).toThrow(/no dpkg entry in the target base's/);
  });
});

describe("apt install from a fetch stage", () => {
  test("reads the mounted indexes and packages, never updates, and installs with dpkg's excludes and unsafe io", () => {
    const lines = debian.installScript(["nginx"], ["gcc"], ["make"], undefined, "/kiln-packages").split("\n");
    expect(lines).not.toContain('apt-get "${apt_options[@]}" update');
    expect(lines).toContain(
      "apt_options+=(-o Dir::State::Lists=/kiln-packages/lists -o Dir::Cache::Archives=/kiln-packages/archives --no-download)",
    );
    expect(lines).toContain("apt_options+=(-o Dpkg::Options::=--force-unsafe-io)");
    const excludes = lines.indexOf("  > /etc/dpkg/dpkg.cfg.d/kiln-excludes");
    expect(excludes).toBeGreaterThan(0);
    expect(excludes).toBeLessThan(lines.findIndex((line) => line.includes("install -y")));
  });

  test("without a fetch stage the install updates the indexes itself", () => {
    const lines = debian.installScript(["nginx"], [], []).split("\n");
    expect(lines).toContain('apt-get "${apt_options[@]}" update');
    expect(lines.join("\n")).not.toContain("--no-download");
  });

  test("the excludes keep copyright files and drop documentation, manual pages and translations", () => {
    expect(dpkgExcludes).toEqual(
      expect.arrayContaining([
        "path-exclude=/usr/share/doc/*",
        "path-include=/usr/share/doc/*/copyright",
        "path-exclude=/usr/share/man/*",
        "path-exclude=/usr/share/locale/*",
      ]),
    );
  });
});
