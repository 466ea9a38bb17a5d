import { DefinitionError } from "../errors.js";
import { sortedByCodePoint } from "../text/code-point-order.js";

/**
 * Orders nodes so every node comes after the nodes it depends on. Ties keep alphabetical order so
 * output (bake files, logs) is stable. A cycle is an error naming the whole loop.
 */
export function topologicalOrder(dependencies: Map<string, string[]>, describeEdge: (from: string, to: string) => string): string[] {
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];

  const visit = (node: string): void => {
    const current = state.get(node);
    if (current === "done") return;
    if (current === "visiting") {
      const loop = [...stack.slice(stack.indexOf(node)), node];
      throw new DefinitionError(
        `cycle between images: ${loop.join(" → ")}\n${loop
          .slice(0, -1)
          .map((from, i) => `  ${describeEdge(from, loop[i + 1] as string)}`)
          .join("\n")}`,
        "an image cannot be built from itself, even through other images: remove one of these dependencies",
      );
    }
    state.set(node, "visiting");
    stack.push(node);
    for (const dependency of sortedByCodePoint(dependencies.get(node) ?? [])) {
      if (dependencies.has(dependency)) visit(dependency);
    }
    stack.pop();
    state.set(node, "done");
    order.push(node);
  };

  for (const node of sortedByCodePoint(dependencies.keys())) visit(node);
  return order;
}
