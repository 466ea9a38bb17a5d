import { describe, expect, test } from "vitest";
import { buildPlatform, lockfilePackages } from "./npm-lockfile.js";
import { distroPackages, distroQualifier, mergePackages, npmPackage, shippedNodePackages } from "./sbom.js";

const dpkgStatus = `Package: libc6
Status: install ok installed
Priority: optional
Architecture: arm64
Multi-Arch: same
Version: 2.36-9+deb12u10
Description: GNU C Library: Shared libraries
 Contains the standard libraries.

Package: tzdata
Status: install ok installed
Architecture: all
Version: 2025b-0+deb12u1

Package: removed-but-configured
Status: deinstall ok config-files
Architecture: arm64
Version: 1.0-1
`;

const apkInstalled = `C:Q1abc=
P:musl
V:1.2.5-r10
A:aarch64
T:the musl c library (libc) implementation

C:Q1def=
P:ca-certificates-bundle
V:20250619-r0
A:aarch64
`;

describe("distro packages from the package database", () => {
  test("dpkg status: installed stanzas only, each with its architecture and the distro release in the purl", () => {
    expect(distroPackages("debian", dpkgStatus, 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n')).toEqual([
      {
        name: "libc6",
        version: "2.36-9+deb12u10",
        purl: "pkg:deb/debian/libc6@2.36-9+deb12u10?arch=arm64&distro=debian-12",
        relationship: "contains",
      },
      {
        name: "tzdata",
        version: "2025b-0+deb12u1",
        purl: "pkg:deb/debian/tzdata@2025b-0+deb12u1?arch=all&distro=debian-12",
        relationship: "contains",
      },
    ]);
  });

  test("apk installed: P, V and A lines", () => {
    expect(distroPackages("alpine", apkInstalled, "ID=alpine\nVERSION_ID=3.22.1\n").map((p) => p.purl)).toEqual([
      "pkg:apk/alpine/musl@1.2.5-r10?arch=aarch64&distro=alpine-3.22.1",
      "pkg:apk/alpine/ca-certificates-bundle@20250619-r0?arch=aarch64&distro=alpine-3.22.1",
    ]);
  });

  test("Ubuntu's packages are pkg:deb/ubuntu; no os-release, no distro qualifier", () => {
    expect(distroPackages("ubuntu", dpkgStatus)[0]?.purl).toBe("pkg:deb/ubuntu/libc6@2.36-9+deb12u10?arch=arm64");
    expect(distroQualifier('ID=ubuntu\nVERSION_ID="24.04"\n')).toBe("ubuntu-24.04");
  });
});

describe("Node packages shipped in the image (package.json under node_modules)", () => {
  const file = (path: string, manifest: unknown) => ({ path, text: JSON.stringify(manifest) });
  const found = shippedNodePackages([
    file("/opt/app/node_modules/.pnpm/express@4.21.2/node_modules/express/package.json", { name: "express", version: "4.21.2" }),
    file("/opt/app/node_modules/.pnpm/@types+node@20.1.0/node_modules/@types/node/package.json", {
      name: "@types/node",
      version: "20.1.0",
    }),
    // the same package twice (npm's nested copies): listed once, at its first path
    file("/usr/local/lib/pnpm/package.json", { name: "pnpm", version: "10.34.8" }),
    file("/usr/local/lib/pnpm/dist/package.json", { name: "pnpm-dist-marker", version: "0.0.0" }),
    file("/usr/local/lib/pnpm/dist/node_modules/ms/package.json", { name: "ms", version: "2.1.3" }),
    file("/usr/local/lib/pnpm/dist/node_modules/debug/node_modules/ms/package.json", { name: "ms", version: "2.1.3" }),
    // not package roots: a subdirectory's package.json, a manifest without a version, broken JSON
    file("/opt/app/node_modules/.pnpm/express@4.21.2/node_modules/express/lib/package.json", { type: "commonjs" }),
    file("/opt/app/node_modules/workspace-thing/package.json", { name: "workspace-thing" }),
    { path: "/opt/app/node_modules/broken/package.json", text: "{" },
  ]);

  test("each package once, npm purls (scopes as %40), the path it was found at, contained in the image; pnpm where node() unpacks it", () => {
    expect(found).toEqual([
      {
        name: "@types/node",
        version: "20.1.0",
        purl: "pkg:npm/%40types/node@20.1.0",
        relationship: "contains",
        source: "/opt/app/node_modules/.pnpm/@types+node@20.1.0/node_modules/@types/node",
      },
      {
        name: "express",
        version: "4.21.2",
        purl: "pkg:npm/express@4.21.2",
        relationship: "contains",
        source: "/opt/app/node_modules/.pnpm/express@4.21.2/node_modules/express",
      },
      {
        name: "ms",
        version: "2.1.3",
        purl: "pkg:npm/ms@2.1.3",
        relationship: "contains",
        source: "/usr/local/lib/pnpm/dist/node_modules/debug/node_modules/ms",
      },
      { name: "pnpm", version: "10.34.8", purl: "pkg:npm/pnpm@10.34.8", relationship: "contains", source: "/usr/local/lib/pnpm" },
    ]);
  });
});

describe("a build stage's packages from its lock file", () => {
  const pnpmLock = `lockfileVersion: '9.0'

importers:
  .:
    dependencies:
      hexo:
        specifier: 7.3.0
        version: 7.3.0(chokidar@3.6.0)

packages:

  '@esbuild/linux-arm64@0.27.7':
    resolution: {integrity: sha512-${Buffer.alloc(64, 1).toString("base64")}}
    cpu: [arm64]
    os: [linux]

  '@esbuild/linux-x64@0.27.7':
    resolution: {integrity: sha512-${Buffer.alloc(64, 2).toString("base64")}}
    cpu: [x64]
    os: [linux]

  '@esbuild/darwin-x64@0.27.7':
    resolution: {integrity: sha512-${Buffer.alloc(64, 3).toString("base64")}}
    cpu: [x64]
    os: [darwin]

  '@rollup/rollup-linux-x64-musl@4.0.0':
    resolution: {integrity: sha512-${Buffer.alloc(64, 4).toString("base64")}}
    cpu: [x64]
    os: [linux]
    libc: [musl]

  hexo@7.3.0:
    resolution: {integrity: sha512-${Buffer.alloc(64, 5).toString("base64")}}

  fsevents@2.3.3:
    resolution: {integrity: sha512-${Buffer.alloc(64, 6).toString("base64")}}
    os: ['!linux']

snapshots:
  hexo@7.3.0(chokidar@3.6.0): {}
`;

  test("pnpm v9: every package installed on the build platform, with the integrity the install checked", () => {
    const packages = lockfilePackages({ path: "site/pnpm-lock.yaml", text: pnpmLock }, buildPlatform("x86_64", "glibc"));
    expect(packages.map((p) => p.purl)).toEqual(["pkg:npm/%40esbuild/linux-x64@0.27.7", "pkg:npm/hexo@7.3.0"]);
    expect(packages[1]).toEqual({
      name: "hexo",
      version: "7.3.0",
      purl: "pkg:npm/hexo@7.3.0",
      relationship: "build-dependency",
      hashes: [{ algorithm: "SHA-512", hex: "05".repeat(64) }],
      source: "site/pnpm-lock.yaml",
    });
  });

  test("on an arm64 musl builder, the arm64 binary instead (and the musl one matches musl only)", () => {
    const packages = lockfilePackages({ path: "site/pnpm-lock.yaml", text: pnpmLock }, buildPlatform("aarch64", "musl"));
    expect(packages.map((p) => p.name)).toEqual(["@esbuild/linux-arm64", "hexo"]);
    const x64Musl = lockfilePackages({ path: "site/pnpm-lock.yaml", text: pnpmLock }, buildPlatform("x86_64", "musl"));
    expect(x64Musl.map((p) => p.name)).toContain("@rollup/rollup-linux-x64-musl");
  });

  test("pnpm v6 keys (/name@version(peers)) and package-lock.json v3 (nested copies, links and the root left out)", () => {
    const v6 = "lockfileVersion: '6.0'\npackages:\n  /hexo@7.3.0(chokidar@3.6.0):\n    resolution: {integrity: sha1-AAAA}\n";
    expect(lockfilePackages({ path: "pnpm-lock.yaml", text: v6 }, buildPlatform("x86_64", "glibc"))).toMatchObject([
      { name: "hexo", version: "7.3.0", hashes: [{ algorithm: "SHA-1", hex: "000000" }] },
    ]);
    const npmLock = JSON.stringify({
      lockfileVersion: 3,
      packages: {
        "": { name: "site", version: "1.0.0" },
        "node_modules/marked": { version: "15.0.0", integrity: "sha512-AAAA" },
        "node_modules/@scope/tool": { version: "1.2.3" },
        "node_modules/a/node_modules/marked": { version: "14.1.0" },
        "node_modules/local": { resolved: "packages/local", link: true },
      },
    });
    expect(
      lockfilePackages({ path: "site/package-lock.json", text: npmLock }, buildPlatform("x86_64", "glibc")).map((p) => p.purl),
    ).toEqual(["pkg:npm/marked@15.0.0", "pkg:npm/%40scope/tool@1.2.3", "pkg:npm/marked@14.1.0"]);
  });
});

describe("one list from the database, the image's node_modules and the build stages", () => {
  test("a package both shipped and built with is listed once, as shipped; sorted by name and version", () => {
    const merged = mergePackages(
      [npmPackage("marked", "15.0.0", "build-dependency", { source: "site/pnpm-lock.yaml" }), npmPackage("pnpm", "10.34.8", "build-tool")],
      [npmPackage("marked", "15.0.0", "contains", { source: "/opt/app/node_modules/marked" }), npmPackage("ansi", "1.0.0", "contains")],
    );
    expect(merged.map((p) => [p.name, p.relationship])).toEqual([
      ["ansi", "contains"],
      ["marked", "contains"],
      ["pnpm", "build-tool"],
    ]);
  });
});
