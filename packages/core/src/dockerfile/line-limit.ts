import { DefinitionError } from "../errors.js";

/**
 * BuildKit reads a Dockerfile with Go's bufio.Scanner, whose buffer is 64 KiB: a line that does
 * not fit with its newline fails the build ("dockerfile line greater than max allowed size").
 */
const maxLineBytes = 64 * 1024 - 1;

/** Refuses a Dockerfile BuildKit would refuse, naming the definition and the line. */
export function checkLineLengths(dockerfile: string, definitionPath: string): void {
  dockerfile.split("\n").forEach((line, index) => {
    const bytes = Buffer.byteLength(line, "utf8");
    if (bytes <= maxLineBytes) return;
    const instruction = /^\s*(\S+)/.exec(line)?.[1] ?? "";
    throw new DefinitionError(
      `${definitionPath}: line ${index + 1} of the Dockerfile (${instruction.slice(0, 40)} …) would be ${bytes} bytes; BuildKit reads lines of at most ${maxLineBytes}`,
      "shorten the value that makes it (a label, an environment value, a line of a step), or ship it as a file under files/",
    );
  });
}
