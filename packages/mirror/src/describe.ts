import type { AptMirrors, ResolvedMirror } from "./profile.js";

const aptFields: (keyof AptMirrors)[] = ["debian", "debianSecurity", "ubuntu", "ubuntuPorts"];

/**
 * One line for `kiln doctor`: the profile, where it came from, whether it stays in the images,
 * and every rewrite it makes, e.g.
 * "mirror: custom (from KILN_MIRROR, build-time only): apk https://m.example/alpine, registries hub→127.0.0.1:5000".
 */
export function describeMirror(resolved: ResolvedMirror | undefined): string {
  if (resolved === undefined) return "mirror: none (pulls go to the registries and repositories the base images name)";
  const { profile, origin } = resolved;
  const rewrites: string[] = [];
  if (profile.apk !== undefined) rewrites.push(`apk ${profile.apk}`);
  const apt = aptFields.flatMap((field) => (profile.apt?.[field] === undefined ? [] : [`${field}=${profile.apt[field]}`]));
  if (apt.length > 0) rewrites.push(`apt ${apt.join(" ")}`);
  const registries = Object.keys(profile.registries ?? {})
    .sort()
    .map((domain) => `${domain}→${profile.registries?.[domain]}`);
  if (registries.length > 0) rewrites.push(`registries ${registries.join(" ")}`);
  if (profile.npm !== undefined) rewrites.push(`npm ${profile.npm}`);
  if (profile.pip !== undefined) rewrites.push(`pip ${profile.pip}`);
  if (profile.ca !== undefined) rewrites.push(`CA bundle ${profile.ca}`);
  const scope = profile.persist === true ? "kept in the images" : "build-time only";
  return `mirror: ${profile.name} (from ${origin}, ${scope}): ${rewrites.length > 0 ? rewrites.join(", ") : "no rewrites"}`;
}
