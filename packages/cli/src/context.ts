import path from "node:path";
import { findWorkspaceRoot, loadWorkspace, readWorkspace, type LoadedWorkspace } from "@kiln/core";

/**
 * The workspace a command works on, and the images it means: the names given, else the image
 * whose directory we are in (how `pnpm turbo build` runs `kiln build` per package), else all.
 */
export interface CommandContext {
  root: string;
  /** undefined means every image */
  names: string[] | undefined;
}

export function commandContext(names: string[] | undefined, cwd = process.cwd()): CommandContext {
  const root = findWorkspaceRoot(cwd);
  if (names && names.length > 0) return { root, names };
  const here = readWorkspace(root).images.find((pkg) => {
    const rel = path.relative(pkg.dir, cwd);
    return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
  });
  return { root, names: here ? [here.name] : undefined };
}

/** Loads the images a command means, with their parents; `selected` are the ones asked for. */
export async function loadSelection(
  context: CommandContext,
  signal?: AbortSignal,
): Promise<LoadedWorkspace & { selected: LoadedWorkspace["images"] }> {
  const workspace = await loadWorkspace(context.root, { only: context.names, signal });
  const selected = context.names ? workspace.images.filter((image) => context.names?.includes(image.pkg.name)) : workspace.images;
  return { ...workspace, selected };
}
