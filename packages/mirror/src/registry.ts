import {
  defaultRegistryKey,
  looksLikeRegistryDomain,
  parseImageReference,
  registryDomainPattern,
  registryPathPattern,
} from "@kiln/reference";
import type { MirrorProfile } from "./profile.js";

/** Why `key` cannot be a key of `registries`, or undefined when it can. */
export function registryKeyProblem(key: string): string | undefined {
  if (key === defaultRegistryKey) return undefined;
  if (!registryDomainPattern.test(key)) return `"${key}" is not a registry domain; expected "hub" or host[:port], e.g. ghcr.io`;
  if (!looksLikeRegistryDomain(key)) {
    return `"${key}" can never be the registry of a reference (that needs a "." or ":" or is localhost); write e.g. ghcr.io, or hub for the default registry`;
  }
  return undefined;
}

/** Why `target` cannot replace a registry, or undefined when it can. */
export function registryTargetProblem(target: string): string | undefined {
  if (target.includes("://")) return `"${target}" has a scheme; write host[:port][/path] without it, e.g. 127.0.0.1:5000`;
  if (!registryPathPattern.test(target)) return `"${target}" is not host[:port][/path], e.g. 127.0.0.1:5000 or mirror.example/hub`;
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
