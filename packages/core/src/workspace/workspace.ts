import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { DefinitionError } from "../errors.js";
import { compareCodePoints } from "../text/code-point-order.js";

/** The directories whose packages may hold an image.ts: family images, and applications shipped on them. */
const imageDirectories = ["images", "apps"] as const;

/** An images/<dir> or apps/<dir> package as found on disk, before its definition is loaded. */
export interface ImagePackage {
  /** package.json name, which must equal the definition's name */
  name: string;
  version: string;
  dir: string;
  /** image.ts, absolute */
  definitionFile: string;
  /** image.ts relative to the workspace root, with forward slashes: what messages and markers show */
  definitionPath: string;
  /** names of other workspace image packages this one depends on (package.json) */
  imageDependencies: string[];
  packageJsonPath: string;
}

export interface Workspace {
  root: string;
  images: ImagePackage[];
}

/** The nearest directory at or above `from` that holds pnpm-workspace.yaml. */
export function findWorkspaceRoot(from: string): string {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new DefinitionError(
        `no kiln workspace found at or above ${from}`,
        "run kiln inside a repository with a pnpm-workspace.yaml and an images/ directory (kiln new creates one image)",
      );
    }
    dir = parent;
  }
}

/** Lists image packages: every images/<dir> and apps/<dir> with an image.ts. */
export function readWorkspace(root: string): Workspace {
  const dirs = imageDirectories.flatMap((top) => {
    const parent = path.join(root, top);
    if (!existsSync(parent)) return [];
    return readdirSync(parent, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(path.join(parent, entry.name, "image.ts")))
      .map((entry) => path.join(parent, entry.name))
      .sort(compareCodePoints);
  });
  const packages = dirs.map((dir) => readImagePackage(root, dir));
  const names = new Set(packages.map((p) => p.name));
  const byName = new Map<string, ImagePackage>();
  for (const pkg of packages) {
    const clash = byName.get(pkg.name);
    if (clash) {
      throw new DefinitionError(
        `duplicate image name "${pkg.name}": ${relative(root, clash.packageJsonPath)} and ${relative(root, pkg.packageJsonPath)}`,
        "image names are unique: rename one package (package.json name and image.ts name)",
      );
    }
    byName.set(pkg.name, pkg);
  }
  for (const pkg of packages) pkg.imageDependencies = pkg.imageDependencies.filter((dep) => names.has(dep));
  return { root, images: packages };
}

function readImagePackage(root: string, dir: string): ImagePackage {
  const packageJsonPath = path.join(dir, "package.json");
  if (!existsSync(packageJsonPath)) {
    throw new DefinitionError(
      `${relative(root, dir)}: package.json is missing`,
      "every image is a workspace package: add a package.json with a name equal to the image name (kiln new writes one)",
    );
  }
  let manifest: { name?: unknown; version?: unknown; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  try {
    manifest = JSON.parse(readFileSync(packageJsonPath, "utf8")) as typeof manifest;
  } catch (error) {
    throw new DefinitionError(`${relative(root, packageJsonPath)}: not valid JSON: ${(error as Error).message}`, "fix the JSON syntax");
  }
  if (typeof manifest.name !== "string" || manifest.name === "") {
    throw new DefinitionError(`${relative(root, packageJsonPath)}: name: missing`, "set name to the image name");
  }
  const definitionFile = path.join(dir, "image.ts");
  return {
    name: manifest.name,
    version: typeof manifest.version === "string" ? manifest.version : "0.0.0",
    dir,
    definitionFile,
    definitionPath: relative(root, definitionFile),
    imageDependencies: Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }),
    packageJsonPath,
  };
}

export function relative(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join("/");
}
