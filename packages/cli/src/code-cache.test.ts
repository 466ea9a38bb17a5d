import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { runWithCodeCache } from "./code-cache.js";

// Each bundle records what ran in a global, so a test sees which code V8 executed.
declare global {
  var kilnCodeCacheTest: unknown;
}

let dir: string;
let cacheDir: string;
let bundle: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "kiln-code-cache-"));
  cacheDir = path.join(dir, "cache");
  bundle = bundleAt("cli");
  globalThis.kilnCodeCacheTest = undefined;
});

/**
 * <dir>/<name>/dist/kiln.cjs. V8 keeps what it compiled in memory, per source text and file name:
 * a second run of the same file in this process would never consult the cache data, so a test of
 * what V8 does with it runs a copy at another path (same name, same content, same cache file).
 */
function bundleAt(name: string): string {
  mkdirSync(path.join(dir, name, "dist"), { recursive: true });
  return path.join(dir, name, "dist", "kiln.cjs");
}

function copyBundle(name: string): string {
  const copy = bundleAt(name);
  copyFileSync(bundle, copy);
  return copy;
}

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A bundle whose functions run on load, so the cache holds compiled code for them. */
function writeBundle(value: string): void {
  writeFileSync(
    bundle,
    `"use strict";\nfunction answer() { return ${JSON.stringify(value)}; }\nglobalThis.kilnCodeCacheTest = answer();\n`,
  );
}

const run = (file = bundle) => runWithCodeCache(file, { cacheDir, saveAtExit: false });
const cacheFiles = () => (existsSync(cacheDir) ? readdirSync(cacheDir) : []);

describe("runWithCodeCache", () => {
  test("runs without a cache, saves one, and V8 takes it on the next run", () => {
    writeBundle("one");
    const first = run();
    expect(first.cache).toBe("absent");
    expect(globalThis.kilnCodeCacheTest).toBe("one");
    first.save();
    expect(cacheFiles()).toEqual([path.basename(first.cacheFile)]);

    globalThis.kilnCodeCacheTest = undefined;
    const second = run(copyBundle("second"));
    expect(second.cache).toBe("used");
    expect(second.cacheFile).toBe(first.cacheFile);
    expect(globalThis.kilnCodeCacheTest).toBe("one");
  });

  test("a rebuilt bundle of the same length never runs the old bundle's cached code", () => {
    // V8 checks only the source's length: the cache file is named by the content's hash.
    writeBundle("old");
    run().save();
    writeBundle("new");
    const rebuilt = run();
    expect(rebuilt.cache).toBe("absent");
    expect(globalThis.kilnCodeCacheTest).toBe("new");
    rebuilt.save();
    // The old build's cache is removed when the new one is written.
    expect(cacheFiles()).toEqual([path.basename(rebuilt.cacheFile)]);
    globalThis.kilnCodeCacheTest = undefined;
    expect(run(copyBundle("again")).cache).toBe("used");
    expect(globalThis.kilnCodeCacheTest).toBe("new");
  });

  test("a cache V8 rejects is ignored, the bundle still runs, and save() rewrites it", () => {
    writeBundle("one");
    const first = run();
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(first.cacheFile, "not V8's data");
    globalThis.kilnCodeCacheTest = undefined;
    const rejected = run(copyBundle("second"));
    expect(rejected.cache).toBe("rejected");
    expect(globalThis.kilnCodeCacheTest).toBe("one");
    rejected.save();
    expect(run(copyBundle("third")).cache).toBe("used");
  });

  test("an unwritable cache directory costs only speed", () => {
    writeBundle("one");
    // A regular file where the cache directory would be: mkdir fails, even for root.
    writeFileSync(path.join(dir, "blocked"), "");
    const blocked = runWithCodeCache(bundle, { cacheDir: path.join(dir, "blocked", "kiln"), saveAtExit: false });
    expect(blocked.cache).toBe("absent");
    expect(globalThis.kilnCodeCacheTest).toBe("one");
    expect(() => blocked.save()).not.toThrow();
    expect(readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  test("a package left out of the bundle is found through the sibling package that depends on it", () => {
    // Installed trees: @kiln/engine's dockerode is not visible from @kiln/cli's directory.
    const dependency = path.join(dir, "engine", "node_modules", "left-out");
    mkdirSync(dependency, { recursive: true });
    writeFileSync(path.join(dir, "engine", "package.json"), JSON.stringify({ name: "engine" }));
    writeFileSync(path.join(dependency, "package.json"), JSON.stringify({ name: "left-out", main: "index.js" }));
    writeFileSync(path.join(dependency, "index.js"), 'module.exports = "found beside engine";');
    writeFileSync(bundle, 'globalThis.kilnCodeCacheTest = require("left-out");');
    run();
    expect(globalThis.kilnCodeCacheTest).toBe("found beside engine");
    writeFileSync(bundle, 'globalThis.kilnCodeCacheTest = require("nowhere-to-be-found");');
    expect(() => run()).toThrow(/Cannot find module 'nowhere-to-be-found'/);
  });
});
