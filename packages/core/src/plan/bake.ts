import { UsageError } from "../errors.js";
import type { Platform } from "../spec/platform.js";
import type { LoadedImage } from "../workspace/load-workspace.js";
import { leavingCompression, planBuild, type PlanOptions } from "./plan.js";

/** A docker-bake.json target, in the field names `docker buildx bake` reads. */
export interface BakeTarget {
  context: string;
  dockerfile: string;
  platforms: string[];
  tags?: string[];
  labels?: Record<string, string>;
  args?: Record<string, string>;
  contexts?: Record<string, string>;
  secret?: string[];
  "cache-from"?: string[];
  "cache-to"?: string[];
  output?: string[];
}

/** What a bake file is planned with: kiln build's options, with the per-image facts a push looks up. */
export interface BakeOptions extends Omit<PlanOptions, "metadataFile" | "baseDigest" | "latest"> {
  /** image name → digest its registry base resolves to now (the base.digest label of a push) */
  baseDigests?: Record<string, string>;
  /** images whose version is the highest stable one in the registry (they get `latest`) */
  latest?: Set<string>;
}

export interface BakeFile {
  group: { default: { targets: string[] } };
  target: Record<string, BakeTarget>;
}

/** `linux/arm64` → `arm64`, `linux/arm/v7` → `arm-v7`: the arch part of a cache tag. */
export function cacheArch(platform: Platform): string {
  return platform.split("/").slice(1).join("-");
}

/** The registry cache of one image on one platform: `<registry>/<image>:buildcache-<arch>`. */
export function bakeCacheRef(registry: string, image: string, platform: Platform): string {
  return `${registry}/${image}:buildcache-${cacheArch(platform)}`;
}

/** The name of the target that fills `bakeCacheRef`'s cache (bakeFile refuses an image of that name). */
function bakeCacheTarget(image: string, platform: Platform): string {
  return `${image}_buildcache-${cacheArch(platform)}`;
}

/**
 * The same builds `kiln build` runs, as one bake file: a child's parent becomes
 * `contexts: { "<parent ref>": "target:<parent>" }`, so bake builds the parent first and feeds
 * it to the child without a registry round trip. With a registry each image target pushes (its
 * `output`); without one, the output (--load) is left to the caller.
 * SOURCE_DATE_EPOCH is a build arg (what buildx makes of the variable), so the file alone gives
 * the image configs kiln's build gives.
 *
 * With a registry, each image and platform has its own registry cache,
 * `<registry>/<image>:buildcache-<arch>`. A multi-platform target cannot write it: buildx gives
 * every node of a multi-node builder the same cache-to list, so each node's export replaces the
 * last one's (docker/buildx#1044). So the image's target only reads the caches of all its
 * platforms, and one target per platform (`<image>_buildcache-<arch>`: the same inputs, that one
 * platform, output `type=cacheonly`) writes its platform's. bake runs them together; BuildKit
 * solves each step once per node however many targets share it, so the extra targets cost the
 * exports, not a second build, and a cacheonly output pushes nothing.
 */
export function bakeFile(images: LoadedImage[], all: Map<string, LoadedImage>, options: BakeOptions): BakeFile {
  const target: Record<string, BakeTarget> = {};
  const cacheTargets: string[] = [];
  const { baseDigests, latest, ...planOptions } = options;
  const { registry } = options;
  for (const image of images) {
    const plan = planBuild(image, all, {
      ...planOptions,
      cacheRef: undefined,
      metadataFile: "",
      baseDigest: baseDigests?.[image.pkg.name],
      latest: latest?.has(image.pkg.name),
    });
    const contexts = { ...plan.buildContexts };
    const base = image.resolved.base;
    if (base.kind === "workspace") contexts[base.reference] = `target:${base.name}`;
    for (const stage of image.resolved.stages) if (stage.image) contexts[stage.from] = `target:${stage.image}`;
    const args = { ...plan.buildArgs, ...(options.createdEpoch !== undefined ? { SOURCE_DATE_EPOCH: String(options.createdEpoch) } : {}) };
    const inputs = {
      context: plan.context,
      dockerfile: "Dockerfile",
      ...(Object.keys(args).length > 0 ? { args } : {}),
      ...(Object.keys(contexts).length > 0 ? { contexts } : {}),
      ...(Object.keys(plan.secrets).length > 0 ? { secret: Object.entries(plan.secrets).map(([id, src]) => `id=${id},src=${src}`) } : {}),
    };
    const cacheOf = (platform: Platform) => `type=registry,ref=${bakeCacheRef(registry ?? "", plan.image, platform)}`;
    target[plan.image] = {
      ...inputs,
      platforms: plan.platforms,
      tags: plan.tags,
      labels: plan.labels,
      // With a registry the target pushes on its own (no --push): gzip layers, also where kiln's
      // local builds left zstd ones in BuildKit's cache (see leavingCompression).
      ...(registry ? { "cache-from": plan.platforms.map(cacheOf), output: [`type=registry${leavingCompression}`] } : {}),
    };
    if (!registry) continue;
    for (const platform of plan.platforms) {
      const name = bakeCacheTarget(plan.image, platform);
      target[name] = {
        ...inputs,
        platforms: [platform],
        "cache-from": [cacheOf(platform)],
        "cache-to": [`${cacheOf(platform)},mode=max`],
        output: ["type=cacheonly"],
      };
      cacheTargets.push(name);
    }
  }
  for (const name of cacheTargets) {
    if (images.some((image) => image.pkg.name === name)) {
      throw new UsageError(
        `images/${name}: the bake file's cache target for another image has this image's name`,
        "rename the image (no _buildcache- in image names)",
      );
    }
  }
  return { group: { default: { targets: [...images.map((image) => image.pkg.name), ...cacheTargets] } }, target };
}
