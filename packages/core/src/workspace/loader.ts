import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createJiti, type Jiti } from "jiti";
import { DefinitionError } from "../errors.js";

/**
 * Loads image.ts files with jiti (TypeScript without a build step, cached transpilation).
 *
 * Imports of other workspace images ("alpine-base/image") resolve straight to their image.ts,
 * so a definition loads even before `pnpm install` has linked a newly added dependency.
 *
 * `@kiln/*` imports point at the running kiln (see kilnAliases).
 */
export function createDefinitionLoader(
  /** import specifier → file, e.g. "alpine-base/image" → images/alpine-base/image.ts */
  workspaceAliases: Record<string, string> = {},
): (file: string, displayPath: string) => Promise<unknown> {
  let jiti: Jiti | undefined;
  return async (file, displayPath) => {
    jiti ??= createJiti(import.meta.url, {
      interopDefault: true,
      moduleCache: true,
      fsCache: true,
      alias: { ...kilnAliases(), ...workspaceAliases },
    });
    try {
      return await jiti.import(file, { default: true });
    } catch (error) {
      if (error instanceof DefinitionError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new DefinitionError(
        `${displayPath}: cannot load the definition: ${message.split("\n")[0]}`,
        "fix the TypeScript error in that file (kiln loads it with jiti; `pnpm typecheck` shows every type error)",
      );
    }
  };
}

/**
 * `@kiln/*` in image.ts resolve to the copies of kiln that are running: sources under vitest,
 * dist/ otherwise (a checkout or an installed package alike, since sibling packages sit side by
 * side in both layouts). One copy of each package, and no node_modules needed next to image.ts.
 */
function kilnAliases(): Record<string, string> {
  const here = fileURLToPath(import.meta.url);
  const fromSource = here.endsWith(".ts");
  // src/workspace/loader.ts or dist/index.js → the package directory.
  const packageDir = path.resolve(path.dirname(here), fromSource ? "../.." : "..");
  const siblingsDir = path.dirname(packageDir);
  const aliases: Record<string, string> = {};
  for (const name of ["core", "mirror", "ssh", "dev-image", "init"]) {
    const dir = name === "core" ? packageDir : path.join(siblingsDir, name);
    const entry = path.join(dir, fromSource ? "src/index.ts" : "dist/index.js");
    if (existsSync(entry)) aliases[`@kiln/${name}`] = entry;
  }
  return aliases;
}
