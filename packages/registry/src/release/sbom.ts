import type { DistroName } from "@kiln/core";

/** One package in an image: what the distro's database lists, or what kiln installed itself. */
export interface SbomPackage {
  name: string;
  version: string;
  /** package URL (purl), the identifier scanners match vulnerabilities on */
  purl: string;
}

export interface SbomInput {
  image: string;
  version: string;
  platform: string;
  /** the platform manifest as pushed: `<registry>/<image>` and its digest */
  repository: string;
  digest: string;
  /** seconds since the epoch (SOURCE_DATE_EPOCH), so the document is the same for one commit */
  createdEpoch: number;
  packages: SbomPackage[];
}

/** purl types and namespaces per distro (purl-spec: pkg:deb/debian/…, pkg:apk/alpine/…). */
const purlType: Record<DistroName, { type: string; namespace: string }> = {
  debian: { type: "deb", namespace: "debian" },
  ubuntu: { type: "deb", namespace: "ubuntu" },
  alpine: { type: "apk", namespace: "alpine" },
};

/**
 * The distro's package list as `installedPackages` reads it — `name=version` from dpkg-query,
 * `name-version-rN` from `apk info -v` — as SBOM packages.
 */
export function distroPackages(distro: DistroName, lines: string[]): SbomPackage[] {
  const { type, namespace } = purlType[distro];
  return lines.flatMap((line) => {
    const match = type === "deb" ? /^([^=]+)=(.+)$/.exec(line) : /^(.+)-([^-]+-r\d+)$/.exec(line);
    if (!match) return [];
    const [, name, version] = match as unknown as [string, string, string];
    return [{ name, version, purl: `pkg:${type}/${namespace}/${encodeURIComponent(name)}@${encodeURIComponent(version)}` }];
  });
}

/** An npm package kiln put into an image itself (pnpm beside Node). */
export function npmPackage(name: string, version: string): SbomPackage {
  const purlName = name.startsWith("@") ? `%40${name.slice(1)}` : name;
  return { name, version, purl: `pkg:npm/${purlName}@${version}` };
}

/**
 * An SPDX 2.3 JSON document for one platform of an image: the image as the described package,
 * containing every package listed. Deterministic: the same input gives the same bytes.
 */
export function spdxDocument(input: SbomInput): Record<string, unknown> {
  const imageId = "SPDXRef-Image";
  const packages = [...input.packages].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  const ids = packages.map((pkg, i) => `SPDXRef-Package-${i + 1}-${pkg.name.replace(/[^A-Za-z0-9.-]/g, "-")}`);
  const [, arch] = input.platform.split("/");
  return {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name: `${input.image} ${input.version} ${input.platform}`,
    // Unique per platform image: the digest is what the document is about.
    documentNamespace: `https://spdx.org/spdxdocs/kiln/${input.repository}/${input.digest}`,
    creationInfo: { created: new Date(input.createdEpoch * 1000).toISOString().replace(".000Z", "Z"), creators: ["Tool: kiln"] },
    documentDescribes: [imageId],
    packages: [
      {
        SPDXID: imageId,
        name: input.image,
        versionInfo: input.version,
        downloadLocation: "NOASSERTION",
        filesAnalyzed: false,
        primaryPackagePurpose: "CONTAINER",
        checksums: [{ algorithm: "SHA256", checksumValue: input.digest.replace(/^sha256:/, "") }],
        externalRefs: [
          {
            referenceCategory: "PACKAGE-MANAGER",
            referenceType: "purl",
            referenceLocator: `pkg:oci/${input.image}@${encodeURIComponent(input.digest)}?repository_url=${encodeURIComponent(input.repository)}&arch=${arch ?? ""}&tag=${input.version}`,
          },
        ],
      },
      ...packages.map((pkg, i) => ({
        SPDXID: ids[i],
        name: pkg.name,
        versionInfo: pkg.version,
        downloadLocation: "NOASSERTION",
        filesAnalyzed: false,
        externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: pkg.purl }],
      })),
    ],
    relationships: [
      { spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES", relatedSpdxElement: imageId },
      ...ids.map((id) => ({ spdxElementId: imageId, relationshipType: "CONTAINS", relatedSpdxElement: id })),
    ],
  };
}
