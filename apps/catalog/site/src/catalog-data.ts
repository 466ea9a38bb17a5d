/**
 * The data `kiln catalog` writes (see @kiln/core's catalog/catalog.ts, CatalogData). The site is
 * built in a Node stage without the workspace, so it keeps its own copy of the shape; a test in
 * apps/catalog renders the real command's output to keep the two in step.
 */
export interface CatalogData {
  schema: 2;
  images: CatalogImage[];
}

export interface CatalogImage {
  name: string;
  description: string;
  version: string;
  definition: string;
  distro: string;
  base: { image?: string; reference: string };
  stages: { name: string; from: string; image?: string }[];
  platforms: string[];
  features: string[];
  packages: string[];
  /** what a container of the image has, inherited from its parents included */
  ports: string[];
  volumes: string[];
  /** ENV the image (or a parent) sets */
  env: Record<string, string>;
  /** variables its scripts read at run time */
  runtimeEnv: Record<string, { default?: string; description: string }>;
  user: string;
  workdir?: string;
  entrypoint?: string[];
  cmd?: string[];
  tests: string[];
  readme?: string;
  dockerfile: string;
  build?: { digest?: string; tags: string[]; output: string; sizes: Record<string, number> };
}

/** Reads and checks the top level: a catalog of another schema would render wrong, not fail. */
export function parseCatalog(text: string, file: string): CatalogData {
  const data = JSON.parse(text) as Partial<CatalogData>;
  if (data.schema !== 2 || !Array.isArray(data.images)) {
    throw new Error(`${file}: not a kiln catalog of schema 2 (write it with: kiln catalog --out ${file})`);
  }
  return data as CatalogData;
}
