import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { createJiti as CreateJiti, Jiti } from "jiti";
import { DefinitionError } from "../errors.js";
import { sortedByCodePoint } from "../text/code-point-order.js";

/**
 * Loads image.ts files with jiti (TypeScript without a build step, cached transpilation).
 *
 * Imports of other workspace images ("alpine-base/image") resolve straight to their image.ts,
 * so a definition loads even before `pnpm install` has linked a newly added dependency.
 *
 * `@kiln/*` imports point at the running kiln (see kilnAliases and shareKilnModules).
 */
export function createDefinitionLoader(
  /** import specifier → file, e.g. "alpine-base/image" → images/alpine-base/image.ts */
  workspaceAliases: Record<string, string> = {},
  /** what the loaded file is, in errors: "cannot load the definition" */
  what = "the definition",
): (file: string, displayPath: string) => Promise<unknown> {
  // One jiti per set of aliases a definition needs, not one with every image's alias: jiti
  // normalizes its alias map for each module it evaluates, in time that grows with the square of
  // the map, which made a 500-image workspace spend seconds there. Modules are cached across
  // instances (Node's require cache), so a parent loaded once is shared by all its children.
  const instances = new Map<string, Jiti>();
  const needed = neededAliases(workspaceAliases);
  const shared = sharedModules;
  const kiln = Object.fromEntries(Object.entries(kilnAliases()).filter(([name]) => !(shared && name in shared)));
  return async (file, displayPath) => {
    const aliases = needed(file);
    const key = sortedByCodePoint(Object.keys(aliases)).join("\n");
    let jiti = instances.get(key);
    if (!jiti) {
      jiti = loadJiti()(import.meta.url, {
        interopDefault: true,
        moduleCache: true,
        fsCache: true,
        alias: { ...kiln, ...aliases },
        ...(shared ? { virtualModules: shared } : {}),
      });
      instances.set(key, jiti);
    }
    try {
      return await jiti.import(file, { default: true });
    } catch (error) {
      if (error instanceof DefinitionError) throw error;
      const failure = loadFailure(error, file, displayPath);
      throw new DefinitionError(
        `${failure.where}: cannot load ${failure.where === displayPath || failure.where.startsWith(`${displayPath}:`) ? what : `it (imported by ${displayPath})`}: ${failure.message}`,
        `fix ${failure.file} (kiln loads it with jiti; \`pnpm typecheck\` shows every type error)`,
      );
    }
  };
}

let sharedModules: Record<string, unknown> | undefined;
let sharedJiti: typeof CreateJiti | undefined;

/**
 * Hands definitions the `@kiln/*` modules that are already running, instead of their dist/ files.
 * kiln's bin runs one bundled file (so that V8 can keep its compiled code between runs); without
 * this, `import { defineImage } from "@kiln/core"` in an image.ts would load and evaluate a second
 * copy of core and zod, and an error class thrown by a feature would not be the class kiln checks
 * with instanceof. Packages not named here still resolve to their dist/ (kilnAliases); undefined
 * goes back to that for all. `createJiti` is the bundle's own jiti, whose compiled code is cached
 * with the rest (loading jiti's package costs about 25 ms of CPU on each start otherwise).
 */
export function shareKilnModules(modules: Record<string, unknown> | undefined, createJiti?: typeof CreateJiti): void {
  sharedModules = modules;
  sharedJiti = createJiti;
}

/**
 * jiti through its CommonJS entry, when the first definition loads: its ESM entry imports the same
 * 190 kB bundle as CommonJS, which Node then scans for export names on every start (half of what
 * loading jiti costs). Commands that load no definition never load jiti at all.
 */
function loadJiti(): typeof CreateJiti {
  return sharedJiti ?? (createRequire(import.meta.url)("jiti") as { createJiti: typeof CreateJiti }).createJiti;
}

/** jiti's parse errors end in "<file>:<line>:<column>", the column counted from 0. */
const parseLocation = /^\s*(\/.+):(\d+):(\d+)\s*$/m;

/**
 * Where loading failed, as the user's editor points at it: file:line:column for a syntax error;
 * for an error thrown while the module ran (a feature called with bad options, say), the line of
 * the innermost stack frame in a definition (else in another workspace file): the user's code.
 */
function loadFailure(error: unknown, file: string, displayPath: string): { where: string; file: string; message: string } {
  const root = file.endsWith(displayPath) ? file.slice(0, file.length - displayPath.length) : undefined;
  const display = (absolute: string) => (root !== undefined && absolute.startsWith(root) ? absolute.slice(root.length) : absolute);
  const text = error instanceof Error ? error.message : String(error);
  const parsed = parseLocation.exec(text);
  if (parsed) {
    const where = `${display(parsed[1] as string)}:${parsed[2]}:${Number(parsed[3]) + 1}`;
    const message =
      text
        .replace(parseLocation, "")
        .replace(/^ParseError:\s*/, "")
        .trim()
        .split("\n")[0] ?? text;
    return { where, file: display(parsed[1] as string), message: `syntax error: ${message}` };
  }
  const message = text.split("\n")[0] ?? text;
  const stack = error instanceof Error ? (error.stack ?? "") : "";
  const frames = [...stack.matchAll(/\(?((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?$/gm)].map((match) => ({
    file: (match[1] as string).replace(/^file:\/\//, ""),
    line: match[2] as string,
  }));
  const inWorkspace = frames.filter((f) => root !== undefined && f.file.startsWith(root) && !f.file.includes("/node_modules/"));
  const frame = inWorkspace.find((f) => f.file === file || f.file.endsWith("/image.ts")) ?? inWorkspace[0];
  // Lines survive jiti's transpilation; columns do not, so only the line is named.
  if (frame) return { where: `${display(frame.file)}:${frame.line}`, file: display(frame.file), message };
  return { where: displayPath, file: displayPath, message };
}

const imageImport = /\b(?:from|import)\s*\(?\s*["']([^"']+\/image)["']/g;

/**
 * The workspace aliases a definition file uses: the `<image>/image` specifiers in its source, and
 * theirs in turn (a parent that has not been loaded yet is loaded through the child's jiti).
 */
function neededAliases(workspaceAliases: Record<string, string>): (file: string) => Record<string, string> {
  const importsOf = new Map<string, string[]>();
  const scan = (file: string): string[] => {
    let specifiers = importsOf.get(file);
    if (!specifiers) {
      const source = existsSync(file) ? readFileSync(file, "utf8") : "";
      specifiers = [...source.matchAll(imageImport)].map((match) => match[1] as string).filter((s) => s in workspaceAliases);
      importsOf.set(file, specifiers);
    }
    return specifiers;
  };
  return (file) => {
    const aliases: Record<string, string> = {};
    const pending = [file];
    while (pending.length > 0) {
      for (const specifier of scan(pending.pop() as string)) {
        if (specifier in aliases) continue;
        aliases[specifier] = workspaceAliases[specifier] as string;
        pending.push(aliases[specifier]);
      }
    }
    return aliases;
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
  for (const name of readdirSync(siblingsDir)) {
    const entry = path.join(siblingsDir, name, fromSource ? "src/index.ts" : "dist/index.js");
    if (!existsSync(entry)) continue;
    aliases[`@kiln/${name}`] = entry;
  }
  return aliases;
}
