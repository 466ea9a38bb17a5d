import { readFileSync } from "node:fs";
import path from "node:path";
import type { ResolvedImage } from "../resolve/resolved-image.js";
import { runtimeInterface } from "../resolve/resolve.js";
import { compareCodePoints } from "../text/code-point-order.js";

/** Set by the shell, the kernel or Docker itself; no image documents them. */
const standardVariables = new Set(["HOME", "HOSTNAME", "IFS", "OPTARG", "OPTIND", "PATH", "PWD", "USER"]);

/**
 * The upper-case variables a shell script takes from its environment: those it reads and never
 * assigns, and those it reads with a default (`${NAME:-…}`, `${NAME:?…}`, `${NAME:+…}`), which
 * says the value may come from outside even when the script assigns it afterwards.
 */
export function environmentReadBy(script: string): string[] {
  const read = new Set([...script.matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g)].map((m) => m[1] as string));
  const assigned = new Set([...script.matchAll(/(?:^|[\s;(])([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] as string));
  const withDefault = new Set([...script.matchAll(/\$\{([A-Z][A-Z0-9_]*):?[-?+]/g)].map((m) => m[1] as string));
  return [...read].filter((name) => !standardVariables.has(name) && (!assigned.has(name) || withDefault.has(name))).sort(compareCodePoints);
}

/**
 * Variables the image's feature scripts read that neither the image, its features nor its
 * parents declare (in `runtimeEnv`, or set with `env`): a setting no README, catalog or `kiln
 * lint` would ever mention.
 */
export function undeclaredScriptVariables(image: ResolvedImage): { script: string; name: string }[] {
  const { env, runtimeEnv } = runtimeInterface(image);
  return image.featureFiles.flatMap((file) => {
    const script = path.join(file.contextDir, file.src);
    return environmentReadBy(readFileSync(script, "utf8"))
      .filter((name) => !(name in env) && !(name in runtimeEnv))
      .map((name) => ({ script: path.basename(script), name }));
  });
}
