import { imageReference, localContentTag, parentSource, readBuildRecord, workspaceParents, type LoadedImage } from "@kiln/core";
import { localImage, retagImage, type LocalImage } from "@kiln/engine";

/** What a build that does not push needs to do about the workspace parents it does not build itself. */
export interface ParentPlan {
  /** parents to build first, each with why and the platforms the children need it for */
  rebuild: { name: string; reason: string; platforms: string[] }[];
  /** parents taken from the registry their record names (name → repository@digest) */
  references: Record<string, string>;
  /** parents taken from the local store, by the tag that names their content there (name → tag) */
  localTags: Record<string, string>;
}

/** The engine's answers about the parents a build reads from the local store, by parent name. */
export type ParentLookups = Map<string, Promise<LocalImage | undefined>>;

/**
 * Asks the engine's store, all at once, for each workspace parent of the images about to be built
 * that this run does not build itself. A build starts this as soon as it knows its images, so the
 * answers (50-90 ms each on dockerd 26) arrive while it synthesizes instead of after.
 */
export function lookUpParents(building: LoadedImage[], all: Map<string, LoadedImage>): ParentLookups {
  const inThisRun = new Set(building.map((image) => image.pkg.name));
  const lookups: ParentLookups = new Map();
  for (const image of building) {
    for (const name of workspaceParents(image)) {
      const parent = all.get(name);
      if (inThisRun.has(name) || !parent || lookups.has(name)) continue;
      lookups.set(name, localImage(imageReference(name, parent.pkg.version)));
    }
  }
  return lookups;
}

/**
 * Checks each parent of the images about to be built where its build record says it is, so a
 * Turborepo cache hit never stands in for an image: a parent gone from the local store is rebuilt,
 * a pushed one is pulled by digest. Parents built in the same run are not checked.
 */
export async function parentPlan(
  building: LoadedImage[],
  all: Map<string, LoadedImage>,
  platformsOf: (image: LoadedImage) => string[],
  nativePlatform: string,
  lookups: ParentLookups = lookUpParents(building, all),
): Promise<ParentPlan> {
  const inThisRun = new Set(building.map((image) => image.pkg.name));
  const plan: ParentPlan = { rebuild: [], references: {}, localTags: {} };
  // Each parent is checked once, for every platform any of its children in this run builds for.
  const needed = new Map<string, Set<string>>();
  for (const image of building) {
    for (const name of workspaceParents(image)) {
      if (inThisRun.has(name)) continue;
      const platforms = needed.get(name) ?? new Set<string>();
      for (const platform of platformsOf(image)) platforms.add(platform);
      needed.set(name, platforms);
    }
  }
  const decided = await Promise.all(
    [...needed].map(async ([name, platforms]) => {
      const parent = all.get(name);
      if (!parent) return undefined;
      const parentPlatforms = withEnginePlatform([...platforms], parent, nativePlatform);
      const version = parent.pkg.version;
      const local = await (lookups.get(name) ?? localImage(imageReference(name, version)));
      const source = parentSource(name, version, {
        record: readBuildRecord(parent.pkg.dir),
        localId: local?.id,
        platforms: parentPlatforms,
      });
      const localTag = source.kind === "local" && local ? await tagByContent(name, version, local.id, local.tags) : undefined;
      return { name, parentPlatforms, source, localTag };
    }),
  );
  // In the order the parents were found, whatever order the engine answered in.
  for (const entry of decided) {
    if (!entry) continue;
    const { name, parentPlatforms, source, localTag } = entry;
    if (source.kind === "rebuild") plan.rebuild.push({ name, reason: source.reason, platforms: parentPlatforms });
    else if (source.kind === "registry") plan.references[name] = source.reference;
    else if (localTag) plan.localTags[name] = localTag;
  }
  return plan;
}

/**
 * The platforms a parent is needed for: its children's, and the engine's own when the parent's
 * definition has it. A child's package fetch stage runs FROM the parent on the build platform
 * ($BUILDPLATFORM), so a child built for arm64 alone on an amd64 engine needs the parent's amd64
 * image too.
 */
export function withEnginePlatform(platforms: string[], parent: ImagePlatforms, enginePlatform: string): string[] {
  if (platforms.includes(enginePlatform) || !(parent.resolved.platforms as readonly string[]).includes(enginePlatform)) return platforms;
  return [...platforms, enginePlatform];
}

/** What the platform rules read of an image: its name and the platforms its definition builds. */
export interface ImagePlatforms {
  pkg: Pick<LoadedImage["pkg"], "name">;
  resolved: Pick<LoadedImage["resolved"], "platforms">;
}

/**
 * The platforms to build `image` for in a run that `narrowed` (--platform, KILN_PLATFORMS) limits,
 * loaded or pushed alike: the narrowed list, plus the engine's platform for an image that is the
 * parent of another image in the run (see withEnginePlatform; a pushed child's fetch stage pulls
 * its parent's index by digest, and needs the engine's platform in it). Undefined when the run is
 * not narrowed: every image builds for its own platforms, the engine's among them if it has it.
 */
export function runPlatforms(
  image: ImagePlatforms,
  narrowed: string[] | undefined,
  parentsInRun: ReadonlySet<string>,
  enginePlatform: string | undefined,
): string[] | undefined {
  if (!narrowed || !enginePlatform || !parentsInRun.has(image.pkg.name)) return narrowed;
  return withEnginePlatform(narrowed, image, enginePlatform);
}

/**
 * Tags a local image by its content (`<version>-<12 hex of its ID>`), drops the same version's
 * older such tags, and returns the tag: a child's build context names its parent by it (see
 * PlanOptions.localParentTags for why the version tag is not enough). `tags` are the image's tags
 * as the engine last reported them: an image that already has its content tag keeps it untouched.
 * Whoever gave it that tag dropped the older ones then, and a newer content tag given to another
 * image since would have dropped this one. That saves every child build two engine calls
 * (about 100 ms) on its parent.
 */
export async function tagByContent(name: string, version: string, id: string, tags: readonly string[] = []): Promise<string> {
  const tag = localContentTag(version, id);
  const repository = imageReference(name, version).replace(/:[^:/]+$/, "");
  if (tags.includes(`${repository}:${tag}`)) return tag;
  await retagImage(imageReference(name, version), repository, tag, `${version}-`);
  return tag;
}
