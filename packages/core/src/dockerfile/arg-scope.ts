import type { DockerfileModel, Instruction } from "./model.js";

export interface ArgScopeProblem {
  stage: string;
  arg: string;
}

/**
 * A RUN that reads a build argument must find its ARG above it in the same stage: an ARG's scope
 * ends at the next FROM, and one read before (or without) its declaration is silently empty.
 * `knownArgs` are build arguments declared elsewhere (a parent image's), which a child's RUN may
 * read by mistake; `env` names are set by ENV, so reading them is fine.
 */
export function argScopeProblems(model: DockerfileModel, knownArgs: string[], env: string[]): ArgScopeProblem[] {
  const declaredAnywhere = new Set([
    ...knownArgs,
    ...model.globalArgs.flatMap(argNames),
    ...model.stages.flatMap((s) => s.instructions.flatMap(argNames)),
  ]);
  for (const name of env) declaredAnywhere.delete(name);
  const problems: ArgScopeProblem[] = [];
  for (const stage of model.stages) {
    const inScope = new Set<string>();
    for (const instruction of stage.instructions) {
      for (const name of argNames(instruction)) inScope.add(name);
      const script = runScript(instruction);
      if (script === undefined) continue;
      for (const name of declaredAnywhere) {
        if (inScope.has(name) || !readsName(script, name)) continue;
        if (!problems.some((p) => p.stage === stage.name && p.arg === name)) problems.push({ stage: stage.name, arg: name });
      }
    }
  }
  return problems;
}

function argNames(instruction: Instruction): string[] {
  if (instruction.op === "ARG") return [instruction.name];
  if (instruction.op !== "raw") return [];
  const match = /^ARG\s+(.+)$/.exec(instruction.text.trim());
  return match ? (match[1] as string).split(/\s+/).map((word) => word.split("=")[0] as string) : [];
}

function runScript(instruction: Instruction): string | undefined {
  if (instruction.op === "RUN") return instruction.script;
  if (instruction.op === "raw" && /^RUN\s/.test(instruction.text.trim())) return instruction.text;
  return undefined;
}

/** `$NAME` or `${NAME…}` in a script, not part of a longer name. */
export function readsName(script: string, name: string): boolean {
  return new RegExp(`\\$(?:${name}(?![A-Za-z0-9_])|\\{${name}(?![A-Za-z0-9_]))`).test(script);
}
