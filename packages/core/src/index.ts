export * from "./errors.js";
export { execute, formatCommand, shellQuote, type Command, type ExecOptions, type ExecResult } from "./exec/exec.js";
export { knownPlatforms, defaultPlatforms, machineByPlatform, type Platform } from "./spec/platform.js";
export * from "./spec/schema.js";
export type { ImageTest, ImageTestInput } from "./spec/test-spec.js";
export { defineImage, isImageDefinition, type ImageDefinition, type ImageInput } from "./spec/define.js";
export {
  defineFeature,
  isFeature,
  type Feature,
  type FeatureContext,
  type FeatureContribution,
  type FeatureContributionInput,
  type FeatureFile,
} from "./feature/feature.js";
export { tini, type TiniOptions } from "./feature/tini.js";
export { nginx, type NginxOptions, type NginxTlsOptions } from "./feature/nginx.js";
export { cron, cronCommand } from "./feature/cron.js";
export { node, defaultPnpm, type NodeOptions } from "./feature/node.js";
export { pnpmStage, type PnpmStageOptions } from "./stage/pnpm-stage.js";
export { featureFilesDirectory } from "./feature/feature-files.js";
export type { DistroAdapter, DistroPackageSets, DistroPaths } from "./distro/distro.js";
export { distros, distroFromReference } from "./distro/select.js";
export { resolveImage, runtimeInterface, workspaceImageReference } from "./resolve/resolve.js";
export type { ResolvedImage, ResolvedBase, ExposedPort } from "./resolve/resolved-image.js";
export type { DockerfileModel, Instruction, Stage } from "./dockerfile/model.js";
export { renderDockerfile } from "./dockerfile/render.js";
export { synthesizeDockerfile, featureContextName } from "./dockerfile/synthesize.js";
export { findWorkspaceRoot, readWorkspace, type ImagePackage, type Workspace } from "./workspace/workspace.js";
export { loadWorkspace, type LoadedImage, type LoadedWorkspace } from "./workspace/load-workspace.js";
export { synthImages, dockerfileFor, pinnedBase, type SynthResult } from "./synth/synth.js";
export { writeFileAtomic, removePendingTempFiles } from "./fs/atomic-write.js";
export { planBuild, imageReference, localRepository, type BuildPlan, type BuildOutput, type PlanOptions } from "./plan/plan.js";
export { versionTags, isHighestStable, type TagOptions } from "./plan/tags.js";
export { buildLabels, type LabelOptions } from "./plan/labels.js";
export { engineClient, imageExists, probeEngine, type EngineStatus } from "./engine/engine.js";
export { gitRevision, sourceDateEpoch } from "./build/git.js";
export { runBuild, buildRecordPath, type RunBuildOptions } from "./build/buildx.js";
export { catalogData, type CatalogData, type CatalogImage } from "./catalog/catalog.js";
export { adviceForBuildFailure, lastErrorLine, type BuildAdvice } from "./build/advice.js";
export { parseBuildxMetadata, type BuildRecord, type BuildxMetadata } from "./build/metadata.js";
export { loadKilnConfig, defineConfig, kilnConfigSchema, configFileName, type KilnConfig } from "./config/config.js";
export { runDoctor, type DoctorCheck, type DoctorOptions, type CheckStatus } from "./doctor/doctor.js";
export { parseBuildxVersion, parseBuildxInspect, parseBinfmtEntry, type BuilderInfo } from "./doctor/buildx-info.js";
export { bakeFile, type BakeFile, type BakeTarget } from "./plan/bake.js";
export { RegistryClient, nextPage } from "./registry/registry.js";
export { repositoryLocation, registryBaseUrl, type RepositoryLocation } from "./registry/reference.js";
export { planRelease, type ReleaseStep, type ReleasePlanOptions } from "./release/release-plan.js";
export { publishImage, pushVersion, withRetries, type PublishOptions, type PublishResult, type PushVersionOptions } from "./release/publish.js";
export { releaseMarkdown, type ReleaseOutcome, type ReleaseSummary } from "./release/summary.js";
export { releaseTags, createReleaseTag, releaseTagName } from "./release/git-tags.js";
export * from "./lint/index.js";
export { runImageTests, type ImageUnderTest, type RunOptions } from "./imagetest/runner.js";
export { formatReport, junitReport, summarize, type TestOutcome, type TestReport } from "./imagetest/report.js";
export { readLockFile, writeLockFile, renderLockFile, lockChanges, lockFileName, lockFileSchema, type LockFile } from "./lock/lock-file.js";
export { resolveBaseDigest } from "./lock/base-digest.js";
export { installedPackages } from "./lock/installed-packages.js";
