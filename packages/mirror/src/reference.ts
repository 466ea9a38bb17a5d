import { MirrorError } from "./errors.js";

export interface ImageReference {
  /** "hub" for references without a registry domain */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

const component = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/**
 * Splits a reference the way the distribution reference grammar does: the first path component
 * is a registry when it has a "." or ":" or is "localhost"; default-registry references without
 * a namespace live under "library/".
 */
export function parseImageReference(reference: string): ImageReference {
  const fail = (why: string): never => {
    throw new MirrorError(`image reference "${reference}": ${why}`, 'write a reference like "debian:bookworm" or "ghcr.io/org/image:1.0"');
  };
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!/^sha256:[a-f0-9]{64}$/.test(digest)) fail("the digest must be sha256:<64 hex>");
  }
  const parts = rest.split("/");
  const first = parts[0] ?? "";
  const hasRegistry = parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost");
  const registry = hasRegistry ? first : "hub";
  const pathParts = hasRegistry ? parts.slice(1) : parts;
  const last = pathParts.pop() ?? "";
  const colon = last.indexOf(":");
  const name = colon === -1 ? last : last.slice(0, colon);
  const tag = colon === -1 ? undefined : last.slice(colon + 1);
  if (tag !== undefined && !/^[\w][\w.-]{0,127}$/.test(tag)) fail(`invalid tag "${tag}"`);
  const repositoryParts = [...pathParts, name];
  if (repositoryParts.some((part) => !component.test(part))) fail("invalid repository name (lower-case letters, digits, . _ -)");
  if (registry === "hub" && repositoryParts.length === 1) repositoryParts.unshift("library");
  return { registry, repository: repositoryParts.join("/"), ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}
