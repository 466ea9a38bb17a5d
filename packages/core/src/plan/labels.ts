import type { ResolvedImage } from "../resolve/resolved-image.js";
import { entriesByKey } from "../text/code-point-order.js";

export interface LabelOptions {
  version: string;
  revision?: string;
  /** repository URL for org.opencontainers.image.source */
  source?: string;
  /** seconds since the epoch; SOURCE_DATE_EPOCH, so two builds of one commit label alike */
  createdEpoch?: number;
  /** the base reference as pulled and its digest, when known (lock file, registry, pushed parent) */
  baseName?: string;
  baseDigest?: string;
}

/**
 * The per-build OCI labels. Static ones (title, description, licenses) are in the Dockerfile;
 * these change with every version or commit, so they come from the build plan instead.
 */
export function buildLabels(image: ResolvedImage, options: LabelOptions): Record<string, string> {
  const labels: Record<string, string> = {
    "org.opencontainers.image.title": image.name,
    "org.opencontainers.image.description": image.description,
    "org.opencontainers.image.licenses": image.license,
    "org.opencontainers.image.version": options.version,
  };
  if (options.revision) labels["org.opencontainers.image.revision"] = options.revision;
  if (options.source) labels["org.opencontainers.image.source"] = options.source;
  if (options.createdEpoch !== undefined) {
    labels["org.opencontainers.image.created"] = new Date(options.createdEpoch * 1000).toISOString().replace(".000Z", "Z");
  }
  const baseName = options.baseName ?? image.base.reference;
  labels["org.opencontainers.image.base.name"] = baseName;
  // Always set: labels are inherited, so an image left without its own base.digest would carry
  // its parent's, the digest of the parent's base (debian:bookworm's for a child of debian-base).
  // Empty says "not known here" (a local build, or a bake run that builds the parent too).
  labels["org.opencontainers.image.base.digest"] = options.baseDigest ?? "";
  return Object.fromEntries(entriesByKey(labels));
}
