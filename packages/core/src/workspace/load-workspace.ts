import { checkpoint } from "../interrupt/checkpoint.js";
import { DefinitionError } from "../errors.js";
import { resolveImage } from "../resolve/resolve.js";
import type { ResolvedImage } from "../resolve/resolved-image.js";
import { isImageDefinition, type ImageDefinition } from "../spec/define.js";
import { topologicalOrder } from "./graph.js";
import { createDefinitionLoader } from "./loader.js";
import { readWorkspace, relative, type ImagePackage } from "./workspace.js";
import { sortedByCodePoint } from "../text/code-point-order.js";

export interface LoadedImage {
  pkg: ImagePackage;
  definition: ImageDefinition;
  resolved: ResolvedImage;
}

export interface LoadedWorkspace {
  root: string;
  /** in build order: every parent before its children */
  images: LoadedImage[];
}

export interface LoadOptions {
  /** load only these images (and the parents they need); unknown names are an error */
  only?: string[];
  /** stops between images when aborted (InterruptedError) */
  signal?: AbortSignal;
}

/** Reads, orders, loads and validates the workspace's images. Throws DefinitionError, writes nothing. */
export async function loadWorkspace(root: string, options: LoadOptions = {}): Promise<LoadedWorkspace> {
  const workspace = readWorkspace(root);
  const byName = new Map(workspace.images.map((pkg) => [pkg.name, pkg]));
  const order = topologicalOrder(
    new Map(workspace.images.map((pkg) => [pkg.name, pkg.imageDependencies])),
    (from, to) => `${relative(root, (byName.get(from) as ImagePackage).packageJsonPath)} depends on ${to}`,
  );

  const wanted = selectWithAncestors(options.only, byName);
  const load = createDefinitionLoader(Object.fromEntries(workspace.images.map((pkg) => [`${pkg.name}/image`, pkg.definitionFile])));
  const resolved = new Map<string, ResolvedImage>();
  const images: LoadedImage[] = [];
  for (const name of order) {
    if (!wanted.has(name)) continue;
    await checkpoint(options.signal);
    const pkg = byName.get(name) as ImagePackage;
    const definition = await load(pkg.definitionFile, pkg.definitionPath);
    if (!isImageDefinition(definition)) {
      throw new DefinitionError(
        `${pkg.definitionPath}: the default export is not an image definition`,
        "end the file with: export default defineImage({ … })",
      );
    }
    checkPackageAgreement(pkg, definition);
    const image = resolveImage(definition, { file: pkg.definitionPath, resolved });
    resolved.set(name, image);
    images.push({ pkg, definition, resolved: image });
  }
  return { root, images };
}

function selectWithAncestors(only: string[] | undefined, byName: Map<string, ImagePackage>): Set<string> {
  if (only === undefined || only.length === 0) return new Set(byName.keys());
  const selected = new Set<string>();
  const add = (name: string, requestedBy?: string): void => {
    const pkg = byName.get(name);
    if (!pkg) {
      const known = sortedByCodePoint(byName.keys()).join(", ") || "(none)";
      throw new DefinitionError(
        requestedBy ? `${requestedBy} depends on unknown image "${name}"` : `unknown image "${name}"`,
        `known images: ${known}`,
      );
    }
    if (selected.has(name)) return;
    selected.add(name);
    for (const dependency of pkg.imageDependencies) add(dependency, name);
  };
  for (const name of only) add(name);
  return selected;
}

/** The definition and its package must agree: Turborepo orders builds by package.json alone. */
function checkPackageAgreement(pkg: ImagePackage, definition: ImageDefinition): void {
  const name = (definition.input as { name?: unknown }).name;
  if (typeof name === "string" && name !== pkg.name) {
    throw new DefinitionError(
      `${pkg.definitionPath}: name: "${name}" differs from the package name "${pkg.name}" in package.json`,
      "use one name for both: the package name is what `pnpm turbo build --filter=<name>` selects",
    );
  }
  const input = definition.input as { base?: unknown; stages?: unknown };
  const stages = Array.isArray(input.stages) ? input.stages : [];
  const uses = [
    { field: "base", value: input.base },
    ...stages.map((stage: { from?: unknown }, index) => ({ field: `stages[${index}].from`, value: stage?.from })),
  ];
  for (const { field, value } of uses) {
    if (!isImageDefinition(value)) continue;
    const used = String((value.input as { name?: unknown }).name);
    if (!pkg.imageDependencies.includes(used)) {
      throw new DefinitionError(
        `${pkg.definitionPath}: ${field}: built from ${used}, which package.json does not list as a dependency`,
        `add "${used}": "workspace:*" to dependencies in ${relative(pkg.dir, pkg.packageJsonPath)}, then pnpm install: Turborepo builds ${used} first only then`,
      );
    }
  }
}
