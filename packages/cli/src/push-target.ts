import { execute } from "@kiln/core";
import { parseBuildxInspect } from "@kiln/engine";
import type { Signing } from "@kiln/registry";
import { UsageError } from "@kiln/core";

/**
 * How a push can go by digest on this builder: buildx's own push-by-digest needs BuildKit in a
 * container (or remote); the docker driver refuses it, so there kiln pushes to the staging repository.
 */
export async function pushByDigestVia(builder?: string): Promise<"buildx" | "staging"> {
  const result = await execute({ command: "docker", args: ["buildx", "inspect", ...(builder ? [builder] : [])] });
  const driver = result.exitCode === 0 ? parseBuildxInspect(result.stdout).driver : undefined;
  return driver === undefined || driver === "docker" ? "staging" : "buildx";
}

/**
 * --sign-key (or KILN_SIGNING_KEY): a cosign key file or `env://NAME`; --keyless: Sigstore OIDC
 * (GitHub Actions); neither: unsigned. The key's password is COSIGN_PASSWORD, read by cosign.
 */
export function signingFrom(args: { signKey?: string; keyless?: boolean }): Signing {
  const key = args.signKey ?? process.env.KILN_SIGNING_KEY;
  if (key && args.keyless)
    throw new UsageError("--sign-key and --keyless exclude each other", "sign with a key, or keyless from CI (GitHub Actions' id-token)");
  if (args.keyless) return { mode: "keyless" };
  return key ? { mode: "key", key } : { mode: "none" };
}
