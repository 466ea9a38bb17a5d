import { imageReference, parentSource, readBuildRecord, workspaceParents, type LoadedImage } from "@kiln/core";
import { imageId } from "@kiln/engine";

/** What a build that does not push needs to do about the workspace parents it does not build itself. */
export interface ParentPlan {
  /** parents to build first, each with why */
  rebuild: { name: string; reason: string }[];
  /** parents taken from the registry their record names (name → repository@digest) */
  references: Record<string, string>;
}

/**
 * Checks each parent of the images about to be built where its build record says it is, so a
 * Turborepo cache hit never stands in for an image: a parent gone from the local store is rebuilt,
 * a pushed one is pulled by digest. Parents built in the same run are not checked.
 */
export async function parentPlan(building: LoadedImage[], all: Map<string, LoadedImage>): Promise<ParentPlan> {
  const inThisRun = new Set(building.map((image) => image.pkg.name));
  const plan: ParentPlan = { rebuild: [], references: {} };
  const seen = new Set<string>();
  for (const image of building) {
    for (const name of workspaceParents(image)) {
      if (inThisRun.has(name) || seen.has(name)) continue;
      seen.add(name);
      const parent = all.get(name);
      if (!parent) continue;
      const version = parent.pkg.version;
      const source = parentSource(name, version, {
        record: readBuildRecord(parent.pkg.dir),
        localId: await imageId(imageReference(name, version)),
      });
      if (source.kind === "rebuild") plan.rebuild.push({ name, reason: source.reason });
      else if (source.kind === "registry") plan.references[name] = source.reference;
    }
  }
  return plan;
}
