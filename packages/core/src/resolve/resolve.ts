import { DefinitionError } from "../errors.js";
import { featureContributionSchema, isFeature, type Feature, type FeatureContribution } from "../feature/feature.js";
import { distroFromReference, distros } from "../distro/select.js";
import { isImageDefinition, type ImageDefinition } from "../spec/define.js";
import { imageDataSchema, imageReferenceSchema, type GroupSpec, type PortInput, type UserSpec } from "../spec/schema.js";
import { definitionErrorFromZod } from "../spec/validate.js";
import { timezoneStep } from "./timezone.js";
import type { ExposedPort, ResolvedBase, ResolvedImage } from "./resolved-image.js";

/** The name a child's FROM line uses for a workspace parent; `kiln build` maps it with a build context. */
export function workspaceImageReference(name: string): string {
  return `kiln.local/${name}:local`;
}

export interface ResolveOptions {
  /** the image.ts the definition comes from, named in every error */
  file: string;
  /** parents already resolved (graph order); missing ones are resolved on the way */
  resolved?: Map<string, ResolvedImage>;
}

/** Validates a definition and folds in its features and parent: the single source for synthesis. */
export function resolveImage(definition: ImageDefinition, options: ResolveOptions): ResolvedImage {
  const { file } = options;
  const input = definition.input as Record<string, unknown>;
  const { base, features = [], stages, ...rest } = input;
  const { stages: stageData, stageImages } = workspaceStages(stages);
  const data = stageData === undefined ? rest : { ...rest, stages: stageData };

  const parsed = imageDataSchema.safeParse(data);
  if (!parsed.success) throw definitionErrorFromZod(file, parsed.error);
  const image = parsed.data;

  const { resolvedBase, parent } = resolveBase(base, image.name, options);
  const distroName = image.distro ?? parent?.distro.name ?? (resolvedBase.kind === "reference" ? distroFromReference(resolvedBase.reference) : undefined);
  if (distroName === undefined) {
    throw new DefinitionError(
      `${file}: distro: cannot tell the distro of base "${(resolvedBase as { reference: string }).reference}"`,
      'add distro: "alpine", "debian" or "ubuntu" to the definition',
    );
  }
  if (parent && image.distro && image.distro !== parent.distro.name) {
    throw new DefinitionError(
      `${file}: distro: "${image.distro}" differs from the parent image ${parent.name} ("${parent.distro.name}")`,
      "remove distro (it is inherited) or build from a parent of the same distro",
    );
  }
  const distro = distros[distroName];

  const contributions = collectContributions(features, image.name, file, distro);
  const ownFeatureNames = contributions.map((c) => c.feature);

  const inheritedPackages = parent ? [...parent.inherited.packages, ...parent.packages] : [];
  // A time zone needs the zone files; most family bases have tzdata already, and a second install would cost an apt update.
  const timezonePackages = image.timezone !== undefined && !inheritedPackages.includes("tzdata") ? ["tzdata"] : [];
  const packages = sortedUnique([...contributions.flatMap((c) => c.contribution.packages), ...timezonePackages, ...image.packages]);
  const buildPackages = sortedUnique([...contributions.flatMap((c) => c.contribution.buildPackages), ...image.buildPackages]).filter(
    (pkg) => !packages.includes(pkg),
  );

  const steps = [...contributions.flatMap((c) => c.contribution.steps), ...(image.timezone !== undefined ? [timezoneStep(image.timezone)] : []), ...image.steps];
  const initFragment = contributions.map((c) => c.contribution.entrypoint).find((e) => e?.role === "init");
  const wrappers = contributions.flatMap((c) => (c.contribution.entrypoint?.role === "wrapper" ? [c.contribution.entrypoint.argv] : []));
  const init = initFragment?.argv ?? parent?.init;
  const entrypointChanged = initFragment !== undefined || wrappers.length > 0 || image.entrypoint !== undefined;
  const entrypoint = entrypointChanged ? [...(init ?? []), ...wrappers.flat(), ...(image.entrypoint ?? [])] : undefined;
  const featureCmd = contributions.map((c) => c.contribution.cmd).filter((cmd) => cmd !== undefined).pop();

  const user = image.user ?? parent?.user ?? "root";
  if (user === "root" || user === "0") {
    if (image.rootReason === undefined) {
      throw new DefinitionError(
        `${file}: user: the image would run as root`,
        'set user to a non-root user declared in users (e.g. user: "app"), or say why it must be root with rootReason: "…"',
      );
    }
  }

  const users = mergeByName([...contributions.flatMap((c) => c.contribution.users), ...image.users], file, "users");
  const groups = mergeByName([...contributions.flatMap((c) => c.contribution.groups), ...image.groups], file, "groups");
  const buildArgs = Object.assign({}, ...contributions.map((c) => c.contribution.buildArgs), image.buildArgs) as Record<string, string>;
  checkAccountIdArgs(groups, users, buildArgs, file);

  return {
    name: image.name,
    description: image.description,
    license: image.license,
    base: resolvedBase,
    distro,
    platforms: image.platforms,
    features: ownFeatureNames,
    packages,
    buildPackages,
    groups,
    users,
    files: image.files,
    featureFiles: contributions.flatMap((c) => c.contribution.files.map((f) => ({ ...f, feature: c.feature }))),
    installSteps: steps.filter((step) => step.phase === "install"),
    configureSteps: steps.filter((step) => step.phase === "configure"),
    env: Object.assign({}, ...contributions.map((c) => c.contribution.env), image.env) as Record<string, string>,
    buildArgs,
    testEnv: Object.assign({}, parent?.testEnv, ...contributions.map((c) => c.contribution.testEnv), image.testEnv) as Record<string, string>,
    runtimeEnv: Object.assign({}, ...contributions.map((c) => c.contribution.runtimeEnv), image.runtimeEnv) as ResolvedImage["runtimeEnv"],
    workdir: image.workdir,
    ports: uniquePorts([...contributions.flatMap((c) => c.contribution.ports), ...image.ports]),
    volumes: sortedUnique([...contributions.flatMap((c) => c.contribution.volumes), ...image.volumes]),
    healthcheck: image.healthcheck ?? contributions.map((c) => c.contribution.healthcheck).filter(Boolean).pop(),
    entrypoint,
    // A new ENTRYPOINT resets the inherited CMD in Docker, so carry the parent's CMD over explicitly.
    cmd: image.cmd ?? featureCmd ?? (entrypointChanged ? (parent?.cmd ?? parent?.inherited.cmd) : undefined),
    stopSignal: image.stopSignal ?? contributions.map((c) => c.contribution.stopSignal).filter(Boolean).pop(),
    labels: Object.assign({}, ...contributions.map((c) => c.contribution.labels), image.labels) as Record<string, string>,
    user,
    parentUser: parent?.user ?? "root",
    rootReason: image.rootReason,
    stages: image.stages.map((stage) => (stageImages.has(stage.name) ? { ...stage, image: stageImages.get(stage.name) } : stage)),
    tests: [...contributions.flatMap((c) => c.contribution.tests), ...image.tests],
    inherited: {
      init: parent?.init,
      entrypoint: parent ? (parent.entrypoint ?? parent.inherited.entrypoint) : undefined,
      cmd: parent ? (parent.cmd ?? parent.inherited.cmd) : undefined,
      packages: inheritedPackages,
      ...(parent ? runtimeInterface(parent) : { env: {}, ports: [], volumes: [], runtimeEnv: {} }),
    },
    init,
  };
}

/** What a container of the image has: its parent's environment, ports and volumes, then its own. */
export function runtimeInterface(image: ResolvedImage): Pick<ResolvedImage["inherited"], "env" | "ports" | "volumes" | "runtimeEnv"> {
  const { inherited } = image;
  return {
    env: { ...inherited.env, ...image.env },
    ports: uniquePorts([...inherited.ports, ...image.ports]),
    volumes: sortedUnique([...inherited.volumes, ...image.volumes]),
    runtimeEnv: { ...inherited.runtimeEnv, ...image.runtimeEnv },
  };
}

function resolveBase(
  base: unknown,
  childName: string,
  options: ResolveOptions,
): { resolvedBase: ResolvedBase; parent: ResolvedImage | undefined } {
  if (typeof base === "string") {
    const reference = imageReferenceSchema.safeParse(base);
    if (!reference.success) throw definitionErrorFromZod(options.file, reference.error, ["base"]);
    return { resolvedBase: { kind: "reference", reference: base }, parent: undefined };
  }
  if (isImageDefinition(base)) {
    const parentName = String((base.input as { name?: unknown }).name);
    if (parentName === childName) {
      throw new DefinitionError(`${options.file}: base: the image is built from itself`, "set base to another image");
    }
    const parent =
      options.resolved?.get(parentName) ?? resolveImage(base, { file: `${options.file} (base ${parentName})`, resolved: options.resolved });
    return {
      resolvedBase: { kind: "workspace", name: parent.name, reference: workspaceImageReference(parent.name) },
      parent,
    };
  }
  throw new DefinitionError(
    `${options.file}: base: expected an image reference like "alpine:3.22" or another image's definition, got ${describe(base)}`,
    'write base: "alpine:3.22", or import the parent: import alpineBase from "alpine-base/image"; … base: alpineBase',
  );
}

/**
 * A stage may start from another workspace image's definition, as `base` may: it becomes that
 * image's local reference, and the stage remembers the image so kiln build can map it.
 */
function workspaceStages(stages: unknown): { stages: unknown; stageImages: Map<string, string> } {
  const stageImages = new Map<string, string>();
  if (!Array.isArray(stages)) return { stages, stageImages };
  const converted = stages.map((stage: unknown) => {
    if (typeof stage !== "object" || stage === null) return stage;
    const { from } = stage as { from?: unknown; name?: unknown };
    if (!isImageDefinition(from)) return stage;
    const image = String((from.input as { name?: unknown }).name);
    stageImages.set(String((stage as { name?: unknown }).name), image);
    return { ...stage, from: workspaceImageReference(image) };
  });
  return { stages: converted, stageImages };
}

function collectContributions(
  features: unknown,
  imageName: string,
  file: string,
  distro: ResolvedImage["distro"],
): { feature: string; contribution: FeatureContribution }[] {
  if (!Array.isArray(features)) {
    throw new DefinitionError(`${file}: features: expected a list of features, got ${describe(features)}`, "write features: [tini()]");
  }
  const seen = new Set<string>();
  return features.map((feature: unknown, index) => {
    if (!isFeature(feature)) {
      throw new DefinitionError(
        `${file}: features[${index}]: expected a feature (e.g. tini() from @kiln/core), got ${describe(feature)}`,
        "call the feature function: tini(), not tini",
      );
    }
    if (seen.has(feature.name)) {
      throw new DefinitionError(`${file}: features[${index}]: feature "${feature.name}" is listed twice`, "keep one of them");
    }
    seen.add(feature.name);
    const parsed = featureContributionSchema.safeParse((feature as Feature).contribute({ distro, imageName }));
    if (!parsed.success) throw definitionErrorFromZod(`${file} (feature ${feature.name})`, parsed.error, [`features[${index}]`]);
    return { feature: feature.name, contribution: parsed.data };
  });
}

/** A `$NAME` uid or gid must name a declared build argument, or the RUN would see an empty id. */
function checkAccountIdArgs(groups: GroupSpec[], users: UserSpec[], buildArgs: Record<string, string>, file: string): void {
  const ids = [
    ...groups.map((g) => ({ field: `groups (${g.name}).gid`, id: g.gid })),
    ...users.flatMap((u) => [
      { field: `users (${u.name}).uid`, id: u.uid },
      { field: `users (${u.name}).gid`, id: u.gid },
    ]),
  ];
  for (const { field, id } of ids) {
    if (typeof id === "string" && !(id.slice(1) in buildArgs)) {
      throw new DefinitionError(
        `${file}: ${field}: "${id}" names no build argument`,
        `declare it with a default: buildArgs: { ${id.slice(1)}: "1000" }`,
      );
    }
  }
}

function mergeByName<T extends { name: string }>(items: T[], file: string, field: string): T[] {
  const byName = new Map<string, T>();
  for (const item of items) {
    const existing = byName.get(item.name);
    if (existing && JSON.stringify(existing) !== JSON.stringify(item)) {
      throw new DefinitionError(
        `${file}: ${field}: "${item.name}" is declared twice with different settings`,
        `declare ${item.name} once (a feature may already create it)`,
      );
    }
    byName.set(item.name, item);
  }
  return [...byName.values()];
}

function uniquePorts(ports: PortInput[]): ExposedPort[] {
  const normalized = ports.map((p) => (typeof p === "number" ? { port: p, protocol: "tcp" as const } : { port: p.port, protocol: p.protocol ?? "tcp" }));
  const seen = new Map(normalized.map((p) => [`${p.port}/${p.protocol}`, p]));
  return [...seen.values()].sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
}

function sortedUnique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing (undefined; an import cycle between images also looks like this)";
  if (value === null) return "null";
  if (typeof value === "object") return "an object that is not an image definition";
  return `${typeof value} ${JSON.stringify(value)}`;
}
