import type { BuildRecord } from "../build/metadata.js";
import type { LoadedImage } from "../workspace/load-workspace.js";

/** The workspace images an image is built from: its base and the images its stages start from. */
export function workspaceParents(image: LoadedImage): string[] {
  const names = [
    image.resolved.base.kind === "workspace" ? image.resolved.base.name : undefined,
    ...image.resolved.stages.map((stage) => stage.image),
  ];
  return [...new Set(names.filter((name): name is string => name !== undefined))];
}

/**
 * Where a child build takes a parent from. A Turborepo cache hit restores the parent's
 * dist/build.json, not its image: the image may have left the local store (pruned, another
 * machine, a CI runner), and buildx would then try to pull `kiln.local/…` from the network.
 * - `local`: the store has the image the record names (or, with no record, an image under the tag);
 * - `registry`: the record says the image was pushed; the build pulls it by digest;
 * - `rebuild`: neither; build the parent first.
 */
export type ParentSource = { kind: "local" } | { kind: "registry"; reference: string } | { kind: "rebuild"; reason: string };

export interface ParentFacts {
  record: BuildRecord | undefined;
  /** the local store's image ID under the parent's version tag, undefined when there is none */
  localId: string | undefined;
  /** the platforms the child builds for: the parent must have each of them */
  platforms?: string[];
}

export function parentSource(name: string, version: string, facts: ParentFacts): ParentSource {
  const { record, localId } = facts;
  const sameVersion = record?.version === version;
  const pushed = recordedRegistryReference(record, version);
  if (pushed) return { kind: "registry", reference: pushed };
  if (localId === undefined) {
    return { kind: "rebuild", reason: `${name} ${version} is not in the local image store (a cache hit without the image?)` };
  }
  // The store holds an image under the tag, but not the one the record says was built: another
  // build (another clone on this engine) replaced it, so this record's image is gone.
  if (sameVersion && record.digest && record.location?.kind === "local-store" && localId !== record.digest) {
    return {
      kind: "rebuild",
      reason: `${name} ${version} in the local image store is ${short(localId)}, not the recorded ${short(record.digest)}`,
    };
  }
  // A parent built for fewer platforms (`--platform`, KILN_PLATFORMS) than this child needs: buildx
  // would fail with "no match for platform in manifest" for the missing ones.
  const built = sameVersion ? record.platforms : undefined;
  const missing = built ? (facts.platforms ?? []).filter((platform) => !built.includes(platform)) : [];
  if (built && missing.length > 0) {
    return {
      kind: "rebuild",
      reason: `${name} ${version} in the local image store was built for ${built.join(", ")} only, not ${missing.join(", ")}`,
    };
  }
  return { kind: "local" };
}

function short(digest: string): string {
  return digest.replace(/^sha256:/, "").slice(0, 12);
}

/**
 * `<repository>@<digest>` when the record says this version was pushed to a registry: on a
 * machine that got the record from a (remote) Turborepo cache, that is the only place the image
 * is, so a child build and `kiln test` take it from there.
 */
export function recordedRegistryReference(record: BuildRecord | undefined, version: string): string | undefined {
  if (record?.version !== version || !record.digest || record.location?.kind !== "registry" || !record.location.repository)
    return undefined;
  return `${record.location.repository}@${record.digest}`;
}
