import { keyValuePairs, type Instruction } from "../dockerfile.js";
import { flagsOf, hasFlag, isCommand, operands, type Command, type ShellScript, type Word } from "../shell.js";
import { cacheMount, perRun, perRunCommand, perShippingRun, runs, type Rule, type RuleContext, type RuleFinding } from "./rule.js";

/** Operands after the subcommand, leaving out flags' values and words built from expansions. */
function packagesOf(command: Command, subcommands: string[], valued: string[]): string[] {
  const words = operands(command, valued);
  const at = words.findIndex((word) => subcommands.includes(word.value));
  return words
    .slice(at + 1)
    .filter((word) => word.literal)
    .map((word) => word.value);
}

/** The index of the first command matching, or -1. */
const indexOf = (script: ShellScript, match: (command: Command) => boolean) => script.commands.findIndex(match);
/** Whether every `install` is followed by a `clean` later in the same RUN. */
function cleansAfter(script: ShellScript, install: (command: Command) => boolean, clean: (command: Command) => boolean): boolean {
  const first = indexOf(script, install);
  if (first < 0) return true;
  const cleaned = script.commands.findIndex((command, i) => i > first && clean(command));
  return cleaned > first;
}

const aptValued = ["t", "target-release", "o", "option", "c", "config-file"];
/** A real install: `apt-get install -s` (simulate) and its synonyms change nothing. */
const aptGetInstall = (command: Command) =>
  isCommand(command, "apt-get", ["install"]) && !hasFlag(command, "s", "simulate", "dry-run", "just-print", "no-act", "recon");

/** Version strings of rpm tools: `name-1.2.3`, `name-1.2-3.el9`. */
function rpmVersionFixed(pkg: string): boolean {
  const parts = pkg.split("-");
  if (parts.length <= 1) return false;
  if (pkg.endsWith(".rpm")) return true;
  const rest = parts.slice(1);
  return rest.every((part) => /^[A-Za-z0-9.~^_:+]*$/.test(part)) && rest.some((part) => /^\d/.test(part));
}

/**
 * The variables a RUN can expand: every ARG before it (a global or earlier stage's ARG counts, as
 * in hadolint), and the ENV of its own stage and the stages it is built FROM.
 */
function variablesInScope(context: RuleContext, run: Instruction): Set<string> {
  const { dockerfile } = context;
  const lineage = new Set<number>([run.stage]);
  const parentOf = (child: number): number | undefined => {
    const image = dockerfile.stages[child]?.imageName.toLowerCase();
    return dockerfile.stages.find((s) => s.index < child && s.name !== undefined && s.name === image)?.index;
  };
  for (let stage = parentOf(run.stage); stage !== undefined; stage = parentOf(stage)) lineage.add(stage);
  const names = new Set<string>();
  for (const instruction of dockerfile.instructions) {
    if (instruction.line >= run.line) break;
    if (instruction.onbuild) continue;
    if (instruction.keyword === "ARG" || (instruction.keyword === "ENV" && lineage.has(instruction.stage)))
      for (const { key } of keyValuePairs(instruction)) names.add(key);
  }
  return names;
}

/**
 * Whether an install operand pins its version: `name-1.2.3` literally, or `name-${version}` with
 * the variable in scope. An operand that is only an expansion (`$PKGS`) names no package here.
 */
function rpmOperandPinned(word: Word, inScope: () => Set<string>): boolean {
  if (word.literal) return rpmVersionFixed(word.value);
  const versioned = /^[A-Za-z0-9][^$]*-\$\{?(\w+)\}?/.exec(word.value);
  if (!versioned) return true;
  return inScope().has(versioned[1] as string);
}

function rpmPinning(code: string, tools: string[], summary: string): Rule {
  return {
    code,
    severity: "warning",
    summary,
    check: (context) =>
      runs(context.dockerfile).flatMap((run): RuleFinding[] => {
        const script = context.shell(run);
        if (!script) return [];
        let scope: Set<string> | undefined;
        const inScope = () => (scope ??= variablesInScope(context, run));
        const unpinned = script.commands.some((command) => {
          if (!isCommand(command, tools, ["install"])) return false;
          const isModule = command.args.some((arg) => arg.value === "module" || arg.value === "group");
          if (command.args.some((arg) => arg.value === "group")) return false;
          if (isModule) return packagesOf(command, ["install"], []).some((name) => name !== "module" && !name.includes(":"));
          const words = operands(command, []);
          return words.slice(words.findIndex((word) => word.value === "install") + 1).some((word) => !rpmOperandPinned(word, inScope));
        });
        return unpinned ? [{ line: run.line }] : [];
      }),
  };
}

export const osPackageRules: Rule[] = [
  {
    code: "DL3008",
    severity: "warning",
    summary: "pin the versions of apt-get install packages (pkg=version)",
    check: (context) =>
      perRunCommand(
        context,
        (command) =>
          aptGetInstall(command) &&
          packagesOf(command, ["install"], aptValued).some((pkg) => !pkg.includes("=") && !pkg.includes("/") && !pkg.endsWith(".deb")),
      ),
  },
  {
    code: "DL3009",
    severity: "info",
    summary: "delete the apt lists (/var/lib/apt/lists) in the RUN that runs apt-get update",
    check: (context) =>
      perShippingRun(context, (script, run) => {
        const updates = script.commands.some((command) => isCommand(command, ["apt-get", "apt", "aptitude"], ["update"]));
        if (!updates) return false;
        const cleans = script.commands.some(
          (command) =>
            (command.name === "rm" && command.args.some((arg) => arg.value.startsWith("/var/lib/apt/lists"))) ||
            isCommand(command, ["apt-get", "apt"], ["dist-clean"]) ||
            (command.name === "find" &&
              command.args.some((arg) => arg.value.startsWith("/var/lib/apt/lists")) &&
              command.args.some((arg) => arg.value === "-delete")),
        );
        return !(cleans || cacheMount(run, "/var/lib/apt/lists") || (cacheMount(run, "/var/lib/apt") && cacheMount(run, "/var/cache/apt")));
      }),
  },
  {
    code: "DL3014",
    severity: "warning",
    summary: "give apt-get install -y so it never waits for an answer",
    check: (context) =>
      perRunCommand(context, (command) => {
        if (!aptGetInstall(command)) return false;
        const flags = flagsOf(command);
        const yes = flags.some((flag) => ["y", "yes", "qq", "assume-yes"].includes(flag));
        return (
          !yes &&
          flags.filter((flag) => flag === "q").length !== 2 &&
          flags.filter((flag) => flag === "quiet").length !== 2 &&
          !command.args.some((arg) => arg.value === "-q=2")
        );
      }),
  },
  {
    code: "DL3015",
    severity: "info",
    summary: "add --no-install-recommends to apt-get install to keep recommended packages out",
    check: (context) =>
      perRunCommand(
        context,
        (command) =>
          aptGetInstall(command) &&
          !hasFlag(command, "no-install-recommends") &&
          !command.args.some((arg) => arg.value === "APT::Install-Recommends=false"),
      ),
  },
  {
    code: "DL3027",
    severity: "warning",
    summary: "use apt-get or apt-cache: apt's interface is for terminals and not stable for scripts",
    check: (context) => perRunCommand(context, (command) => command.name === "apt"),
  },
  {
    code: "DL3018",
    severity: "warning",
    summary: "pin the versions of apk add packages (pkg=version)",
    check: (context) =>
      perRunCommand(
        context,
        (command) =>
          isCommand(command, "apk", ["add"]) &&
          packagesOf(
            command,
            ["add"],
            ["t", "virtual", "repository", "X", "repositories-file", "p", "root", "keys-dir", "arch", "cache-dir"],
          ).some((pkg) => !/[=~<>]/.test(pkg) && !pkg.endsWith(".apk")),
      ),
  },
  {
    code: "DL3019",
    severity: "info",
    summary: "use apk add --no-cache instead of --update and deleting /var/cache/apk",
    check: (context) =>
      perRunCommand(
        context,
        // --no-network installs from what is already there: nothing is downloaded, nothing cached.
        (command, run) =>
          isCommand(command, "apk", ["add"]) && !hasFlag(command, "no-cache", "no-network") && !cacheMount(run, "/var/cache/apk"),
      ),
  },
  {
    code: "DL3030",
    severity: "warning",
    summary: "give yum install -y so it never waits for an answer",
    check: (context) =>
      perRunCommand(
        context,
        (command) => isCommand(command, "yum", ["install", "groupinstall", "localinstall"]) && !hasFlag(command, "y", "assumeyes"),
      ),
  },
  {
    code: "DL3032",
    severity: "warning",
    summary: "run yum clean all after yum install in the same RUN",
    check: (context) =>
      perRun(
        context,
        (script) =>
          !cleansAfter(
            script,
            (c) => isCommand(c, "yum", ["install"]),
            (c) => isCommand(c, "yum", ["clean"]) || (c.name === "rm" && c.args.some((a) => a.value.startsWith("/var/cache/yum"))),
          ),
      ),
  },
  rpmPinning("DL3033", ["yum"], "pin the versions of yum install packages (name-version)"),
  {
    code: "DL3034",
    severity: "warning",
    summary: "give zypper -n (--non-interactive) or -y so it never waits for an answer",
    check: (context) =>
      perRunCommand(
        context,
        (command) =>
          isCommand(command, "zypper", ["install", "in", "remove", "rm", "source-install", "si", "patch"]) &&
          !hasFlag(command, "non-interactive", "n", "no-confirm", "y"),
      ),
  },
  {
    code: "DL3035",
    severity: "warning",
    summary: "do not run zypper dist-upgrade in a build: pin the base image instead",
    check: (context) => perRunCommand(context, (command) => isCommand(command, "zypper", ["dist-upgrade", "dup"])),
  },
  {
    code: "DL3036",
    severity: "warning",
    summary: "run zypper clean after zypper install in the same RUN",
    check: (context) =>
      perRun(
        context,
        (script, run) =>
          !cacheMount(run, "/var/cache/zypp") &&
          !cleansAfter(
            script,
            (c) => isCommand(c, "zypper", ["install", "in"]),
            (c) => isCommand(c, "zypper", ["clean", "cc"]),
          ),
      ),
  },
  {
    code: "DL3037",
    severity: "warning",
    summary: "pin the versions of zypper install packages (name=version)",
    check: (context) =>
      perRunCommand(
        context,
        (command) =>
          isCommand(command, "zypper", ["install", "in"]) &&
          packagesOf(command, ["install", "in"], []).some((pkg) => !/[=<>]/.test(pkg) && !pkg.endsWith(".rpm")),
      ),
  },
  {
    code: "DL3038",
    severity: "warning",
    summary: "give dnf install -y so it never waits for an answer",
    check: (context) =>
      perRunCommand(
        context,
        (command) =>
          isCommand(command, ["dnf", "microdnf"], ["install", "groupinstall", "localinstall"]) && !hasFlag(command, "y", "assumeyes"),
      ),
  },
  {
    code: "DL3040",
    severity: "warning",
    summary: "run dnf clean all after dnf install in the same RUN",
    check: (context) =>
      perRun(context, (script, run) => {
        if (cacheMount(run, "/var/cache/libdnf5") || cacheMount(run, ".cache/libdnf5")) return false;
        return ["dnf", "microdnf"].some(
          (tool) =>
            !cleansAfter(
              script,
              (c) => isCommand(c, tool, ["install", "in", "upgrade", "up", "upgrade-minimal", "up-min", "reinstall", "rei"]),
              (c) =>
                isCommand(c, tool, ["clean"]) ||
                (c.name === "rm" &&
                  c.args.some(
                    (a) =>
                      a.value.startsWith("/var/cache/libdnf5") ||
                      a.value.startsWith("/var/cache/dnf") ||
                      a.value.startsWith("/var/cache/yum"),
                  )),
            ),
        );
      }),
  },
  rpmPinning("DL3041", ["dnf", "microdnf"], "pin the versions of dnf install packages (name-version)"),
];
