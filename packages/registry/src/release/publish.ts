import { ToolError } from "@kiln/core";
import { execute, formatCommand } from "@kiln/core";
import { runBuild } from "@kiln/core";
import path from "node:path";
import type { MirrorProfile } from "@kiln/mirror";
import { imageReference, planBuild, type BuildPlan, type PlanOptions } from "@kiln/core";
import { isHighestStable, versionTags } from "@kiln/core";
import { repositoryLocation } from "../registry/reference.js";
import { RegistryClient } from "../registry/registry.js";
import type { LoadedImage } from "@kiln/core";

export interface PublishOptions {
  root: string;
  imageDir: string;
  /** the plan of a push under the staging tag only (sha-<7>) */
  stagedPlan: BuildPlan;
  /** full references to point at the pushed image once it is complete */
  finalTags: string[];
  /** the version tag (name only) that must never be moved silently */
  versionTag: string;
  client: RegistryClient;
  force: boolean;
  signal?: AbortSignal;
  /** waits between attempts on transient registry errors; tests shorten them */
  backoffMs?: number[];
  log: (text: string) => void;
}

export interface PublishResult {
  digest: string;
  tags: string[];
  /** the version tag existed and pointed elsewhere; --force moved it */
  forced: boolean;
}

const transient = new Set(["KILN_REGISTRY_UNREACHABLE", "KILN_REGISTRY_ERROR"]);

/**
 * Pushes an image so that no tag ever points at a half-pushed image: first the whole
 * multi-platform image goes up under its staging tag (`sha-<7>`); only when that succeeded are the
 * version tags pointed at its digest, in one `imagetools create`. A version tag that already
 * points at another digest is refused unless `force`.
 */
export async function publishImage(options: PublishOptions): Promise<PublishResult> {
  const backoff = options.backoffMs ?? [2000, 4000, 8000];
  const record = await withRetries(() => runBuild(options.stagedPlan, { root: options.root, imageDir: options.imageDir, signal: options.signal }), backoff, options.log);
  const digest = record.digest;
  if (!digest) throw new ToolError("KILN_NO_DIGEST", `${options.stagedPlan.image}: buildx reported no digest for the push`, "re-run with --progress plain to see the push");

  const existing = await withRetries(() => options.client.digest(options.versionTag), backoff, options.log);
  const forced = existing !== undefined && existing !== digest;
  if (forced && !options.force) {
    throw new ToolError(
      "KILN_TAG_EXISTS",
      `${options.stagedPlan.image}: tag ${options.versionTag} already points at ${existing}, and this build is ${digest}; refusing to overwrite a released version`,
      "bump the version (pnpm changeset), or pass --force to move the tag on purpose",
    );
  }
  const source = `${options.stagedPlan.tags[0]?.replace(/:[^:/]+$/, "")}@${digest}`;
  const command = { command: "docker", args: ["buildx", "imagetools", "create", ...options.finalTags.flatMap((tag) => ["--tag", tag]), source] };
  await withRetries(async () => {
    const result = await execute(command, { cwd: options.root, signal: options.signal });
    if (result.exitCode !== 0) {
      throw new ToolError("KILN_REGISTRY_ERROR", `tagging failed: ${result.stderr.trim().split("\n").at(-1)}\n  command: ${formatCommand(command)}`, "check the registry, then run the release again: it resumes");
    }
  }, backoff, options.log);
  if (forced) options.log(`moved ${options.versionTag} from ${existing} to ${digest} (--force)`);
  return { digest, tags: options.finalTags, forced };
}

/** Retries transient registry failures with backoff; anything else fails at once. */
export async function withRetries<T>(operation: () => Promise<T>, backoffMs: number[], log: (text: string) => void): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const code = (error as { code?: string }).code;
      const wait = backoffMs[attempt];
      if (!code || !transient.has(code) || wait === undefined) throw error;
      log(`transient registry error (${(error as Error).message.split("\n")[0]}); retrying in ${wait / 1000}s`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

export interface PushVersionOptions {
  image: LoadedImage;
  all: Map<string, LoadedImage>;
  root: string;
  registry: string;
  revision: string | undefined;
  createdEpoch: number | undefined;
  source?: string;
  mirror?: MirrorProfile;
  force: boolean;
  signal?: AbortSignal;
  progress?: PlanOptions["progress"];
  backoffMs?: number[];
  log: (text: string) => void;
  /** --build-arg values; each image gets those it declares */
  buildArgs?: Record<string, string>;
}

/**
 * Builds and pushes an image's current version: `X.Y.Z`, `X.Y`, `X` (not for 0.x), `latest` when
 * it is the highest stable version the registry has, and `sha-<7>`, with provenance. Used by
 * `kiln build --push` and `kiln release` alike.
 */
export async function pushVersion(options: PushVersionOptions): Promise<PublishResult> {
  const { image, registry, revision } = options;
  const client = new RegistryClient(repositoryLocation(registry, image.pkg.name));
  const published = await withRetries(() => client.tags(), options.backoffMs ?? [2000, 4000, 8000], options.log);
  const tags = versionTags({ version: image.pkg.version, revision, latest: isHighestStable(image.pkg.version, published) });
  const stagingTag = revision ? `sha-${revision.slice(0, 7)}` : `kiln-staging-${image.pkg.version}`;
  const stagedPlan = planBuild(image, options.all, {
    root: options.root,
    buildArgs: options.buildArgs,
    output: { type: "push" },
    registry,
    mirror: options.mirror,
    revision,
    source: options.source,
    createdEpoch: options.createdEpoch,
    provenance: "max",
    tags: [stagingTag],
    progress: options.progress ?? "plain",
    metadataFile: path.relative(options.root, path.join(image.pkg.dir, "dist", "buildx-metadata.json")),
  });
  return publishImage({
    root: options.root,
    imageDir: image.pkg.dir,
    stagedPlan,
    finalTags: tags.map((tag) => imageReference(image.pkg.name, tag, registry)),
    versionTag: image.pkg.version,
    client,
    force: options.force,
    signal: options.signal,
    backoffMs: options.backoffMs,
    log: options.log,
  });
}
