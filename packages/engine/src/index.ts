export {
  engineClient,
  imageExists,
  localImage,
  probeEngine,
  retagImage,
  untagImage,
  type EngineStatus,
  type LocalImage,
} from "./engine/engine.js";
export { DockerContextError, engineEndpoint, type EngineEndpoint } from "./engine/docker-context.js";
export { runDoctor, type DoctorCheck, type DoctorOptions, type CheckStatus } from "./doctor/doctor.js";
export {
  parseBuildxVersion,
  parseBuildxInspect,
  parseBuilderNodes,
  platformPlacement,
  parseBinfmtEntry,
  type BuilderInfo,
  type BuilderNode,
  type BuilderNodes,
} from "./doctor/buildx-info.js";
export { runImageTests, type ImageUnderTest, type RunOptions } from "./imagetest/runner.js";
export { formatReport, junitReport, summarize, type TestOutcome, type TestReport } from "./imagetest/report.js";
export { imageInventory, installedPackages, type ImageInventory } from "./engine/installed-packages.js";
