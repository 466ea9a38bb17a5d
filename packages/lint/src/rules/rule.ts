import type { Dockerfile, Instruction } from "../dockerfile.js";
import { isPosixShell, parseShell, shebangIsShell, type Command, type ShellScript } from "../shell.js";

/** hadolint's levels; "ignore" is a rule that is off unless a config turns it on. */
export type Severity = "error" | "warning" | "info" | "style" | "ignore";

export type LabelType = "text" | "url" | "semver" | "hash" | "rfc3339" | "spdx" | "email";

/** What rules read from .hadolint.yaml. */
export interface RuleSettings {
  trustedRegistries: string[];
  labelSchema: Record<string, LabelType>;
  strictLabels: boolean;
  /** names the build passes with --build-context: COPY --from and RUN --mount from= may use them */
  buildContexts: string[];
}

export interface RuleFinding {
  line: number;
  column?: number;
  /** defaults to the rule's summary */
  message?: string;
}

export interface RuleContext {
  dockerfile: Dockerfile;
  settings: RuleSettings;
  /** the RUN's script as shell, or undefined when it is not POSIX shell (pwsh, cmd, a python heredoc) */
  shell(run: Instruction): ShellScript | undefined;
}

export interface Rule {
  code: string;
  severity: Severity;
  /** one line: what is wrong and what to do instead */
  summary: string;
  check(context: RuleContext): RuleFinding[];
}

/** A context whose shell parses are done once per RUN and shared by every rule. */
export function ruleContext(dockerfile: Dockerfile, settings: RuleSettings): RuleContext {
  const parsed = new Map<Instruction, ShellScript | undefined>();
  const shells = shellsInEffect(dockerfile);
  return {
    dockerfile,
    settings,
    shell(run) {
      if (!parsed.has(run)) {
        const script = run.script;
        const posix =
          isPosixShell(run.onbuild ? undefined : shells.get(run)) &&
          script !== undefined &&
          (script.form !== "heredoc" || shebangIsShell(script.text));
        parsed.set(run, posix && script ? parseShell(script.text) : undefined);
      }
      return parsed.get(run);
    },
  };
}

/** The SHELL in effect for each RUN: the last SHELL before it in its stage, or a parent stage's. */
export function shellsInEffect(dockerfile: Dockerfile): Map<Instruction, string[] | undefined> {
  const byStage = new Map<number, string[] | undefined>();
  const result = new Map<Instruction, string[] | undefined>();
  for (const instruction of dockerfile.instructions) {
    if (instruction.onbuild) continue;
    if (instruction.keyword === "FROM") {
      const stage = dockerfile.stages[instruction.stage];
      const parent = dockerfile.stages.find(
        (s) => s.index < instruction.stage && s.name !== undefined && s.name === stage?.imageName.toLowerCase(),
      );
      byStage.set(instruction.stage, parent ? byStage.get(parent.index) : undefined);
    } else if (instruction.keyword === "SHELL" && instruction.json) byStage.set(instruction.stage, instruction.json);
    else if (instruction.keyword === "RUN") result.set(instruction, byStage.get(instruction.stage));
  }
  return result;
}

export const runs = (dockerfile: Dockerfile) => dockerfile.instructions.filter((i) => i.keyword === "RUN");
export const ofKeyword = (dockerfile: Dockerfile, keyword: string, options: { onbuild?: boolean } = {}) =>
  dockerfile.instructions.filter((i) => i.keyword === keyword && (options.onbuild || !i.onbuild));

/** One finding per RUN (ONBUILD triggers included) whose script `fails`. */
export function perRun(context: RuleContext, fails: (script: ShellScript, run: Instruction) => boolean): RuleFinding[] {
  return runs(context.dockerfile).flatMap((run) => {
    const script = context.shell(run);
    return script && fails(script, run) ? [{ line: run.line }] : [];
  });
}

/**
 * One finding per RUN whose layer reaches the image (in a stage that ships, or an ONBUILD
 * trigger) and whose script `fails`: what a cache or list left behind costs only there.
 */
export function perShippingRun(context: RuleContext, fails: (script: ShellScript, run: Instruction) => boolean): RuleFinding[] {
  const shipping = stagesThatShip(context.dockerfile);
  return runs(context.dockerfile).flatMap((run) => {
    // Checked before the script is parsed: a build stage's RUNs need no parse at all.
    if (!run.onbuild && !shipping.has(run.stage)) return [];
    const script = context.shell(run);
    return script && fails(script, run) ? [{ line: run.line }] : [];
  });
}

/** One finding per RUN where some command matches. */
export function perRunCommand(context: RuleContext, matches: (command: Command, run: Instruction) => boolean): RuleFinding[] {
  return perRun(context, (script, run) => script.commands.some((command) => matches(command, run)));
}

/** Whether a RUN has --mount=type=cache (or tmpfs) with a target containing `fragment`. */
export function cacheMount(run: Instruction, fragment: string): boolean {
  return run.flags.some((flag) => {
    if (flag.name !== "mount") return false;
    const options = new Map(
      flag.value.split(",").map((part) => [part.split("=")[0]?.trim() ?? "", part.slice(part.indexOf("=") + 1)] as const),
    );
    const type = options.get("type");
    const target = options.get("target") ?? options.get("dst") ?? options.get("destination") ?? "";
    return (type === "cache" || type === "tmpfs") && target.includes(fragment);
  });
}

/** Strips one pair of surrounding quotes. */
export const dropQuotes = (text: string) => text.replace(/^(["'])(.*)\1$/s, "$2");

/**
 * Stages whose state matters in the image: the final one, and any a later FROM or COPY --from
 * names. A cleanup forgotten in a build-only stage costs nothing in the result.
 */
export function stagesThatShip(dockerfile: Dockerfile): Set<number> {
  const shipping = new Set<number>([dockerfile.stages.length - 1]);
  const referenced = new Set<string>();
  for (const instruction of dockerfile.instructions) {
    if (instruction.keyword === "FROM") referenced.add(dockerfile.stages[instruction.stage]?.imageName.toLowerCase() ?? "");
    const from = instruction.flags.find((flag) => flag.name === "from")?.value;
    if (from) referenced.add(from.toLowerCase());
  }
  for (const stage of dockerfile.stages) if (stage.name && referenced.has(stage.name)) shipping.add(stage.index);
  return shipping;
}
