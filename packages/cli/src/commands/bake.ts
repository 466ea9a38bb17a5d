import path from "node:path";
import {
  bakeFile,
  builderArgs,
  chosenBuilder,
  chosenRegistry,
  formatCommand,
  commitFacts,
  isHighestStable,
  loadKilnConfig,
  writeFileAtomic,
} from "@kiln/core";
import { RegistryClient, repositoryLocation, resolveBaseDigest } from "@kiln/registry";
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
  const { revision, createdEpoch } = await commitFacts(context.root);
  const builder = chosenBuilder(args.builder);
  // What a push by kiln build looks up in the registry, so bake's images carry the same labels
  // and tags: the digest a registry base resolves to now, and whether the version gets `latest`.
  const baseDigests: Record<string, string> = {};
  const latest = new Set<string>();
  if (registry) {
    for (const image of workspace.images) {
      const base = image.resolved.base;
      if (base.kind === "reference")
        baseDigests[image.pkg.name] = (await resolveBaseDigest(base.reference, image.resolved.platforms, mirror?.profile, builder)).digest;
      const published = await new RegistryClient(repositoryLocation(registry, image.pkg.name)).tags();
      if (isHighestStable(image.pkg.version, published)) latest.add(image.pkg.name);
    }
  }
  const file = bakeFile(workspace.images, new Map(workspace.images.map((image) => [image.pkg.name, image])), {
    root: workspace.root,
    output: registry ? { type: "push" } : { type: "load" },
    registry,
    mirror: mirror?.profile,
    revision,
    source: config.source,
    createdEpoch,
    baseDigests,
    latest,
  });
  if (args.json) return printJson(file);
  const out = path.resolve(workspace.root, args.out);
  writeFileAtomic(out, `${JSON.stringify(file, null, 2)}\n`);
  const shown = path.relative(process.cwd(), out) || out;
  note(
    undefined,
    "bake",
    `wrote ${shown} (${Object.keys(file.target).length} targets); run: ${formatCommand({ command: "docker", args: ["buildx", "bake", ...builderArgs(builder), "-f", shown, ...(registry ? [] : ["--load"])] })}`,
  );
}
