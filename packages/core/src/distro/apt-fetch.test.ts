import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { aptFetchDir, aptFetchScript, aptIndexDir, aptIndexScript, aptTargetRoot, dpkgExcludes } from "./apt-fetch.js";
import { debian } from "./debian.js";

/**
 * The index and fetch scripts run in real bash with this machine's real apt-get, against a
 * package archive in a temp dir: a suite "kiln" of packages built with dpkg-deb, served
 * through apt's copy: method (which, unlike file:, copies the .deb files into the archives
 * directory as a download would). The packages are for armhf, which this machine is not: the
 * scripts fetch for the target's architecture, read from the target base's dpkg entry.
 */
const archives = [{ pathSuffix: "debian", mirrorArg: "KILN_APT_DEBIAN_MIRROR" }];
let dir: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "kiln-apt-fetch-"));
  for (const sub of ["repo", "target/var/lib/dpkg", "apt/parts", "apt/sources.d", "apt/preferences.d", "apt/state", "apt/cache", "apt/log"])
    mkdirSync(path.join(dir, sub), { recursive: true });
  writeFileSync(path.join(dir, "target/var/lib/dpkg/status"), status);
  writeFileSync(path.join(dir, "apt/sources.list"), `deb [trusted=yes] copy:${dir}/repo kiln main\n`);
  // Everything apt keeps of its own goes to the temp dir; the scripts' -o options set the rest.
  const config = [
    `Dir::Etc::Parts "${dir}/apt/parts";`,
    `Dir::Etc::SourceList "${dir}/apt/sources.list";`,
    `Dir::Etc::SourceParts "${dir}/apt/sources.d";`,
    `Dir::Etc::PreferencesParts "${dir}/apt/preferences.d";`,
    `Dir::Etc::Preferences "${dir}/apt/preferences";`,
    `Dir::State "${dir}/apt/state";`,
    `Dir::Cache "${dir}/apt/cache";`,
    `Dir::Log "${dir}/apt/log";`,
    `APT::Sandbox::User "${userInfo().username}";`,
    'Debug::NoLocking "true";',
  ];
  writeFileSync(path.join(dir, "apt/apt.conf"), `${config.join("\n")}\n`);
  env = { ...process.env, APT_CONFIG: path.join(dir, "apt/apt.conf") };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The target base's dpkg status: dpkg's own entry names the architecture (armhf), not the first entry's. */
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

interface Package {
  name: string;
  version: string;
  depends?: string;
}

/** Publishes exactly `packages` in the repository (older files removed, as an archive drops superseded versions). */
function publish(packages: Package[]): void {
  const repo = path.join(dir, "repo");
  for (const file of readdirSync(repo)) rmSync(path.join(repo, file), { recursive: true });
  for (const pkg of packages) {
    const root = path.join(dir, "build", `${pkg.name}-${pkg.version}`);
    mkdirSync(path.join(root, "DEBIAN"), { recursive: true });
    const control = [
      `Package: ${pkg.name}`,
      `Version: ${pkg.version}`,
      "Architecture: armhf",
      "Maintainer: kiln tests <tests@kiln.invalid>",
      ...(pkg.depends ? [`Depends: ${pkg.depends}`] : []),
      "Description: a package of the test archive",
    ];
    writeFileSync(path.join(root, "DEBIAN/control"), `${control.join("\n")}\n`);
    execFileSync("dpkg-deb", ["--build", "--root-owner-group", root, path.join(repo, `${pkg.name}_${pkg.version}_armhf.deb`)], {
      stdio: "pipe",
    });
  }
  // The index lies where apt asks for one architecture's packages: dists/<suite>/<component>/binary-<arch>/.
  const index = execFileSync("dpkg-scanpackages", ["--arch", "armhf", "."], {
    cwd: repo,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  mkdirSync(path.join(repo, "dists/kiln/main/binary-armhf"), { recursive: true });
  writeFileSync(path.join(repo, "dists/kiln/main/binary-armhf/Packages"), index);
  const sha256 = createHash("sha256").update(index).digest("hex");
  const release = [
    "Origin: kiln-tests",
    "Suite: kiln",
    `Date: ${new Date().toUTCString()}`,
    "Architectures: armhf",
    "Components: main",
    "SHA256:",
    ` ${sha256} ${Buffer.byteLength(index)} main/binary-armhf/Packages`,
  ];
  writeFileSync(path.join(repo, "dists/kiln/Release"), `${release.join("\n")}\n`);
}

/** A stage's script with its fixed paths moved into the temp dir, run in bash as the Dockerfile's SHELL runs it. */
function run(script: string): { status: number | null; stderr: string } {
  const moved = script
    .replaceAll(aptTargetRoot, path.join(dir, "target"))
    .replaceAll(aptIndexDir, path.join(dir, "indexes"))
    .replaceAll(aptFetchDir, path.join(dir, "packages"));
  const result = spawnSync("bash", ["-eo", "pipefail", "-c", moved], { env, encoding: "utf8" });
  return { status: result.status, stderr: result.stderr };
}

const fetchIndexes = () => run(aptIndexScript(archives, []));
const fetchPackages = (packages: string[]) => run(aptFetchScript(archives, packages, []));
const downloaded = () =>
  readdirSync(path.join(dir, "packages/archives"))
    .filter((file) => file.endsWith(".deb"))
    .sort();
const listFile = (root: string) => readdirSync(path.join(dir, root, "lists")).find((file) => file.endsWith("_Packages"));
const packageIndex = (root: string) => readFileSync(path.join(dir, root, "lists", listFile(root) as string), "utf8");
const stanzas = (index: string) =>
  index
    .split("\n\n")
    .filter((stanza) => stanza.trim() !== "")
    .map((stanza) => stanza.split("\n").slice(0, 2).join(" "));

describe("aptIndexScript", () => {
  test("fetches the target architecture's indexes (its dpkg entry's) and downloads nothing", () => {
    publish([{ name: "kiln-probe", version: "1.0" }]);
    const result = fetchIndexes();
    expect(result.stderr).not.toMatch(/^E:/m);
    expect(result.status).toBe(0);
    // apt named the index after the architecture it asked for: armhf, dpkg's, not arm64 (the first entry's).
    expect(listFile("indexes")).toMatch(/_dists_kiln_main_binary-armhf_Packages$/);
    expect(stanzas(packageIndex("indexes"))).toEqual(["Package: kiln-probe Version: 1.0"]);
    expect(readdirSync(path.join(dir, "indexes"))).toEqual(["lists"]);
  });

  test("the index and fetch stages write no binary caches (apt keeps them in memory)", () => {
    publish([{ name: "kiln-probe", version: "1.0" }]);
    expect(fetchIndexes().status).toBe(0);
    expect(fetchPackages(["kiln-probe"]).status).toBe(0);
    expect(downloaded()).toEqual(["kiln-probe_1.0_armhf.deb"]);
    // Dir::Cache of this test's apt (apt.conf above): where pkgcache.bin and srcpkgcache.bin go.
    expect(readdirSync(path.join(dir, "apt/cache")).filter((file) => file.endsWith(".bin"))).toEqual([]);
  });

  test("a target base without dpkg stops the build with the file it read", () => {
    writeFileSync(path.join(dir, "target/var/lib/dpkg/status"), "Package: busybox\nArchitecture: arm64\n");
    const result = fetchIndexes();
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/no dpkg entry in the target base's/);
  });
});

describe("aptFetchScript", () => {
  test("downloads the packages and their dependencies from the shared indexes, without fetching them again", () => {
    publish([
      { name: "kiln-probe", version: "1.0", depends: "kiln-dep" },
      { name: "kiln-dep", version: "3.1" },
      { name: "kiln-other", version: "2.0" },
    ]);
    expect(fetchIndexes().status).toBe(0);
    const result = fetchPackages(["kiln-probe"]);
    expect(result.status).toBe(0);
    expect(result.stderr).not.toContain("fetching them again");
    expect(downloaded()).toEqual(["kiln-dep_3.1_armhf.deb", "kiln-probe_1.0_armhf.deb"]);
    // The shared indexes are read, not written: another image's fetch reads them whole.
    expect(stanzas(packageIndex("indexes"))).toHaveLength(3);
  });

  test("the indexes it leaves keep only the packages that were downloaded, whole entries", () => {
    publish([
      { name: "kiln-probe", version: "1.0", depends: "kiln-dep" },
      { name: "kiln-dep", version: "3.1" },
      { name: "kiln-other", version: "2.0" },
    ]);
    fetchIndexes();
    fetchPackages(["kiln-probe"]);
    const kept = packageIndex("packages");
    expect(stanzas(kept)).toEqual(["Package: kiln-dep Version: 3.1", "Package: kiln-probe Version: 1.0"]);
    expect(kept).toContain("Depends: kiln-dep\n");
  });

  test("when the archive has dropped the version the shared indexes name, it fetches the indexes again and downloads the new one", () => {
    publish([{ name: "kiln-probe", version: "1.0" }]);
    fetchIndexes();
    publish([{ name: "kiln-probe", version: "1.1" }]);
    const result = fetchPackages(["kiln-probe"]);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain("fetching them again and retrying once");
    expect(downloaded()).toEqual(["kiln-probe_1.1_armhf.deb"]);
    expect(stanzas(packageIndex("packages"))).toEqual(["Package: kiln-probe Version: 1.1"]);
  });

  test("a package the archive does not have fails the build after the one retry", () => {
    publish([{ name: "kiln-probe", version: "1.0" }]);
    fetchIndexes();
    const result = fetchPackages(["kiln-missing"]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/Unable to locate package kiln-missing/);
    expect(result.stderr.match(/fetching them again/g)).toHaveLength(1);
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
