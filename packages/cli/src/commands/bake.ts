import path from "node:path";
import {
  bakeFile,
  builderArgs,
  chosenBuilder,
  chosenRegistry,
  formatCommand,
  gitRevision,
  loadKilnConfig,
  sourceDateEpoch,
  writeFileAtomic,
} from "@kiln/core";
import { commandContext, loadSelection } from "../context.js";
import { activeMirror } from "../mirror.js";
import { note, printJson } from "../output.js";

export interface BakeArgs {
  names: string[];
  out: string;
  registry: string | undefined;
  mirror: string | undefined;
  json: boolean;
  /** buildx builder the printed bake command names (--builder, else BUILDX_BUILDER) */
  builder?: string;
}

/** `kiln bake`: writes docker-bake.json for `docker buildx bake`, parents linked as target contexts. */
export async function bake(args: BakeArgs, signal: AbortSignal): Promise<void> {
  const context = commandContext(args.names);
  const workspace = await loadSelection(context, signal);
  const config = await loadKilnConfig(context.root);
  const mirror = await activeMirror(context.root, args.mirror, config);
  const registry = chosenRegistry(args.registry, config);
  const [revision, createdEpoch] = await Promise.all([gitRevision(context.root), sourceDateEpoch(context.root)]);
  const file = bakeFile(workspace.images, new Map(workspace.images.map((image) => [image.pkg.name, image])), {
    root: workspace.root,
    output: registry ? { type: "push" } : { type: "load" },
    registry,
    mirror: mirror?.profile,
    revision,
    source: config.source,
    createdEpoch,
  });
  if (args.json) return printJson(file);
  const out = path.resolve(workspace.root, args.out);
  writeFileAtomic(out, `${JSON.stringify(file, null, 2)}\n`);
  const shown = path.relative(process.cwd(), out) || out;
  const builder = chosenBuilder(args.builder);
  note(
    undefined,
    "bake",
    `wrote ${shown} (${Object.keys(file.target).length} targets); run: ${formatCommand({ command: "docker", args: ["buildx", "bake", ...builderArgs(builder), "-f", shown, registry ? "--push" : "--load"] })}`,
  );
}
