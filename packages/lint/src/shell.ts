import { createRequire } from "node:module";
import { Language, Parser, type TreeCursor } from "web-tree-sitter";

/**
 * RUN scripts read by a real shell grammar (tree-sitter-bash, as WebAssembly: no native build),
 * so rules see every simple command: inside `&&` chains, `if`/`while`/`case`, subshells,
 * functions and `$(…)`. Case patterns are not pipes, here-strings are not heredocs, and words
 * built from expansions are marked so no rule mistakes `$(cat list)` for a package name.
 */
export interface Word {
  /** the word with quotes and backslash escapes removed; expansions kept as written */
  readonly value: string;
  /** false when any part comes from an expansion ($x, ${x}, $(…), `…`, $((…))) */
  readonly literal: boolean;
}

/** Read-only: a parsed script is shared by every rule and every file with the same text. */
export interface Command {
  readonly name: string;
  readonly args: readonly Word[];
}

export interface ShellScript {
  readonly commands: readonly Command[];
  readonly hasPipe: boolean;
}

let parser: Parser | undefined;
let loading: Promise<Parser> | undefined;

/** Loads the grammar once per process (about 50 ms); every lint entry point awaits it. */
export async function loadShellParser(): Promise<void> {
  loading ??= (async () => {
    await Parser.init();
    const require = createRequire(import.meta.url);
    const bash = await Language.load(require.resolve("tree-sitter-bash/tree-sitter-bash.wasm"));
    const created = new Parser();
    created.setLanguage(bash);
    parser = created;
    return created;
  })();
  await loading;
}

/**
 * Parsed scripts by their text. The variants of one image (and kiln's features) repeat the same
 * RUN scripts across Dockerfiles, so a run over a repository parses each distinct script once.
 * Results are shared between files and never changed by rules; the cache is bounded by clearing.
 */
const parsedScripts = new Map<string, ShellScript>();
const parsedScriptsLimit = 2000;

export function parseShell(script: string): ShellScript {
  const cached = parsedScripts.get(script);
  if (cached) return cached;
  const parsed = parseUncached(script);
  if (parsedScripts.size >= parsedScriptsLimit) parsedScripts.clear();
  parsedScripts.set(script, parsed);
  return parsed;
}

function parseUncached(script: string): ShellScript {
  if (!parser) throw new Error("parseShell before loadShellParser");
  const tree = parser.parse(script);
  if (!tree) return { commands: [], hasPipe: false };
  // tree-sitter finds the commands and pipelines itself (in WebAssembly), and one cursor reads
  // each command's words: walking every node of a long script from JavaScript cost more than
  // parsing it.
  const found = tree.rootNode.descendantsOfType(["command", "pipeline"]);
  const commands: Command[] = [];
  let hasPipe = false;
  const cursor = tree.walk();
  for (const node of found) {
    if (!node) continue;
    if (node.type === "pipeline") {
      hasPipe = true;
      continue;
    }
    cursor.reset(node);
    const command = commandAt(cursor, script);
    if (command) commands.push(command);
  }
  cursor.delete();
  tree.delete();
  return { commands, hasPipe };
}

/** The command under the cursor (the cursor is back on it afterwards). */
function commandAt(cursor: TreeCursor, script: string): Command | undefined {
  let name: string | undefined;
  const args: Word[] = [];
  if (cursor.gotoFirstChild()) {
    do {
      const field = cursor.currentFieldName;
      if (field === "name") {
        name = cursor.gotoFirstChild() ? wordAt(cursor, script).value : script.slice(cursor.startIndex, cursor.endIndex);
        if (cursor.nodeType !== "command_name") cursor.gotoParent();
      } else if (field === "argument") args.push(wordAt(cursor, script));
    } while (cursor.gotoNextSibling());
    cursor.gotoParent();
  }
  return name === undefined ? undefined : { name, args };
}

const expansions = new Set(["simple_expansion", "expansion", "command_substitution", "arithmetic_expansion", "process_substitution"]);

function wordAt(cursor: TreeCursor, script: string): Word {
  const type = cursor.nodeType;
  const text = script.slice(cursor.startIndex, cursor.endIndex);
  switch (type) {
    case "word":
      return { value: text.includes("\\") ? text.replace(/\\(.)/gs, "$1") : text, literal: true };
    case "raw_string":
      return { value: text.slice(1, -1), literal: true };
    case "ansi_c_string":
      return { value: text.slice(2, -1), literal: true };
    case "number":
      return { value: text, literal: true };
    case "string":
    case "concatenation": {
      let value = "";
      let literal = true;
      if (cursor.gotoFirstChild()) {
        do {
          if (!cursor.nodeIsNamed) continue;
          if (cursor.nodeType === "string_content") {
            value += script.slice(cursor.startIndex, cursor.endIndex).replace(/\\([$`"\\])/g, "$1");
            continue;
          }
          const part = wordAt(cursor, script);
          value += part.value;
          literal &&= part.literal;
        } while (cursor.gotoNextSibling());
        cursor.gotoParent();
      }
      return { value, literal };
    }
    default:
      return { value: text, literal: !expansions.has(type) };
  }
}

/** The shells whose scripts are not POSIX sh: their RUN scripts are neither parsed nor shellchecked. */
export function isPosixShell(shell: string[] | undefined): boolean {
  const program = (shell?.[0] ?? "/bin/sh").split(/[\\/]/).at(-1)?.toLowerCase() ?? "";
  return !/^(pwsh|powershell|cmd)(\.exe)?$/.test(program);
}

/** A heredoc script with a shebang of another language (python, node) is not shell. */
export function shebangIsShell(script: string): boolean {
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(script);
  if (!shebang) return true;
  const program = (shebang[1]?.endsWith("/env") ? shebang[2] : shebang[1])?.split("/").at(-1) ?? "";
  return ["sh", "bash", "dash", "ash", "ksh"].includes(program);
}

/**
 * Flags of a command the way getopt reads them: `--name=value` and `--name` give "name",
 * `-abc` gives "a", "b", "c"; `-` and `--` are not flags. Only literal words count.
 */
export function flagsOf(command: Command): string[] {
  const flags: string[] = [];
  for (const arg of command.args) {
    if (!arg.literal || arg.value === "-" || arg.value === "--") continue;
    if (arg.value.startsWith("--")) flags.push(arg.value.slice(2).split("=")[0] as string);
    else if (arg.value.startsWith("-")) flags.push(...arg.value.slice(1));
  }
  return flags;
}

export const hasFlag = (command: Command, ...names: string[]) => flagsOf(command).some((flag) => names.includes(flag));

/**
 * The arguments that are not flags, leaving out the value of each flag in `valued` (`-t name`,
 * `--target dir`): what is left is the subcommand and its operands. Words after `--` are operands.
 */
export function operands(command: Command, valued: string[] = []): Word[] {
  const result: Word[] = [];
  let afterDoubleDash = false;
  for (let i = 0; i < command.args.length; i++) {
    const arg = command.args[i] as Word;
    if (afterDoubleDash || !arg.literal || !arg.value.startsWith("-") || arg.value === "-") {
      result.push(arg);
      continue;
    }
    if (arg.value === "--") {
      afterDoubleDash = true;
      continue;
    }
    if (arg.value.startsWith("--")) {
      if (!arg.value.includes("=") && valued.includes(arg.value.slice(2))) i++;
      continue;
    }
    // `-t name`, and a valued flag last in a cluster (`-qt name`), take the next word.
    const cluster = arg.value.slice(1);
    if (valued.includes(cluster) || valued.includes(cluster.at(-1) as string)) i++;
  }
  return result;
}

/** The values of a flag: `-u 1000`, `-u1000`, `--uid 1000`, `--uid=1000`. */
export function flagValues(command: Command, short: string, long: string): Word[] {
  const values: Word[] = [];
  command.args.forEach((arg, i) => {
    const next = command.args[i + 1];
    if (arg.value === `-${short}` || arg.value === `--${long}`) {
      if (next !== undefined) values.push(next);
    } else if (arg.value.startsWith(`--${long}=`)) values.push({ value: arg.value.slice(long.length + 3), literal: arg.literal });
    else if (arg.value.startsWith(`-${short}`) && !arg.value.startsWith("--") && arg.value.length > 2)
      values.push({ value: arg.value.slice(2), literal: arg.literal });
  });
  return values;
}

/** Whether `command` is `name` with one of `subcommands` among its arguments. */
export function isCommand(command: Command, names: string | string[], subcommands?: string[]): boolean {
  if (!(typeof names === "string" ? [names] : names).includes(command.name)) return false;
  return subcommands === undefined || command.args.some((arg) => subcommands.includes(arg.value));
}
