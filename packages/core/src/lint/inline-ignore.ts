import type { DockerfileAst } from "./parse.js";

/**
 * hadolint's pragmas, so existing Dockerfiles keep working: `# hadolint ignore=DL3008,DL3015`
 * right above an instruction, and `# hadolint global ignore=…` anywhere. `# kiln-lint ignore=…`
 * is the same for kiln's own rules.
 */
export interface IgnoreSet {
  global: Set<string>;
  /** instruction line → ignored rule ids */
  byLine: Map<number, Set<string>>;
}

const pragma = /^(?:hadolint|kiln-lint)\s+(global\s+)?ignore\s*=\s*([A-Z0-9, ]+)/i;

export function ignoredRules(ast: DockerfileAst): IgnoreSet {
  const global = new Set<string>();
  for (const comment of ast.comments) {
    const match = pragma.exec(comment.text);
    if (match?.[1]) for (const id of ids(match[2] as string)) global.add(id);
  }
  const byLine = new Map<number, Set<string>>();
  for (const instruction of ast.instructions) {
    const local = new Set<string>();
    for (const comment of instruction.comments) {
      const match = pragma.exec(comment);
      if (match && !match[1]) for (const id of ids(match[2] as string)) local.add(id);
    }
    if (local.size > 0) byLine.set(instruction.line, local);
  }
  return { global, byLine };
}

function ids(list: string): string[] {
  return list
    .split(",")
    .map((id) => id.trim().toUpperCase())
    .filter(Boolean);
}
