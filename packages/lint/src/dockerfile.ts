import { splitImageReference } from "@kiln/reference";

/**
 * A Dockerfile as the rules read it: each instruction with its arguments (without continuation
 * characters and the comment lines between them), flags, JSON form, heredoc bodies, and for RUN
 * the shell script with a map from every script line back to the Dockerfile line and column.
 */
export interface Flag {
  name: string;
  value: string;
}

export interface Heredoc {
  name: string;
  body: string;
  terminated: boolean;
}

/** A RUN script, and where each of its lines starts in the Dockerfile (1-based). */
export interface Script {
  text: string;
  origins: { line: number; column: number }[];
  /** "exec" for RUN ["…"]: rules read it, shellcheck does not */
  form: "shell" | "heredoc" | "exec";
}

export interface Instruction {
  /** upper-case keyword; for an ONBUILD trigger, the trigger's keyword */
  keyword: string;
  /** 1-based line and column of the keyword (of ONBUILD for a trigger) */
  line: number;
  column: number;
  /** arguments after the keyword and flags, continuations joined with a space, heredoc bodies left out */
  args: string;
  /** args split on unquoted whitespace, quotes kept */
  words: string[];
  flags: Flag[];
  /** exec form: the parsed JSON array */
  json: string[] | undefined;
  heredocs: Heredoc[];
  /** comment lines directly above (without "#"), nearest last */
  comments: string[];
  /** index of the stage (FROM) this instruction belongs to; -1 before the first FROM */
  stage: number;
  /** a trigger of ONBUILD: runs in the images built FROM this one */
  onbuild: boolean;
  /** RUN only */
  script: Script | undefined;
}

export interface Stage {
  index: number;
  line: number;
  /** the image reference as written */
  image: string;
  /** registry/name without tag and digest, as written */
  imageName: string;
  registry: string | undefined;
  tag: string | undefined;
  digest: string | undefined;
  /** lower-cased stage name (AS …) */
  name: string | undefined;
  platform: string | undefined;
}

export interface ParseProblem {
  line: number;
  column: number;
  message: string;
}

export interface Dockerfile {
  instructions: Instruction[];
  stages: Stage[];
  directives: Record<string, string>;
  /** every comment with its 1-based line */
  comments: { line: number; text: string }[];
  problems: ParseProblem[];
  escape: string;
}

const knownKeywords = new Set([
  "ADD",
  "ARG",
  "CMD",
  "COPY",
  "ENTRYPOINT",
  "ENV",
  "EXPOSE",
  "FROM",
  "HEALTHCHECK",
  "LABEL",
  "MAINTAINER",
  "ONBUILD",
  "RUN",
  "SHELL",
  "STOPSIGNAL",
  "USER",
  "VOLUME",
  "WORKDIR",
]);

/** A piece of an instruction: the text of one physical line that belongs to it. */
interface Piece {
  line: number;
  column: number;
  text: string;
  /** a heredoc body or delimiter line: verbatim, never a continuation */
  heredoc: boolean;
}

const directiveNames = new Set(["syntax", "escape", "check"]);

/**
 * Whether a line (trailing blanks removed) continues on the next, as BuildKit decides: it ends in
 * the escape character, unless that character is itself escaped (a line ending in `C:\\dir\\`
 * ends the instruction there); with the escape directive set to a backtick, a backslash never
 * continues a line.
 */
function continuesLine(content: string, escape: string): boolean {
  return content.endsWith(escape) && (content.length === 1 || content[content.length - 2] !== escape);
}

/**
 * Parses Dockerfile text the way BuildKit reads it (BOM and CRLF allowed). Never throws: what it
 * cannot read is a problem. Parser directives count only before anything else; a line ending in
 * the escape character continues, and comment and blank lines inside a continuation are dropped;
 * after the last line of RUN, COPY and ADD come the bodies of its heredocs (a word `<<NAME`,
 * `<<-NAME`, `<<"NAME"`, any delimiter without `<`; `<<<` is a here-string), each up to a line
 * that is exactly its delimiter (tabs first stripped for `<<-`).
 */
export function parseDockerfile(input: string): Dockerfile {
  const text = input.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const lines = text.split("\n");
  const directives: Record<string, string> = {};
  const comments: { line: number; text: string }[] = [];
  let index = 0;
  for (; index < lines.length; index++) {
    const match = /^#\s*([A-Za-z][A-Za-z0-9]*)\s*=\s*(.*?)\s*$/.exec(lines[index] as string);
    const name = match?.[1]?.toLowerCase();
    if (!match || !name || !directiveNames.has(name) || name in directives) break;
    directives[name] = match[2] as string;
    comments.push({ line: index + 1, text: (lines[index] as string).replace(/^\s*#/, "").trim() });
  }
  const escape = directives.escape === "`" ? "`" : "\\";
  const problems: ParseProblem[] = [];
  const instructions: Instruction[] = [];
  const stages: Stage[] = [];
  let above: string[] = [];

  while (index < lines.length) {
    const raw = lines[index] as string;
    const trimmed = raw.trim();
    if (trimmed === "") {
      above = [];
      index++;
      continue;
    }
    if (trimmed.startsWith("#")) {
      const comment = trimmed.slice(1).trim();
      comments.push({ line: index + 1, text: comment });
      above.push(comment);
      index++;
      continue;
    }
    const line = index + 1;
    const column = raw.length - raw.trimStart().length + 1;
    const pieces: Piece[] = [];
    let continues = true;
    let first = true;
    while (continues && index < lines.length) {
      const physical = lines[index] as string;
      index++;
      const inner = physical.trim();
      if (!first && (inner === "" || inner.startsWith("#"))) {
        if (inner.startsWith("#")) comments.push({ line: index, text: inner.slice(1).trim() });
        continue;
      }
      const start = first ? column - 1 : 0;
      const content = physical.slice(start).replace(/\s+$/, "");
      continues = continuesLine(content, escape);
      pieces.push({ line: index, column: start + 1, text: continues ? content.slice(0, -1) : content, heredoc: false });
      first = false;
    }
    const keywordText = /^\S+/.exec(pieces[0]?.text ?? "")?.[0] ?? "";
    const keyword = keywordText.toUpperCase();
    const place = { line, column, comments: above, stage: stages.length - 1, onbuild: false };
    above = [];
    if (!knownKeywords.has(keyword)) {
      problems.push({ line, column, message: `unknown instruction ${keywordText}` });
      continue;
    }
    const heredocs: Heredoc[] = [];
    if (keyword === "RUN" || keyword === "COPY" || keyword === "ADD") {
      const logical = pieces.map((piece) => piece.text).join(" ");
      const markers = logical.includes("<<")
        ? splitWords(logical)
            .slice(1)
            .flatMap((word) => heredocMarker(word) ?? [])
        : [];
      for (const marker of markers) {
        const body: string[] = [];
        let terminated = false;
        while (index < lines.length) {
          const bodyLine = lines[index] as string;
          index++;
          pieces.push({ line: index, column: 1, text: bodyLine, heredoc: true });
          if ((marker.stripTabs ? bodyLine.replace(/^\t+/, "") : bodyLine) === marker.name) {
            terminated = true;
            break;
          }
          body.push(marker.stripTabs ? bodyLine.replace(/^\t+/, "") : bodyLine);
        }
        if (!terminated)
          problems.push({ line, column, message: `the heredoc <<${marker.name} is never closed: the rest of the file became its body` });
        heredocs.push({ name: marker.name, body: body.join("\n"), terminated });
      }
    }
    const instruction = buildInstruction(keyword, pieces, 1, heredocs, place);
    if (instruction.args.trim() === "" && heredocs.length === 0) {
      problems.push({ line, column, message: `${keyword} needs arguments` });
      continue;
    }
    if (keyword === "FROM") stages.push(stageOf(instruction, stages.length));
    instruction.stage = stages.length - 1;
    instructions.push(instruction);
    if (keyword === "ONBUILD") {
      const trigger = (instruction.words[0] ?? "").toUpperCase();
      if (!knownKeywords.has(trigger)) {
        problems.push({ line, column, message: `ONBUILD ${instruction.words[0] ?? ""} is not an instruction` });
        continue;
      }
      instructions.push(buildInstruction(trigger, pieces, 2, [], { ...place, stage: instruction.stage, onbuild: true }));
    }
  }
  if (instructions.length === 0 && problems.length === 0) problems.push({ line: 1, column: 1, message: "the file has no instructions" });
  else if (stages.length === 0 && problems.length === 0) problems.push({ line: 1, column: 1, message: "the file has no FROM instruction" });
  return { instructions, stages, directives, comments, problems, escape };
}

/** BuildKit's heredoc word: optional fd digits, `<<`, optional `-`, then a name without `<` (quotes removed). */
function heredocMarker(word: string): { name: string; stripTabs: boolean } | undefined {
  const match = /^\d*<<(-?)([^<]+)$/.exec(word);
  if (!match) return undefined;
  const name = unquote(match[2] as string);
  return name === "" ? undefined : { name, stripTabs: match[1] === "-" };
}

interface Position {
  piece: number;
  offset: number;
}

/** Skips `count` words (the keyword, the ONBUILD trigger) and then any --flags, across pieces. */
function skipWordsAndFlags(pieces: Piece[], count: number): { at: Position; flags: Flag[] } {
  let at: Position = { piece: 0, offset: 0 };
  const flags: Flag[] = [];
  const nextWord = (): { word: string; start: Position; end: Position } | undefined => {
    while (at.piece < pieces.length) {
      const piece = pieces[at.piece] as Piece;
      if (piece.heredoc) return undefined;
      const rest = piece.text.slice(at.offset);
      const match = /^\s*/.exec(rest) as RegExpExecArray;
      const begin = at.offset + match[0].length;
      if (begin >= piece.text.length) {
        at = { piece: at.piece + 1, offset: 0 };
        continue;
      }
      const word = /^(?:"[^"]*"|'[^']*'|\S)+/.exec(piece.text.slice(begin))?.[0] ?? "";
      return { word, start: { piece: at.piece, offset: begin }, end: { piece: at.piece, offset: begin + word.length } };
    }
    return undefined;
  };
  for (let i = 0; i < count; i++) {
    const word = nextWord();
    if (!word) return { at, flags };
    at = word.end;
  }
  for (;;) {
    const word = nextWord();
    // A lone backslash between flags is an escaped space (`--a=1 \  --b=2` on one line).
    if (word?.word === "\\") {
      at = word.end;
      continue;
    }
    if (!word || !/^--[A-Za-z]/.test(word.word)) {
      if (word) at = word.start;
      return { at, flags };
    }
    const equals = word.word.indexOf("=");
    flags.push(
      equals < 0 ? { name: word.word.slice(2), value: "" } : { name: word.word.slice(2, equals), value: word.word.slice(equals + 1) },
    );
    at = word.end;
  }
}

function buildInstruction(
  keyword: string,
  pieces: Piece[],
  skip: number,
  heredocs: Heredoc[],
  place: { line: number; column: number; comments: string[]; stage: number; onbuild: boolean },
): Instruction {
  // Only these take --flags; a word like --x elsewhere (LABEL --x=1) is an argument.
  const start = ["RUN", "COPY", "ADD", "FROM", "HEALTHCHECK"].includes(keyword)
    ? skipWordsAndFlags(pieces, skip)
    : { at: skipWordsOnly(pieces, skip), flags: [] };
  return finish(keyword, pieces, start.at, start.flags, heredocs, place);
}

function skipWordsOnly(pieces: Piece[], count: number): Position {
  let piece = 0;
  let offset = 0;
  for (let i = 0; i < count && piece < pieces.length;) {
    const text = (pieces[piece] as Piece).text;
    const match = /^\s*\S+/.exec(text.slice(offset));
    if (!match) {
      piece++;
      offset = 0;
      continue;
    }
    offset += match[0].length;
    i++;
  }
  return { piece, offset };
}

function finish(
  keyword: string,
  pieces: Piece[],
  at: Position,
  flags: Flag[],
  heredocs: Heredoc[],
  place: { line: number; column: number; comments: string[]; stage: number; onbuild: boolean },
): Instruction {
  const rest = pieces
    .slice(at.piece)
    .map((piece, i) => (i === 0 ? { ...piece, text: piece.text.slice(at.offset), column: piece.column + at.offset } : piece));
  const args = rest
    .filter((piece) => !piece.heredoc)
    .map((piece) => piece.text.trim())
    .filter((text) => text !== "")
    .join(" ");
  let json: string[] | undefined;
  if (args.startsWith("[") && ["RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME", "HEALTHCHECK"].includes(keyword)) {
    try {
      const parsed: unknown = JSON.parse(args);
      if (Array.isArray(parsed) && parsed.every((item) => typeof item === "string")) json = parsed;
    } catch {
      json = undefined;
    }
  }
  const instruction: Instruction = {
    keyword,
    line: place.line,
    column: place.column,
    args,
    words: splitWords(args),
    flags,
    json,
    heredocs: place.onbuild ? [] : heredocs,
    comments: place.comments,
    stage: place.stage,
    onbuild: place.onbuild,
    script: undefined,
  };
  if (keyword === "RUN") instruction.script = scriptOf(instruction, rest);
  return instruction;
}

function scriptOf(instruction: Instruction, rest: Piece[]): Script {
  const first = rest.find((piece) => !piece.heredoc);
  if (instruction.json) {
    return {
      text: instruction.json.join(" "),
      origins: [{ line: first?.line ?? instruction.line, column: first?.column ?? instruction.column }],
      form: "exec",
    };
  }
  const onlyHeredoc = /^<<-?(["']?)([^\s"']+)\1$/.exec(instruction.args);
  if (onlyHeredoc && instruction.heredocs.length === 1) {
    const body = rest.filter((piece) => piece.heredoc);
    const bodyLines = body.slice(0, instruction.heredocs[0]?.terminated ? -1 : undefined);
    return {
      text: bodyLines.map((piece) => piece.text).join("\n"),
      origins: bodyLines.map((piece) => ({ line: piece.line, column: piece.column })),
      form: "heredoc",
    };
  }
  // Two argument pieces in a row were a continuation: the script keeps it as a shell line
  // continuation, so its lines stay the Dockerfile's lines (whatever the escape character).
  const withContinuations = rest.map((piece, i) =>
    !piece.heredoc && rest[i + 1] && !rest[i + 1]?.heredoc ? `${piece.text}\\` : piece.text,
  );
  return { text: withContinuations.join("\n"), origins: rest.map((piece) => ({ line: piece.line, column: piece.column })), form: "shell" };
}

/** Splits on whitespace outside quotes; quotes stay in the words (rules strip them where it matters). */
function splitWords(text: string): string[] {
  const words: string[] = [];
  let start = -1;
  let quote = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
      continue;
    }
    if (c === 34 || c === 39) {
      quote = c;
      if (start < 0) start = i;
    } else if (c === 92) {
      if (start < 0) start = i;
      i++;
    } else if (c === 32 || c === 9 || c === 10) {
      if (start >= 0) words.push(text.slice(start, i));
      start = -1;
    } else if (start < 0) start = i;
  }
  if (start >= 0) words.push(text.slice(start));
  return words;
}

/** Removes one level of quotes and backslash escapes, as the Dockerfile does for ENV and LABEL values. */
function unquote(word: string): string {
  let out = "";
  let quote: string | undefined;
  for (let i = 0; i < word.length; i++) {
    const c = word[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"' && i + 1 < word.length) out += word[++i];
      else out += c;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "\\" && i + 1 < word.length) out += word[++i];
    else out += c;
  }
  return out;
}

/** `k=v k2="v 2"` or the legacy `k v w` of ENV, LABEL and ARG. */
export function keyValuePairs(instruction: Instruction): { key: string; value: string | undefined }[] {
  const [first, ...others] = instruction.words;
  if (first === undefined) return [];
  if (!first.includes("=") && instruction.keyword !== "ARG") return [{ key: unquote(first), value: unquote(others.join(" ")) }];
  return instruction.words.map((word) => {
    const equals = word.indexOf("=");
    return equals < 0
      ? { key: unquote(word), value: undefined }
      : { key: unquote(word.slice(0, equals)), value: unquote(word.slice(equals + 1)) };
  });
}

function stageOf(from: Instruction, index: number): Stage {
  const [image = "", as, name] = from.words;
  const hasName = as?.toUpperCase() === "AS" && name !== undefined;
  const { name: imageName, domain: registry, tag, digest } = splitImageReference(image);
  return {
    index,
    line: from.line,
    image,
    imageName,
    registry,
    tag,
    digest,
    name: hasName ? name.toLowerCase() : undefined,
    platform: from.flags.find((flag) => flag.name === "platform")?.value,
  };
}

/** Whether an image reference names an earlier stage of this file. */
export function isStageName(dockerfile: Dockerfile, name: string, before: number): boolean {
  return dockerfile.stages.some((stage) => stage.index < before && stage.name === name.toLowerCase());
}
