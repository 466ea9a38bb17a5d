import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";

export interface InstalledPackage {
  name: string;
  dir: string;
}

/**
 * The production dependency closure of the package in `packageDir`, resolved the way Node resolves
 * it: each `dependencies` (and installed `optionalDependencies`) entry is looked up in the
 * node_modules directories from the depending package upwards, through pnpm's symlinks. What this
 * returns is what `npm install <package>` would bring, as installed here.
 */
export function productionClosure(packageDir: string): InstalledPackage[] {
  const seen = new Map<string, InstalledPackage>();
  const pending = [realpathSync(packageDir)];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    const required = Object.keys(manifest.dependencies ?? {});
    const optional = Object.keys(manifest.optionalDependencies ?? {});
    for (const name of [...required, ...optional]) {
      const found = findInstalled(dir, name);
      if (found === undefined) {
        if (optional.includes(name)) continue;
        throw new Error(`${dir}: dependency ${name} is not installed`);
      }
      if (seen.has(found)) continue;
      seen.set(found, { name, dir: found });
      pending.push(found);
    }
  }
  return [...seen.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function findInstalled(fromDir: string, name: string): string | undefined {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name, "package.json");
    if (existsSync(candidate)) return realpathSync(path.dirname(candidate));
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Bytes on disk of a package directory, without its own nested node_modules (those are counted as packages). */
export function packageSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) total += packageSize(file);
    else if (entry.isFile()) total += statSync(file).size;
  }
  return total;
}
