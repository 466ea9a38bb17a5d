import { parseArgs } from "node:util";
import { defaultConfig, findConfigFile, loadConfig, type LintConfig } from "./config.js";
import { LintInputError } from "./errors.js";
import { lintPaths } from "./files.js";
import { formatFindings, formats, type Format } from "./formats.js";
import { atLeast } from "./lint.js";
import type { Severity } from "./rules/rule.js";

const usage = `kiln-lint [options] <Dockerfile|directory|->...

Lints Dockerfiles with hadolint's rules (DL…), kiln's (KL…) and shellcheck (SC…) on RUN scripts.
Reads .hadolint.yaml like hadolint. Exit codes: 0 clean, 1 findings at or above the failure
threshold, 2 bad input (a missing file, a bad config or option).

  -f, --format <tty|json|sarif|checkstyle|gitlab_codeclimate>   output format (default tty)
  -c, --config <file>          config file (default: ./.hadolint.yaml, then the user's)
  -t, --failure-threshold <error|warning|info|style|none>       lowest severity that fails
      --level <error|warning|info|style>                        lowest severity shown (default style)
      --ignore <code>          ignore a rule (repeatable)
      --trusted-registry <r>   allow only these registries in FROM (repeatable; DL3026)
      --no-shellcheck          do not run shellcheck
  -h, --help`;

const levels = ["error", "warning", "info", "style"] as const;

/** kiln-lint's command line; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: "string", short: "f", default: "tty" },
        config: { type: "string", short: "c" },
        "failure-threshold": { type: "string", short: "t" },
        level: { type: "string", default: "style" },
        ignore: { type: "string", multiple: true, default: [] },
        "trusted-registry": { type: "string", multiple: true, default: [] },
        "no-shellcheck": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    if (positionals.length === 0)
      throw new LintInputError("no Dockerfile given", "pass paths of Dockerfiles or directories, or - for standard input");
    if (!(formats as readonly string[]).includes(values.format))
      throw new LintInputError(`--format ${values.format} is not a format`, `use one of ${formats.join(", ")}`);
    if (!(levels as readonly string[]).includes(values.level))
      throw new LintInputError(`--level ${values.level} is not a level`, `use one of ${levels.join(", ")}`);
    const configFile = values.config ?? findConfigFile(process.cwd());
    const loaded: LintConfig = configFile ? loadConfig(configFile) : defaultConfig;
    const threshold = values["failure-threshold"] ?? loaded.failureThreshold ?? "info";
    if (!([...levels, "none"] as string[]).includes(threshold))
      throw new LintInputError(`--failure-threshold ${threshold} is not a level`, `use one of ${[...levels, "none"].join(", ")}`);
    const config: LintConfig = {
      ...loaded,
      ignored: [...loaded.ignored, ...values.ignore.map((c) => c.toUpperCase())],
      trustedRegistries: [...loaded.trustedRegistries, ...values["trusted-registry"]],
    };
    const run = await lintPaths(positionals, { config, shellcheck: values["no-shellcheck"] ? "off" : "auto" });
    const shown = run.findings.filter((f) => atLeast(f.severity, values.level as Severity));
    const output = formatFindings(shown, values.format as Format);
    if (output !== "") process.stdout.write(`${output}\n`);
    for (const file of run.missing) process.stderr.write(`kiln-lint: ${file}: no such file or directory\n`);
    if (run.missing.length > 0) return 2;
    const fails = threshold !== "none" && !config.noFail && shown.some((f) => atLeast(f.severity, threshold as Severity));
    return fails ? 1 : 0;
  } catch (error) {
    if (error instanceof LintInputError) {
      process.stderr.write(`kiln-lint: ${error.message}\n  ${error.hint}\n`);
      return 2;
    }
    if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) {
      process.stderr.write(`kiln-lint: ${error.message}\n\n${usage}\n`);
      return 2;
    }
    throw error;
  }
}
