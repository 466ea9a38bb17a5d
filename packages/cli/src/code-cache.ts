import { isAscii } from "node:buffer";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import vm from "node:vm";

/**
 * Runs kiln's one-file CommonJS bundle (dist/kiln.cjs) with a V8 code cache, so that a start does
 * not parse and compile the same code again: Node 20 has no compile cache of its own for
 * modules (module.enableCompileCache came in Node 22), but vm.Script takes the data V8 made
 * for the same source last time.
 *
 * A cache file is named by a hash of the bundle's text and of Node's version and architecture, so
 * a rebuilt bundle never meets an old cache (V8 itself checks only the source's length and its own
 * version and flags). V8 may still reject data (cachedDataRejected): the script then compiles
 * from source as if there were no cache, and the cache is written again. Every cache failure (an
 * unreadable, unwritable or missing directory) only costs speed: the bundle runs all the same.
 */
export function runWithCodeCache(bundleFile: string, options: CodeCacheOptions = {}): CodeCacheRun {
  const { cacheDir = defaultCacheDirectory(), saveAtExit = true } = options;
  const bytes = readFileSync(bundleFile);
  // esbuild writes ASCII (non-ASCII characters escaped), which decodes as Latin-1 without
  // UTF-8's checks; anything else is decoded as UTF-8.
  const source = bytes.toString(isAscii(bytes) ? "latin1" : "utf8");
  const name = path.basename(bundleFile);
  const cacheFile = path.join(cacheDir, `${name}-${cacheKey(bytes)}.bin`);
  const cachedData = readCache(cacheFile);
  // The CommonJS wrapper on the first line, so the bundle's line numbers stay as they are; its
  // last parameter is importModule.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __kilnImport) {${source}\n})`, {
    filename: bundleFile,
    cachedData,
  });
  const cache = cachedData === undefined ? "absent" : script.cachedDataRejected ? "rejected" : "used";
  const save = () => {
    if (cache !== "used") writeCache(cacheFile, name, () => script.createCachedData());
  };
  // Saved when the process exits: by then V8 has compiled every function this run called, and
  // the next run finds them all.
  if (saveAtExit) process.once("exit", save);
  const module = { exports: {} };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, bundleRequire(bundleFile), module, bundleFile, path.dirname(bundleFile), importModule);
  return { cache, cacheFile, save };
}

export interface CodeCacheOptions {
  /** Where cache files go (default: defaultCacheDirectory()). */
  cacheDir?: string;
  /** Write the cache when the process exits (default), else only when save() is called. */
  saveAtExit?: boolean;
}

export interface CodeCacheRun {
  /** used: V8 took the cached code; absent: there was none; rejected: V8 refused it (save() rewrites it). */
  cache: "used" | "absent" | "rejected";
  cacheFile: string;
  /** Writes the cache for this source unless V8 used the one there was; never throws. */
  save: () => void;
}

/**
 * import() for the bundle, which has no module loader of its own: jiti loads ES modules through it
 * (single-file-bundle.js). Specifiers are absolute paths or URLs, or Node's built-in modules.
 */
const importModule = (specifier: string): Promise<unknown> => import(specifier);

/** $XDG_CACHE_HOME/kiln, else ~/.cache/kiln: per user, outside any checkout. */
export function defaultCacheDirectory(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "kiln");
}

function cacheKey(source: Buffer): string {
  return createHash("sha256").update(`${process.version}\0${process.arch}\0`).update(source).digest("hex").slice(0, 32);
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Atomically (a temporary file renamed into place, so a concurrent kiln never reads half a cache),
 * and removes the caches of the same bundle's earlier builds. A failure is ignored: see above.
 */
function writeCache(file: string, bundleName: string, data: () => Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(temporary, data());
    renameSync(temporary, file);
    for (const entry of readdirSync(path.dirname(file))) {
      if (entry.startsWith(`${bundleName}-`) && entry.endsWith(".bin") && entry !== path.basename(file))
        rmSync(path.join(path.dirname(file), entry), { force: true });
    }
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // The directory itself is unusable: there is nothing to remove.
    }
  }
}

/**
 * The `require` the bundle gets: its own, and for the few packages it leaves out (they load files
 * that sit beside them, such as WebAssembly, or only commands off the hot path need them: see
 * single-file-bundle.js) the sibling @kiln package that depends on them, since in an installed
 * tree a dependency of @kiln/engine is not visible from @kiln/cli.
 */
function bundleRequire(bundleFile: string): NodeJS.Require {
  const own = createRequire(bundleFile);
  const siblingsDir = path.resolve(path.dirname(bundleFile), "../..");
  let siblings: NodeJS.Require[] | undefined;
  const required = (id: string): unknown => {
    try {
      return own(id);
    } catch (error) {
      if ((error as { code?: string }).code !== "MODULE_NOT_FOUND") throw error;
      siblings ??= readdirSync(siblingsDir)
        .map((name) => path.join(siblingsDir, name, "package.json"))
        .filter((file) => existsSync(file))
        .map((file) => createRequire(file));
      for (const sibling of siblings) {
        try {
          return sibling(id);
        } catch (siblingError) {
          if ((siblingError as { code?: string }).code !== "MODULE_NOT_FOUND") throw siblingError;
        }
      }
      throw error;
    }
  };
  return Object.assign(required, { resolve: own.resolve, cache: own.cache, extensions: own.extensions, main: own.main });
}
