import { perRunCommand, type Rule } from "./rule.js";
import { changesHost } from "./sed-script.js";

/** kiln's own rules (KL…), for what hadolint has no rule for. KL001 (secrets) is in secret-rules.ts. */
export const kilnRules: Rule[] = [
  {
    code: "KL002",
    severity: "warning",
    summary:
      "a # syntax= directive makes every build pull that frontend image, which fails offline; the built-in frontend has heredocs, --mount and --chmod",
    check: ({ dockerfile }) => (dockerfile.directives.syntax ? [{ line: 1 }] : []),
  },
  {
    code: "KL003",
    severity: "warning",
    summary: "sed -i on the package repositories file leaves a build mirror in the shipped image: use the mirror for the build only",
    check: (context) => {
      const final = context.dockerfile.stages.length - 1;
      return perRunCommand(
        context,
        (command, run) =>
          run.stage === final &&
          !run.onbuild &&
          command.name === "sed" &&
          command.args.some((a) => /^-[a-zA-Z]*i/.test(a.value) || a.value.startsWith("--in-place")) &&
          command.args.some((a) => /\/etc\/apk\/repositories|\/etc\/apt\/sources\.list/.test(a.value)) &&
          changesHost(command),
      );
    },
  },
];
