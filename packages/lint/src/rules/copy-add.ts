import { isStageName, type Instruction } from "../dockerfile.js";
import { flagsOf, operands } from "../shell.js";
import { dropQuotes, ofKeyword, type Rule, type RuleFinding } from "./rule.js";
import { windowsStages } from "./windows.js";

/** What ADD unpacks (tar, optionally compressed); a .zip it copies as it is. */
const archiveExtensions = [
  ".tar",
  ".gz",
  ".tgz",
  ".bz2",
  ".tbz",
  ".tbz2",
  ".tb2",
  ".xz",
  ".txz",
  ".lz",
  ".lzma",
  ".tlz",
  ".zst",
  ".tzst",
  ".Z",
  ".tZ",
];
const isArchive = (path: string) => archiveExtensions.some((ext) => dropQuotes(path).endsWith(ext));
const isUrl = (path: string) => /^(https?:\/\/|git@)/.test(dropQuotes(path));
const basename = (path: string) => dropQuotes(path).split(/[\\/]/).at(-1) ?? "";

/** COPY/ADD sources and destination, from the JSON or the shell form. */
function copyArguments(instruction: Instruction): { sources: string[]; target: string } | undefined {
  const words = instruction.json ?? instruction.words;
  if (words.length < 2) return undefined;
  return { sources: words.slice(0, -1), target: words.at(-1) as string };
}

const fromFlag = (instruction: Instruction) => instruction.flags.find((flag) => flag.name === "from")?.value;
/** As BuildKit reads a destination: on Windows, `\\` separates components as `/` does. */
const isAbsolute = (path: string, windows: boolean) =>
  path.startsWith("/") || /^[A-Za-z]:/.test(path) || path.startsWith("$") || (windows && path.startsWith("\\"));
const isDirectory = (path: string, windows: boolean) => path.endsWith("/") || (windows && path.endsWith("\\"));

/** Stages that have set a WORKDIR, inherited by stages built FROM them. */
function stagesWithWorkdir(
  instructions: Instruction[],
  stageParent: (stage: number) => number | undefined,
): (instruction: Instruction) => boolean {
  const set = new Set<number>();
  const seenBefore = new Map<Instruction, boolean>();
  for (const instruction of instructions) {
    if (instruction.onbuild) continue;
    if (instruction.keyword === "FROM") {
      const parent = stageParent(instruction.stage);
      if (parent !== undefined && set.has(parent)) set.add(instruction.stage);
    }
    if (instruction.keyword === "WORKDIR") set.add(instruction.stage);
    seenBefore.set(instruction, set.has(instruction.stage));
  }
  return (instruction) => seenBefore.get(instruction) ?? false;
}

export const copyAddRules: Rule[] = [
  {
    code: "DL3020",
    severity: "error",
    summary: "use COPY for local files and folders: ADD is for URLs and for archives it should unpack",
    check: ({ dockerfile }) =>
      ofKeyword(dockerfile, "ADD", { onbuild: true })
        .filter((add) => copyArguments(add)?.sources.some((source) => !source.startsWith("<<") && !isArchive(source) && !isUrl(source)))
        .map((add) => ({ line: add.line })),
  },
  {
    code: "DL3021",
    severity: "error",
    summary: "COPY with several sources needs a destination directory ending in /",
    check: ({ dockerfile }) => {
      const windows = windowsStages(dockerfile);
      return ofKeyword(dockerfile, "COPY", { onbuild: true })
        .filter((copy) => {
          const args = copyArguments(copy);
          return args !== undefined && args.sources.length > 1 && !isDirectory(dropQuotes(args.target), windows.has(copy.stage));
        })
        .map((copy) => ({ line: copy.line }));
    },
  },
  {
    code: "DL3022",
    severity: "warning",
    summary: "COPY --from should name an earlier stage (FROM … AS name), a build context, or a full image reference",
    check: ({ dockerfile, settings }) =>
      ofKeyword(dockerfile, "COPY").flatMap((copy) => {
        const from = fromFlag(copy);
        if (from === undefined || dropQuotes(from).includes(":") || from.startsWith("$")) return [];
        if (isStageName(dockerfile, from, copy.stage + 1) || settings.buildContexts.includes(from)) return [];
        if (/^\d+$/.test(from) && Number(from) < copy.stage + 1) return [];
        return [{ line: copy.line }];
      }),
  },
  {
    code: "DL3023",
    severity: "error",
    summary: "COPY --from cannot name the stage it is in",
    check: ({ dockerfile }) =>
      ofKeyword(dockerfile, "COPY")
        .filter((copy) => {
          const from = fromFlag(copy)?.toLowerCase();
          return from !== undefined && from === dockerfile.stages[copy.stage]?.name;
        })
        .map((copy) => ({ line: copy.line })),
  },
  {
    code: "DL3045",
    severity: "warning",
    summary: "COPY to a relative destination without a WORKDIR in the stage: set WORKDIR or use an absolute path",
    check: ({ dockerfile }) => {
      const parentOf = (stage: number) => {
        const image = dockerfile.stages[stage]?.imageName.toLowerCase();
        return dockerfile.stages.find((s) => s.index < stage && s.name === image)?.index;
      };
      const workdirSet = stagesWithWorkdir(dockerfile.instructions, parentOf);
      const windows = windowsStages(dockerfile);
      return ofKeyword(dockerfile, "COPY")
        .filter((copy) => {
          const args = copyArguments(copy);
          return args !== undefined && !workdirSet(copy) && !isAbsolute(args.target.replace(/^["']+|["']+$/g, ""), windows.has(copy.stage));
        })
        .map((copy) => ({ line: copy.line }));
    },
  },
  {
    code: "DL3067",
    severity: "warning",
    summary: "do not COPY --from another stage's whole filesystem (/ to /): copy what you need",
    check: ({ dockerfile }) =>
      ofKeyword(dockerfile, "COPY")
        .filter((copy) => {
          const args = copyArguments(copy);
          return (
            fromFlag(copy) !== undefined &&
            args !== undefined &&
            args.sources.some((s) => dropQuotes(s) === "/") &&
            dropQuotes(args.target) === "/"
          );
        })
        .map((copy) => ({ line: copy.line })),
  },
  {
    code: "DL3010",
    severity: "info",
    summary: "use ADD to unpack a local archive instead of COPY and extracting it in a RUN",
    check: (context) => {
      const findings: RuleFinding[] = [];
      let archives: { line: number; name: string }[] = [];
      for (const instruction of context.dockerfile.instructions) {
        if (instruction.onbuild) continue;
        if (instruction.keyword === "FROM") archives = [];
        if (instruction.keyword === "COPY" && fromFlag(instruction) === undefined) {
          const args = copyArguments(instruction);
          if (!args) continue;
          const names = isArchive(args.target) ? [basename(args.target)] : args.sources.filter(isArchive).map(basename);
          archives.push(...names.map((name) => ({ line: instruction.line, name })));
        }
        if (instruction.keyword === "RUN") {
          const script = context.shell(instruction);
          if (!script) continue;
          for (const command of script.commands) {
            const extracts =
              (command.name === "tar" &&
                (command.args.some((a) => a.value === "--extract" || a.value === "--get") ||
                  flagsOf(command).includes("x") ||
                  /^x/.test(command.args[0]?.value ?? ""))) ||
              ["unzip", "gunzip", "bunzip2", "unlzma", "unxz", "zgz", "uncompress", "zcat", "gzcat"].includes(command.name);
            if (!extracts) continue;
            const named = new Set(
              operands(command, ["C", "directory", "f", "file"])
                .map((w) => basename(w.value))
                .concat(command.args.map((w) => basename(w.value))),
            );
            for (const archive of archives)
              if (named.has(archive.name) && !findings.some((f) => f.line === archive.line)) findings.push({ line: archive.line });
          }
        }
      }
      return findings;
    },
  },
];
