import type { LoadedImage } from "../workspace/load-workspace.js";
import { planBuild, type PlanOptions } from "./plan.js";

/** A docker-bake.json target, in the field names `docker buildx bake` reads. */
export interface BakeTarget {
  context: string;
  dockerfile: string;
  platforms: string[];
  tags: string[];
  labels: Record<string, string>;
  args?: Record<string, string>;
  contexts?: Record<string, string>;
  "cache-from"?: string[];
  "cache-to"?: string[];
}

export interface BakeFile {
  group: { default: { targets: string[] } };
  target: Record<string, BakeTarget>;
}

/**
 * The same builds `kiln build` runs, as one bake file: a child's parent becomes
 * `contexts: { "<parent ref>": "target:<parent>" }`, so bake builds the parent first and feeds
 * it to the child without a registry round trip. Output (--load / --push) is left to the caller.
 */
export function bakeFile(images: LoadedImage[], all: Map<string, LoadedImage>, options: Omit<PlanOptions, "metadataFile">): BakeFile {
  const target: Record<string, BakeTarget> = {};
  for (const image of images) {
    const plan = planBuild(image, all, { ...options, metadataFile: "" });
    const contexts = { ...plan.buildContexts };
    const base = image.resolved.base;
    if (base.kind === "workspace") contexts[base.reference] = `target:${base.name}`;
    for (const stage of image.resolved.stages) if (stage.image) contexts[stage.from] = `target:${stage.image}`;
    target[plan.image] = {
      context: plan.context,
      dockerfile: "Dockerfile",
      platforms: plan.platforms,
      tags: plan.tags,
      labels: plan.labels,
      ...(Object.keys(plan.buildArgs).length > 0 ? { args: plan.buildArgs } : {}),
      ...(Object.keys(contexts).length > 0 ? { contexts } : {}),
      ...(plan.cacheFrom.length > 0 ? { "cache-from": plan.cacheFrom, "cache-to": plan.cacheTo } : {}),
      ...(Object.keys(plan.secrets).length > 0 ? { secret: Object.entries(plan.secrets).map(([id, src]) => `id=${id},src=${src}`) } : {}),
    };
  }
  return { group: { default: { targets: images.map((image) => image.pkg.name) } }, target };
}
