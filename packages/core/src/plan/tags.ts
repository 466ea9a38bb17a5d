import semver from "semver";
import { DefinitionError } from "../errors.js";

export interface TagOptions {
  version: string;
  /** full commit sha; adds `sha-<7>` */
  revision?: string;
  /** true when this version is the highest stable version of the image in the target registry */
  latest?: boolean;
  /** variant affixes, e.g. suffix "-bookworm" gives 1.4.2-bookworm, 1.4-bookworm, … */
  prefix?: string;
  suffix?: string;
}

/**
 * Tags for one release of an image, following the usual registry conventions:
 * 1.4.2, 1.4, 1 (no bare "0" for 0.x: 0.x minors may break), `latest` only when told this is the
 * highest stable version, a prerelease only under its full version, and `sha-<7>` for traceability.
 */
export function versionTags(options: TagOptions): string[] {
  const parsed = semver.parse(options.version);
  if (!parsed) {
    throw new DefinitionError(`version: "${options.version}" is not a semantic version`, "set the package.json version to X.Y.Z");
  }
  const affix = (tag: string): string => `${options.prefix ?? ""}${tag}${options.suffix ?? ""}`;
  const tags: string[] = [affix(parsed.version)];
  if (parsed.prerelease.length === 0) {
    tags.push(affix(`${parsed.major}.${parsed.minor}`));
    if (parsed.major > 0) tags.push(affix(String(parsed.major)));
    // A variant's "latest" is its bare name (suffix "-bookworm" → "bookworm"), as official images do.
    const variant = `${options.prefix ?? ""}${options.suffix ?? ""}`.replace(/^-+|-+$/g, "");
    if (options.latest) tags.push(variant === "" ? "latest" : variant);
  }
  if (options.revision) tags.push(affix(`sha-${options.revision.slice(0, 7)}`));
  return tags;
}

/** Whether `version` is the highest stable version among `published` (what earns `latest`). */
export function isHighestStable(version: string, published: string[]): boolean {
  if (semver.prerelease(version)) return false;
  const stable = published.filter((v) => semver.valid(v) && !semver.prerelease(v));
  return stable.every((other) => semver.gte(version, other));
}
