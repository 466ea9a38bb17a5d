import { CheckFailedError, imageReference, lockChanges, readLockFile, writeLockFile, type LockFile } from "@kiln/core";
import { installedPackages } from "@kiln/engine";
import { resolveBaseDigest } from "@kiln/registry";
import { commandContext, loadSelection } from "../context.js";
import { activeMirror } from "../mirror.js";
import { note, printJson } from "../output.js";

export interface LockArgs {
  names: string[];
  check: boolean;
  mirror: string | undefined;
  json: boolean;
}

/**
 * `kiln lock` records each image's base digest per platform, and the packages of the built image
 * when it is in the local store. `--check` writes nothing and fails (exit 1) when a lock is stale;
 * `kiln update` (the same command, `report` on) says what changed.
 */
export async function lock(args: LockArgs, signal: AbortSignal, report = false): Promise<void> {
  const workspace = await loadSelection(commandContext(args.names), signal);
  const mirror = await activeMirror(workspace.root, args.mirror);
  const results: { image: string; status: "written" | "unchanged" | "stale"; changes: string[] }[] = [];
  for (const image of workspace.selected) {
    const base = image.resolved.base;
    if (base.kind === "workspace") continue;
    const before = readLockFile(image.pkg.dir, workspace.root);
    const resolved = await resolveBaseDigest(base.reference, image.resolved.platforms, mirror?.profile);
    const packages = await installedPackages(
      imageReference(image.pkg.name, image.pkg.version),
      image.resolved.platforms,
      image.resolved.distro.name,
    ).catch(() => before?.packages);
    const after: LockFile = { image: image.pkg.name, base: { reference: base.reference, ...resolved }, ...(packages ? { packages } : {}) };
    // --check compares what it can observe: packages only when the image is built here.
    const comparable = args.check && !packages ? { ...after, packages: before?.packages } : after;
    const changes = lockChanges(before, comparable);
    if (changes.length === 0) results.push({ image: image.pkg.name, status: "unchanged", changes });
    else if (args.check) results.push({ image: image.pkg.name, status: "stale", changes });
    else {
      writeLockFile(image.pkg.dir, after);
      results.push({ image: image.pkg.name, status: "written", changes });
    }
  }
  if (args.json) printJson(results);
  else {
    for (const result of results) {
      const verb = { written: report ? "updated" : "wrote kiln.lock.json", unchanged: "up to date", stale: "out of date" }[result.status];
      note(result.image, args.check ? "lock --check" : report ? "update" : "lock", verb);
      if (report || args.check) for (const change of result.changes) note(result.image, "changed", change);
    }
  }
  const stale = results.filter((r) => r.status === "stale");
  if (stale.length > 0) {
    throw new CheckFailedError(
      `lock file out of date: ${stale.map((r) => r.image).join(", ")}`,
      `run kiln update ${stale.map((r) => r.image).join(" ")} and commit the lock files`,
    );
  }
}
