export { parseDockerfile, runScript, type DockerfileAst, type DockerfileInstruction, type DockerfileStage } from "./parse.js";
export { rules, type LintRule, type LintSeverity, type RuleFinding } from "./rules.js";
export { lintDockerfile, lintDockerfileText, formatFindings, reportedAt, type LintFinding, type LintOptions } from "./lint.js";
export { shellcheckAvailable } from "./shellcheck.js";
export { readmeFindings, readmeRule } from "./readme.js";
