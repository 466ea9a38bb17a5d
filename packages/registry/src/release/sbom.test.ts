import { describe, expect, test } from "vitest";
import { distroPackages, npmPackage, spdxDocument } from "./sbom.js";

const digest = `sha256:${"b".repeat(64)}`;
const input = (lines: string[], distro: "debian" | "alpine" = "debian") => ({
  image: "debian-nginx",
  version: "1.0.0",
  platform: "linux/arm64",
  repository: "127.0.0.1:5000/kiln/debian-nginx",
  digest,
  createdEpoch: 1700000000,
  packages: [...distroPackages(distro, lines), npmPackage("pnpm", "10.34.8")],
});

describe("SPDX 2.3 SBOM from a package list", () => {
  const document = spdxDocument(input(["nginx=1.22.1-9+deb12u2", "libc6=2.36-9+deb12u10", "not a package line"])) as {
    spdxVersion: string;
    documentNamespace: string;
    creationInfo: { created: string };
    packages: {
      SPDXID: string;
      name: string;
      versionInfo: string;
      primaryPackagePurpose?: string;
      externalRefs: { referenceLocator: string }[];
    }[];
    relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
  };

  test("is SPDX 2.3 about the platform image, created at SOURCE_DATE_EPOCH", () => {
    expect(document.spdxVersion).toBe("SPDX-2.3");
    expect(document.documentNamespace).toBe(`https://spdx.org/spdxdocs/kiln/127.0.0.1:5000/kiln/debian-nginx/${digest}`);
    expect(document.creationInfo.created).toBe("2023-11-14T22:13:20Z");
    expect(document.packages[0]).toMatchObject({ name: "debian-nginx", versionInfo: "1.0.0", primaryPackagePurpose: "CONTAINER" });
  });

  test("lists each dpkg package with its Debian version and purl, plus pnpm, skipping lines that are not packages", () => {
    const listed = document.packages.slice(1).map((pkg) => [pkg.name, pkg.versionInfo, pkg.externalRefs[0]?.referenceLocator]);
    expect(listed).toEqual([
      ["libc6", "2.36-9+deb12u10", "pkg:deb/debian/libc6@2.36-9%2Bdeb12u10"],
      ["nginx", "1.22.1-9+deb12u2", "pkg:deb/debian/nginx@1.22.1-9%2Bdeb12u2"],
      ["pnpm", "10.34.8", "pkg:npm/pnpm@10.34.8"],
    ]);
  });

  test("the document describes the image, which contains every package; SPDX ids are valid and unique", () => {
    const ids = document.packages.map((pkg) => pkg.SPDXID);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^SPDXRef-[A-Za-z0-9.-]+$/);
    expect(document.relationships[0]).toEqual({
      spdxElementId: "SPDXRef-DOCUMENT",
      relationshipType: "DESCRIBES",
      relatedSpdxElement: "SPDXRef-Image",
    });
    expect(document.relationships.slice(1).map((r) => r.relatedSpdxElement)).toEqual(ids.slice(1));
  });

  test("apk lines split at the version: name-version-rN", () => {
    expect(distroPackages("alpine", ["musl-1.2.5-r10", "ca-certificates-bundle-20250619-r0"])).toEqual([
      { name: "musl", version: "1.2.5-r10", purl: "pkg:apk/alpine/musl@1.2.5-r10" },
      { name: "ca-certificates-bundle", version: "20250619-r0", purl: "pkg:apk/alpine/ca-certificates-bundle@20250619-r0" },
    ]);
  });

  test("the same input renders the same bytes", () => {
    expect(JSON.stringify(spdxDocument(input(["b=1", "a=2"])))).toBe(JSON.stringify(spdxDocument(input(["a=2", "b=1"]))));
  });
});
