import { resolveImage } from "../resolve/resolve.js";
import type { ImageDefinition } from "../spec/define.js";
import type { LoadedImage } from "../workspace/load-workspace.js";

/**
 * A definition as the workspace loader would hand it over, without a workspace on disk: for tests
 * of what is planned from loaded images (build argv, bake files). Parents are passed resolved.
 */
export function loadedImage(definition: ImageDefinition, version: string, resolvedParents = new Map(), root = "/repo"): LoadedImage {
  const name = (definition.input as { name: string }).name;
  const resolved = resolveImage(definition, { file: `images/${name}/image.ts`, resolved: resolvedParents });
  return {
    definition,
    resolved,
    pkg: {
      name,
      version,
      dir: `${root}/images/${name}`,
      definitionFile: `${root}/images/${name}/image.ts`,
      definitionPath: `images/${name}/image.ts`,
      imageDependencies: [],
      packageJsonPath: `${root}/images/${name}/package.json`,
    },
  };
}
