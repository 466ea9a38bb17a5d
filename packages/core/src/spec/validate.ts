import type { z } from "zod";
import { DefinitionError } from "../errors.js";

/** Turns zod issues into one DefinitionError naming file, field path and what to do. */
export function definitionErrorFromZod(
  file: string,
  error: z.ZodError,
  prefix: (string | number)[] = [],
  fix = "fix the field in the image definition, then run `kiln synth` again",
): DefinitionError {
  const lines = error.issues.map((issue) => `${file}: ${formatPath([...prefix, ...issue.path])}: ${messageOf(issue)}`);
  const first = lines[0] ?? `${file}: invalid definition`;
  const more = lines.length > 1 ? `\n${lines.slice(1).join("\n")}` : "";
  return new DefinitionError(`${first}${more}`, fix);
}

/** `users[0].uid`, `env.API_TOKEN`: the way a user would point at the field in their file. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    // A key a user would not type bare (a newline, a space) is shown as the string it is.
    else if (!/^[\w./[\]-]+$/.test(String(part))) text += `[${JSON.stringify(String(part))}]`;
    else text += text === "" ? String(part) : `.${String(part)}`;
  }
  return text === "" ? "(definition)" : text;
}

/** A bad record key carries the key schema's own message one level down; zod's outer one says only "Invalid key". */
function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_key") return issue.issues[0]?.message ?? issue.message;
  return issue.message;
}
