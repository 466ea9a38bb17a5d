import { DefinitionError } from "../errors.js";
import { featureContributionSchema, isFeature, type Feature, type FeatureContext, type FeatureContribution } from "../feature/feature.js";
import { distroFromReference, distros } from "../distro/select.js";
import { isImageDefinition, type ImageDefinition } from "../spec/define.js";
import type { Repositories } from "../spec/repository.js";
import {
  imageDataSchema,
  imageNameSchema,
  imageReferenceSchema,
  type DistroName,
  type GroupSpec,
  type PortInput,
  type UserSpec,
} from "../spec/schema.js";
import { definitionErrorFromZod } from "../spec/validate.js";
import { checkBaseTags, checkPackageNames, checkRoot, checkStageNames, checkTrimBase, isRootUser, rootAccounts } from "./checks.js";
import type { AppliedState, Claimant, ExposedPort, ResolvedBase, ResolvedImage } from "./resolved-image.js";
import { compareCodePoints, sortedByCodePoint } from "../text/code-point-order.js";
import { timezoneStep } from "./timezone.js";

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
  checkStageNames(image.stages, image.name, file);
  checkBaseTags(
    [
      ...(resolvedBase.kind === "reference" ? [{ field: "base", reference: resolvedBase.reference }] : []),
      ...image.stages.flatMap((stage, index) =>
        stageImages.has(stage.name) ? [] : [{ field: `stages[${index}].from`, reference: stage.from }],
      ),
    ],
    image.baseTagReason,
    file,
  );
  const distroName =
    image.distro ?? parent?.distro.name ?? (resolvedBase.kind === "reference" ? distroFromReference(resolvedBase.reference) : undefined);
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
  if (image.trimBase) checkTrimBase(resolvedBase, distro, file);

  const contributions = collectContributions(features, image.name, file, distro);
  const ownFeatureNames = contributions.map((c) => c.feature);
  const applied = parent?.applied ?? emptyAppliedState();
  const inheritedInterface = parent ? runtimeInterface(parent) : { env: {}, ports: [], volumes: [], runtimeEnv: {} };

  checkPackageNames(
    [
      ...contributions.flatMap((c) => [
        { field: `(feature ${c.feature}) packages`, packages: c.contribution.packages },
        { field: `(feature ${c.feature}) buildPackages`, packages: c.contribution.buildPackages },
      ]),
      { field: "packages", packages: image.packages },
      { field: "buildPackages", packages: image.buildPackages },
    ],
    distro,
    file,
  );
  // What a parent already installed, created or ran is not done again: a child re-applying ssh()
  // or init() changes only what differs, and needs no network for packages it already has.
  const inheritedPackages = parent ? [...parent.inherited.packages, ...parent.packages] : [];
  // A time zone needs the zone files; most family bases have tzdata already, and a second install would cost an apt update.
  const timezonePackages = image.timezone !== undefined && !inheritedPackages.includes("tzdata") ? ["tzdata"] : [];
  const wanted = sortedUnique([...contributions.flatMap((c) => c.contribution.packages), ...timezonePackages, ...image.packages]);
  const packages = wanted.filter((pkg) => !(pkg in applied.packages));
  const buildPackages = sortedUnique([...contributions.flatMap((c) => c.contribution.buildPackages), ...image.buildPackages]).filter(
    (pkg) => !wanted.includes(pkg) && !(pkg in applied.packages),
  );
  const newWork = new Set<string>();
  const notYetDone = (key: string): boolean => {
    if (applied.featureWork.includes(key)) return false;
    newWork.add(key);
    return true;
  };
  const featureSteps = contributions.flatMap((c) =>
    c.contribution.steps.filter((step) => notYetDone(workKey("step", c.feature, step.run))),
  );
  const featureFiles = contributions.flatMap((c) =>
    c.contribution.files
      .filter((f) => notYetDone(workKey("file", c.feature, f.contextDir, f.src, f.dest, f.mode ?? "")))
      .map((f) => ({ ...f, feature: c.feature })),
  );
  const steps = [...featureSteps, ...(image.timezone !== undefined ? [timezoneStep(image.timezone)] : []), ...image.steps];
  if (image.app === undefined && steps.some((step) => step.phase === "app")) {
    throw new DefinitionError(
      `${file}: steps: a step with phase "app" runs in the application's directory, but the image has no app`,
      'add app: { source: "app", dir: "/opt/app" }, or give the step phase "configure"',
    );
  }

  const apkTags = checkRepositories(image.repositories, [...packages, ...buildPackages], distro.name, parent, file);
  const init = resolveInit(contributions, applied, file);
  const wrappers = contributions.flatMap((c) => (c.contribution.entrypoint?.role === "wrapper" ? [c.contribution.entrypoint.argv] : []));
  const initArgv = init?.argv ?? parent?.init;
  const entrypointChanged = init !== undefined || wrappers.length > 0 || image.entrypoint !== undefined;
  const entrypoint = entrypointChanged ? [...(initArgv ?? []), ...wrappers.flat(), ...(image.entrypoint ?? [])] : undefined;
  const featureCmd = singleClaim(contributions, "cmd", "command (CMD)", image.cmd, file);

  const user = image.user ?? parent?.user ?? "root";
  // A child that keeps its parent's user keeps the parent's reason for it.
  const rootReason = image.rootReason ?? (image.user === undefined ? parent?.rootReason : undefined);
  const users = notInParents(
    mergeByName([...contributions.flatMap((c) => c.contribution.users), ...image.users], file, "users"),
    applied.users,
    file,
    "users",
  );
  const groups = notInParents(
    mergeByName([...contributions.flatMap((c) => c.contribution.groups), ...image.groups], file, "groups"),
    applied.groups,
    file,
    "groups",
  );
  checkNeededUsers(contributions, users, applied, file);
  const buildArgs = Object.assign({}, ...contributions.map((c) => c.contribution.buildArgs), image.buildArgs) as Record<string, string>;
  checkAccountIdArgs(groups, users, buildArgs, file);
  const roots = rootAccounts(users, buildArgs, parent?.rootAccounts ?? []);
  checkRoot({ user, ownUser: image.user !== undefined, users, rootReason }, roots, file);

  const notes: string[] = [];
  const ports = claimPorts(contributions, image.ports, image.name, applied, user, file, notes);
  const env = withoutInherited(
    Object.assign({}, ...contributions.map((c) => c.contribution.env), image.env) as Record<string, string>,
    inheritedInterface.env,
  );
  const runtimeEnv = withoutInherited(
    Object.assign({}, ...contributions.map((c) => c.contribution.runtimeEnv), image.runtimeEnv) as ResolvedImage["runtimeEnv"],
    inheritedInterface.runtimeEnv,
  );

  return {
    name: image.name,
    description: image.description,
    license: image.license,
    base: resolvedBase,
    trimBase: image.trimBase,
    distro,
    platforms: image.platforms,
    features: ownFeatureNames,
    packages,
    buildPackages,
    repositories: image.repositories,
    groups,
    users,
    files: image.files,
    featureFiles,
    installSteps: steps.filter((step) => step.phase === "install"),
    configureSteps: steps.filter((step) => step.phase === "configure"),
    app: image.app,
    appSteps: steps.filter((step) => step.phase === "app"),
    env,
    buildArgs,
    testEnv: Object.assign({}, parent?.testEnv, ...contributions.map((c) => c.contribution.testEnv), image.testEnv) as Record<
      string,
      string
    >,
    runtimeEnv,
    workdir: image.workdir,
    ports: ports
      .filter((p) => !inheritedInterface.ports.some((q) => q.port === p.port && q.protocol === p.protocol))
      .map(({ port, protocol }) => ({ port, protocol })),
    volumes: sortedUnique([...contributions.flatMap((c) => c.contribution.volumes), ...image.volumes]),
    healthcheck: image.healthcheck ?? singleClaim(contributions, "healthcheck", "HEALTHCHECK", image.healthcheck, file),
    entrypoint,
    // A new ENTRYPOINT resets the inherited CMD in Docker, so carry the parent's CMD over explicitly.
    cmd:
      image.cmd ??
      featureCmd ??
      (entrypointChanged ? (parent?.cmd ?? parent?.inherited.cmd) : undefined) ??
      // FROM scratch has no CMD: a trimmed base's is restated, unless an ENTRYPOINT reset it anyway.
      (image.trimBase && !entrypointChanged ? distro.baseTrim?.cmd : undefined),
    stopSignal: image.stopSignal ?? singleClaim(contributions, "stopSignal", "STOPSIGNAL", image.stopSignal, file),
    labels: Object.assign({}, ...contributions.map((c) => c.contribution.labels), image.labels) as Record<string, string>,
    user,
    runsAsRoot: isRootUser(user, roots),
    rootAccounts: roots,
    parentUser: parent?.user ?? "root",
    rootReason,
    stages: image.stages.map((stage) => (stageImages.has(stage.name) ? { ...stage, image: stageImages.get(stage.name) } : stage)),
    tests: [...contributions.flatMap((c) => c.contribution.tests), ...image.tests],
    inherited: {
      init: parent?.init,
      entrypoint: parent ? (parent.entrypoint ?? parent.inherited.entrypoint) : undefined,
      cmd: parent ? (parent.cmd ?? parent.inherited.cmd) : undefined,
      packages: inheritedPackages,
      ...inheritedInterface,
      apkTags,
    },
    init: initArgv,
    applied: {
      features: { ...applied.features, ...Object.fromEntries(ownFeatureNames.map((name) => [name, image.name])) },
      packages: {
        ...applied.packages,
        ...Object.fromEntries([...packages, ...wanted.filter((pkg) => !(pkg in applied.packages))].map((pkg) => [pkg, image.name])),
      },
      groups: { ...applied.groups, ...Object.fromEntries(groups.map((spec) => [spec.name, { spec, image: image.name }])) },
      users: { ...applied.users, ...Object.fromEntries(users.map((spec) => [spec.name, { spec, image: image.name }])) },
      featureWork: [...applied.featureWork, ...newWork],
      buildArgs: { ...applied.buildArgs, ...Object.fromEntries(Object.keys(buildArgs).map((name) => [name, image.name])) },
      ports: { ...applied.ports, ...Object.fromEntries(ports.map((p) => [portKey(p), p.claimant])) },
      init: init ? { image: image.name, feature: init.feature } : applied.init,
    },
    notes,
  };
}

function emptyAppliedState(): AppliedState {
  return { features: {}, packages: {}, groups: {}, users: {}, featureWork: [], buildArgs: {}, ports: {}, init: undefined };
}

function workKey(...parts: string[]): string {
  return parts.join("\0");
}

type Contribution = { feature: string; contribution: FeatureContribution };

/** One init per image: two in one image, or a parent's init silently dropped, is an error naming both. */
function resolveInit(contributions: Contribution[], applied: AppliedState, file: string): { feature: string; argv: string[] } | undefined {
  const claims = contributions.filter((c) => c.contribution.entrypoint?.role === "init");
  if (claims.length > 1) {
    const [a, b] = claims as [Contribution, Contribution];
    throw new DefinitionError(
      `${file}: features: ${a.feature}() and ${b.feature}() both start the ENTRYPOINT as its init; an image has one init`,
      `keep one of them${claims.some((c) => c.feature === "init") ? " (init() runs tini itself)" : ""}`,
    );
  }
  const claim = claims[0];
  if (!claim) return undefined;
  const fragment = claim.contribution.entrypoint as NonNullable<FeatureContribution["entrypoint"]>;
  const previous = applied.init;
  if (previous && previous.feature !== claim.feature && !fragment.replaces.includes(previous.feature ?? "")) {
    throw new DefinitionError(
      `${file}: features: ${claim.feature}() would replace ${previous.feature}(), the init ${previous.image} starts its ENTRYPOINT with; an image has one init`,
      `remove ${claim.feature}() (${previous.image}'s ${previous.feature} stays PID 1), or build from an image without an init`,
    );
  }
  return { feature: claim.feature, argv: fragment.argv };
}

/** A CMD, HEALTHCHECK or STOPSIGNAL is one thing: two features setting it differently need the image to decide. */
function singleClaim<K extends "cmd" | "healthcheck" | "stopSignal">(
  contributions: Contribution[],
  field: K,
  label: string,
  imageValue: unknown,
  file: string,
): FeatureContribution[K] | undefined {
  const claims = contributions.filter((c) => c.contribution[field] !== undefined);
  const [first, second] = claims;
  if (
    imageValue === undefined &&
    first &&
    second &&
    JSON.stringify(first.contribution[field]) !== JSON.stringify(second.contribution[field])
  ) {
    throw new DefinitionError(
      `${file}: features: ${first.feature}() and ${second.feature}() both set the ${label}`,
      `say which one the image uses: set ${field} in the definition`,
    );
  }
  return first?.contribution[field];
}

/**
 * Accounts a parent already created are not created again (groupadd would fail); the same name
 * with other settings is an error, because the child's Dockerfile cannot re-create it.
 */
function notInParents<T extends { name: string }>(
  items: T[],
  parents: Record<string, { spec: T; image: string }>,
  file: string,
  field: "users" | "groups",
): T[] {
  return items.filter((item) => {
    const existing = parents[item.name];
    if (!existing) return true;
    if (JSON.stringify(existing.spec) === JSON.stringify(item)) return false;
    throw new DefinitionError(
      `${file}: ${field}: "${item.name}" is already created by ${existing.image} with other settings (${JSON.stringify(existing.spec)}; here ${JSON.stringify(item)})`,
      `use ${existing.image}'s ${item.name} as it is (drop it here), pick another name, or change it in a step (${field === "users" ? "usermod" : "groupmod"})`,
    );
  });
}

function checkNeededUsers(contributions: Contribution[], users: UserSpec[], applied: AppliedState, file: string): void {
  const known = new Set(["root", ...users.map((u) => u.name), ...Object.keys(applied.users)]);
  for (const { feature, contribution } of contributions) {
    for (const name of contribution.needsUsers) {
      if (known.has(name)) continue;
      throw new DefinitionError(
        `${file}: features: ${feature}() needs the user "${name}", which neither this image nor its parents declare`,
        `declare it: users: [{ name: "${name}", uid: 10002, login: true }], or pass ${feature}() a user that exists (${[...known].filter((u) => u !== "root").join(", ") || "none yet"})`,
      );
    }
  }
}

type ClaimedPort = ExposedPort & { claimant: Claimant };

function portKey(port: ExposedPort): string {
  return `${port.port}/${port.protocol}`;
}

function describeClaimant(claimant: Claimant): string {
  return claimant.feature ? `${claimant.feature}() in ${claimant.image}` : `${claimant.image}'s ports`;
}

/**
 * Every port has one owner in the image graph. A feature re-applied with another port leaves its
 * parent's EXPOSE behind (Docker cannot remove one), which the notes say. A non-root server
 * cannot bind below 1024 on every runtime, so such a port is refused rather than left to fail.
 */
function claimPorts(
  contributions: Contribution[],
  imagePorts: PortInput[],
  imageName: string,
  applied: AppliedState,
  user: string,
  file: string,
  notes: string[],
): ClaimedPort[] {
  const claimed = new Map<string, ClaimedPort>();
  const claim = (port: ExposedPort, claimant: Claimant) => {
    const key = portKey(port);
    const mine = claimed.get(key);
    const inherited = applied.ports[key];
    const other = mine?.claimant ?? inherited;
    if (other && claimant.feature && other.feature !== claimant.feature) {
      throw new DefinitionError(
        `${file}: ports: ${key} is claimed by ${describeClaimant(claimant)} and by ${describeClaimant(other)}`,
        `give one of them another port (e.g. ${claimant.feature}({ port: ${port.port + 1} }))`,
      );
    }
    if (!mine) claimed.set(key, { ...port, claimant: inherited && !claimant.feature ? inherited : claimant });
  };
  for (const { feature, contribution } of contributions) {
    for (const port of normalizePorts(contribution.ports)) claim(port, { image: imageName, feature });
  }
  for (const port of normalizePorts(imagePorts)) claim(port, { image: imageName });

  for (const [key, owner] of Object.entries(applied.ports)) {
    const moved = owner.feature !== undefined && contributions.some((c) => c.feature === owner.feature) && !claimed.has(key);
    if (!moved) continue;
    const now = [...claimed.values()].filter((p) => p.claimant.feature === owner.feature).map(portKey);
    notes.push(
      `${owner.image}'s EXPOSE ${key} (${owner.feature}()) stays: Docker cannot remove an exposed port, and nothing listens on it now. ` +
        `Publish ${now.join(" ") || "the new port"} (docker run -p); -P would publish ${key} too.`,
    );
  }

  if (user !== "root" && user !== "0") {
    for (const port of claimed.values()) {
      if (port.port >= 1024 || applied.ports[portKey(port)]) continue;
      throw new DefinitionError(
        `${file}: ports: ${describeClaimant(port.claimant)} listens on ${port.port}, below 1024, but the image runs as ${user}: ` +
          "a non-root process binds such a port only where the runtime lowers net.ipv4.ip_unprivileged_port_start (Docker does; Kubernetes, rootless Podman and --network host do not)",
        `listen on a port from 1024 up and publish it as ${port.port}: e.g. port 8080 with docker run -p ${port.port}:8080`,
      );
    }
  }
  return [...claimed.values()].sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
}

/** A value a parent already set the same way is not set again. */
function withoutInherited<T>(own: Record<string, T>, inherited: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(own).filter(([name, value]) => JSON.stringify(inherited[name]) !== JSON.stringify(value)));
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
    const name = imageNameSchema.safeParse(feature.name);
    if (!name.success) {
      throw new DefinitionError(
        `${file}: features[${index}]: the feature's name ${JSON.stringify(feature.name)}: ${name.error.issues[0]?.message}`,
        'name the feature in defineFeature("name", …) in lower-case kebab, like "my-feature"',
      );
    }
    if (seen.has(feature.name)) {
      throw new DefinitionError(`${file}: features[${index}]: feature "${feature.name}" is listed twice`, "keep one of them");
    }
    seen.add(feature.name);
    const options = checkedOptions(feature, index, file);
    const parsed = featureContributionSchema.safeParse(
      contributionOf(feature, { distro, imageName }, options, `${file}: features[${index}] (feature ${feature.name})`),
    );
    if (!parsed.success) throw definitionErrorFromZod(`${file} (feature ${feature.name})`, parsed.error, [`features[${index}]`]);
    return { feature: feature.name, contribution: parsed.data };
  });
}

/** A feature that throws is the feature's error, named as such, not a crash of kiln. */
function contributionOf(feature: Feature, context: FeatureContext, options: unknown, where: string): unknown {
  try {
    return feature.contribute(context, options);
  } catch (error) {
    if (error instanceof DefinitionError) throw new DefinitionError(`${where}: ${error.message}`, error.hint);
    const message = error instanceof Error ? error.message : String(error);
    throw new DefinitionError(
      `${where}: the feature failed: ${message.split("\n")[0]}`,
      `check the options given to ${feature.name}(…); if they are right, the feature itself has a bug`,
    );
  }
}

/** A feature's options, checked against its schema: a misspelt option is an error, never a silent default. */
function checkedOptions(feature: Feature, index: number, file: string): unknown {
  if (!feature.options) return undefined;
  const parsed = feature.options.schema.safeParse(feature.options.value ?? {});
  if (!parsed.success) throw definitionErrorFromZod(`${file} (feature ${feature.name})`, parsed.error, [`features[${index}]`]);
  return parsed.data;
}

/**
 * Repositories belong to one package manager, and a package `foo@tag` needs a repository with that
 * tag in this image or an ancestor (apk would otherwise fail the build). Returns the ancestors' tags.
 */
function checkRepositories(
  repositories: Repositories,
  packages: string[],
  distro: DistroName,
  parent: ResolvedImage | undefined,
  file: string,
): string[] {
  if (distro === "alpine" && repositories.apt.length > 0) {
    throw new DefinitionError(
      `${file}: repositories.apt: the image is Alpine, which installs with apk`,
      "declare Alpine repositories under repositories.apk: [{ url, tag }]",
    );
  }
  if (distro !== "alpine" && repositories.apk.length > 0) {
    throw new DefinitionError(
      `${file}: repositories.apk: the image is ${distro}, which installs with apt`,
      "declare apt repositories under repositories.apt: [{ name, url, suites, components, signedBy }]",
    );
  }
  const inherited = parent ? [...parent.inherited.apkTags, ...parent.repositories.apk.flatMap((r) => (r.tag ? [r.tag] : []))] : [];
  const known = new Set([...inherited, ...repositories.apk.flatMap((r) => (r.tag ? [r.tag] : []))]);
  for (const pkg of packages) {
    // name@tag, optionally followed by a version constraint (tool@testing=1.2-r0)
    const tag = /@([A-Za-z0-9._-]+)/.exec(pkg)?.[1];
    if (tag === undefined) continue;
    if (distro !== "alpine") {
      throw new DefinitionError(
        `${file}: packages: "${pkg}": @tags are apk's; apt has none`,
        "name the package alone; a third-party apt repository goes in repositories.apt",
      );
    }
    if (!known.has(tag)) {
      throw new DefinitionError(
        `${file}: packages: "${pkg}" needs a repository tagged "${tag}", and neither the image nor its parents declare one`,
        `add it: repositories: { apk: [{ url: "edge/testing", tag: "${tag}" }] }`,
      );
    }
  }
  return [...new Set(inherited)].sort();
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

function normalizePorts(ports: PortInput[]): ExposedPort[] {
  return ports.map((p) =>
    typeof p === "number" ? { port: p, protocol: "tcp" as const } : { port: p.port, protocol: p.protocol ?? "tcp" },
  );
}

function uniquePorts(ports: PortInput[]): ExposedPort[] {
  const normalized = normalizePorts(ports);
  const seen = new Map(normalized.map((p) => [`${p.port}/${p.protocol}`, p]));
  return [...seen.values()].sort((a, b) => a.port - b.port || compareCodePoints(a.protocol, b.protocol));
}

function sortedUnique(values: string[]): string[] {
  return sortedByCodePoint(new Set(values));
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing (undefined; an import cycle between images also looks like this)";
  if (value === null) return "null";
  if (typeof value === "object") return "an object that is not an image definition";
  return `${typeof value} ${JSON.stringify(value)}`;
}
