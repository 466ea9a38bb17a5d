import { execute } from "@kiln/core";
import { platformManifests } from "../registry/copy.js";
import { repositoryLocation } from "../registry/reference.js";
import { RegistryClient, type ManifestContent } from "../registry/registry.js";
import { verifyAttestationCommand, verifyCommand } from "../release/signing.js";

export interface VerifyOptions {
  /** e.g. 127.0.0.1:5000/kiln */
  registry: string;
  image: string;
  version: string;
  /** cosign public key: a file, or env://NAME */
  publicKey: string;
  /** the commit the version was released from (its `<image>@<version>` git tag), when known */
  revision?: string;
  client?: (repository: string) => RegistryClient;
}

export interface VerifyReport {
  reference: string;
  digest: string | undefined;
  platforms: string[];
  /** each check that passed, in words */
  passed: string[];
  /** each check that failed, naming the reference and what is wrong */
  failed: string[];
}

const label = (name: string) => `org.opencontainers.image.${name}`;

/**
 * Checks a released version as a consumer would: the tag's digest is signed with the key (the
 * index and every platform), every platform has a signed SPDX and a signed CycloneDX SBOM listing
 * packages, labels and
 * index annotations carry this version and commit, and the base is named with a digest.
 */
export async function verifyRelease(options: VerifyOptions): Promise<VerifyReport> {
  const clientFor = options.client ?? ((repository: string) => new RegistryClient(repositoryLocation(options.registry, repository)));
  const client = clientFor(options.image);
  const repository = `${options.registry}/${options.image}`;
  const reference = `${repository}:${options.version}`;
  const report: VerifyReport = { reference, digest: undefined, platforms: [], passed: [], failed: [] };
  const check = (ok: boolean, passed: string, failed: string) => (ok ? report.passed : report.failed).push(ok ? passed : failed);

  const manifest = await client.manifest(options.version);
  if (!manifest) {
    report.failed.push(`${reference} does not exist`);
    return report;
  }
  report.digest = manifest.digest;
  const at = `${reference} (${manifest.digest})`;
  const index = JSON.parse(manifest.bytes.toString("utf8")) as ManifestContent;
  const platforms = index.manifests ? platformManifests(index) : [];
  report.platforms = platforms.map((p) => p.platform);
  check(platforms.length > 0, `${platforms.length} platforms: ${report.platforms.join(", ")}`, `${at} is not a multi-platform index`);

  for (const target of [{ platform: "index", digest: manifest.digest }, ...platforms]) {
    const signed = await cosign(verifyCommand(`${repository}@${target.digest}`, options.publicKey));
    check(
      signed.ok,
      `signature: ${target.platform} signed by ${options.publicKey}`,
      `signature: ${at} ${target.platform} ${target.digest} is not signed by ${options.publicKey}: ${signed.error}`,
    );
  }

  for (const target of platforms) {
    for (const format of ["spdx", "cyclonedx"] as const) {
      const name = format === "spdx" ? "SPDX" : "CycloneDX";
      const attested = await cosign(verifyAttestationCommand(`${repository}@${target.digest}`, options.publicKey, format));
      const packages = attested.ok ? sbomPackageCount(attested.stdout) : 0;
      check(
        packages > 0,
        `SBOM: ${target.platform} lists ${packages} packages (signed ${name} attestation)`,
        `SBOM: ${at} ${target.platform} has no signed ${name} SBOM with packages${attested.ok ? "" : `: ${attested.error}`}`,
      );
    }

    const platformManifest = await client.manifest(target.digest);
    const config = platformManifest ? (JSON.parse(platformManifest.bytes.toString("utf8")) as ManifestContent).config : undefined;
    const labels = config
      ? ((JSON.parse((await client.blob(config.digest)).toString("utf8")) as { config?: { Labels?: Record<string, string> } }).config
          ?.Labels ?? {})
      : {};
    checkMetadata(`${target.platform} labels`, labels, options, at, check);
  }
  checkMetadata("index annotations", index.annotations ?? {}, options, at, check);
  return report;
}

/** version, title, revision and base digest in one set of labels or annotations. */
function checkMetadata(
  where: string,
  values: Record<string, string>,
  options: VerifyOptions,
  at: string,
  check: (ok: boolean, passed: string, failed: string) => void,
): void {
  const version = values[label("version")];
  check(
    version === options.version,
    `${where}: version ${options.version}`,
    `${where}: ${at} says version ${version ?? "(none)"}, not ${options.version}`,
  );
  const title = values[label("title")];
  check(
    title === options.image,
    `${where}: title ${options.image}`,
    `${where}: ${at} is titled ${title ?? "(none)"}, not ${options.image}`,
  );
  if (options.revision) {
    const revision = values[label("revision")];
    check(
      revision === options.revision,
      `${where}: revision ${options.revision.slice(0, 7)}`,
      `${where}: ${at} was built from ${revision ?? "(no revision)"}, but ${options.image}@${options.version} is commit ${options.revision}`,
    );
  }
  const baseDigest = values[label("base.digest")];
  check(
    /^sha256:[0-9a-f]{64}$/.test(baseDigest ?? ""),
    `${where}: base ${values[label("base.name")] ?? "?"}@${baseDigest?.slice(0, 19)}…`,
    `${where}: ${at} has no base digest (${label("base.digest")})`,
  );
}

/**
 * Packages in the SBOM predicates of `cosign verify-attestation`'s output (one DSSE envelope per
 * line): an SPDX document's packages less the image itself, a CycloneDX BOM's components.
 */
function sbomPackageCount(stdout: string): number {
  let count = 0;
  for (const line of stdout.split("\n").filter((l) => l.trim().startsWith("{"))) {
    const envelope = JSON.parse(line) as { payload?: string };
    const statement = JSON.parse(Buffer.from(envelope.payload ?? "", "base64").toString("utf8")) as {
      predicateType?: string;
      predicate?: { spdxVersion?: string; packages?: unknown[]; bomFormat?: string; components?: unknown[] };
    };
    const predicate = statement.predicate;
    if (predicate?.spdxVersion?.startsWith("SPDX-")) count = Math.max(count, (predicate.packages?.length ?? 1) - 1);
    if (predicate?.bomFormat === "CycloneDX") count = Math.max(count, predicate.components?.length ?? 0);
  }
  return count;
}

async function cosign(command: { command: string; args: string[] }): Promise<{ ok: boolean; stdout: string; error: string }> {
  const result = await execute(command);
  const error = result.stderr.trim().split("\n").filter(Boolean).at(-1) ?? `exit ${result.exitCode}`;
  return { ok: result.exitCode === 0, stdout: result.stdout, error };
}
