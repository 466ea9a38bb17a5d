import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The `files/<name>` directory of the package a feature is defined in. It walks up from the
 * calling module to the nearest package.json, because the module is `src/feature/x.ts` when run
 * from source and `dist/index.js` when bundled: a fixed `../files` would be right for only one.
 */
export function featureFilesDirectory(moduleUrl: string, name: string): string {
  let dir = path.dirname(fileURLToPath(moduleUrl));
  while (!existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(moduleUrl)}: a feature's files live in its package`);
    dir = parent;
  }
  return path.join(dir, "files", name);
}
