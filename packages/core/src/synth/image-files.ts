import { existsSync, realpathSync } from "node:fs";
import path from "node:path";
import { DefinitionError } from "../errors.js";
import type { LoadedImage } from "../workspace/load-workspace.js";

/**
 * Every `files[].src` is a file under the image's own files/, after symlinks: the build context
 * is the image's directory, so a link out of files/ would ship image.ts, package.json or
 * whatever else the directory holds.
 */
export function checkImageFiles(image: LoadedImage): void {
  const filesDir = path.join(image.pkg.dir, "files");
  image.resolved.files.forEach((file, index) => {
    const field = `${image.pkg.definitionPath}: files[${index}].src`;
    const source = path.join(filesDir, file.src);
    if (!existsSync(source)) {
      throw new DefinitionError(
        `${field}: ${JSON.stringify(file.src)} does not exist in files/`,
        `add ${path.relative(image.pkg.dir, source)} next to image.ts, or fix the path`,
      );
    }
    const real = realpathSync(source);
    const root = realpathSync(filesDir);
    if (real !== root && !real.startsWith(root + path.sep)) {
      throw new DefinitionError(
        `${field}: ${JSON.stringify(file.src)} leads out of files/ (to ${real})`,
        "copy the file into files/ instead of linking to it",
      );
    }
  });
}
