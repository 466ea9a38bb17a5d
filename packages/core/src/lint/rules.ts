import { hasPipe, shellCommands } from "./commands.js";
import { runScript, type DockerfileAst, type DockerfileInstruction } from "./parse.js";

export type LintSeverity = "error" | "warning" | "info";

export interface RuleFinding {
  line: number;
  message: string;
  fix: string;
}

export interface LintRule {
  id: string;
  severity: LintSeverity;
  description: string;
  check(ast: DockerfileAst): RuleFinding[];
}

const runs = (ast: DockerfileAst) => ast.instructions.filter((i) => i.keyword === "RUN");
const commandsOf = (instruction: DockerfileInstruction) => shellCommands(runScript(instruction) ?? "");
const isCommand = (argv: string[], name: string, sub?: string) => argv[0] === name && (sub === undefined || argv.includes(sub));
const packageArgs = (argv: string[]) => argv.slice(1).filter((word) => !word.startsWith("-") && !["add", "install"].includes(word));
const cacheMount = (instruction: DockerfileInstruction, target: string) => (instruction.flags.mount ?? "").includes(`target=${target}`);
const finalStage = (ast: DockerfileAst) => ast.stages.length - 1;

/** Findings for each simple command of each RUN that `match` selects. */
function perCommand(ast: DockerfileAst, match: (argv: string[], run: DockerfileInstruction) => RuleFinding | undefined): RuleFinding[] {
  return runs(ast).flatMap((run) => commandsOf(run).flatMap((argv) => match(argv, run) ?? []));
}

export const rules: LintRule[] = [
  {
    id: "DL3000",
    severity: "error",
    description: "WORKDIR must be an absolute path",
    check: (ast) =>
      ast.instructions
        .filter((i) => i.keyword === "WORKDIR" && !i.args.startsWith("/") && !i.args.startsWith("$"))
        .map((i) => ({ line: i.line, message: `WORKDIR ${i.args} is relative`, fix: `use an absolute path: WORKDIR /${i.args.replace(/^\.\//, "")}` })),
  },
  {
    id: "DL3002",
    severity: "warning",
    description: "the final stage should not run as root",
    check: (ast) => {
      const stage = finalStage(ast);
      if (stage < 0) return [];
      const users = ast.instructions.filter((i) => i.stage === stage && i.keyword === "USER");
      const last = users.at(-1);
      if (last && last.comments.some((c) => /^kiln: runs as root because \S/.test(c))) return [];
      const user = last?.args.split(":")[0];
      if (last && user !== "root" && user !== "0") return [];
      const from = ast.stages[stage] as { line: number };
      return [
        {
          line: last?.line ?? from.line,
          message: last ? `the final stage runs as root (USER ${last.args})` : "the final stage runs as root (no USER instruction)",
          fix: "add a non-root user and end with USER <name>; if root is required, say why in a comment right above: # kiln: runs as root because …",
        },
      ];
    },
  },
  {
    id: "DL3003",
    severity: "warning",
    description: "use WORKDIR to switch directories",
    check: (ast) =>
      perCommand(ast, (argv, run) =>
        argv[0] === "cd" ? { line: run.line, message: "cd in RUN only lasts for that RUN", fix: `use WORKDIR ${argv[1] ?? "/path"} before the RUN` } : undefined,
      ),
  },
  {
    id: "DL3004",
    severity: "error",
    description: "do not use sudo in RUN",
    check: (ast) =>
      perCommand(ast, (argv, run) =>
        argv[0] === "sudo" ? { line: run.line, message: "sudo in a build step", fix: "RUN runs as the current USER: switch with USER root for the step instead of sudo" } : undefined,
      ),
  },
  {
    id: "DL3006",
    severity: "warning",
    description: "always tag the image version in FROM",
    check: (ast) => {
      const seen = new Set<string>();
      return ast.stages.flatMap((stage) => {
        const ref = stage.from;
        const known = seen.has(ref.toLowerCase()) || ref === "scratch" || ref.includes("$");
        if (stage.name) seen.add(stage.name);
        const lastSegment = ref.split("/").pop() ?? "";
        if (known || lastSegment.includes(":") || ref.includes("@")) return [];
        return [{ line: stage.line, message: `FROM ${ref} has no tag: it moves whenever the image is republished`, fix: `pin a version: FROM ${ref}:<version>` }];
      });
    },
  },
  {
    id: "DL3007",
    severity: "warning",
    description: "do not use the latest tag",
    check: (ast) =>
      ast.stages
        .filter((stage) => /:latest(@|$)/.test(stage.from))
        .map((stage) => ({ line: stage.line, message: `FROM ${stage.from} uses :latest`, fix: `pin a version: FROM ${stage.from.replace(/:latest/, ":<version>")}` })),
  },
  {
    id: "DL3008",
    severity: "info",
    description: "pin versions in apt-get install",
    check: (ast) =>
      perCommand(ast, (argv, run) => {
        if (!isCommand(argv, "apt-get", "install")) return undefined;
        const unpinned = packageArgs(argv).filter((p) => !p.includes("=") && !p.startsWith("$") && !p.startsWith("/") && !p.startsWith("."));
        return unpinned.length > 0 ? { line: run.line, message: `unpinned: ${unpinned.join(" ")}`, fix: "pin with pkg=<version>, or pin the base image digest (kiln lock)" } : undefined;
      }),
  },
  {
    id: "DL3009",
    severity: "warning",
    description: "delete the apt lists after installing",
    check: (ast) =>
      runs(ast).flatMap((run) => {
        const commands = commandsOf(run);
        if (!commands.some((argv) => isCommand(argv, "apt-get", "install") || isCommand(argv, "apt", "install"))) return [];
        const cleaned = commands.some((argv) => argv[0] === "rm" && argv.some((w) => w.startsWith("/var/lib/apt/lists")));
        if (cleaned || cacheMount(run, "/var/lib/apt")) return [];
        return [{ line: run.line, message: "apt package lists stay in the layer", fix: "end the same RUN with: rm -rf /var/lib/apt/lists/*" }];
      }),
  },
  {
    id: "DL3014",
    severity: "warning",
    description: "use -y with apt-get install",
    check: (ast) =>
      perCommand(ast, (argv, run) =>
        isCommand(argv, "apt-get", "install") && !argv.some((w) => /^(-y|--yes|--assume-yes|-[a-z]*y[a-z]*)$/.test(w))
          ? { line: run.line, message: "apt-get install waits for a confirmation", fix: "add -y: apt-get install -y …" }
          : undefined,
      ),
  },
  {
    id: "DL3015",
    severity: "info",
    description: "avoid additional packages with --no-install-recommends",
    check: (ast) =>
      perCommand(ast, (argv, run) =>
        isCommand(argv, "apt-get", "install") && !argv.includes("--no-install-recommends")
          ? { line: run.line, message: "apt-get install pulls recommended packages too", fix: "add --no-install-recommends" }
          : undefined,
      ),
  },
  {
    id: "DL3018",
    severity: "info",
    description: "pin versions in apk add",
    check: (ast) =>
      perCommand(ast, (argv, run) => {
        if (!isCommand(argv, "apk", "add")) return undefined;
        const skip = new Set(["--virtual", "-t", "--repositories-file", "-X", "--repository"]);
        const names = argv.slice(2).filter((word, i, all) => !word.startsWith("-") && !skip.has(all[i - 1] as string));
        const unpinned = names.filter((p) => !/[=<>~]/.test(p) && !p.startsWith("$") && !p.startsWith("."));
        return unpinned.length > 0 ? { line: run.line, message: `unpinned: ${unpinned.join(" ")}`, fix: "pin with pkg=<version>, or pin the base image digest (kiln lock)" } : undefined;
      }),
  },
  {
    id: "DL3019",
    severity: "error",
    description: "use apk add --no-cache",
    check: (ast) =>
      perCommand(ast, (argv, run) =>
        isCommand(argv, "apk", "add") && !argv.includes("--no-cache") && !cacheMount(run, "/var/cache/apk")
          ? { line: run.line, message: "apk add keeps the package index in the layer", fix: `add --no-cache: apk add --no-cache ${packageArgs(argv).join(" ")}`.trimEnd() }
          : undefined,
      ),
  },
  {
    id: "DL3020",
    severity: "error",
    description: "use COPY instead of ADD for files and folders",
    check: (ast) =>
      ast.instructions
        .filter((i) => i.keyword === "ADD" && !/^(https?:|git@|[\w.-]+\.(tar|tgz|tar\.(gz|xz|bz2|zst)))/.test(i.args) && !/\.(tar|tgz|gz|xz|bz2|zst)\s/.test(`${i.args} `))
        .map((i) => ({ line: i.line, message: `ADD ${i.args} copies local files`, fix: `use COPY ${i.args}` })),
  },
  {
    id: "DL3022",
    severity: "warning",
    description: "COPY --from should refer to a previous stage by name",
    check: (ast) =>
      ast.instructions
        .filter((i) => i.keyword === "COPY" && /^\d+$/.test(i.flags.from ?? ""))
        .filter((i) => Number(i.flags.from) >= i.stage)
        .map((i) => ({ line: i.line, message: `COPY --from=${i.flags.from} names a stage that is not before this one`, fix: "name the stage (FROM … AS build) and use COPY --from=build" })),
  },
  {
    id: "DL3024",
    severity: "error",
    description: "stage names must be unique",
    check: (ast) => {
      const seen = new Set<string>();
      return ast.stages.flatMap((stage) => {
        if (!stage.name) return [];
        if (seen.has(stage.name)) return [{ line: stage.line, message: `stage name ${stage.name} is used twice`, fix: "rename one of the stages" }];
        seen.add(stage.name);
        return [];
      });
    },
  },
  {
    id: "DL3025",
    severity: "error",
    description: "use the JSON form for CMD and ENTRYPOINT",
    check: (ast) =>
      ast.instructions
        .filter((i) => (i.keyword === "CMD" || i.keyword === "ENTRYPOINT") && !i.json)
        .map((i) => ({
          line: i.line,
          message: `${i.keyword} ${i.args} is in shell form: /bin/sh becomes PID 1 and signals never reach the program`,
          fix: `${i.keyword} ${JSON.stringify(shellCommands(i.args)[0] ?? []).replace(/","/g, '", "')}`,
        })),
  },
  {
    id: "DL3027",
    severity: "warning",
    description: "use apt-get or apt-cache instead of apt",
    check: (ast) =>
      perCommand(ast, (argv, run) => (argv[0] === "apt" ? { line: run.line, message: "apt is meant for terminals; its CLI is not stable", fix: `use apt-get ${argv.slice(1).join(" ")}` } : undefined)),
  },
  {
    id: "DL3047",
    severity: "info",
    description: "wget without a progress option floods the build log",
    check: (ast) =>
      perCommand(ast, (argv, run) =>
        argv[0] === "wget" && !argv.some((w) => /^(-q|--quiet|-nv|--no-verbose|--progress=.*)$/.test(w))
          ? { line: run.line, message: "wget prints a progress bar line by line", fix: "add -q or --progress=dot:giga" }
          : undefined,
      ),
  },
  {
    id: "DL3059",
    severity: "info",
    description: "consecutive RUN instructions could be one layer",
    check: (ast) =>
      ast.instructions.flatMap((instruction, i) => {
        const previous = ast.instructions[i - 1];
        return instruction.keyword === "RUN" && previous?.keyword === "RUN" && previous.stage === instruction.stage && instruction.comments.length === 0
          ? [{ line: instruction.line, message: "this RUN follows another RUN", fix: "merge them into one RUN if they change together" }]
          : [];
      }),
  },
  {
    id: "DL4000",
    severity: "error",
    description: "MAINTAINER is deprecated",
    check: (ast) =>
      ast.instructions
        .filter((i) => i.keyword === "MAINTAINER")
        .map((i) => ({ line: i.line, message: "MAINTAINER is deprecated", fix: `use LABEL org.opencontainers.image.authors="${i.args}"` })),
  },
  {
    id: "DL4003",
    severity: "warning",
    description: "multiple CMD instructions: only the last one counts",
    check: (ast) => duplicates(ast, "CMD"),
  },
  {
    id: "DL4004",
    severity: "error",
    description: "multiple ENTRYPOINT instructions: only the last one counts",
    check: (ast) => duplicates(ast, "ENTRYPOINT"),
  },
  {
    id: "DL4006",
    severity: "warning",
    description: "set -o pipefail before RUN with a pipe",
    check: (ast) =>
      runs(ast).flatMap((run) => {
        const script = runScript(run);
        if (script === undefined || !hasPipe(script)) return [];
        const shell = ast.instructions.filter((i) => i.keyword === "SHELL" && i.stage === run.stage && i.line < run.line).at(-1);
        if (shell?.json?.includes("pipefail")) return [];
        if (/^\s*set\s+-[a-z]*o\s+pipefail|^\s*set\s+.*-o\s+pipefail/m.test(script)) return [];
        return [
          {
            line: run.line,
            message: "a failing command before | does not fail the build",
            fix: 'add SHELL ["/bin/sh", "-o", "pipefail", "-c"] before this RUN (/bin/ash or /bin/bash where /bin/sh is dash), or start the script with set -o pipefail',
          },
        ];
      }),
  },
  {
    id: "KL001",
    severity: "error",
    description: "no secrets in ENV or ARG",
    check: (ast) =>
      ast.instructions
        .filter((i) => i.keyword === "ENV" || i.keyword === "ARG")
        .flatMap((i) =>
          [...i.args.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S+)/g)]
            .filter(([, name, value]) => /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY)/i.test(name as string) && !/^(""|'')$/.test(value as string) && !(value as string).startsWith("$"))
            .map(([, name]) => ({
              line: i.line,
              message: `${i.keyword} ${name} has a literal value: it is readable by anyone who pulls the image`,
              fix: "pass it at run time (docker run -e, or a secret file) or as a build secret: RUN --mount=type=secret,id=…",
            })),
        ),
  },
  {
    id: "KL002",
    severity: "warning",
    description: "a # syntax= directive pulls a frontend image at build time",
    check: (ast) =>
      ast.directives.syntax
        ? [{ line: 1, message: `# syntax=${ast.directives.syntax} makes every build pull that image, which fails offline`, fix: "remove the line: the built-in frontend supports heredocs, --mount and --chmod" }]
        : [],
  },
  {
    id: "KL003",
    severity: "warning",
    description: "a mirror rewrite of the repositories file ships in the image",
    check: (ast) =>
      runs(ast)
        .filter((run) => run.stage === finalStage(ast))
        .flatMap((run) =>
          commandsOf(run).some((argv) => argv[0] === "sed" && argv.includes("-i") && argv.some((w) => /\/etc\/apk\/repositories|\/etc\/apt\/sources\.list/.test(w)))
            ? [{ line: run.line, message: "sed -i on the repositories file leaves the mirror in the shipped image", fix: "use the mirror for the build only (kiln mirrors: --mirror / KILN_MIRROR), or rewrite a copy and pass it with --repositories-file" }]
            : [],
        ),
  },
];

function duplicates(ast: DockerfileAst, keyword: string): RuleFinding[] {
  const byStage = new Map<number, DockerfileInstruction[]>();
  for (const instruction of ast.instructions.filter((i) => i.keyword === keyword)) {
    byStage.set(instruction.stage, [...(byStage.get(instruction.stage) ?? []), instruction]);
  }
  return [...byStage.values()].flatMap((list) =>
    list.slice(0, -1).map((i) => ({ line: i.line, message: `this ${keyword} is overridden by a later one in the same stage`, fix: `keep only the last ${keyword}` })),
  );
}
