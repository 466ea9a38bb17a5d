import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DefinitionError } from "../errors.js";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { entriesByKey } from "../text/code-point-order.js";

/**
 * images/<name>/kiln.lock.json: what an image was built from, per platform. The base digest pins
 * `FROM` (kiln synth --locked); package versions make an upgrade visible in review.
 */
export const lockFileSchema = z.strictObject({
  image: z.string(),
  base: z.strictObject({
    reference: z.string(),
    /** the index (or single manifest) digest the reference resolved to */
    digest: z.string().regex(/^sha256:[a-f0-9]{64}$/),
    /** platform → manifest digest */
    platforms: z.record(z.string(), z.string().regex(/^sha256:[a-f0-9]{64}$/)),
  }),
  /** platform → installed packages as name=version, sorted; absent until the image was built */
  packages: z.record(z.string(), z.array(z.string())).optional(),
});
export type LockFile = z.output<typeof lockFileSchema>;

export const lockFileName = "kiln.lock.json";

export function readLockFile(imageDir: string, displayRoot: string): LockFile | undefined {
  const file = path.join(imageDir, lockFileName);
  if (!existsSync(file)) return undefined;
  const shown = path.relative(displayRoot, file);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new DefinitionError(`${shown}: not valid JSON: ${(error as Error).message}`, "regenerate it with kiln lock");
  }
  const parsed = lockFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DefinitionError(`${shown}: ${issue?.path.join(".") || "(file)"}: ${issue?.message}`, "regenerate it with kiln lock");
  }
  return parsed.data;
}

/** Stable JSON (sorted platform keys) so a lock only changes when what it records changes. */
export function renderLockFile(lock: LockFile): string {
  const sortKeys = <T>(record: Record<string, T> | undefined) => (record ? Object.fromEntries(entriesByKey(record)) : undefined);
  const ordered: LockFile = {
    image: lock.image,
    base: { reference: lock.base.reference, digest: lock.base.digest, platforms: sortKeys(lock.base.platforms) ?? {} },
    ...(lock.packages ? { packages: sortKeys(lock.packages) } : {}),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

export function writeLockFile(imageDir: string, lock: LockFile): void {
  writeFileAtomic(path.join(imageDir, lockFileName), renderLockFile(lock));
}

/** What changed between two locks, one line each, for `kiln update` and `kiln lock --check`. */
export function lockChanges(before: LockFile | undefined, after: LockFile): string[] {
  if (!before) return [`new lock: ${after.base.reference} at ${after.base.digest}`];
  const changes: string[] = [];
  if (before.base.reference !== after.base.reference) changes.push(`base reference ${before.base.reference} → ${after.base.reference}`);
  if (before.base.digest !== after.base.digest) changes.push(`base digest ${before.base.digest} → ${after.base.digest}`);
  for (const platform of new Set([...Object.keys(before.base.platforms), ...Object.keys(after.base.platforms)])) {
    const [a, b] = [before.base.platforms[platform], after.base.platforms[platform]];
    if (a !== b) changes.push(`${platform} base manifest ${a ?? "(none)"} → ${b ?? "(none)"}`);
  }
  for (const platform of new Set([...Object.keys(before.packages ?? {}), ...Object.keys(after.packages ?? {})])) {
    const a = new Set(before.packages?.[platform] ?? []);
    const b = new Set(after.packages?.[platform] ?? []);
    const removed = [...a].filter((p) => !b.has(p));
    const added = [...b].filter((p) => !a.has(p));
    if (removed.length + added.length > 0)
      changes.push(`${platform} packages: ${[...removed.map((p) => `-${p}`), ...added.map((p) => `+${p}`)].join(" ")}`);
  }
  return changes;
}
