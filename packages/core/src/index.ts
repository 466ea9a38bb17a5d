/**
 * Image definitions, features, distros, Dockerfile synthesis, stages and the build plan.
 * @module @kiln/core
 */
export * from "./errors.js";
export { execute, formatCommand, type Command, type ExecOptions, type ExecResult } from "./exec/exec.js";
export { knownPlatforms, defaultPlatforms, machineByPlatform, type Platform } from "./spec/platform.js";
export * from "./spec/schema.js";
export * from "./spec/grammar.js";
export { shellQuote } from "./shell/shell-quote.js";
export { compareCodePoints, entriesByKey, sortedByCodePoint } from "./text/code-point-order.js";
export { apkRepositoriesScript, apkRepositoryFiles, type ApkRepositoryFiles } from "./distro/apk-repositories.js";
export { aptSourcesScript, aptSourceFiles, type AptSourceFiles } from "./distro/apt-sources.js";
export {
  apkRepositorySchema,
  aptRepositorySchema,
  repositoriesSchema,
  type ApkRepository,
  type AptRepository,
  type Repositories,
} from "./spec/repository.js";
export type { ImageTest, ImageTestInput } from "./spec/test-spec.js";
export { defineImage, isImageDefinition, type ImageDefinition, type ImageFields, type ImageInput } from "./spec/define.js";
export {
  defineFeature,
  isFeature,
  type Feature,
  type FeatureContext,
  type FeatureContribution,
  type FeatureContributionInput,
  type FeatureFile,
} from "./feature/feature.js";
/**
 * zod, for a feature's options schema: the same instance core checks them with.
 * @hidden
 */
export { z } from "zod";
export { tini, type TiniOptions } from "./feature/tini.js";
export { nginx, type NginxOptions, type NginxTlsOptions } from "./feature/nginx.js";
export { apache, type ApacheOptions, type ApacheTlsOptions } from "./feature/apache.js";
export { cron, cronCommand } from "./feature/cron.js";
export { node, defaultPnpm, type NodeOptions } from "./feature/node.js";
export { pnpmStage, type PnpmStageOptions } from "./stage/pnpm-stage.js";
export { stage, type StageOptions, type StageStep } from "./stage/stage.js";
export { pythonStage, type PythonStageOptions } from "./stage/python-stage.js";
export { npmStage, type NpmStageOptions } from "./stage/npm-stage.js";
export type { NodeStageOptions } from "./stage/node-stage-options.js";
export { featureFilesDirectory } from "./feature/feature-files.js";
export { serviceHealthcheck } from "./feature/service-healthcheck.js";
export type { DistroAdapter, DistroPackageSets, DistroPaths, PackageFetch } from "./distro/distro.js";
export { distros, distroFromReference } from "./distro/select.js";
export { resolveImage, runtimeInterface, workspaceImageReference } from "./resolve/resolve.js";
export type { ResolvedImage, ResolvedBase, ExposedPort, AppliedState, Claimant } from "./resolve/resolved-image.js";
export type { DockerfileModel, Instruction, Stage } from "./dockerfile/model.js";
export { renderDockerfile } from "./dockerfile/render.js";
export { synthesizeDockerfile } from "./dockerfile/synthesize.js";
export { featureContextName } from "./dockerfile/build-inputs.js";
export { findWorkspaceRoot, readWorkspace, type ImagePackage, type Workspace } from "./workspace/workspace.js";
export { loadWorkspace, type LoadedImage, type LoadedWorkspace } from "./workspace/load-workspace.js";
export { shareKilnModules } from "./workspace/loader.js";
export { synthImages, dockerfileFor, pinnedBase, type SynthOptions, type SynthResult } from "./synth/synth.js";
export { writeFileAtomic } from "./fs/atomic-write.js";
export { checkpoint, throwIfInterrupted } from "./interrupt/checkpoint.js";
export {
  planBuild,
  imageReference,
  localContentTag,
  localRepository,
  stagingNamespace,
  stagingReference,
  type BuildPlan,
  type BuildOutput,
  type PlanOptions,
} from "./plan/plan.js";
export { workspaceParents, parentSource, recordedRegistryReference, type ParentSource, type ParentFacts } from "./plan/parent-source.js";
export { versionTags, isHighestStable, type TagOptions } from "./plan/tags.js";
export { buildLabels, type LabelOptions } from "./plan/labels.js";
export { commitFacts } from "./build/git.js";
export { chosenBuilder, builderArgs } from "./build/builder.js";
export { dockerConfigDir } from "./build/docker-config.js";
export { platformDigestSchema, platformDigestFileName, platformDigestDir, type PlatformDigest } from "./build/platform-digest.js";
export { planMerge, MergeRefusedError, type MergeInput, type MergePlan } from "./plan/merge.js";
export { runBuild, buildRecordPath, readBuildRecord, buildLocation, type RunBuildOptions } from "./build/buildx.js";
export { catalogData, type CatalogData, type CatalogImage } from "./catalog/catalog.js";
export { adviceForBuildFailure, lastErrorLine, type BuildAdvice } from "./build/advice.js";
export { parseBuildxMetadata, type BuildRecord, type BuildLocation, type BuildxMetadata } from "./build/metadata.js";
export { loadKilnConfig, defineConfig, kilnConfigSchema, configFileName, chosenRegistry, type KilnConfig } from "./config/config.js";
export { bakeFile, type BakeFile, type BakeOptions, type BakeTarget } from "./plan/bake.js";
export { readLockFile, writeLockFile, renderLockFile, lockChanges, lockFileName, lockFileSchema, type LockFile } from "./lock/lock-file.js";
