export { MirrorError } from "./errors.js";
export {
  mirrorProfileSchema,
  validateMirrorProfile,
  type AptMirrors,
  type MirrorProfile,
  type MirrorProfileInput,
  type ResolvedMirror,
} from "./profile.js";
export { mirrorPresets, mirrorPresetNames, type MirrorPresetName } from "./presets.js";
export { parseMirrorSpec } from "./spec.js";
export { resolveMirrorProfile, type MirrorSources } from "./resolve.js";
export { mirrorBuildArgs, mirrorBuildArgNames } from "./build-args.js";
export { registryMirrorContexts } from "./registry.js";
export { describeMirror } from "./describe.js";
