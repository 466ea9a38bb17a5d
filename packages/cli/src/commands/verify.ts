import { CheckFailedError, execute, findWorkspaceRoot, loadKilnConfig, readWorkspace, UsageError } from "@kiln/core";
import { releaseTagName, verifyRelease } from "@kiln/registry";
import { note, printJson } from "../output.js";

export interface VerifyArgs {
  /** `<image>` or `<image>@<version>` */
  target: string;
  registry: string | undefined;
  key: string | undefined;
  json: boolean;
}

/**
 * `kiln verify <image>[@version]`: what a consumer can check of a release — signatures (index and
 * platforms) with the public key, a signed SBOM per platform, labels and annotations for this
 * version and commit, the base digest. Exit 1 naming each check that failed.
 */
export async function verify(args: VerifyArgs): Promise<void> {
  const at = args.target.lastIndexOf("@");
  const image = at > 0 ? args.target.slice(0, at) : args.target;
  const root = findWorkspaceRoot(process.cwd());
  const config = await loadKilnConfig(root);
  const registry = args.registry ?? process.env.KILN_REGISTRY ?? config.registry;
  if (!registry)
    throw new UsageError(
      "kiln verify needs a registry",
      "pass --registry host[:port]/namespace, set KILN_REGISTRY, or registry in kiln.config.ts",
    );
  const publicKey = args.key ?? process.env.KILN_VERIFY_KEY;
  if (!publicKey)
    throw new UsageError(
      "kiln verify needs the public key the release was signed with",
      "pass --key cosign.pub (or env://NAME), or set KILN_VERIFY_KEY",
    );
  const pkg = readWorkspace(root).images.find((candidate) => candidate.name === image);
  const version = at > 0 ? args.target.slice(at + 1) : pkg?.version;
  if (!version)
    throw new UsageError(
      `${image} is not an image of this workspace, so its version is unknown`,
      `name the version: kiln verify ${image}@1.2.3`,
    );
  // The commit the release tag points at, when this checkout has the tag.
  const tagged = await execute({ command: "git", args: ["rev-list", "-n", "1", releaseTagName(image, version)] }, { cwd: root });
  const revision = tagged.exitCode === 0 ? tagged.stdout.trim() : undefined;

  const report = await verifyRelease({ registry, image, version, publicKey, revision });
  if (args.json) printJson(report);
  else {
    for (const line of report.passed) note(image, "verify", `ok   ${line}`);
    for (const line of report.failed) note(image, "verify", `FAIL ${line}`);
  }
  if (report.failed.length > 0) {
    throw new CheckFailedError(
      `${report.reference} failed verification:\n  ${report.failed.join("\n  ")}`,
      "a tag moved by hand or an unsigned push: release the version again with kiln release (--force to move the tag), or find who moved it",
    );
  }
  if (!args.json)
    note(
      image,
      "verify",
      `${report.reference} → ${report.digest}: signed, an SBOM per platform, labels for ${version}${revision ? ` (${revision.slice(0, 7)})` : ""}`,
    );
}
