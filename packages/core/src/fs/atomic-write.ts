import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const pending = new Set<string>();

/**
 * Writes through a temp file in the same directory, then renames: readers and an interrupted
 * run (Ctrl-C) see the old file or the new one, never half of one.
 */
export function writeFileAtomic(file: string, content: string, mode?: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = path.join(path.dirname(file), `.kiln-tmp-${path.basename(file)}-${randomBytes(4).toString("hex")}`);
  pending.add(temp);
  try {
    writeFileSync(temp, content, mode === undefined ? undefined : { mode });
    renameSync(temp, file);
  } finally {
    pending.delete(temp);
    rmSync(temp, { force: true });
  }
}

/** Removes temp files still in flight; the CLI calls it from its SIGINT handler. */
export function removePendingTempFiles(): void {
  for (const temp of pending) rmSync(temp, { force: true });
  pending.clear();
}
