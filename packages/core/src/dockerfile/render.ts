import type { DockerfileModel, Instruction, Stage } from "./model.js";

/**
 * Renders the model to text. Pure and deterministic: same model, same bytes.
 *
 * Every value goes through the one function of its context: `comment` (each line its own `#`
 * line), `json` (exec-form arrays), `quoted` (ENV, LABEL and ARG values), `word` (a bare word:
 * USER, WORKDIR, COPY paths, FROM). The schema admits only values each context can hold; a value
 * that still cannot be written as meant stops the render rather than change the Dockerfile.
 */
export function renderDockerfile(model: DockerfileModel): string {
  const blocks: string[] = [];
  blocks.push(comment(model.header.join("\n")));
  if (model.globalArgs.length > 0) blocks.push(model.globalArgs.map(renderInstruction).join("\n"));
  for (const stage of model.stages) blocks.push(renderStage(stage));
  return `${blocks.join("\n\n")}\n`;
}

function renderStage(stage: Stage): string {
  const lines: string[] = [];
  if (stage.comment) lines.push(comment(stage.comment));
  lines.push(`FROM ${stage.platform ? `--platform=${stage.platform} ` : ""}${word(stage.from)} AS ${word(stage.name)}`);
  let previous: Instruction["op"] | undefined;
  for (const instruction of stage.instructions) {
    // A blank line before each comment groups an instruction with the comment that explains it.
    if (instruction.op === "comment" && previous !== undefined && previous !== "comment") lines.push("");
    lines.push(renderInstruction(instruction));
    previous = instruction.op;
  }
  return lines.join("\n");
}

/** JSON form for exec arrays: DL3025 (shell form breaks signals) cannot happen in generated files. */
function json(argv: string[]): string {
  return `[${argv.map((arg) => JSON.stringify(arg)).join(", ")}]`;
}

/**
 * Values in ENV/LABEL/ARG are always double-quoted so spaces and `$` stay literal. Inside double
 * quotes BuildKit unescapes only \\, \" and \$, and has no escape for a line break.
 */
export function quotedValue(value: string): string {
  return `"${singleLine(value).replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\$/g, "\\$")}"`;
}

/** A bare word: BuildKit would split it at a space and expand `$`, so none may be there. */
function word(value: string): string {
  if (value === "" || /[\s"'\\$]/.test(value)) throw new Error(`kiln cannot write ${JSON.stringify(value)} as one Dockerfile word`);
  return value;
}

/** Each line of the text as its own comment line, so no line of it can become an instruction. */
function comment(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => `# ${line}`.trimEnd())
    .join("\n");
}

function singleLine(value: string): string {
  if (/[\n\r\0]/.test(value)) throw new Error(`kiln cannot write ${JSON.stringify(value)} on one Dockerfile line`);
  return value;
}

export function renderInstruction(instruction: Instruction): string {
  switch (instruction.op) {
    case "comment":
      return comment(instruction.text);
    case "raw":
      return instruction.text;
    case "ARG":
      return instruction.defaultValue === undefined
        ? `ARG ${instruction.name}`
        : `ARG ${word(instruction.name)}=${quotedValue(instruction.defaultValue)}`;
    case "SHELL":
      return `SHELL ${json(instruction.argv)}`;
    case "USER":
      return `USER ${word(instruction.user)}`;
    case "RUN":
      return renderRun(instruction.script, instruction.mounts ?? []);
    case "COPY": {
      const flags = [
        instruction.from ? `--from=${word(instruction.from)}` : "",
        instruction.chown ? `--chown=${word(instruction.chown)}` : "",
        instruction.chmod ? `--chmod=${word(instruction.chmod)}` : "",
        instruction.link ? "--link" : "",
      ].filter(Boolean);
      return ["COPY", ...flags, ...instruction.sources.map(word), word(instruction.dest)].join(" ");
    }
    case "ENV":
      return multiline(
        "ENV",
        instruction.vars.map(([k, v]) => `${word(k)}=${quotedValue(v)}`),
      );
    case "LABEL":
      return multiline(
        "LABEL",
        instruction.labels.map(([k, v]) => `${word(k)}=${quotedValue(v)}`),
      );
    case "WORKDIR":
      return `WORKDIR ${word(instruction.path)}`;
    case "EXPOSE":
      return `EXPOSE ${instruction.ports.map(word).join(" ")}`;
    case "VOLUME":
      return `VOLUME ${json(instruction.paths)}`;
    case "HEALTHCHECK": {
      const flags = [
        `--interval=${instruction.interval}`,
        `--timeout=${instruction.timeout}`,
        `--start-period=${instruction.startPeriod}`,
        instruction.startInterval ? `--start-interval=${instruction.startInterval}` : "",
        `--retries=${instruction.retries}`,
      ].filter(Boolean);
      return `HEALTHCHECK ${flags.join(" ")} \\\n    CMD ${json(instruction.test)}`;
    }
    case "STOPSIGNAL":
      return `STOPSIGNAL ${word(instruction.signal)}`;
    case "ENTRYPOINT":
      return `ENTRYPOINT ${json(instruction.argv)}`;
    case "CMD":
      return `CMD ${json(instruction.argv)}`;
  }
}

function multiline(op: string, items: string[]): string {
  if (items.length === 1) return `${op} ${items[0]}`;
  return `${op} ${items.join(" \\\n    ")}`;
}

/**
 * One command stays on the RUN line; a script becomes a heredoc, which keeps `if`/`for` blocks
 * readable and runs under the stage's SHELL (errexit + pipefail). The quoted delimiter makes
 * BuildKit pass the body as it is, so the script is the shell's alone to read.
 */
function renderRun(script: string, mounts: string[]): string {
  const run = ["RUN", ...mounts.map((mount) => `--mount=${word(mount)}`)].join(" ");
  if (fitsOneLine(script)) return `${run} ${script}`;
  const delimiter = pickDelimiter(script);
  return `${run} <<'${delimiter}'\n${script}\n${delimiter}`;
}

/**
 * On the RUN line itself BuildKit reads more than the shell does: a leading `[` can make it an
 * exec-form array, a leading `-` a flag, `<<` a heredoc, and a trailing `\\` joins the next line.
 */
function fitsOneLine(script: string): boolean {
  return !/[\n\r\0]/.test(script) && !/^[\s[-]/.test(script) && !script.includes("<<") && !script.endsWith("\\");
}

function pickDelimiter(script: string): string {
  let delimiter = "EOF";
  let counter = 1;
  while (script.split("\n").includes(delimiter)) delimiter = `EOF${counter++}`;
  return delimiter;
}
