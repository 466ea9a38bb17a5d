export { parseDockerfile, type Dockerfile, type Instruction, type Stage, type Script, type ParseProblem } from "./dockerfile.js";
export { lintText, lintBytes, decodeDockerfile, atLeast, type Finding, type LintOptions } from "./lint.js";
export { lintPaths, dockerfilesIn, isDockerfileName, type LintRun, type PathOptions } from "./files.js";
export { rules } from "./rules/catalog.js";
export type { Rule, Severity, LabelType } from "./rules/rule.js";
export { loadConfig, parseConfig, findConfigFile, defaultConfig, type LintConfig } from "./config.js";
export { formatFindings, formats, type Format } from "./formats.js";
export { shellcheckAvailable, ProcessPool } from "./shellcheck.js";
export { LintInputError } from "./errors.js";
