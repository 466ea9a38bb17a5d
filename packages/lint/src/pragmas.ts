import type { Dockerfile } from "./dockerfile.js";

/**
 * hadolint's pragmas, so existing Dockerfiles keep working: `# hadolint ignore=DL3008,SC2086`
 * in the comments right above an instruction ignores those codes for it, and
 * `# hadolint global ignore=…` anywhere ignores them for the whole file. `# kiln-lint` is the
 * same for people who prefer kiln's name.
 */
const pragma = /^(?:hadolint|kiln-lint)\s+(global\s+)?ignore\s*=\s*([A-Za-z0-9]+(?:\s*,\s*[A-Za-z0-9]+)*)/i;

export function ignorePragma(comment: string): { global: boolean; codes: string[] } | undefined {
  const match = pragma.exec(comment.trim());
  if (!match) return undefined;
  return { global: match[1] !== undefined, codes: (match[2] as string).split(",").map((code) => code.trim().toUpperCase()) };
}

export interface Ignores {
  global: Set<string>;
  /** instruction line → codes ignored on it */
  byLine: Map<number, Set<string>>;
}

export function ignoresOf(dockerfile: Dockerfile): Ignores {
  const global = new Set<string>();
  for (const comment of dockerfile.comments) {
    const found = ignorePragma(comment.text);
    if (found?.global) for (const code of found.codes) global.add(code);
  }
  const byLine = new Map<number, Set<string>>();
  for (const instruction of dockerfile.instructions) {
    for (const comment of instruction.comments) {
      const found = ignorePragma(comment);
      if (found && !found.global) {
        const set = byLine.get(instruction.line) ?? new Set<string>();
        for (const code of found.codes) set.add(code);
        byLine.set(instruction.line, set);
      }
    }
  }
  return { global, byLine };
}
