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
 * When kiln itself runs from its TypeScript sources (inside this monorepo), `@kiln/*` imports in
 * image.ts are pointed at those sources too, so definitions and kiln share one copy of the code
 * and nothing has to be built before `kiln synth` works.
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
      alias: { ...sourceAliases(), ...workspaceAliases },
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

function sourceAliases(): Record<string, string> {
  const here = fileURLToPath(import.meta.url);
  const marker = `${path.sep}packages${path.sep}core${path.sep}src${path.sep}`;
  const at = here.lastIndexOf(marker);
  if (at === -1) return {};
  const packagesDir = here.slice(0, at + `${path.sep}packages`.length);
  const aliases: Record<string, string> = {};
  for (const [name, dir] of [
    ["@kiln/core", "core"],
    ["@kiln/mirror", "mirror"],
    ["@kiln/ssh", "ssh"],
    ["@kiln/dev-image", "dev-image"],
  ] as const) {
    const entry = path.join(packagesDir, dir, "src", "index.ts");
    if (existsSync(entry)) aliases[name] = entry;
  }
  return aliases;
}
