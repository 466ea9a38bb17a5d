export { MirrorError } from "./errors.js";
export { mirrorProfileSchema, type MirrorProfile, type MirrorProfileInput, type ResolvedMirror } from "./profile.js";
export { mirrorPresets, presetNames, isPresetName, type PresetName } from "./presets.js";
export { parseMirrorSpec, validateMirrorProfile } from "./spec.js";
export { resolveMirrorProfile, type MirrorSources } from "./resolve.js";
export { mirrorBuildArgs, mirrorBuildArgNames } from "./build-args.js";
export { parseImageReference, type ImageReference } from "./reference.js";
export { registryMirrorContexts } from "./registry-contexts.js";
export { mirrorCacheKey, describeMirror } from "./cache-key.js";
