import { isHighestStable, versionTags } from "@kiln/core";
import type { RegistryClient } from "../registry/registry.js";
import type { LoadedImage } from "@kiln/core";
import { releaseTagName } from "./git-tags.js";

/** What `kiln release` will do for one image, and why. */
export interface ReleaseStep {
  image: string;
  version: string;
  action: "release" | "tag-only" | "skip";
  reason: string;
  /** tags the release will point at the new image (empty when skipped) */
  tags: string[];
  /** the digest the version tag points at today, when it exists */
  publishedDigest?: string;
}

export interface ReleasePlanOptions {
  revision?: string;
  /** `<image>@<version>` git tags: a version with a tag was released before */
  gitTags: Set<string>;
  client: (image: string) => RegistryClient;
}

/**
 * An image is released when its version moved: its `<image>@<version>` git tag does not exist yet
 * (changesets bumped it). Among those, a version the registry already has is not pushed again,
 * which makes a release resumable: after a failure, the next run pushes exactly what is missing.
 */
export async function planRelease(images: LoadedImage[], options: ReleasePlanOptions): Promise<ReleaseStep[]> {
  const steps: ReleaseStep[] = [];
  for (const image of images) {
    const { name, version } = image.pkg;
    if (options.gitTags.has(releaseTagName(name, version))) {
      steps.push({
        image: name,
        version,
        action: "skip",
        reason: `${releaseTagName(name, version)} was released before (git tag)`,
        tags: [],
      });
      continue;
    }
    const client = options.client(name);
    const published = await client.digest(version);
    if (published) {
      steps.push({
        image: name,
        version,
        action: "tag-only",
        reason: `${version} is already in the registry (${published.slice(0, 19)}…); only the git tag is missing`,
        tags: [],
        publishedDigest: published,
      });
      continue;
    }
    const existing = await client.tags();
    const latest = isHighestStable(version, existing);
    steps.push({
      image: name,
      version,
      action: "release",
      reason: existing.length === 0 ? "first release of this image" : `version ${version} has no tag yet`,
      tags: versionTags({ version, revision: options.revision, latest }),
    });
  }
  return steps;
}
