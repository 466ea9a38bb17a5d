import { KilnError } from "../errors.js";
import type { Command } from "../exec/exec.js";
import { platformDigestSchema, type PlatformDigest } from "../build/platform-digest.js";
import { versionTags } from "./tags.js";

/** A merge refused: the digests do not make one image of one commit. Nothing was pushed or tagged. Exit 2. */
export class MergeRefusedError extends KilnError {
  readonly code = "KILN_MERGE_REFUSED";
  readonly exitCode = 2;
}

export interface MergeInput {
  image: string;
  version: string;
  /** the platforms the image is built for: each needs its digest */
  platforms: string[];
  /** `<registry>` (host and namespace) the index is pushed to */
  registry: string;
  /** digest files as read: the file's path (for messages) and its parsed JSON */
  files: { file: string; content: unknown }[];
  latest?: boolean;
}

export interface MergePlan {
  image: string;
  version: string;
  commit: string;
  repository: string;
  /** the per-platform digests, in the image's platform order */
  digests: PlatformDigest[];
  tags: string[];
  /** `docker buildx imagetools create`: one index from the digests, under every version tag */
  command: Command;
}

/**
 * Plans one index from per-platform digests pushed by separate builds. Refuses, before anything
 * is pushed: no digest file, a file that is not a digest record, a digest of another image,
 * version or repository, digests of different commits, two digests for one platform, and a
 * platform of the image with no digest. (Whether each digest is in the registry is the caller's
 * check: this function does no I/O.)
 */
export function planMerge(input: MergeInput, builder?: string): MergePlan {
  const repository = `${input.registry}/${input.image}`;
  if (input.files.length === 0) {
    throw new MergeRefusedError(
      `${input.image}: no digest files in images/${input.image}/dist/digests/`,
      `build each platform first: kiln build ${input.image} --platform <platform> --push-by-digest --registry ${input.registry} (in CI, download the digests artifacts into dist/digests/)`,
    );
  }
  const digests: PlatformDigest[] = [];
  for (const { file, content } of input.files) {
    const parsed = platformDigestSchema.safeParse(content);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new MergeRefusedError(
        `${file}: ${issue?.path.join(".") || "(file)"}: ${issue?.message ?? "not a digest record"}`,
        `write it with kiln build ${input.image} --push-by-digest, do not edit it`,
      );
    }
    const digest = parsed.data;
    const mismatch = (
      [
        ["image", digest.image, input.image],
        ["version", digest.version, input.version],
        ["repository", digest.repository, repository],
      ] as const
    ).find(([, got, want]) => got !== want);
    if (mismatch) {
      const [field, got, want] = mismatch;
      throw new MergeRefusedError(
        `${file}: ${field} is ${got}, the merge is for ${want}`,
        `build ${input.image} ${input.version} again with --push-by-digest --registry ${input.registry}`,
      );
    }
    const twin = digests.find((other) => other.platform === digest.platform);
    if (twin) {
      throw new MergeRefusedError(`${file}: a second digest for ${digest.platform}`, "keep one digest file per platform in dist/digests/");
    }
    digests.push(digest);
  }
  const commits = [...new Set(digests.map((digest) => digest.commit))];
  if (commits.length > 1) {
    const byCommit = commits.map(
      (commit) =>
        `${commit.slice(0, 7)}: ${digests
          .filter((d) => d.commit === commit)
          .map((d) => d.platform)
          .join(", ")}`,
    );
    throw new MergeRefusedError(
      `${input.image}: the digests were built from different commits (${byCommit.join("; ")})`,
      "build every platform from the same commit, then merge",
    );
  }
  const missing = input.platforms.filter((platform) => !digests.some((digest) => digest.platform === platform));
  if (missing.length > 0) {
    throw new MergeRefusedError(
      `${input.image}: no digest for ${missing.join(", ")} (have ${digests.map((d) => d.platform).join(", ")})`,
      `build it: kiln build ${input.image} --platform ${missing[0]} --push-by-digest --registry ${input.registry}`,
    );
  }
  const extra = digests.filter((digest) => !input.platforms.includes(digest.platform));
  if (extra.length > 0) {
    throw new MergeRefusedError(
      `${input.image}: ${extra.map((d) => d.platform).join(", ")} is not a platform of the image (${input.platforms.join(", ")})`,
      "remove that digest file, or add the platform to the image's definition",
    );
  }
  const ordered = input.platforms.map((platform) => digests.find((digest) => digest.platform === platform) as PlatformDigest);
  const commit = commits[0] as string;
  const tags = versionTags({ version: input.version, revision: commit, latest: input.latest }).map((tag) => `${repository}:${tag}`);
  const args = ["buildx", "imagetools", "create", ...(builder ? ["--builder", builder] : [])];
  for (const tag of tags) args.push("--tag", tag);
  for (const digest of ordered) args.push(`${repository}@${digest.digest}`);
  return { image: input.image, version: input.version, commit, repository, digests: ordered, tags, command: { command: "docker", args } };
}
