import { mkdirSync } from "node:fs";
import path from "node:path";
import { catalogData, findWorkspaceRoot, loadWorkspace, writeFileAtomic } from "@kiln/core";
import { note, printLine } from "../output.js";

export interface CatalogArgs {
  out: string | undefined;
}

/**
 * `kiln catalog`: every image of the workspace with its definition, README, Dockerfile and last
 * build, as JSON, for the catalog site (apps/catalog). Always all images: a catalog of a
 * selection would leave holes in the graph.
 */
export async function catalog(args: CatalogArgs, signal: AbortSignal): Promise<void> {
  const root = findWorkspaceRoot(process.cwd());
  const workspace = await loadWorkspace(root, { signal });
  const text = `${JSON.stringify(catalogData(workspace.images), null, 2)}\n`;
  if (args.out === undefined) return printLine(text.trimEnd());
  const file = path.resolve(process.cwd(), args.out);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, text);
  note("images", "catalog", `${workspace.images.length} images written to ${path.relative(process.cwd(), file) || file}`);
}
