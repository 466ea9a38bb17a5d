import type { Finding } from "@kiln/lint";
import type { ResolvedImage } from "@kiln/core";

/** The code of README findings; `kiln lint --level` and the exit code treat them like any rule's. */
const readmeRule = "KL100";

/**
 * What a user of the image needs from its README and cannot read off the Dockerfile alone: every
 * variable it reads or sets, every build argument, port and volume the image adds (what it
 * inherits is its parent's README's job). KILN_* names are kiln's own plumbing between a feature
 * and its scripts, or set by kiln from the mirror profile, and need no reader.
 */
export function readmeFindings(image: ResolvedImage, readme: string | undefined, file: string): Finding[] {
  const finding = (message: string, fix: string): Finding => ({
    file,
    line: 1,
    column: 1,
    code: readmeRule,
    severity: "warning",
    message,
    fix,
  });
  if (readme === undefined) {
    return [finding(`${image.name} has no README.md`, "write one: what the image is for, its environment, ports, volumes and exit codes")];
  }
  const mentions = (word: string) => new RegExp(`(^|[^A-Za-z0-9_/.-])${escapeRegExp(word)}($|[^A-Za-z0-9_-])`, "m").test(readme);
  const userFacing = (name: string) => !name.startsWith("KILN_");
  const expected = [
    ...Object.keys(image.runtimeEnv)
      .filter(userFacing)
      .map((name) => ({ what: "variable", name })),
    ...Object.keys(image.env)
      .filter(userFacing)
      .map((name) => ({ what: "variable", name })),
    ...Object.keys(image.buildArgs)
      .filter(userFacing)
      .map((name) => ({ what: "build argument", name })),
    ...image.ports.map((port) => ({ what: "port", name: String(port.port) })),
    ...image.volumes.map((volume) => ({ what: "volume", name: volume })),
  ];
  // A variable both set (env) and read (runtimeEnv) is one thing to document.
  const byName = new Map(expected.map((item) => [item.name, item]));
  return [...byName.values()]
    .filter(({ name }) => !mentions(name))
    .map(({ what, name }) =>
      finding(`the README does not document the ${what} ${name}`, `say what ${name} is for (and its default) in ${file}`),
    );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
