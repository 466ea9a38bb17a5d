/**
 * Names a generated Dockerfile and the buildx invocation that builds it must agree on. They live
 * here, below both the synthesizer and the build plan, so neither imports the other.
 */

/** The named build context a feature's files are copied from (`COPY --from=kiln-feature-<name>`). */
export function featureContextName(feature: string): string {
  return `kiln-feature-${feature}`;
}

/** The secret id of the mirror profile's CA bundle (`--secret id=kiln-ca,src=…`). */
export const caSecretId = "kiln-ca";

/** Where a RUN that mounts that secret finds the bundle. */
export const buildCaFile = `/run/secrets/${caSecretId}`;
