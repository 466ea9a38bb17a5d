export { RegistryClient, nextPage } from "./registry/registry.js";
export { repositoryLocation, registryBaseUrl, type RepositoryLocation } from "./registry/reference.js";
export { planRelease, type ReleaseStep, type ReleasePlanOptions } from "./release/release-plan.js";
export { publishImage, pushVersion, withRetries, type PublishOptions, type PublishResult, type PushVersionOptions } from "./release/publish.js";
export { releaseMarkdown, type ReleaseOutcome, type ReleaseSummary } from "./release/summary.js";
export { releaseTags, createReleaseTag, releaseTagName } from "./release/git-tags.js";
export { resolveBaseDigest } from "./registry/base-digest.js";
