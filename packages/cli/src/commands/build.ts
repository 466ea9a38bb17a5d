import { mkdirSync } from "node:fs";
import path from "node:path";
import {
  chosenBuilder,
  chosenRegistry,
  platformDigestDir,
  platformDigestFileName,
  ToolError,
  writeFileAtomic,
  type PlatformDigest,
  EngineUnavailableError,
  formatCommand,
  commitFacts,
  loadKilnConfig,
  pinnedBase,
  planBuild,
  runBuild,
  synthImages,
  UsageError,
  type BuildOutput,
  type BuildPlan,
  type LoadedImage,
  type PlanOptions,
  type Platform,
  sortedByCodePoint,
  workspaceParents,
} from "@kiln/core";
import { probeEngine, type EngineStatus } from "@kiln/engine";
import type { PublishPlan } from "@kiln/registry";
import { commandContext, loadSelection } from "../context.js";
import { lookUpParents, parentPlan, runPlatforms, tagByContent, type ParentPlan } from "../parent-images.js";
import { activeMirror } from "../mirror.js";
import { note, printJson, printLine } from "../output.js";
import { pushByDigestVia, signingFrom } from "../push-target.js";
import { withStagingTagRemoved } from "../staging-tag.js";

export interface BuildArgs {
  names: string[];
  dryRun: boolean;
  push: boolean;
  /**
   * push each platform by digest, untagged, and write dist/digests/<platform>.json for `kiln merge`
   * (one platform per machine or CI job)
   */
  pushByDigest?: boolean;
  registry: string | undefined;
  output: string | undefined;
  platform: string[] | undefined;
  mirror: string | undefined;
  progress: "auto" | "plain" | "tty" | "quiet" | "rawjson";
  requireEngine: boolean;
  /** buildx builder (--builder, else BUILDX_BUILDER) */
  builder?: string;
  cacheRef: string | undefined;
  /** false with --no-cache */
  cache: boolean;
  force: boolean;
  locked: boolean;
  json: boolean;
  /** NAME=value pairs for build arguments the images declare */
  buildArg: string[] | undefined;
  /** with --push: cosign key reference (file or env://NAME) */
  signKey?: string;
  keyless?: boolean;
  /** with --push: attach an SBOM per platform (default) */
  sbom?: boolean;
}

/**
 * `kiln build`: synthesizes, then builds each image with buildx for all its platforms. Without a
 * reachable engine it still synthesizes and says plainly that no image was built. `--push` goes
 * through the same path as a release: the image is pushed by digest (no tag), gets its SBOMs and
 * signature, then the version tags move to it; a version tag pointing at another image is refused
 * without --force. Every flag reaches the push: --dry-run prints the plan that runs.
 */
export async function build(args: BuildArgs, signal: AbortSignal): Promise<void> {
  const context = commandContext(args.names);
  // The commit and its time, asked of git while the definitions load: a child process that would
  // otherwise add its start to the build's. Awaited after synth, as before.
  const commit = commitFacts(context.root);
  // The engine, likewise: the probe's answer is usually in before the build needs it.
  const engineStatus = args.dryRun ? undefined : probeEngine();
  const workspace = await loadSelection(context, signal);
  const config = await loadKilnConfig(context.root);
  const mirror = await activeMirror(context.root, args.mirror, config);
  const registry = chosenRegistry(args.registry, config);
  const builder = chosenBuilder(args.builder);
  const output = buildOutput(args, registry);
  // KILN_PLATFORMS (comma-separated) is declared in turbo.json, so it is part of the cache key.
  const buildArgs = parseBuildArgs(args.buildArg ?? [], workspace.selected);
  const platforms =
    args.platform ??
    process.env.KILN_PLATFORMS?.split(",")
      .map((p) => p.trim())
      .filter(Boolean);

  const all = new Map(workspace.images.map((image) => [image.pkg.name, image]));
  // A build into the local store looks up the parents it takes from there while it synthesizes.
  const loadsLocally = !args.dryRun && !args.pushByDigest && output.type !== "push";
  const parentLookups = loadsLocally ? lookUpParents(workspace.selected, all) : undefined;

  for (const result of await synthImages(workspace.root, workspace.selected, { locked: args.locked, signal })) {
    if (result.status === "written") note(result.image, "synth", `wrote ${result.path}`);
  }

  const { revision, createdEpoch } = await commit;
  const planOptions = (image: LoadedImage): Omit<PlanOptions, "output"> => ({
    root: workspace.root,
    registry,
    platforms: platforms as Platform[] | undefined,
    mirror: mirror?.profile,
    revision,
    source: config.source,
    createdEpoch,
    cacheRef: args.cacheRef ?? config.cache,
    progress: args.progress,
    builder,
    pinnedBase: args.locked ? pinnedBase(workspace.root, image) : undefined,
    noCache: !args.cache,
    buildArgs,
    metadataFile: path.relative(workspace.root, path.join(image.pkg.dir, "dist", "buildx-metadata.json")),
  });
  if (args.pushByDigest) {
    if (!registry) throw new UsageError("--push-by-digest needs a registry", "pass --registry host[:port]/namespace, or set KILN_REGISTRY");
    if (args.push || args.output) throw new UsageError("--push-by-digest excludes --push and --output", "choose one destination");
    if (!revision)
      throw new UsageError(
        "--push-by-digest needs a git checkout",
        "kiln merge refuses digests of different commits, so each records its commit",
      );
    return pushDigests(args, signal, {
      root: workspace.root,
      registry,
      all,
      selected: workspace.selected,
      planOptions,
      revision,
    });
  }
  if (output.type === "push" && registry)
    return push(args, signal, {
      root: workspace.root,
      platforms,
      registry,
      all,
      selected: workspace.selected,
      planOptions,
      createdEpoch,
      mirrorNote: mirror ? ` (mirror: ${mirror.profile.name} from ${mirror.origin})` : "",
    });

  // A parent built in the same run as its children also gets the engine's platform (see
  // runPlatforms) when --platform or KILN_PLATFORMS narrows the run.
  const parentsInRun = new Set(workspace.selected.flatMap((image) => workspaceParents(image)));
  const platformsFor = (image: LoadedImage, enginePlatform: string | undefined): Platform[] | undefined =>
    runPlatforms(image, platforms, parentsInRun, enginePlatform) as Platform[] | undefined;
  const planOne = (image: LoadedImage, parents?: ParentPlan, nativePlatform?: string): BuildPlan =>
    planBuild(image, all, {
      ...planOptions(image),
      platforms: platformsFor(image, nativePlatform),
      output,
      parentReferences: parents?.references,
      localParentTags: parents?.localTags,
    });

  if (args.dryRun) {
    const enginePlatform = await dryRunEnginePlatform(platforms, parentsInRun);
    const plans = workspace.selected.map((image) => planOne(image, undefined, enginePlatform));
    if (args.json) return printJson(plans);
    for (const plan of plans) {
      printLine(`# ${plan.image} ${plan.version}${mirror ? ` (mirror: ${mirror.profile.name} from ${mirror.origin})` : ""}`);
      printLine(commandLine(plan));
    }
    return;
  }

  const engine = await requireEngine(args, engineStatus);
  if (!engine) return;

  const parents = await parentPlan(
    workspace.selected,
    all,
    (image) => platforms ?? image.resolved.platforms,
    engine.platform,
    parentLookups,
  );
  if (parents.rebuild.length > 0) {
    for (const parent of parents.rebuild) note(parent.name, "build", `${parent.reason}: building it first`);
    await build(
      {
        ...args,
        names: parents.rebuild.map((parent) => parent.name),
        platform: [...new Set(parents.rebuild.flatMap((parent) => parent.platforms))],
        output: undefined,
        push: false,
        dryRun: false,
        json: false,
      },
      signal,
    );
  }
  for (const [name, reference] of Object.entries(parents.references))
    note(name, "build", `taken from the registry as recorded: ${reference}`);

  const records = [];
  for (const image of workspace.selected) {
    // Planned once the parents this run builds are built: a child's context names what they made.
    const plan = planOne(image, parents, engine.platform);
    note(plan.image, "build", `${plan.platforms.join(" + ")} → ${describeOutput(plan)}`);
    const record = await runBuild(plan, { root: workspace.root, imageDir: image.pkg.dir, signal, stdio: args.json ? "pipe" : "inherit" });
    note(plan.image, "build", `done ${record.digest ?? ""}`.trim());
    if (plan.output.type === "load" && record.digest && parentsInRun.has(plan.image))
      parents.localTags[plan.image] = await tagByContent(plan.image, plan.version, record.digest);
    records.push(record);
  }
  if (args.json) printJson(records);
}

/** The command as a shell line, with the environment it runs in (SOURCE_DATE_EPOCH). */
function commandLine(plan: BuildPlan): string {
  const env = Object.entries(plan.env)
    .map(([k, v]) => `${k}=${v} `)
    .join("");
  return `${env}${formatCommand(plan.command)}`;
}

interface PushContext {
  root: string;
  /** --platform or KILN_PLATFORMS, when the run is narrowed */
  platforms: string[] | undefined;
  registry: string;
  all: Map<string, LoadedImage>;
  selected: LoadedImage[];
  planOptions: (image: LoadedImage) => Omit<PlanOptions, "output">;
  createdEpoch: number | undefined;
  mirrorNote: string;
}

/**
 * `build --push`: one publish plan per image, printed by --dry-run and run as printed. A child
 * pushed with its parent is planned again once the parent is up, for the parent's digest.
 */
async function push(args: BuildArgs, signal: AbortSignal, context: PushContext): Promise<void> {
  // The registry client, SBOM and signing code load only for a push: a plain build never pays for them.
  const [{ planPublish, publishImage }, { supplyChain }] = await Promise.all([import("@kiln/registry"), import("../supply-chain.js")]);
  const via = await pushByDigestVia(chosenBuilder(args.builder));
  const signing = signingFrom(args);
  // A parent pushed with its children in a run narrowed by --platform also gets the engine's
  // platform (runPlatforms), as a loaded one does; --dry-run prints the builds that would run.
  const parentsInRun = new Set(context.selected.flatMap((image) => workspaceParents(image)));
  let enginePlatform: string | undefined;
  if (args.dryRun) {
    enginePlatform = await dryRunEnginePlatform(context.platforms, parentsInRun);
  } else {
    const engine = await requireEngine(args);
    if (!engine) return;
    enginePlatform = engine.platform;
  }
  const plan = (image: LoadedImage, pushedInThisRun: Set<string>) => {
    const options = context.planOptions(image);
    return planPublish(image, context.all, {
      ...options,
      platforms: runPlatforms(image, options.platforms, parentsInRun, enginePlatform) as Platform[] | undefined,
      registry: context.registry,
      via,
      provenance: "max",
      pushedInThisRun,
      log: (text) => note(image.pkg.name, "push", text),
    });
  };
  const selectedNames = context.selected.map((image) => image.pkg.name);
  const before = (image: LoadedImage) => new Set(selectedNames.slice(0, selectedNames.indexOf(image.pkg.name)));

  if (args.dryRun) {
    const plans: PublishPlan[] = [];
    for (const image of context.selected) plans.push(await plan(image, before(image)));
    if (args.json) return printJson(plans);
    for (const publish of plans) {
      printLine(`# ${publish.image} ${publish.version}${context.mirrorNote}`);
      printLine(commandLine(publish.build));
      printLine(`# then: ${publishSteps(publish, args)}`);
    }
    return;
  }
  for (const image of context.selected) {
    const publish = await plan(image, before(image));
    note(
      image.pkg.name,
      "push",
      `${publish.version} → ${publish.repository} by digest (${via === "buildx" ? "buildx push-by-digest" : "staging repository"})`,
    );
    const log = (text: string) => note(image.pkg.name, "push", text);
    const result = await withStagingTagRemoved(
      publish.build,
      () =>
        publishImage(publish, {
          root: context.root,
          imageDir: image.pkg.dir,
          registry: context.registry,
          force: args.force,
          signal,
          attach: supplyChain(image, context.all, {
            signing,
            sbom: args.sbom ?? true,
            createdEpoch: context.createdEpoch ?? Math.floor(Date.now() / 1000),
            signal,
            log,
          }),
          log,
        }),
      log,
    );
    note(image.pkg.name, "push", `${result.tags.join(", ")} → ${result.digest}`);
  }
}

/**
 * `build --push-by-digest`: each image up by digest with no tag (its parents taken from the
 * registry at the digest their version tag has), then one digest file per platform.
 */
async function pushDigests(
  args: BuildArgs,
  signal: AbortSignal,
  context: Omit<PushContext, "createdEpoch" | "mirrorNote" | "platforms"> & { revision: string },
): Promise<void> {
  const { planPublish, pushByDigest } = await import("@kiln/registry");
  const via = await pushByDigestVia(chosenBuilder(args.builder));
  const plans = [];
  for (const image of context.selected) {
    // A parent is found by its version tag, which only a merge sets: a parent pushed by digest in
    // this same run has none yet, so it is refused here (merge it first), not built against.
    const plan = await planPublish(image, context.all, {
      ...context.planOptions(image),
      registry: context.registry,
      via,
      pushedInThisRun: new Set(),
      log: (text) => note(image.pkg.name, "push", text),
    });
    if (args.dryRun) {
      printLine(`# ${plan.image} ${plan.version}: ${plan.build.platforms.join(" + ")} by digest, then dist/digests/`);
      printLine(commandLine(plan.build));
      continue;
    }
    if (plans.length === 0 && !(await requireEngine(args))) return;
    const log = (text: string) => note(image.pkg.name, "push", text);
    const pushed = await withStagingTagRemoved(
      plan.build,
      () => pushByDigest(plan, { root: context.root, imageDir: image.pkg.dir, registry: context.registry, signal, log }),
      log,
    );
    const dir = platformDigestDir(image.pkg.dir);
    for (const platform of plan.build.platforms) {
      const digest = plan.build.platforms.length === 1 ? pushed.digest : pushed.manifests.find((m) => m.platform === platform)?.digest;
      if (!digest)
        throw new ToolError(
          "KILN_NO_DIGEST",
          `${plan.image}: the pushed index has no ${platform} manifest`,
          "re-run with --progress plain",
        );
      const record: PlatformDigest = {
        image: plan.image,
        version: plan.version,
        platform,
        digest,
        repository: plan.repository,
        commit: context.revision,
      };
      writeFileAtomic(path.join(dir, platformDigestFileName(platform)), `${JSON.stringify(record, null, 2)}\n`);
      note(plan.image, "push", `${platform} → ${plan.repository}@${digest} (dist/digests/${platformDigestFileName(platform)})`);
    }
    plans.push(plan);
  }
}

/** What follows the build, in words, for --dry-run. */
function publishSteps(publish: PublishPlan, args: BuildArgs): string {
  const signing = signingFrom(args);
  const steps = [];
  if (publish.build.output.type === "push-by-digest" && publish.build.output.via === "staging")
    steps.push(`copy ${publish.build.pushName} into ${publish.repository} by digest`);
  if (args.sbom ?? true)
    steps.push(`attach an SPDX and a CycloneDX SBOM per platform${signing.mode === "none" ? "" : " (signed attestations)"}`);
  if (signing.mode !== "none")
    steps.push(`sign the index and each platform (${signing.mode === "key" ? `key ${signing.key}` : "keyless"})`);
  steps.push(`tag ${publish.tags.join(", ")}`);
  return steps.join("; ");
}

/**
 * KILN_PUSH=1 is `--push` for builds Turborepo runs: arguments after `turbo build --` reach every
 * package's build (tsup too), while a variable declared in turbo.json reaches kiln alone and is part
 * of the task's cache key, so a pushed build's record is never replayed for a build that only loaded.
 * Read by the command line only: builds kiln starts itself (a parent, an image to test) never push.
 */
export function pushFromEnvironment(): boolean {
  const value = process.env.KILN_PUSH ?? "";
  if (value === "" || value === "0") return false;
  if (value === "1") return true;
  throw new UsageError(`KILN_PUSH=${value}: expected 1 (push, as --push) or 0`, "set KILN_PUSH=1 to push, or unset it");
}

/**
 * For --dry-run, the engine's platform where it changes the plan: a run narrowed by --platform (or
 * KILN_PLATFORMS) that builds a parent with its children, which then also gets the engine's
 * platform (runPlatforms). Any other dry run asks no engine, so it prints the same without one.
 */
async function dryRunEnginePlatform(platforms: string[] | undefined, parentsInRun: Set<string>): Promise<string | undefined> {
  if (!platforms || parentsInRun.size === 0) return undefined;
  const engine = await probeEngine();
  return engine.reachable ? platformOf(engine) : undefined;
}

/** `os/arch` of a reachable engine, the form --platform takes. */
function platformOf(engine: Extract<EngineStatus, { reachable: true }>): string {
  return `${engine.os}/${engine.arch}`;
}

/** The engine's own platform when it is reachable; undefined (after saying why) when not. */
async function requireEngine(args: BuildArgs, status = probeEngine()): Promise<{ platform: string } | undefined> {
  const engine = await status;
  if (engine.reachable) return { platform: platformOf(engine) };
  const message = `no image was built: ${engine.reason}. The Dockerfiles are synthesized; kiln build --dry-run prints the buildx commands.`;
  const fix = "start a Docker engine (scripts/provision-engine.sh on Debian/Ubuntu), then run kiln doctor";
  if (args.requireEngine || process.env.KILN_REQUIRE_ENGINE === "1") throw new EngineUnavailableError(message, fix);
  // Turborepo caches every task that exits 0 and replays it as a success, also on another machine
  // through a remote cache. A build that built nothing must not become such an entry, so under
  // Turborepo (it sets TURBO_HASH for its tasks) the run fails, and Turborepo caches no failure.
  if (process.env.TURBO_HASH) {
    throw new EngineUnavailableError(
      `${message} Under Turborepo this fails, so that no cache entry says an image was built`,
      `${fix}; to synthesize only, run pnpm turbo synth (or kiln synth)`,
    );
  }
  note(undefined, "build", message);
  return undefined;
}

function buildOutput(args: BuildArgs, registry: string | undefined): BuildOutput {
  if (args.push && args.output) throw new UsageError("--push and --output exclude each other", "choose one destination");
  if (args.push) {
    if (!registry)
      throw new UsageError("--push needs a registry", "pass --registry host[:port]/namespace, or set registry in kiln.config.ts");
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
      const known = sortedByCodePoint(declared).join(", ") || "none";
      throw new UsageError(
        `--build-arg ${name}: no selected image declares it (declared: ${known})`,
        "declare it in the image's buildArgs, or check the spelling",
      );
    }
    values[name] = value;
  }
  return values;
}
