import {
  imageReference,
  isHighestStable,
  planBuild,
  runBuild,
  stagingNamespace,
  stagingReference,
  ToolError,
  versionTags,
  type BuildPlan,
  type LoadedImage,
  type PlanOptions,
} from "@kiln/core";
import { resolveBaseDigest } from "../registry/base-digest.js";
import { copyByDigest, platformManifests } from "../registry/copy.js";
import { repositoryLocation } from "../registry/reference.js";
import { RegistryClient, type ManifestContent, type StoredManifest } from "../registry/registry.js";

/**
 * Everything a push of one image will do, computed before any of it runs: `kiln build --push
 * --dry-run` and `kiln release --dry-run` print it, and publishImage runs exactly it.
 */
export interface PublishPlan {
  image: string;
  version: string;
  /** the buildx build, pushing by digest (no tag) */
  build: BuildPlan;
  /** `<registry>/<image>` */
  repository: string;
  /** tag names that move to the pushed digest once it is complete, signed and attested */
  tags: string[];
}

export interface PublishPlanOptions extends Omit<PlanOptions, "output" | "registry" | "tags" | "pushedParents"> {
  registry: string;
  /** buildx's push-by-digest (a BuildKit builder) or the staging repository (the docker driver) */
  via: "buildx" | "staging";
  /**
   * workspace images pushed earlier in the same run: a child planned for --dry-run before its
   * parent is pushed gets no parent digest yet (the run plans it again once the parent is up)
   */
  pushedInThisRun?: Set<string>;
  client?: (repository: string) => RegistryClient;
  backoffMs?: number[];
  log?: (text: string) => void;
}

const defaultBackoff = [2000, 4000, 8000];

/**
 * Plans the push of an image's current version: tags `X.Y.Z`, `X.Y`, `X` (not for 0.x), `latest`
 * when it is the highest stable version the registry has, and `sha-<7>`; provenance; the parent
 * at the digest the registry has. A parent that is not in the registry is an error here, before
 * anything is built.
 */
export async function planPublish(image: LoadedImage, all: Map<string, LoadedImage>, options: PublishPlanOptions): Promise<PublishPlan> {
  const clientFor = options.client ?? ((repository: string) => new RegistryClient(repositoryLocation(options.registry, repository)));
  const backoff = options.backoffMs ?? defaultBackoff;
  const log = options.log ?? (() => undefined);
  const pushedParents: Record<string, string> = {};
  const parents = [
    image.resolved.base.kind === "workspace" ? image.resolved.base.name : undefined,
    ...image.resolved.stages.map((stage) => stage.image),
  ];
  for (const parent of new Set(parents.filter((name): name is string => name !== undefined))) {
    const version = all.get(parent)?.pkg.version ?? "local";
    const digest = await withRetries(() => clientFor(parent).digest(version), backoff, log);
    if (digest) pushedParents[parent] = digest;
    else if (!options.pushedInThisRun?.has(parent)) {
      throw new ToolError(
        "KILN_PARENT_NOT_PUSHED",
        `${image.pkg.name} is built FROM ${parent} ${version}, which is not in ${options.registry} (${imageReference(parent, version, options.registry)} does not exist)`,
        `push the parent first: kiln build ${parent} --push --registry ${options.registry} (or release both: kiln release ${parent} ${image.pkg.name})`,
      );
    }
  }
  const base = image.resolved.base;
  // A registry base is labelled with the digest it resolves to now (the lock's, when --locked).
  const baseDigest =
    base.kind === "reference" && !options.pinnedBase
      ? (await resolveBaseDigest(base.reference, options.platforms ?? image.resolved.platforms, options.mirror, options.builder)).digest
      : undefined;
  const client = clientFor(image.pkg.name);
  const published = await withRetries(() => client.tags(), backoff, log);
  const tags = versionTags({
    version: image.pkg.version,
    revision: options.revision,
    latest: isHighestStable(image.pkg.version, published),
  });
  const build = planBuild(image, all, {
    ...options,
    output: { type: "push-by-digest", via: options.via },
    registry: options.registry,
    pushedParents,
    baseDigest,
  });
  return {
    image: image.pkg.name,
    version: image.pkg.version,
    build,
    repository: `${options.registry}/${image.pkg.name}`,
    tags,
  };
}

/** The pushed image before any tag points at it: what SBOMs and signatures attach to. */
export interface PushedImage {
  repository: string;
  digest: string;
  /** per platform manifest digest */
  manifests: { platform: string; digest: string }[];
  /** where the image is in the local store too until the push is over (the docker driver stores what it pushes) */
  localReference: string | undefined;
}

export interface PublishOptions {
  root: string;
  imageDir: string;
  registry: string;
  force: boolean;
  signal?: AbortSignal;
  /** SBOMs and signatures; runs before any tag moves, and a failure moves none */
  attach?: (image: PushedImage) => Promise<void>;
  client?: (repository: string) => RegistryClient;
  /** waits between attempts on transient registry errors; tests shorten them */
  backoffMs?: number[];
  log: (text: string) => void;
}

export interface PublishResult {
  digest: string;
  tags: string[];
  /** the version tag existed and pointed elsewhere; --force moved it */
  forced: boolean;
}

/**
 * Runs a publish plan so that no tag ever points at a half-pushed, unsigned or refused image:
 * the build pushes by digest (staging: into the staging repository, then copied into the image's
 * repository by digest), `attach` signs and attests that digest, and only then does every tag
 * move to it, each a PUT of the same manifest. A version tag that already points at another
 * digest is refused unless `force`, before anything is copied or signed.
 */
export async function publishImage(plan: PublishPlan, options: PublishOptions): Promise<PublishResult> {
  const backoff = options.backoffMs ?? defaultBackoff;
  const clientFor = options.client ?? ((repository: string) => new RegistryClient(repositoryLocation(options.registry, repository)));
  const client = clientFor(plan.image);
  let existing: string | undefined;
  const { digest, manifest, manifests } = await pushByDigest(plan, options, async (digest) => {
    // Checked before the digest is copied out of staging: a refused push leaves the repository as it was.
    existing = await withRetries(() => client.digest(plan.version), backoff, options.log);
    if (existing !== undefined && existing !== digest && !options.force) {
      throw new ToolError(
        "KILN_TAG_EXISTS",
        `${plan.image}: tag ${plan.version} already points at ${existing}, and this build is ${digest}; refusing to overwrite a released version`,
        "bump the version (pnpm changeset), or pass --force to move the tag on purpose",
      );
    }
  });
  const forced = existing !== undefined && existing !== digest;
  await options.attach?.({
    repository: plan.repository,
    digest,
    manifests,
    localReference: stagingReference(plan.build),
  });

  for (const tag of plan.tags) await withRetries(() => client.putManifest(tag, manifest), backoff, options.log);
  if (forced) options.log(`moved ${plan.version} from ${existing} to ${digest} (--force)`);
  return { digest, tags: plan.tags.map((tag) => `${plan.repository}:${tag}`), forced };
}

/** An image in its repository by digest, with no tag: what a merge or a publish starts from. */
export interface DigestPush {
  digest: string;
  manifest: StoredManifest;
  /** per platform manifest digest */
  manifests: { platform: string; digest: string }[];
}

/**
 * The build half of a publish: builds and pushes by digest (staging: then copies the digest into
 * the image's repository), and reads the manifest back. No tag moves. `beforeCopy` runs once the
 * digest is known, before anything reaches the image's repository; a throw there stops the push.
 */
export async function pushByDigest(
  plan: PublishPlan,
  options: Omit<PublishOptions, "force" | "attach">,
  beforeCopy?: (digest: string) => Promise<unknown>,
): Promise<DigestPush> {
  const backoff = options.backoffMs ?? defaultBackoff;
  const clientFor = options.client ?? ((repository: string) => new RegistryClient(repositoryLocation(options.registry, repository)));
  const client = clientFor(plan.image);
  const record = await withRetries(
    () => runBuild(plan.build, { root: options.root, imageDir: options.imageDir, signal: options.signal }),
    backoff,
    options.log,
  );
  const digest = record.digest;
  if (!digest)
    throw new ToolError(
      "KILN_NO_DIGEST",
      `${plan.image}: buildx reported no digest for the push`,
      "re-run with --progress plain to see the push",
    );

  await beforeCopy?.(digest);
  if (plan.build.output.type === "push-by-digest" && plan.build.output.via === "staging") {
    const staging = clientFor(`${stagingNamespace}/${plan.image}`);
    await withRetries(() => copyByDigest(staging, client, digest), backoff, options.log);
  }
  const manifest = await withRetries(() => client.manifest(digest), backoff, options.log);
  if (!manifest)
    throw new ToolError(
      "KILN_NO_DIGEST",
      `${plan.image}: ${plan.repository}@${digest} is not in the registry after the push`,
      "run the release again",
    );
  const content = JSON.parse(manifest.bytes.toString("utf8")) as ManifestContent;
  const manifests = content.manifests ? platformManifests(content) : [{ platform: plan.build.platforms[0] ?? "", digest }];
  return { digest, manifest, manifests };
}

const transient = new Set(["KILN_REGISTRY_UNREACHABLE", "KILN_REGISTRY_ERROR"]);

/** Retries transient registry failures with backoff; anything else fails at once. */
export async function withRetries<T>(operation: () => Promise<T>, backoffMs: number[], log: (text: string) => void): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const code = (error as { code?: string }).code;
      const wait = backoffMs[attempt];
      if (!code || !transient.has(code) || wait === undefined) throw error;
      log(`transient registry error (${(error as Error).message.split("\n")[0]}); retrying in ${wait / 1000}s`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
