import { existsSync } from "node:fs";
import path from "node:path";
import { mirrorBuildArgs, registryMirrorContexts, type MirrorProfile } from "@kiln/mirror";
import { splitImageReference } from "@kiln/reference";
import { UsageError } from "../errors.js";
import type { Command } from "../exec/exec.js";
import { caSecretId, featureContextName } from "../dockerfile/build-inputs.js";
import type { Platform } from "../spec/platform.js";
import type { LoadedImage } from "../workspace/load-workspace.js";
import { buildLabels } from "./labels.js";
import { versionTags } from "./tags.js";
import { entriesByKey } from "../text/code-point-order.js";

/** Where the built image goes. */
export type BuildOutput =
  | { type: "load" } // the local image store (multi-platform needs the containerd image store)
  | { type: "push" } // the registry in `registry`, under the plan's tags
  /**
   * The registry in `registry` with no tag at all: the digest is the result (buildx's metadata
   * file), and tags are set afterwards by whoever holds the digest (kiln's publish, or a merge of
   * per-platform digests). buildx's own push-by-digest needs a BuildKit builder; the docker driver
   * refuses it ("not implemented for docker driver"), so `via: "staging"` pushes to the staging
   * repository `<registry>/kiln-staging/<image>` instead, under a tag that is never a release tag,
   * and the digest is then copied into the image's repository without a tag.
   */
  | { type: "push-by-digest"; via: "buildx" | "staging" }
  | { type: "oci"; dest: string } // an OCI layout tarball
  | { type: "cache-only" }; // build and fill the cache, keep nothing

/** The repository local (not pushed) images are tagged under. */
export const localRepository = "kiln.local";

/** Where `push-by-digest` via staging puts images: beside the image repositories, never tagged for release. */
export const stagingNamespace = "kiln-staging";

export interface PlanOptions {
  /** workspace root: argv paths are relative to it and the command runs there */
  root: string;
  output: BuildOutput;
  /** e.g. "127.0.0.1:5000/kiln"; required for push */
  registry?: string;
  platforms?: Platform[];
  mirror?: MirrorProfile;
  revision?: string;
  source?: string;
  createdEpoch?: number;
  /** `latest` tag on push: only for the highest stable version in the registry */
  latest?: boolean;
  /** registry cache ref, e.g. 127.0.0.1:5000/kiln/cache; adds --cache-from/--cache-to type=registry */
  cacheRef?: string;
  progress?: "auto" | "plain" | "tty" | "quiet" | "rawjson";
  /** file buildx writes its metadata to (digests), relative to root */
  metadataFile: string;
  builder?: string;
  provenance?: "min" | "max" | "false";
  /** exact tags (names only, e.g. ["sha-89abcde"]) instead of the ones derived from the version */
  tags?: string[];
  /** the locked base (`ref@sha256:…`), recorded in the base.digest label */
  pinnedBase?: string;
  /** build without BuildKit's cache (--no-cache) */
  noCache?: boolean;
  /** --build-arg values; each image gets those it declares in buildArgs */
  buildArgs?: Record<string, string>;
  /**
   * Digests of workspace images as they are in `registry` (name → index digest). A pushed child
   * is built FROM its parent at that digest, and its base.name / base.digest labels say so.
   */
  pushedParents?: Record<string, string>;
  /**
   * Workspace parents a build that does not push takes from a registry instead of the local store
   * (name → `repository@digest`): their build record says they were pushed, and the local store
   * may not have them (see parentSource).
   */
  parentReferences?: Record<string, string>;
  /**
   * Tags that name workspace parents' local images by content (name → tag, see
   * {@link localContentTag}), known once a parent is built or found in the store. The build
   * context names the parent by that tag: by its version tag, BuildKit in dockerd (26.1, containerd
   * image store) was seen resolving a context to the image the tag named before the parent's
   * rebuild, so a child was built on its parent's previous content. (A digest does not help there:
   * BuildKit looks a local `name@digest` up in the registry.)
   */
  localParentTags?: Record<string, string>;
  /** digest of a registry base (e.g. debian:bookworm), for the base.digest label when not locked */
  baseDigest?: string;
}

export interface BuildPlan {
  image: string;
  version: string;
  platforms: Platform[];
  tags: string[];
  labels: Record<string, string>;
  buildArgs: Record<string, string>;
  buildContexts: Record<string, string>;
  /** build secrets by id → file (never in a layer), e.g. kiln-ca, the mirror profile's CA bundle */
  secrets: Record<string, string>;
  cacheFrom: string[];
  cacheTo: string[];
  output: BuildOutput;
  dockerfile: string;
  context: string;
  metadataFile: string;
  /** the exact command kiln runs (and prints with --dry-run) */
  command: Command;
  /** the image's repository in the registry (`<registry>/<image>`), for pushes */
  repository?: string;
  /** the name buildx pushes to: a tag, the repository (push-by-digest), or the staging reference */
  pushName?: string;
  /** environment for the command: SOURCE_DATE_EPOCH makes timestamps reproducible */
  env: Record<string, string>;
  /** the buildx builder the command names (undefined: buildx's current builder) */
  builder?: string;
}

/**
 * The output options of an image that leaves this machine (a push, an OCI layout): gzip layers,
 * converted where BuildKit's cache holds only another compression. A local build stores zstd
 * layers (see the load output), and without the force BuildKit pushes the blob it has: a later
 * push would then carry zstd layers, which Docker before 23 and some registries cannot pull.
 */
export const leavingCompression = ",compression=gzip,force-compression=true";

/**
 * The local tag that names one build of an image: its version and the first 12 hex digits of its
 * image ID, so that a tag never names two different images.
 */
export function localContentTag(version: string, imageId: string): string {
  return `${version}-${imageId.replace(/^sha256:/, "").slice(0, 12)}`;
}

/** Image reference for `name` at `tag`, in the registry when given, else the local repository. */
export function imageReference(name: string, tag: string, registry?: string): string {
  return `${registry ?? localRepository}/${name}:${tag}`;
}

/** The mirror's CA bundle as a build secret; a path that is not a file is a usage error, before any build. */
function buildSecrets(options: PlanOptions): Record<string, string> {
  const ca = options.mirror?.ca;
  if (ca === undefined) return {};
  const file = path.resolve(options.root, ca);
  if (!existsSync(file)) {
    throw new UsageError(
      `mirror ca=${ca}: ${file} does not exist`,
      "give the path of a PEM bundle with the proxy's CA, e.g. ca=/etc/ssl/certs/ca-certificates.crt (relative paths start at the workspace root)",
    );
  }
  return { [caSecretId]: file };
}

/** The `docker buildx build` invocation for one image, as data. Pure but for checking the CA file exists. */
export function planBuild(image: LoadedImage, all: Map<string, LoadedImage>, options: PlanOptions): BuildPlan {
  const resolved = image.resolved;
  const version = image.pkg.version;
  const platforms = options.platforms ?? resolved.platforms;
  const rel = (file: string): string => path.relative(options.root, file).split(path.sep).join("/") || ".";
  const output = options.output;
  const pushing = output.type === "push" || output.type === "push-by-digest";
  if (pushing && !options.registry) throw new Error("planBuild: push needs a registry");
  const repository = pushing ? `${options.registry}/${resolved.name}` : undefined;

  const tags =
    output.type === "push-by-digest"
      ? []
      : options.tags
        ? options.tags.map((tag) => imageReference(resolved.name, tag, pushing ? options.registry : undefined))
        : pushing
          ? versionTags({
              version,
              revision: options.revision,
              latest: options.latest,
            }).map((tag) => imageReference(resolved.name, tag, options.registry))
          : [imageReference(resolved.name, "local"), imageReference(resolved.name, version)];

  const buildContexts: Record<string, string> = {};
  // A workspace image (the base, or a stage's) is the built image of this version: locally
  // loaded, or in the registry when pushing. Registry references go through the mirror profile.
  const workspaceImage = (name: string) => {
    const pulled = pushing ? undefined : options.parentReferences?.[name];
    if (pulled) return `docker-image://${pulled}`;
    const version = (pushing ? undefined : options.localParentTags?.[name]) ?? all.get(name)?.pkg.version ?? "local";
    const digest = pushing ? options.pushedParents?.[name] : undefined;
    return `docker-image://${imageReference(name, version, pushing ? options.registry : undefined)}${digest ? `@${digest}` : ""}`;
  };
  const registryFroms: string[] = [];
  if (resolved.base.kind === "workspace") buildContexts[resolved.base.reference] = workspaceImage(resolved.base.name);
  else registryFroms.push(options.pinnedBase ?? resolved.base.reference);
  for (const stage of resolved.stages) {
    if (stage.image) buildContexts[stage.from] = workspaceImage(stage.image);
    else registryFroms.push(stage.from);
  }
  Object.assign(buildContexts, registryMirrorContexts(options.mirror, registryFroms));
  for (const file of resolved.featureFiles) buildContexts[featureContextName(file.feature)] = rel(file.contextDir);

  const labels = buildLabels(resolved, {
    version,
    revision: options.revision,
    source: options.source,
    createdEpoch: options.createdEpoch,
    ...baseLabel(image, all, options, pushing),
  });
  const declared = Object.entries(options.buildArgs ?? {}).filter(([name]) => name in resolved.buildArgs);
  const buildArgs = { ...mirrorBuildArgs(options.mirror), ...Object.fromEntries(declared) };
  const secrets = buildSecrets(options);
  const cacheFrom = options.cacheRef ? [`type=registry,ref=${options.cacheRef}:${resolved.name}`] : [];
  const cacheTo = options.cacheRef ? [`type=registry,ref=${options.cacheRef}:${resolved.name},mode=max`] : [];
  const dockerfile = rel(path.join(image.pkg.dir, "Dockerfile"));
  const context = rel(image.pkg.dir);

  const args = ["buildx", "build"];
  if (options.builder) args.push("--builder", options.builder);
  args.push("--file", dockerfile);
  args.push("--platform", platforms.join(","));
  for (const tag of tags) args.push("--tag", tag);
  for (const [key, value] of Object.entries(labels)) args.push("--label", `${key}=${value}`);
  if (pushing) {
    // Index annotations carry the same metadata for registries that show only the index.
    // An empty label only overrides an inherited one; an index inherits nothing, so it gets none.
    for (const [key, value] of Object.entries(labels)) if (value !== "") args.push("--annotation", `index:${key}=${value}`);
  }
  for (const [key, value] of Object.entries(buildArgs)) args.push("--build-arg", `${key}=${value}`);
  for (const [key, value] of entriesByKey(buildContexts)) {
    args.push("--build-context", `${key}=${value}`);
  }
  for (const [id, src] of Object.entries(secrets)) args.push("--secret", `id=${id},src=${src}`);
  for (const cache of cacheFrom) args.push("--cache-from", cache);
  for (const cache of cacheTo) args.push("--cache-to", cache);
  if (options.noCache) args.push("--no-cache");
  if (options.provenance) args.push(`--provenance=${options.provenance === "false" ? "false" : `mode=${options.provenance}`}`);
  args.push("--metadata-file", options.metadataFile);
  args.push("--progress", options.progress ?? "auto");
  // With SOURCE_DATE_EPOCH the image config is the same for two builds of one commit. An OCI
  // output also clamps file times inside layers; the docker driver's image exporter refuses
  // that option ("conflicts with unpack"), so pushes rely on BuildKit's cache for equal layers.
  const reproducible = options.createdEpoch !== undefined ? ",rewrite-timestamp=true" : "";
  switch (options.output.type) {
    case "load":
      // --load, with the layers this build makes compressed by zstd instead of gzip: exporting
      // debian-base took 2.5 s instead of 7 s, and unpacking it 1.0 s instead of 2.0 s (by hand,
      // --no-cache, 2 runs each). That time is on the path of every child waiting for its parent.
      // Layers that already have a blob (the base's) keep it.
      args.push("--output", "type=docker,compression=zstd");
      break;
    case "push":
      args.push("--output", `type=registry${leavingCompression}`);
      break;
    case "push-by-digest": {
      const byDigest = options.output.via === "buildx" ? ",push-by-digest=true,name-canonical=true" : "";
      args.push("--output", `type=image,name=${pushName(resolved.name, version, options)},push=true${byDigest}${leavingCompression}`);
      break;
    }
    case "oci":
      args.push("--output", `type=oci,dest=${options.output.dest}${reproducible}${leavingCompression}`);
      break;
    case "cache-only":
      break;
  }
  args.push(context);

  const env: Record<string, string> = {};
  if (options.createdEpoch !== undefined) env.SOURCE_DATE_EPOCH = String(options.createdEpoch);

  return {
    image: resolved.name,
    version,
    platforms,
    tags,
    labels,
    buildArgs,
    buildContexts,
    secrets,
    cacheFrom,
    cacheTo,
    output: options.output,
    dockerfile,
    context,
    metadataFile: options.metadataFile,
    command: { command: "docker", args },
    env,
    ...(options.builder ? { builder: options.builder } : {}),
    ...(repository ? { repository, pushName: output.type === "push" ? tags[0] : pushName(resolved.name, version, options) } : {}),
  };
}

/**
 * Where a push by digest goes: the image's repository for buildx's push-by-digest, else a staging
 * reference whose tag (version and commit) is never one a release uses.
 */
function pushName(image: string, version: string, options: PlanOptions): string {
  if (options.output.type === "push-by-digest" && options.output.via === "buildx") return `${options.registry}/${image}`;
  const tag = options.revision ? `${version}-${options.revision.slice(0, 7)}` : version;
  return `${options.registry}/${stagingNamespace}/${image}:${tag}`;
}

/**
 * The tag a push through the staging repository leaves in the engine's local image store: the
 * docker driver stores what it builds under the name it pushes, so kiln removes this tag once the
 * push is over. Undefined for every other output, whose names are the user's (a loaded image, a
 * release tag) or are never stored locally (buildx's push-by-digest).
 */
export function stagingReference(plan: Pick<BuildPlan, "output" | "pushName">): string | undefined {
  return plan.output.type === "push-by-digest" && plan.output.via === "staging" ? plan.pushName : undefined;
}

/**
 * The base as the built image has it: a workspace parent, when pushing, is the parent's reference in
 * the registry at the digest it was built from; a registry base carries the locked or given digest.
 */
function baseLabel(
  image: LoadedImage,
  all: Map<string, LoadedImage>,
  options: PlanOptions,
  pushing: boolean,
): { baseName?: string; baseDigest?: string } {
  const base = image.resolved.base;
  if (base.kind === "workspace") {
    if (!pushing) return {};
    const version = all.get(base.name)?.pkg.version ?? "local";
    return { baseName: imageReference(base.name, version, options.registry), baseDigest: options.pushedParents?.[base.name] };
  }
  const pinnedDigest = options.pinnedBase !== undefined ? splitImageReference(options.pinnedBase).digest : undefined;
  return { baseDigest: pinnedDigest ?? options.baseDigest };
}
