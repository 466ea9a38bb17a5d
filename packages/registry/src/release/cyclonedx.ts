import { createHash } from "node:crypto";
import { Enums, Models, Serialize, Spec } from "@cyclonedx/cyclonedx-library";
import { createdTime, imagePurl, mergePackages, type SbomInput, type SbomPackage } from "./sbom.js";

/** RFC 4122 name-based UUID (v5, SHA-1) in the URL namespace: a serial number the same for one image digest. */
function uuidV5(name: string): string {
  const namespace = Buffer.from("6ba7b8119dad11d180b400c04fd430c8", "hex");
  const bytes = createHash("sha1").update(namespace).update(name).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function component(pkg: SbomPackage): Models.Component {
  const shipped = pkg.relationship === "contains";
  const component = new Models.Component(pkg.name === "pnpm" ? Enums.ComponentType.Application : Enums.ComponentType.Library, pkg.name, {
    bomRef: pkg.purl,
    version: pkg.version,
    purl: pkg.purl,
    // excluded: not part of the image at run time, only of its build.
    scope: shipped ? Enums.ComponentScope.Required : Enums.ComponentScope.Excluded,
  });
  for (const hash of pkg.hashes ?? []) component.hashes.set(Enums.HashAlgorithm[hash.algorithm], hash.hex);
  if (!shipped) component.properties.add(new Models.Property("kiln:relationship", pkg.relationship));
  if (pkg.source) component.properties.add(new Models.Property("kiln:source", pkg.source));
  return component;
}

/**
 * A CycloneDX 1.6 JSON document for one platform of an image, from the same package list as the
 * SPDX one: the image is the metadata component (a container), which depends on every package it
 * contains; packages only build stages used have scope excluded. Rendered by OWASP's own library
 * (its models and normalizer follow the spec), with sorted lists so the bytes are deterministic.
 */
export function cyclonedxDocument(input: SbomInput): string {
  const packages = mergePackages(input.packages);
  const image = new Models.Component(Enums.ComponentType.Container, input.image, {
    bomRef: imagePurl(input),
    version: input.version,
    purl: imagePurl(input),
  });
  image.hashes.set(Enums.HashAlgorithm["SHA-256"], input.digest.replace(/^sha256:/, ""));
  const bom = new Models.Bom({
    serialNumber: `urn:uuid:${uuidV5(`${input.repository}@${input.digest}`)}`,
    metadata: new Models.Metadata({
      timestamp: new Date(createdTime(input.createdEpoch)),
      component: image,
      tools: new Models.Tools({
        components: new Models.ComponentRepository([new Models.Component(Enums.ComponentType.Application, "kiln")]),
      }),
    }),
  });
  for (const pkg of packages) {
    const added = component(pkg);
    bom.components.add(added);
    if (pkg.relationship === "contains") image.dependencies.add(added.bomRef);
  }
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}
