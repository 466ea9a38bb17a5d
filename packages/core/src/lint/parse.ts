/**
 * A Dockerfile parser for linting: instructions with their starting line, arguments as written,
 * flags, JSON (exec) or shell form, heredoc bodies, and the comments just above each instruction.
 * It follows the Dockerfile reference: `\` (or the `# escape=` character) continues a line,
 * comment lines inside continuations are dropped, and `<<EOF` heredocs run to their delimiter.
 */
export interface DockerfileInstruction {
  /** upper-case keyword, e.g. "RUN" */
  keyword: string;
  /** 1-based line of the keyword */
  line: number;
  /** arguments after the keyword and its flags, continuations joined with a space */
  args: string;
  /** --name=value flags before the arguments */
  flags: Record<string, string>;
  /** exec form: the parsed JSON array; undefined for shell form */
  json: string[] | undefined;
  /** heredoc bodies (RUN <<EOF, COPY <<EOF), in order */
  heredocs: { delimiter: string; body: string }[];
  /** comment lines directly above the instruction (without "#") */
  comments: string[];
  /** index of the stage (FROM) this instruction belongs to; -1 before the first FROM */
  stage: number;
}

export interface DockerfileStage {
  index: number;
  /** FROM's image reference as written */
  from: string;
  name: string | undefined;
  line: number;
}

export interface DockerfileAst {
  instructions: DockerfileInstruction[];
  stages: DockerfileStage[];
  /** parser directives at the top (syntax, escape, check) */
  directives: Record<string, string>;
  /** all comment lines with their line numbers (for global ignore pragmas) */
  comments: { line: number; text: string }[];
}

export function parseDockerfile(text: string): DockerfileAst {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const directives: Record<string, string> = {};
  let escape = "\\";
  let index = 0;
  // Parser directives: only at the very top, before any other line kind.
  for (; index < lines.length; index++) {
    const match = /^#\s*([a-zA-Z]+)\s*=\s*(.*?)\s*$/.exec(lines[index] ?? "");
    if (!match) break;
    const key = (match[1] as string).toLowerCase();
    if (!["syntax", "escape", "check"].includes(key)) break;
    directives[key] = match[2] as string;
    if (key === "escape" && (match[2] === "`" || match[2] === "\\")) escape = match[2];
  }

  const instructions: DockerfileInstruction[] = [];
  const stages: DockerfileStage[] = [];
  const comments: { line: number; text: string }[] = [];
  let pendingComments: string[] = [];

  while (index < lines.length) {
    const raw = lines[index] as string;
    const trimmed = raw.trim();
    if (trimmed === "") {
      pendingComments = [];
      index++;
      continue;
    }
    if (trimmed.startsWith("#")) {
      const text = trimmed.slice(1).trim();
      comments.push({ line: index + 1, text });
      pendingComments.push(text);
      index++;
      continue;
    }
    const startLine = index + 1;
    // Join continuation lines; comment lines inside a continuation are skipped.
    let logical = stripContinuation(raw, escape).trimEnd();
    let continues = endsWithContinuation(raw, escape);
    index++;
    while (continues && index < lines.length) {
      const next = lines[index] as string;
      index++;
      if (next.trim().startsWith("#")) continue;
      if (next.trim() === "") continue;
      logical += ` ${stripContinuation(next, escape).trim()}`.trimEnd();
      continues = endsWithContinuation(next, escape);
    }

    const keywordMatch = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(logical);
    if (!keywordMatch) continue;
    const keyword = (keywordMatch[1] as string).toUpperCase();
    let rest = (keywordMatch[2] as string).trim();

    const flags: Record<string, string> = {};
    if (keyword !== "HEALTHCHECK" || !/^\s*NONE\b/i.test(rest)) {
      for (;;) {
        const flag = /^--([a-zA-Z-]+)(?:=(\S*))?\s*/.exec(rest);
        if (!flag) break;
        const name = flag[1] as string;
        flags[name] = flags[name] === undefined ? (flag[2] ?? "") : `${flags[name]},${flag[2] ?? ""}`;
        rest = rest.slice(flag[0].length);
      }
    }

    const heredocs: { delimiter: string; body: string }[] = [];
    if (keyword === "RUN" || keyword === "COPY" || keyword === "ADD") {
      for (const marker of rest.matchAll(/<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g)) {
        const delimiter = marker[3] as string;
        const stripTabs = marker[1] === "-";
        const body: string[] = [];
        while (index < lines.length) {
          const line = lines[index] as string;
          index++;
          if ((stripTabs ? line.replace(/^\t+/, "") : line) === delimiter) break;
          body.push(stripTabs ? line.replace(/^\t+/, "") : line);
        }
        heredocs.push({ delimiter, body: body.join("\n") });
      }
    }

    let json: string[] | undefined;
    if (rest.startsWith("[")) {
      try {
        const parsed: unknown = JSON.parse(rest);
        if (Array.isArray(parsed) && parsed.every((item) => typeof item === "string")) json = parsed;
      } catch {
        json = undefined;
      }
    }

    if (keyword === "FROM") {
      const fromMatch = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(rest);
      stages.push({ index: stages.length, from: fromMatch?.[1] ?? rest, name: fromMatch?.[2]?.toLowerCase(), line: startLine });
    }
    instructions.push({ keyword, line: startLine, args: rest, flags, json, heredocs, comments: pendingComments, stage: stages.length - 1 });
    pendingComments = [];
  }
  return { instructions, stages, directives, comments };
}

function endsWithContinuation(line: string, escape: string): boolean {
  return line.trimEnd().endsWith(escape) && !line.trim().startsWith("#");
}

function stripContinuation(line: string, escape: string): string {
  const trimmed = line.trimEnd();
  return trimmed.endsWith(escape) ? trimmed.slice(0, -1) : trimmed;
}

/** The shell script a RUN executes: its heredoc bodies, or its shell-form arguments. */
export function runScript(instruction: DockerfileInstruction): string | undefined {
  if (instruction.keyword !== "RUN" || instruction.json) return undefined;
  if (instruction.heredocs.length > 0 && /^<<-?["']?\w+["']?\s*$/.test(instruction.args.trim())) {
    return instruction.heredocs.map((h) => h.body).join("\n");
  }
  return instruction.args;
}
