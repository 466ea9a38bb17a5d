import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Writes through a temp file in the same directory, then renames: readers and an interrupted
 * run see the old file or the new one, never half of one. The write and the rename are one
 * synchronous step, so a signal (handled only between event-loop turns) can never fall between
 * them and leave the temp file behind.
 */
export function writeFileAtomic(file: string, content: string, mode?: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = path.join(path.dirname(file), `.kiln-tmp-${path.basename(file)}-${randomBytes(4).toString("hex")}`);
  try {
    writeFileSync(temp, content, mode === undefined ? undefined : { mode });
    renameSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
}
