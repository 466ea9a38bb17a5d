import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { readBuildRecord } from "../build/buildx.js";
import { runtimeInterface } from "../resolve/resolve.js";
import type { RuntimeVariable } from "../spec/schema.js";
import type { LoadedImage } from "../workspace/load-workspace.js";

/**
 * What `kiln catalog` writes: every image as defined, and what its last build recorded. The
 * catalog site (apps/catalog) reads it; `schema` changes when a field changes meaning.
 */
export interface CatalogData {
  schema: 2;
  images: CatalogImage[];
}

export interface CatalogImage {
  name: string;
  description: string;
  version: string;
  /** where the definition lives, relative to the repository root */
  definition: string;
  distro: string;
  /** a workspace image's name, or a registry reference */
  base: { image?: string; reference: string };
  /** build stages, with the workspace image each starts from, if any */
  stages: { name: string; from: string; image?: string }[];
  platforms: string[];
  features: string[];
  packages: string[];
  /** what a container of the image has, inherited from its parents included */
  ports: string[];
  volumes: string[];
  /** ENV the image (or a parent) sets */
  env: Record<string, string>;
  /** variables its scripts read at run time, with what they do */
  runtimeEnv: Record<string, RuntimeVariable>;
  user: string;
  workdir?: string;
  entrypoint?: string[];
  cmd?: string[];
  /** what the image's own tests check, by name */
  tests: string[];
  readme?: string;
  dockerfile: string;
  /** the last `kiln build`, when there was one */
  build?: {
    digest?: string;
    tags: string[];
    output: string;
    /** compressed size per platform; known for pushed builds */
    sizes: Record<string, number>;
  };
}

/** The catalog of the given images (in build order), read from their definitions and build records. */
export function catalogData(images: LoadedImage[]): CatalogData {
  return { schema: 2, images: images.map((image) => catalogImage(image)) };
}

function catalogImage({ pkg, resolved }: LoadedImage): CatalogImage {
  const record = readBuildRecord(pkg.dir);
  // A record of another version, or of a Dockerfile since changed, describes some other image.
  const current = record?.version === pkg.version ? record : undefined;
  const readme = path.join(pkg.dir, "README.md");
  const entrypoint = resolved.entrypoint ?? resolved.inherited.entrypoint;
  const cmd = resolved.cmd ?? resolved.inherited.cmd;
  const { env, ports, volumes, runtimeEnv } = runtimeInterface(resolved);
  return {
    name: resolved.name,
    description: resolved.description,
    version: pkg.version,
    definition: pkg.definitionPath,
    distro: resolved.distro.name,
    base:
      resolved.base.kind === "workspace"
        ? { image: resolved.base.name, reference: resolved.base.reference }
        : { reference: resolved.base.reference },
    stages: resolved.stages.map((stage) => ({ name: stage.name, from: stage.from, ...(stage.image ? { image: stage.image } : {}) })),
    platforms: resolved.platforms,
    features: resolved.features,
    packages: resolved.packages,
    ports: ports.map((p) => `${p.port}/${p.protocol}`),
    volumes,
    env,
    runtimeEnv,
    user: resolved.user,
    ...(resolved.workdir ? { workdir: resolved.workdir } : {}),
    ...(entrypoint ? { entrypoint } : {}),
    ...(cmd ? { cmd } : {}),
    tests: resolved.tests.map((test) => test.name),
    ...(existsSync(readme) ? { readme: readFileSync(readme, "utf8") } : {}),
    dockerfile: readFileSync(path.join(pkg.dir, "Dockerfile"), "utf8"),
    ...(current
      ? {
          build: {
            ...(current.digest ? { digest: current.digest } : {}),
            tags: current.tags,
            output: current.output,
            sizes: Object.fromEntries(current.manifests.filter((m) => m.size !== undefined).map((m) => [m.platform, m.size as number])),
          },
        }
      : {}),
  };
}
