import { mkdirSync } from "node:fs";
import path from "node:path";
import { EngineUnavailableError, formatCommand, gitRevision, loadKilnConfig, pinnedBase, planBuild, runBuild, sourceDateEpoch, synthImages, UsageError, type BuildOutput, type BuildPlan, type LoadedImage, type Platform } from "@kiln/core";
import { probeEngine } from "@kiln/engine";
import { pushVersion } from "@kiln/registry";
import { commandContext, loadSelection } from "../context.js";
import { activeMirror } from "../mirror.js";
import { note, printJson, printLine } from "../output.js";

export interface BuildArgs {
  names: string[];
  dryRun: boolean;
  push: boolean;
  registry: string | undefined;
  output: string | undefined;
  platform: string[] | undefined;
  mirror: string | undefined;
  progress: "auto" | "plain" | "tty" | "quiet" | "rawjson";
  requireEngine: boolean;
  cacheRef: string | undefined;
  /** false with --no-cache */
  cache: boolean;
  force: boolean;
  locked: boolean;
  json: boolean;
  /** NAME=value pairs for build arguments the images declare */
  buildArg: string[] | undefined;
}

/**
 * `kiln build`: synthesizes, then builds each image with buildx for all its platforms. Without a
 * reachable engine it still synthesizes and says plainly that no image was built. `--push` goes
 * through the same path as a release: the image is pushed whole under `sha-<7>` first, then the
 * version tags move to it, and a version tag pointing at another image is refused without --force.
 */
export async function build(args: BuildArgs, signal: AbortSignal): Promise<void> {
  const context = commandContext(args.names);
  const workspace = await loadSelection(context, signal);
  const config = await loadKilnConfig(context.root);
  const mirror = await activeMirror(context.root, args.mirror, config);
  const registry = args.registry ?? process.env.KILN_REGISTRY ?? config.registry;
  const output = buildOutput(args, registry);
  // KILN_PLATFORMS (comma-separated) is declared in turbo.json, so it is part of the cache key.
  const buildArgs = parseBuildArgs(args.buildArg ?? [], workspace.selected);
  const platforms = args.platform ?? process.env.KILN_PLATFORMS?.split(",").map((p) => p.trim()).filter(Boolean);

  for (const result of await synthImages(workspace.root, workspace.selected, { locked: args.locked, signal })) {
    if (result.status === "written") note(result.image, "synth", `wrote ${result.path}`);
  }

  const [revision, createdEpoch] = await Promise.all([gitRevision(context.root), sourceDateEpoch(context.root)]);
  const all = new Map(workspace.images.map((image) => [image.pkg.name, image]));
  const plans: BuildPlan[] = workspace.selected.map((image) =>
    planBuild(image, all, {
      root: workspace.root,
      output,
      registry,
      platforms: platforms as Platform[] | undefined,
      mirror: mirror?.profile,
      revision,
      source: config.source,
      createdEpoch,
      cacheRef: args.cacheRef ?? config.cache,
      progress: args.progress,
      pinnedBase: args.locked ? pinnedBase(workspace.root, image) : undefined,
      noCache: !args.cache,
      buildArgs,
      metadataFile: path.relative(workspace.root, path.join(image.pkg.dir, "dist", "buildx-metadata.json")),
    }),
  );

  if (args.dryRun) {
    if (args.json) return printJson(plans);
    for (const plan of plans) {
      printLine(`# ${plan.image} ${plan.version}${mirror ? ` (mirror: ${mirror.profile.name} from ${mirror.origin})` : ""}`);
      const env = Object.entries(plan.env).map(([k, v]) => `${k}=${v} `).join("");
      printLine(`${env}${formatCommand(plan.command)}`);
    }
    return;
  }

  const engine = await probeEngine();
  if (!engine.reachable) {
    const message = `no image was built: ${engine.reason}. The Dockerfiles are synthesized; kiln build --dry-run prints the buildx commands.`;
    if (args.requireEngine || process.env.KILN_REQUIRE_ENGINE === "1") {
      throw new EngineUnavailableError(message, "start a Docker engine (scripts/provision-engine.sh on Debian/Ubuntu), then run kiln doctor");
    }
    note(undefined, "build", message);
    return;
  }

  if (output.type === "push" && registry) {
    for (const image of workspace.selected) {
      note(image.pkg.name, "push", `${image.pkg.version} → ${registry}`);
      const result = await pushVersion({
        image,
        all,
        root: workspace.root,
        registry,
        revision,
        createdEpoch,
        source: config.source,
        mirror: mirror?.profile,
        force: args.force,
        buildArgs,
        signal,
        progress: args.progress,
        log: (text) => note(image.pkg.name, "push", text),
      });
      note(image.pkg.name, "push", `${result.tags.join(", ")} → ${result.digest}`);
    }
    return;
  }

  const records = [];
  for (const plan of plans) {
    note(plan.image, "build", `${plan.platforms.join(" + ")} → ${describeOutput(plan)}`);
    const image = all.get(plan.image);
    if (!image) continue;
    const record = await runBuild(plan, { root: workspace.root, imageDir: image.pkg.dir, signal, stdio: args.json ? "pipe" : "inherit" });
    note(plan.image, "build", `done ${record.digest ?? ""}`.trim());
    records.push(record);
  }
  if (args.json) printJson(records);
}

function buildOutput(args: BuildArgs, registry: string | undefined): BuildOutput {
  if (args.push && args.output) throw new UsageError("--push and --output exclude each other", "choose one destination");
  if (args.push) {
    if (!registry) throw new UsageError("--push needs a registry", "pass --registry host[:port]/namespace, or set registry in kiln.config.ts");
    return { type: "push" };
  }
  if (args.output) {
    const [type, dest] = args.output.split(":", 2);
    if (type === "oci" && dest) {
      mkdirSync(path.dirname(path.resolve(dest)), { recursive: true });
      return { type: "oci", dest: path.resolve(dest) };
    }
    if (type === "cache-only") return { type: "cache-only" };
    throw new UsageError(`--output ${args.output}: unknown output`, "use --output oci:<file.tar> or --output cache-only");
  }
  return { type: "load" };
}

function describeOutput(plan: BuildPlan): string {
  switch (plan.output.type) {
    case "push":
      return `push ${plan.tags.join(", ")}`;
    case "oci":
      return `OCI layout ${plan.output.dest}`;
    case "push-by-digest":
      return `push ${plan.pushName} by digest`;
    case "cache-only":
      return "build cache only";
    case "load":
      return `local image store as ${plan.tags.join(", ")}`;
  }
}

/**
 * `--build-arg NAME=value`, checked against what the selected images declare: a misspelt name
 * would otherwise be ignored silently and build the default.
 */
function parseBuildArgs(pairs: string[], images: LoadedImage[]): Record<string, string> {
  const declared = new Set(images.flatMap((image) => Object.keys(image.resolved.buildArgs)));
  const values: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(pair);
    if (!match) throw new UsageError(`--build-arg "${pair}" is not NAME=value`, "write it as --build-arg DEV_UID=1234");
    const [, name, value] = match as unknown as [string, string, string];
    if (!declared.has(name)) {
      const known = [...declared].sort().join(", ") || "none";
      throw new UsageError(`--build-arg ${name}: no selected image declares it (declared: ${known})`, "declare it in the image's buildArgs, or check the spelling");
    }
    values[name] = value;
  }
  return values;
}
