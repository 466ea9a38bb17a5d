import { ImageReferenceError } from "./errors.js";

/** The registry key for references without a domain, such as `debian:bookworm`. */
export const defaultRegistryKey = "hub";

// The distribution reference grammar, the one docker, buildx and BuildKit parse FROM lines with.
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const host = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])`;
const port = "(?::[0-9]{1,5})?";
const pathComponent = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
/** host[:port], a hostname or a bracketed IPv6 address */
export const registryDomainPattern = new RegExp(`^${host}${port}$`);
/** host[:port] followed by any number of repository path components, e.g. `127.0.0.1:5000/hub` */
export const registryPathPattern = new RegExp(`^${host}${port}(?:/${pathComponent})*$`);
const pathComponentPattern = new RegExp(`^${pathComponent}$`);
const tagPattern = /^\w[\w.-]{0,127}$/;
const digestPattern = /^(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/;
const maxNameLength = 255;

const referenceHint =
  'write a reference like "debian:bookworm", "library/debian", "ghcr.io/org/image:1.0" or "localhost:5000/image@sha256:<64 hex>"';

/** A reference cut at the grammar's separators, nothing checked: what a linter reads from any FROM line. */
export interface ReferenceParts {
  /** the name as written: the registry domain, when there is one, and the path, without tag or digest */
  name: string;
  /** the registry domain as written, when the first component is one */
  domain?: string;
  /** the path inside the registry as written (no "library/" added) */
  path: string;
  tag?: string;
  /** everything after the first "@" */
  digest?: string;
}

/** A reference that follows the grammar, its repository normalised as registries see it. */
export interface ImageReference {
  /** the registry domain as written, or "hub" for references without one */
  registry: string;
  /** the path inside the registry; the default registry's official images get "library/" */
  repository: string;
  tag?: string;
  digest?: string;
}

/**
 * The grammar's rule for the first path component: it names a registry only when it has a "." or
 * a ":", is "localhost", or has upper-case letters (which a repository path never has).
 */
export function looksLikeRegistryDomain(component: string): boolean {
  return component.includes(".") || component.includes(":") || component === "localhost" || component !== component.toLowerCase();
}

/**
 * Cuts a reference into name, domain, path, tag and digest the way the grammar does, without
 * checking any part: build arguments (`debian:${VERSION}`) and bad characters pass through, so a
 * linter can report on them. Use {@link parseImageReference} where the reference must be valid.
 */
export function splitImageReference(reference: string): ReferenceParts {
  const at = reference.indexOf("@");
  const namePart = at >= 0 ? reference.slice(0, at) : reference;
  const digest = at >= 0 ? reference.slice(at + 1) : undefined;
  // A ":" after the last "/" starts the tag; one before it belongs to a registry port.
  const tagColon = namePart.lastIndexOf(":");
  const hasTag = tagColon > namePart.lastIndexOf("/");
  const name = hasTag ? namePart.slice(0, tagColon) : namePart;
  const tag = hasTag ? namePart.slice(tagColon + 1) : undefined;
  const slash = name.indexOf("/");
  const first = slash >= 0 ? name.slice(0, slash) : "";
  const domain = slash >= 0 && looksLikeRegistryDomain(first) ? first : undefined;
  return {
    name,
    ...(domain !== undefined ? { domain } : {}),
    path: domain !== undefined ? name.slice(slash + 1) : name,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/**
 * Parses an image reference by the distribution reference grammar, or throws
 * {@link ImageReferenceError} naming the part that is wrong. References on the default registry
 * come back with registry "hub", and those without a namespace under "library/", so `debian` and
 * `library/debian` are the same repository.
 */
export function parseImageReference(reference: string): ImageReference {
  const fail = (why: string): never => {
    throw new ImageReferenceError(`image reference "${reference}": ${why}`, referenceHint);
  };
  if (reference.trim() === "") fail("is empty");
  if (reference.includes("$")) fail("uses a build argument; it needs the reference with its value filled in");

  const parts = splitImageReference(reference);
  const { name, tag, digest } = parts;
  if (digest?.includes("@")) fail('has more than one "@"');
  if (digest !== undefined && !digestPattern.test(digest)) fail(`digest "${digest}" is not sha256:<64 lower-case hex> (or sha384, sha512)`);
  if (tag !== undefined && !tagPattern.test(tag))
    fail(`tag "${tag}" must be 1 to 128 letters, digits, "_", "." or "-", not starting with "." or "-"`);
  if (name.length > maxNameLength) fail(`the name is longer than ${maxNameLength} characters`);

  const registry = parts.domain ?? defaultRegistryKey;
  if (parts.domain !== undefined && !registryDomainPattern.test(parts.domain)) fail(`registry "${parts.domain}" is not host[:port]`);
  const components = parts.path.split("/");
  for (const component of components) {
    if (component === "") fail('has an empty path component (a leading, trailing or doubled "/")');
    if (!pathComponentPattern.test(component)) {
      fail(`path component "${component}" must be lower-case letters and digits, separated by ".", "_", "__" or "-"`);
    }
  }
  if (parts.domain === undefined && components.length === 1) components.unshift("library");

  return {
    registry,
    repository: components.join("/"),
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/**
 * The reference pinned to `digest`, its name and tag kept as written (`debian:bookworm` →
 * `debian:bookworm@sha256:…`); a digest it already had is replaced.
 */
export function pinnedReference(reference: string, digest: string): string {
  const { name, tag } = splitImageReference(reference);
  return `${name}${tag !== undefined ? `:${tag}` : ""}@${digest}`;
}
