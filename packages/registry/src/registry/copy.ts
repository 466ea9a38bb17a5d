import { indexMediaTypes, type ManifestContent, type RegistryClient } from "./registry.js";

/**
 * Copies the image at `digest` from one repository into another of the same registry, by digest
 * only: blobs are mounted (no bytes move), child manifests then the index are stored under their
 * digests, and no tag is created or moved. Returns the platform manifests of an index.
 */
export async function copyByDigest(from: RegistryClient, to: RegistryClient, digest: string): Promise<void> {
  const manifest = await from.manifest(digest);
  if (!manifest) throw new Error(`copyByDigest: ${from.location.repository}@${digest} does not exist`);
  const content = JSON.parse(manifest.bytes.toString("utf8")) as ManifestContent;
  if (indexMediaTypes.includes(manifest.mediaType)) {
    for (const child of content.manifests ?? []) await copyByDigest(from, to, child.digest);
  } else {
    for (const blob of [content.config, ...(content.layers ?? [])]) if (blob) await to.mountBlob(blob.digest, from);
  }
  await to.putManifest(digest, manifest);
}

/** The platform manifests of an index, without attestation manifests (platform unknown/unknown). */
export function platformManifests(index: ManifestContent): { platform: string; digest: string }[] {
  return (index.manifests ?? [])
    .filter((m) => m.platform && m.platform.os !== "unknown")
    .map((m) => ({
      platform: [m.platform?.os, m.platform?.architecture, m.platform?.variant].filter(Boolean).join("/"),
      digest: m.digest,
    }));
}
