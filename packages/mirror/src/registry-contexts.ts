import type { MirrorProfile } from "./profile.js";
import { parseImageReference } from "./reference.js";

/**
 * For each FROM reference whose registry the profile mirrors, a buildx named context that
 * resolves it from the mirror instead: { "debian:bookworm": "docker-image://127.0.0.1:5000/library/debian:bookworm" }.
 * The Dockerfile keeps the reference as written; only the build command changes.
 */
export function registryMirrorContexts(profile: MirrorProfile | undefined, fromRefs: string[]): Record<string, string> {
  const registries = profile?.registries ?? {};
  const contexts: Record<string, string> = {};
  for (const ref of fromRefs) {
    const parsed = parseImageReference(ref);
    const target = registries[parsed.registry];
    if (!target) continue;
    const suffix = `${parsed.tag ? `:${parsed.tag}` : ""}${parsed.digest ? `@${parsed.digest}` : ""}`;
    contexts[ref] = `docker-image://${target}/${parsed.repository}${suffix}`;
  }
  return contexts;
}
