import type { DockerfileModel, Instruction, Stage } from "./model.js";

/** Renders the model to text. Pure and deterministic: same model, same bytes. */
export function renderDockerfile(model: DockerfileModel): string {
  const blocks: string[] = [];
  blocks.push(model.header.map((line) => `# ${line}`.trimEnd()).join("\n"));
  if (model.globalArgs.length > 0) blocks.push(model.globalArgs.map(renderInstruction).join("\n"));
  for (const stage of model.stages) blocks.push(renderStage(stage));
  return `${blocks.join("\n\n")}\n`;
}

function renderStage(stage: Stage): string {
  const lines: string[] = [];
  if (stage.comment) lines.push(...stage.comment.split("\n").map((line) => `# ${line}`));
  lines.push(`FROM ${stage.platform ? `--platform=${stage.platform} ` : ""}${stage.from} AS ${stage.name}`);
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

/** Values in ENV/LABEL are always double-quoted so spaces and `$` stay literal. */
function quoted(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\$/g, "\\$").replace(/\n/g, "\\n")}"`;
}

export function renderInstruction(instruction: Instruction): string {
  switch (instruction.op) {
    case "comment":
      return instruction.text.split("\n").map((line) => `# ${line}`.trimEnd()).join("\n");
    case "raw":
      return instruction.text;
    case "ARG":
      return instruction.defaultValue === undefined ? `ARG ${instruction.name}` : `ARG ${instruction.name}=${quoted(instruction.defaultValue)}`;
    case "SHELL":
      return `SHELL ${json(instruction.argv)}`;
    case "USER":
      return `USER ${instruction.user}`;
    case "RUN":
      return renderRun(instruction.script, instruction.mounts ?? []);
    case "COPY": {
      const flags = [
        instruction.from ? `--from=${instruction.from}` : "",
        instruction.chown ? `--chown=${instruction.chown}` : "",
        instruction.chmod ? `--chmod=${instruction.chmod}` : "",
        instruction.link ? "--link" : "",
      ].filter(Boolean);
      return ["COPY", ...flags, ...instruction.sources, instruction.dest].join(" ");
    }
    case "ENV":
      return multiline("ENV", instruction.vars.map(([k, v]) => `${k}=${quoted(v)}`));
    case "LABEL":
      return multiline("LABEL", instruction.labels.map(([k, v]) => `${k}=${quoted(v)}`));
    case "WORKDIR":
      return `WORKDIR ${instruction.path}`;
    case "EXPOSE":
      return `EXPOSE ${instruction.ports.join(" ")}`;
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
      return `STOPSIGNAL ${instruction.signal}`;
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
 * readable and runs under the stage's SHELL (errexit + pipefail).
 */
function renderRun(script: string, mounts: string[]): string {
  const run = ["RUN", ...mounts.map((mount) => `--mount=${mount}`)].join(" ");
  const lines = script.split("\n");
  if (lines.length === 1) return `${run} ${script}`;
  const delimiter = pickDelimiter(script);
  return `${run} <<'${delimiter}'\n${script}\n${delimiter}`;
}

function pickDelimiter(script: string): string {
  let delimiter = "EOF";
  let counter = 1;
  while (script.split("\n").includes(delimiter)) delimiter = `EOF${counter++}`;
  return delimiter;
}
