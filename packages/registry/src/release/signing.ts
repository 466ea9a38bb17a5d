import { execute, formatCommand, ToolError, type Command } from "@kiln/core";
import { registryBaseUrl, splitImageReference } from "@kiln/reference";

/**
 * How a release is signed, with cosign:
 * - `key`: a cosign key reference — a file path, or `env://NAME` for a PEM in an environment
 *   variable; its password comes from COSIGN_PASSWORD, which cosign reads itself. Nothing goes
 *   to a transparency log: the signature is checked with the public key.
 * - `keyless`: Sigstore's OIDC flow (GitHub Actions' id-token), recorded in Rekor.
 * - `none`: unsigned; SBOMs are attached without a signature.
 */
export type Signing = { mode: "key"; key: string } | { mode: "keyless" } | { mode: "none" };

/** cosign's flags for a registry: loopback registries speak plain HTTP. */
function registryFlags(reference: string): string[] {
  const host = splitImageReference(reference).domain;
  return host !== undefined && registryBaseUrl(host).startsWith("http:") ? ["--allow-http-registry"] : [];
}

function keyFlags(signing: Signing): string[] {
  if (signing.mode === "key") return ["--key", signing.key, "--tlog-upload=false"];
  return [];
}

/** `cosign sign` of an index and, with --recursive, every manifest it lists. */
export function signCommand(reference: string, signing: Signing): Command {
  return { command: "cosign", args: ["sign", "--yes", "--recursive", ...keyFlags(signing), ...registryFlags(reference), reference] };
}

/** The two SBOM formats kiln writes per platform. */
export type SbomFormat = "spdx" | "cyclonedx";

/** cosign's names for each format: the attestation --type (its in-toto predicate type) and attach's --type. */
const cosignTypes: Record<SbomFormat, { attest: string; attach: string }> = {
  // predicate type https://spdx.dev/Document
  spdx: { attest: "spdxjson", attach: "spdx" },
  // predicate type https://cyclonedx.org/bom
  cyclonedx: { attest: "cyclonedx", attach: "cyclonedx" },
};

/** The SBOM of one platform manifest: a signed in-toto attestation, or attached unsigned. */
export function sbomCommand(reference: string, sbomFile: string, signing: Signing, format: SbomFormat = "spdx"): Command {
  if (signing.mode === "none") {
    return {
      command: "cosign",
      args: [
        "attach",
        "sbom",
        "--sbom",
        sbomFile,
        "--type",
        cosignTypes[format].attach,
        "--input-format",
        "json",
        ...registryFlags(reference),
        reference,
      ],
    };
  }
  return {
    command: "cosign",
    args: [
      "attest",
      "--yes",
      "--type",
      cosignTypes[format].attest,
      "--predicate",
      sbomFile,
      ...keyFlags(signing),
      ...registryFlags(reference),
      reference,
    ],
  };
}

/** `cosign verify` with a public key (no transparency log: kiln's key signatures are not in one). */
export function verifyCommand(reference: string, publicKey: string): Command {
  return { command: "cosign", args: ["verify", "--key", publicKey, "--insecure-ignore-tlog=true", ...registryFlags(reference), reference] };
}

export function verifyAttestationCommand(reference: string, publicKey: string, format: SbomFormat = "spdx"): Command {
  return {
    command: "cosign",
    args: [
      "verify-attestation",
      "--key",
      publicKey,
      "--type",
      cosignTypes[format].attest,
      "--insecure-ignore-tlog=true",
      ...registryFlags(reference),
      reference,
    ],
  };
}

/** Runs a cosign command; a failure is a ToolError with cosign's last line, never the key or password. */
export async function runCosign(command: Command, what: string, signal?: AbortSignal): Promise<string> {
  const result = await execute(command, { signal }).catch((error: unknown) => {
    throw new ToolError(
      "KILN_COSIGN_MISSING",
      `cannot run cosign: ${(error as Error).message}`,
      "install cosign (scripts/provision-engine.sh installs Debian's package)",
    );
  });
  if (result.exitCode !== 0) {
    const last =
      result.stderr
        .trim()
        .split("\n")
        .filter((line) => !/^\s*$/.test(line))
        .at(-1) ?? `exit ${result.exitCode}`;
    throw new ToolError(
      "KILN_SIGNING_FAILED",
      `${what} failed: ${last}\n  command: ${formatCommand(command)}`,
      "check the key (a file or env://NAME), COSIGN_PASSWORD and the registry login; no tag was moved",
    );
  }
  return result.stdout;
}
