import { MirrorError } from "./errors.js";
import type { MirrorProfile } from "./profile.js";

/** The registry key for references without a domain, such as `debian:bookworm`. */
export const defaultRegistryKey = "hub";

// The distribution reference grammar, the one docker, buildx and BuildKit parse FROM lines with.
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const host = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])`;
const port = "(?::[0-9]{1,5})?";
const pathComponent = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const domainPattern = new RegExp(`^${host}${port}$`);
const pathComponentPattern = new RegExp(`^${pathComponent}$`);
const registryTargetPattern = new RegExp(`^${host}${port}(?:/${pathComponent})*$`);
const tagPattern = /^\w[\w.-]{0,127}$/;
const digestPattern = /^(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/;
const maxNameLength = 255;

const referenceHint =
  'write a reference like "debian:bookworm", "library/debian", "ghcr.io/org/image:1.0" or "localhost:5000/image@sha256:<64 hex>"';

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
function looksLikeRegistryDomain(component: string): boolean {
  return component.includes(".") || component.includes(":") || component === "localhost" || component !== component.toLowerCase();
}

/**
 * Splits an image reference the way the distribution reference grammar does. References on the
 * default registry come back with registry "hub", and those without a namespace under "library/",
 * so `debian` and `library/debian` are the same repository.
 */
export function parseImageReference(reference: string): ImageReference {
  const fail = (why: string): never => {
    throw new MirrorError(`image reference "${reference}": ${why}`, referenceHint);
  };
  if (reference.trim() === "") fail("is empty");
  if (reference.includes("$")) fail("uses a build argument; mirror contexts need the reference with its value filled in");

  const [namePart = "", digest, ...extraDigests] = reference.split("@");
  if (extraDigests.length > 0) fail('has more than one "@"');
  if (digest !== undefined && !digestPattern.test(digest)) fail(`digest "${digest}" is not sha256:<64 lower-case hex> (or sha384, sha512)`);

  // A ":" after the last "/" starts the tag; one before it belongs to a registry port.
  const tagColon = namePart.lastIndexOf(":");
  const hasTag = tagColon > namePart.lastIndexOf("/");
  const name = hasTag ? namePart.slice(0, tagColon) : namePart;
  const tag = hasTag ? namePart.slice(tagColon + 1) : undefined;
  if (tag !== undefined && !tagPattern.test(tag))
    fail(`tag "${tag}" must be 1 to 128 letters, digits, "_", "." or "-", not starting with "." or "-"`);
  if (name.length > maxNameLength) fail(`the name is longer than ${maxNameLength} characters`);

  const components = name.split("/");
  const first = components[0] ?? "";
  const registry = components.length > 1 && looksLikeRegistryDomain(first) ? first : defaultRegistryKey;
  if (registry !== defaultRegistryKey) {
    components.shift();
    if (!domainPattern.test(registry)) fail(`registry "${registry}" is not host[:port]`);
  }
  for (const component of components) {
    if (component === "") fail('has an empty path component (a leading, trailing or doubled "/")');
    if (!pathComponentPattern.test(component)) {
      fail(`path component "${component}" must be lower-case letters and digits, separated by ".", "_", "__" or "-"`);
    }
  }
  if (registry === defaultRegistryKey && components.length === 1) components.unshift("library");

  return {
    registry,
    repository: components.join("/"),
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/** Why `key` cannot be a key of `registries`, or undefined when it can. */
export function registryKeyProblem(key: string): string | undefined {
  if (key === defaultRegistryKey) return undefined;
  if (!domainPattern.test(key)) return `"${key}" is not a registry domain; expected "hub" or host[:port], e.g. ghcr.io`;
  if (!looksLikeRegistryDomain(key)) {
    return `"${key}" can never be the registry of a reference (that needs a "." or ":" or is localhost); write e.g. ghcr.io, or hub for the default registry`;
  }
  return undefined;
}

/** Why `target` cannot replace a registry, or undefined when it can. */
export function registryTargetProblem(target: string): string | undefined {
  if (target.includes("://")) return `"${target}" has a scheme; write host[:port][/path] without it, e.g. 127.0.0.1:5000`;
  if (!registryTargetPattern.test(target)) return `"${target}" is not host[:port][/path], e.g. 127.0.0.1:5000 or mirror.example/hub`;
  // Without a "." or port, `mirror/library/debian` would be read as a repository on the default registry.
  const targetHost = target.split("/")[0] ?? "";
  if (!looksLikeRegistryDomain(targetHost)) {
    return `"${targetHost}" would be read as a repository on the default registry; a registry host needs a "." or a port, or is localhost (e.g. ${targetHost}:5000)`;
  }
  return undefined;
}

/**
 * For each FROM reference (exactly as written in the Dockerfile) whose registry the profile
 * mirrors, the buildx named context that pulls it from the mirror instead:
 * { "debian:bookworm": "docker-image://127.0.0.1:5000/library/debian:bookworm" }.
 * buildx and BuildKit normalise both names the same way, so the reference as written matches the
 * FROM line, and the Dockerfile stays the same with or without a mirror.
 */
export function registryMirrorContexts(profile: MirrorProfile | undefined, fromRefs: string[]): Record<string, string> {
  const registries = profile?.registries;
  if (!registries || Object.keys(registries).length === 0) return {};
  const contexts: Record<string, string> = {};
  for (const ref of fromRefs) {
    // BuildKit never looks up a named context for scratch: it is the empty image, pulled from nowhere.
    if (ref.toLowerCase() === "scratch") continue;
    const parsed = parseImageReference(ref);
    if (!Object.hasOwn(registries, parsed.registry)) continue;
    const tag = parsed.tag !== undefined ? `:${parsed.tag}` : "";
    const digest = parsed.digest !== undefined ? `@${parsed.digest}` : "";
    contexts[ref] = `docker-image://${registries[parsed.registry]}/${parsed.repository}${tag}${digest}`;
  }
  return contexts;
}
