export { RegistryClient, nextPage, indexMediaTypes, type ManifestContent, type StoredManifest } from "./registry/registry.js";
export { repositoryLocation, type RepositoryLocation } from "./registry/reference.js";
export { planRelease, type ReleaseStep, type ReleasePlanOptions } from "./release/release-plan.js";
export {
  planPublish,
  publishImage,
  pushByDigest,
  type DigestPush,
  withRetries,
  type PublishPlan,
  type PublishPlanOptions,
  type PublishOptions,
  type PublishResult,
  type PushedImage,
} from "./release/publish.js";
export { copyByDigest, platformManifests } from "./registry/copy.js";
export { dockerConfigAuth } from "./registry/docker-config.js";
export {
  distroPackages,
  mergePackages,
  npmPackage,
  shippedNodePackages,
  type SbomHash,
  type SbomInput,
  type SbomPackage,
  type SbomRelationship,
} from "./release/sbom.js";
export { buildPlatform, lockfilePackages, type BuildPlatform } from "./release/npm-lockfile.js";
export { spdxDocument } from "./release/spdx.js";
export { cyclonedxDocument } from "./release/cyclonedx.js";
export {
  runCosign,
  sbomCommand,
  signCommand,
  verifyAttestationCommand,
  verifyCommand,
  type SbomFormat,
  type Signing,
} from "./release/signing.js";
export { releaseMarkdown, type ReleaseOutcome, type ReleaseSummary } from "./release/summary.js";
export { releaseTags, createReleaseTag, releaseTagName } from "./release/git-tags.js";
export { resolveBaseDigest } from "./registry/base-digest.js";
export { verifyRelease, type VerifyOptions, type VerifyReport } from "./verify/verify.js";
