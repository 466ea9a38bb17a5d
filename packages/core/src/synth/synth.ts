import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { renderDockerfile } from "../dockerfile/render.js";
import { synthesizeDockerfile } from "../dockerfile/synthesize.js";
import { writeFileAtomic } from "../fs/atomic-write.js";
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
export function synthImages(root: string, images: LoadedImage[], options: { check?: boolean } = {}): SynthResult[] {
  const rendered = images.map((image) => {
    const file = path.join(image.pkg.dir, "Dockerfile");
    const content = dockerfileFor(image);
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
