import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { pinnedReference } from "@kiln/reference";
import { dockerignoreMarker, renderDockerignore } from "../dockerfile/dockerignore.js";
import { renderDockerfile } from "../dockerfile/render.js";
import { checkLineLengths } from "../dockerfile/line-limit.js";
import { synthesizeDockerfile } from "../dockerfile/synthesize.js";
import { DefinitionError } from "../errors.js";
import { checkpoint } from "../interrupt/checkpoint.js";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { checkImageFiles } from "./image-files.js";
import { lockFileName, readLockFile } from "../lock/lock-file.js";
import type { LoadedImage } from "../workspace/load-workspace.js";

export interface SynthResult {
  image: string;
  /** absolute path of the generated file (the Dockerfile, or the .dockerignore beside it) */
  file: string;
  /** relative to the workspace root */
  path: string;
  status: "written" | "unchanged" | "drift";
  content: string;
}

/** The Dockerfile text for one loaded image. Pure. */
export function dockerfileFor(image: LoadedImage, options: { pinnedBase?: string } = {}): string {
  const dockerfile = renderDockerfile(
    synthesizeDockerfile(image.resolved, { sourcePath: image.pkg.definitionPath, pinnedBase: options.pinnedBase }),
  );
  checkLineLengths(dockerfile, image.pkg.definitionPath);
  return dockerfile;
}

/** The .dockerignore for one loaded image: its build context is what its Dockerfile copies. Pure. */
function dockerignoreFor(image: LoadedImage): string {
  return renderDockerignore(synthesizeDockerfile(image.resolved, { sourcePath: image.pkg.definitionPath }), image.pkg.definitionPath);
}

export interface SynthOptions {
  check?: boolean;
  locked?: boolean;
  /** stops between images when aborted; files already renamed into place stay, none is half-written */
  signal?: AbortSignal;
  /** called as each image's outcome is known, so a long run shows progress */
  onResult?: (result: SynthResult) => void;
}

/**
 * Renders every image first (its Dockerfile and .dockerignore) and writes only after all of them
 * rendered, so a bad definition leaves no file half-updated. With `check`, writes nothing and
 * reports drift. A .dockerignore without kiln's marker is the user's own and is left as it is.
 */
export async function synthImages(root: string, images: LoadedImage[], options: SynthOptions = {}): Promise<SynthResult[]> {
  const generated = (image: LoadedImage, name: string, content: string) => {
    const file = path.join(image.pkg.dir, name);
    const current = existsSync(file) ? readFileSync(file, "utf8") : undefined;
    return { image: image.pkg.name, file, path: path.relative(root, file).split(path.sep).join("/"), content, current };
  };
  const rendered = [];
  for (const image of images) {
    await checkpoint(options.signal);
    checkImageFiles(image);
    rendered.push(
      generated(image, "Dockerfile", dockerfileFor(image, { pinnedBase: options.locked ? pinnedBase(root, image) : undefined })),
    );
    const ignore = generated(image, ".dockerignore", dockerignoreFor(image));
    if (ignore.current === undefined || ignore.current.startsWith(dockerignoreMarker)) rendered.push(ignore);
  }
  const results: SynthResult[] = [];
  for (const { current, ...rendering } of rendered) {
    let result: SynthResult;
    if (current === rendering.content) result = { ...rendering, status: "unchanged" };
    else if (options.check) result = { ...rendering, status: "drift" };
    else {
      await checkpoint(options.signal);
      writeFileAtomic(rendering.file, rendering.content);
      result = { ...rendering, status: "written" };
    }
    results.push(result);
    options.onResult?.(result);
  }
  return results;
}

/** `ref@sha256:…` from the image's lock file; images built on a workspace parent need none. */
export function pinnedBase(root: string, image: LoadedImage): string | undefined {
  const base = image.resolved.base;
  if (base.kind === "workspace") return undefined;
  const lock = readLockFile(image.pkg.dir, root);
  if (!lock) {
    throw new DefinitionError(
      `${path.relative(root, path.join(image.pkg.dir, lockFileName))}: missing, so ${base.reference} cannot be pinned`,
      `run kiln lock ${image.pkg.name} (it records the base digest), then synth --locked`,
    );
  }
  if (lock.base.reference !== base.reference) {
    throw new DefinitionError(
      `${path.relative(root, path.join(image.pkg.dir, lockFileName))}: locks ${lock.base.reference}, but the definition's base is ${base.reference}`,
      `run kiln update ${image.pkg.name}`,
    );
  }
  return pinnedReference(base.reference, lock.base.digest);
}
