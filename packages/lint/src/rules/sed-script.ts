import { flagValues, operands, type Command, type Word } from "../shell.js";

/** A sed `s` command: what it matches and what it puts in its place, escapes kept. */
export interface Substitution {
  pattern: string;
  replacement: string;
}

/** The scripts a sed command runs: each `-e`/`--expression`, else its first operand. */
export function sedScripts(command: Command): Word[] {
  const given = flagValues(command, "e", "expression");
  if (given.length > 0) return given;
  const first = operands(command, ["e", "expression", "f", "file", "l", "line-length"])[0];
  return first ? [first] : [];
}

/** The `s` commands of a sed script (`s/a/b/g`, `s|a|b|`, `/^deb/s/a/b/`, several after `;`). */
export function substitutions(script: string): Substitution[] {
  const found: Substitution[] = [];
  for (let i = 0; i < script.length; i++) {
    const delimiter = script[i + 1];
    if (script[i] !== "s" || /\w/.test(script[i - 1] ?? "") || delimiter === undefined || /[\w\s\\]/.test(delimiter)) continue;
    const fields: string[] = [];
    let field = "";
    let j = i + 2;
    for (; j < script.length && fields.length < 2; j++) {
      const char = script[j] as string;
      if (char === "\\" && j + 1 < script.length) {
        field += char + script[j + 1];
        j++;
      } else if (char === delimiter) {
        fields.push(field);
        field = "";
      } else field += char;
    }
    if (fields.length < 2) continue;
    found.push({ pattern: fields[0] as string, replacement: fields[1] as string });
    i = j - 1;
  }
  return found;
}

/** Host names (deb.debian.org, mirrors.example.com) and IPv4 addresses in a text; `\.` read as `.`. */
export function hostsIn(text: string): string[] {
  return text.replace(/\\\./g, ".").match(/\b(?:(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}|\d{1,3}(?:\.\d{1,3}){3})\b/g) ?? [];
}

/**
 * Whether a sed command may send a repositories file to another host: a script kiln cannot read
 * (from a variable or a file), or a substitution that writes a host its pattern does not name.
 * Adding components (`s/main/main contrib/`) or changing the scheme keeps the host.
 */
export function changesHost(command: Command): boolean {
  const scripts = sedScripts(command);
  if (scripts.length === 0 || command.args.some((arg) => arg.value === "-f" || arg.value.startsWith("--file"))) return true;
  return scripts.some(
    (script) =>
      !script.literal ||
      substitutions(script.value).some(({ pattern, replacement }) => {
        const before = new Set(hostsIn(pattern));
        return hostsIn(replacement).some((host) => !before.has(host));
      }),
  );
}
