import { flagValues, hasFlag, operands } from "../shell.js";
import { perRunCommand, runs, shellsInEffect, type Rule, type RuleFinding } from "./rule.js";

const pointlessInContainers = new Set(["free", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim"]);

export const runCommandRules: Rule[] = [
  {
    code: "DL3001",
    severity: "info",
    summary: "this command does nothing useful while building an image (ssh, vim, service, ps, top, kill, mount …)",
    check: (context) => perRunCommand(context, (command) => pointlessInContainers.has(command.name)),
  },
  {
    code: "DL3003",
    severity: "warning",
    summary: "use WORKDIR to change directory: cd only lasts for its RUN",
    check: (context) => perRunCommand(context, (command, run) => !run.onbuild && command.name === "cd"),
  },
  {
    code: "DL3004",
    severity: "error",
    summary: "do not use sudo in a build: switch with USER, or use gosu/su-exec at run time",
    check: (context) => perRunCommand(context, (command) => command.name === "sudo"),
  },
  {
    code: "DL3046",
    severity: "warning",
    summary: "useradd with a high UID and without -l (--no-log-init) writes a huge sparse /var/log/lastlog",
    check: (context) =>
      perRunCommand(
        context,
        (command) =>
          command.name === "useradd" &&
          !hasFlag(command, "l", "no-log-init") &&
          hasFlag(command, "u", "uid") &&
          flagValues(command, "u", "uid").some((uid) => uid.literal && uid.value.length > 5),
      ),
  },
  {
    code: "DL3047",
    severity: "info",
    summary: "wget without -q, -nv or --progress=dot:giga prints a progress bar line by line into the build log",
    check: (context) =>
      perRunCommand(
        context,
        (command) =>
          command.name === "wget" &&
          !hasFlag(command, "progress", "q", "quiet", "o", "output-file", "a", "append-output", "no-verbose") &&
          !command.args.some((arg) => arg.value === "-nv"),
      ),
  },
  {
    code: "DL4001",
    severity: "warning",
    summary: "use either wget or curl in a stage, not both",
    check: (context) => {
      const seen = new Map<number, Set<string>>();
      return runs(context.dockerfile).flatMap((run): RuleFinding[] => {
        const script = context.shell(run);
        if (!script) return [];
        const stage = run.onbuild ? -2 : run.stage;
        const used = script.commands.map((c) => c.name).filter((name) => name === "curl" || name === "wget");
        if (used.length === 0) return [];
        const all = seen.get(stage) ?? new Set<string>();
        for (const name of used) all.add(name);
        seen.set(stage, all);
        return all.size >= 2 ? [{ line: run.line }] : [];
      });
    },
  },
  {
    code: "DL4005",
    severity: "warning",
    summary: "use SHELL to change the shell instead of linking /bin/sh",
    check: (context) =>
      perRunCommand(context, (command) => command.name === "ln" && operands(command).some((word) => word.value === "/bin/sh")),
  },
  {
    code: "DL4006",
    severity: "warning",
    summary:
      'set SHELL ["/bin/bash", "-o", "pipefail", "-c"] (or /bin/ash) before a RUN with a pipe: a failing command before | does not fail the build',
    check: (context) => {
      const shells = shellsInEffect(context.dockerfile);
      return runs(context.dockerfile).flatMap((run): RuleFinding[] => {
        if (run.onbuild) return [];
        const script = context.shell(run);
        if (!script?.hasPipe) return [];
        const shell = shells.get(run);
        const pipefail =
          shell !== undefined &&
          ["bash", "zsh", "ash"].includes(shell[0]?.split("/").at(-1) ?? "") &&
          shell.some((arg) => /^-[a-z]*o$/.test(arg)) &&
          shell.includes("pipefail");
        const setInScript = script.commands.some(
          (command) =>
            command.name === "set" &&
            command.args.some((arg) => arg.value === "pipefail" || /^-[a-z]*o$/.test(arg.value)) &&
            command.args.some((arg) => arg.value === "pipefail"),
        );
        return pipefail || setInScript ? [] : [{ line: run.line }];
      });
    },
  },
  {
    code: "DL3059",
    severity: "info",
    summary: "consecutive RUN instructions with short scripts could be one layer",
    check: (context) => {
      const findings: RuleFinding[] = [];
      let previous: { flags: string; count: number } | undefined;
      for (const instruction of context.dockerfile.instructions) {
        if (instruction.onbuild) continue;
        if (instruction.keyword !== "RUN") {
          previous = undefined;
          continue;
        }
        // A RUN that chains commands (`a && b`, `a; b`) was split from its neighbours on purpose;
        // only runs of single-command RUNs with the same flags could be one layer.
        const count = context.shell(instruction)?.commands.length ?? 2;
        const flags = JSON.stringify(instruction.flags);
        if (previous && previous.flags === flags && count <= 1 && previous.count <= 1) findings.push({ line: instruction.line });
        previous = { flags, count };
      }
      return findings;
    },
  },
];
