import { createdTime, imagePurl, mergePackages, type SbomInput, type SbomRelationship } from "./sbom.js";

/** SPDX 2.3 relationship of each package to the image, and which side of it the image is on. */
const spdxRelationship: Record<SbomRelationship, { type: string; imageFirst: boolean }> = {
  contains: { type: "CONTAINS", imageFirst: true },
  "build-dependency": { type: "BUILD_DEPENDENCY_OF", imageFirst: false },
  "build-tool": { type: "BUILD_TOOL_OF", imageFirst: false },
};

/**
 * An SPDX 2.3 JSON document for one platform of an image: the image as the described package;
 * the packages in it (CONTAINS), and those only its build stages used (BUILD_DEPENDENCY_OF,
 * BUILD_TOOL_OF). Deterministic: the same input gives the same bytes.
 */
export function spdxDocument(input: SbomInput): Record<string, unknown> {
  const imageId = "SPDXRef-Image";
  const packages = mergePackages(input.packages);
  const ids = packages.map((pkg, i) => `SPDXRef-Package-${i + 1}-${pkg.name.replace(/[^A-Za-z0-9.-]/g, "-")}`);
  return {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name: `${input.image} ${input.version} ${input.platform}`,
    // Unique per platform image: the digest is what the document is about.
    documentNamespace: `https://spdx.org/spdxdocs/kiln/${input.repository}/${input.digest}`,
    creationInfo: { created: createdTime(input.createdEpoch), creators: ["Tool: kiln"] },
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
        externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: imagePurl(input) }],
      },
      ...packages.map((pkg, i) => ({
        SPDXID: ids[i],
        name: pkg.name,
        versionInfo: pkg.version,
        downloadLocation: "NOASSERTION",
        filesAnalyzed: false,
        ...(pkg.hashes?.length
          ? { checksums: pkg.hashes.map((h) => ({ algorithm: h.algorithm.replace("-", ""), checksumValue: h.hex })) }
          : {}),
        ...(pkg.source ? { sourceInfo: `found by kiln at ${pkg.source}` } : {}),
        externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: pkg.purl }],
      })),
    ],
    relationships: [
      { spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES", relatedSpdxElement: imageId },
      ...packages.map((pkg, i) => {
        const { type, imageFirst } = spdxRelationship[pkg.relationship];
        const id = ids[i] as string;
        return imageFirst
          ? { spdxElementId: imageId, relationshipType: type, relatedSpdxElement: id }
          : { spdxElementId: id, relationshipType: type, relatedSpdxElement: imageId };
      }),
    ],
  };
}
