import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { renderDockerfile } from "../dockerfile/render.js";
import { synthesizeDockerfile } from "../dockerfile/synthesize.js";
import { DefinitionError } from "../errors.js";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { lockFileName, readLockFile } from "../lock/lock-file.js";
import type { LoadedImage } from "../workspace/load-workspace.js";

export interface SynthResult {
  image: string;
  /** absolute path of the Dockerfile */
  file: string;
  /** relative to the workspace root */
  path: string;
  status: "written" | "unchanged" | "drift";
  content: string;
}

/** The Dockerfile text for one loaded image. Pure. */
export function dockerfileFor(image: LoadedImage, options: { pinnedBase?: string } = {}): string {
  return renderDockerfile(
    synthesizeDockerfile(image.resolved, { sourcePath: image.pkg.definitionPath, pinnedBase: options.pinnedBase }),
  );
}

/**
 * Renders every image first and writes only after all of them rendered, so a bad definition
 * leaves no Dockerfile half-updated. With `check`, writes nothing and reports drift.
 */
export function synthImages(root: string, images: LoadedImage[], options: { check?: boolean; locked?: boolean } = {}): SynthResult[] {
  const rendered = images.map((image) => {
    const file = path.join(image.pkg.dir, "Dockerfile");
    const content = dockerfileFor(image, { pinnedBase: options.locked ? pinnedBase(root, image) : undefined });
    const current = existsSync(file) ? readFileSync(file, "utf8") : undefined;
    return { image: image.pkg.name, file, path: path.relative(root, file).split(path.sep).join("/"), content, current };
  });
  return rendered.map(({ current, ...result }) => {
    if (current === result.content) return { ...result, status: "unchanged" as const };
    if (options.check) return { ...result, status: "drift" as const };
    writeFileAtomic(result.file, result.content);
    return { ...result, status: "written" as const };
  });
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
  return `${base.reference.split("@")[0]}@${lock.base.digest}`;
}
