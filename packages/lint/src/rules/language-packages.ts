import { keyValuePairs } from "../dockerfile.js";
import { hasFlag, isCommand, operands, type Command } from "../shell.js";
import { cacheMount, perRunCommand, perShippingRun, runs, type Rule, type RuleContext } from "./rule.js";

const pipValued = [
  "abi",
  "b",
  "build",
  "e",
  "editable",
  "extra-index-url",
  "f",
  "find-links",
  "i",
  "index-url",
  "implementation",
  "no-binary",
  "only-binary",
  "platform",
  "prefix",
  "progress-bar",
  "proxy",
  "python",
  "python-version",
  "root",
  "root-user-action",
  "src",
  "t",
  "target",
  "trusted-host",
  "upgrade-strategy",
  "c",
  "constraint",
  "r",
  "requirement",
  "cache-dir",
  "log",
  "timeout",
  "retries",
  "cert",
  "client-cert",
  "exists-action",
  "global-option",
  "config-settings",
  "C",
];
const vcsSchemes = /^(git|hg|svn|bzr)(\+[a-z-]+)?[:+]/;

/** `pip install`, `pip3.12 install`, `pipx install`, `python3 -m pip install` (not pipenv). */
function isPipInstall(command: Command): boolean {
  const args = command.args.map((arg) => arg.value);
  const direct = command.name.split("/").at(-1)?.startsWith("pip") === true && !command.name.includes("pipenv") && args.includes("install");
  const viaPython = (command.name.split("/").at(-1) ?? "").startsWith("python") && args.join(" ").includes("-m pip install");
  return direct || viaPython;
}

function pipPackages(command: Command): string[] {
  const words = operands(command, pipValued)
    .filter((word) => word.literal)
    .map((word) => word.value);
  return words.slice(words.indexOf("install") + 1);
}

function pipPinned(pkg: string): boolean {
  if (["==", ">=", "<=", ">", "<", "!=", "~=", "==="].some((symbol) => pkg.includes(symbol))) return true;
  if (vcsSchemes.test(pkg)) return pkg.includes("@");
  return pkg.endsWith(".whl") || pkg.endsWith(".tar.gz") || pkg.includes("/");
}

function npmPinned(pkg: string): boolean {
  if (/^git(\+(ssh|https?))?:\/\//.test(pkg)) return pkg.includes("#");
  if ([".tar", ".tar.gz", ".tgz"].some((suffix) => pkg.endsWith(suffix))) return true;
  if (["/", "./", "../", "~/"].some((prefix) => pkg.startsWith(prefix))) return true;
  const unscoped = pkg.startsWith("@") ? pkg.slice(pkg.indexOf("/") + 1) : pkg;
  return unscoped.includes("@");
}

const truthy = new Set(["1", "true", "True", "TRUE", "on", "On", "ON", "yes", "Yes", "YES"]);

/** Stages where ENV PIP_NO_CACHE_DIR is truthy (inherited by stages built FROM them). */
function pipNoCacheStages(context: RuleContext): Set<number> {
  const stages = new Set<number>();
  for (const instruction of context.dockerfile.instructions) {
    if (instruction.onbuild) continue;
    if (instruction.keyword === "FROM") {
      const stage = context.dockerfile.stages[instruction.stage];
      const parent = context.dockerfile.stages.find(
        (s) => s.index < instruction.stage && s.name && s.name === stage?.imageName.toLowerCase(),
      );
      if (parent && stages.has(parent.index)) stages.add(instruction.stage);
    }
    if (
      instruction.keyword === "ENV" &&
      keyValuePairs(instruction).some(({ key, value }) => key === "PIP_NO_CACHE_DIR" && truthy.has(value ?? ""))
    )
      stages.add(instruction.stage);
  }
  return stages;
}

export const languagePackageRules: Rule[] = [
  {
    code: "DL3013",
    severity: "warning",
    summary: "pin the versions of pip install packages (pkg==version), or install from a requirements file",
    check: (context) =>
      perRunCommand(context, (command) => {
        if (!isPipInstall(command)) return false;
        const args = command.args.map((arg) => arg.value);
        if (
          args.includes("-r") ||
          args.includes("--requirement") ||
          args.includes(".") ||
          hasFlag(command, "constraint", "c") ||
          args.some((a) => a.startsWith("--requirement=") || a.startsWith("--constraint="))
        )
          return false;
        return pipPackages(command).some((pkg) => !pipPinned(pkg));
      }),
  },
  {
    code: "DL3042",
    severity: "warning",
    summary: "use pip install --no-cache-dir (or ENV PIP_NO_CACHE_DIR=1): the download cache stays in the layer",
    check: (context) => {
      const noCache = pipNoCacheStages(context);
      return runs(context.dockerfile).flatMap((run) => {
        if (!run.onbuild && noCache.has(run.stage)) return [];
        const script = context.shell(run);
        if (!script || cacheMount(run, ".cache/pip")) return [];
        if (/PIP_NO_CACHE_DIR=["']?(1|true|True|TRUE|on|On|ON|yes|Yes|YES)\b/.test(run.script?.text ?? "")) return [];
        const forgot = script.commands.some(
          (command) =>
            isPipInstall(command) && !command.name.includes("pipx") && !command.args.some((arg) => arg.value === "--no-cache-dir"),
        );
        return forgot ? [{ line: run.line }] : [];
      });
    },
  },
  {
    code: "DL3016",
    severity: "warning",
    summary: "pin the versions of npm install packages (pkg@version)",
    check: (context) =>
      perRunCommand(context, (command) => {
        if (!isCommand(command, "npm", ["install"])) return false;
        const words = operands(command, ["loglevel", "registry"]);
        if (words[0]?.value !== "install") return false;
        return words
          .slice(1)
          .filter((word) => word.literal)
          .some((word) => !npmPinned(word.value));
      }),
  },
  {
    code: "DL3028",
    severity: "warning",
    summary: "pin the versions of gem install gems (gem:version, or -v)",
    check: (context) =>
      perRunCommand(context, (command) => {
        if (!isCommand(command, "gem", ["install", "i"])) return false;
        const args = command.args.map((arg) => arg.value);
        if (args.includes("-v") || args.includes("--version") || args.some((arg) => arg.startsWith("--version="))) return false;
        const gems: string[] = [];
        for (let i = 0; i < command.args.length; i++) {
          const arg = command.args[i];
          if (!arg || arg.value === "--") break;
          if (arg.value.startsWith("-")) {
            i++;
            continue;
          }
          if (arg.literal && arg.value !== "install" && arg.value !== "i") gems.push(arg.value);
        }
        return gems.some((gem) => !gem.includes(":"));
      }),
  },
  {
    code: "DL3060",
    severity: "info",
    summary: "run yarn cache clean after yarn install in the same RUN",
    check: (context) =>
      perShippingRun(context, (script, run) => {
        const install = script.commands.findIndex((c) => isCommand(c, "yarn", ["install"]));
        if (install < 0) return false;
        const clean = script.commands.findIndex((c) => isCommand(c, "yarn", ["cache"]) && c.args.some((a) => a.value === "clean"));
        if (clean < 0 && cacheMount(run, ".cache/yarn")) return false;
        return clean < 0 || clean < install;
      }),
  },
  {
    code: "DL3062",
    severity: "warning",
    summary: "pin the versions of go install packages (pkg@version, not @latest)",
    check: (context) =>
      perRunCommand(context, (command) => {
        if (command.name !== "go") return false;
        const words = operands(command, [
          "o",
          "C",
          "tags",
          "ldflags",
          "gcflags",
          "mod",
          "modfile",
          "p",
          "exec",
          "overlay",
          "pgo",
          "toolexec",
          "asmflags",
          "buildmode",
          "compiler",
          "installsuffix",
          "pkgdir",
        ]).filter((w) => w.literal);
        const sub = words[0]?.value;
        let packages: string[] = [];
        if (sub === "install" || sub === "get")
          packages = words
            .slice(1)
            .map((w) => w.value)
            .filter((w) => w !== "tool");
        else if (sub === "run") packages = words.slice(1, 2).map((w) => w.value);
        const local = (p: string) =>
          p === "." || p.startsWith("/") || p.startsWith(".") || p === "all" || p.endsWith("...") || p.endsWith(".go");
        return packages.some((p) => !local(p) && (!p.includes("@") || p.endsWith("@latest") || p.endsWith("@none")));
      }),
  },
];
