import { distroFromReference, distros } from "../distro/select.js";
import { quotedValue } from "../dockerfile/render.js";
import { buildCaFile, caSecretId } from "../dockerfile/build-inputs.js";
import { DefinitionError } from "../errors.js";
import { sortedByCodePoint } from "../text/code-point-order.js";
import type { ImageDefinition, ImageInput } from "../spec/define.js";
import type { DistroName } from "../spec/schema.js";

export type StageInput = NonNullable<ImageInput["stages"]>[number];

/** One step of a build stage: copy files of the build context in, or run a script. */
export type StageStep =
  | {
      /** paths in the image's build context, copied into `to` (the stage's workdir when omitted) */
      copy: string[];
      to?: string;
    }
  | {
      /** a shell script, run under the stage's SHELL (errexit, pipefail) as root */
      run: string;
      /** directories kept between builds as cache mounts (a package manager's download cache); never in a layer */
      cache?: string[];
      /** the script downloads over HTTPS: mount the mirror profile's CA bundle and point Node, pip and curl at it */
      buildCa?: boolean;
    };

export interface StageOptions {
  /** the stage's name, used by COPY --from */
  name: string;
  /** a workspace image (its definition) or a registry reference with its tag */
  from: string | ImageDefinition;
  /** the distro of `from`; read from the definition or the reference when omitted */
  distro?: DistroName;
  /** target (default): once per platform, for compiled output; build: once, natively, for output the same on every platform */
  platform?: "target" | "build";
  /** packages installed first, through the mirror profile's archives (compilers, headers) */
  packages?: string[];
  /** the stage's working directory */
  workdir?: string;
  /** build arguments the steps read, with their defaults (declared before the steps) */
  args?: Record<string, string>;
  steps: StageStep[];
  /** what ships: { from: path in this stage, to: path in the image, owner } */
  output: { from: string; to: string; owner?: string }[];
}

/**
 * A build stage with kiln's defaults: the distro's pipefail SHELL, root for installs (a build stage
 * ships nothing but its output, so a non-root base is switched to root), the mirror profile's
 * archives for its packages, and cache mounts for package managers' downloads.
 *
 * @example
 * ```ts
 * stages: [
 *   stage({
 *     name: "tool",
 *     from: debianBase,
 *     packages: ["build-essential"],
 *     steps: [{ copy: ["src/"] }, { run: "make && make install DESTDIR=/out", cache: ["/root/.cache/tool"] }],
 *     output: [{ from: "/out/usr/local/bin/", to: "/usr/local/bin/" }],
 *   }),
 * ],
 * ```
 */
export function stage(options: StageOptions): StageInput {
  const distro = distros[options.distro ?? stageDistro(options.from, options.name)];
  const workdir = options.workdir ?? "/build";
  const instructions = [
    "# kiln: runs as root because a build stage ships nothing but the output copied below.",
    "USER root",
    `SHELL ${JSON.stringify(distro.shell).replace(/","/g, '", "')}`,
  ];
  const packages = options.packages ?? [];
  if (packages.length > 0) {
    instructions.push("# Mirrors (kiln --mirror) arrive as build args, for this build only.");
    for (const name of distro.mirrorArgs) instructions.push(`ARG ${name}=""`);
    instructions.push(run(distro.installScript(sortedByCodePoint(new Set(packages)), [], []), {}));
  }
  for (const [name, value] of Object.entries(options.args ?? {})) instructions.push(`ARG ${name}=${quotedValue(value)}`);
  instructions.push(`WORKDIR ${workdir}`);
  for (const step of options.steps) {
    if ("copy" in step) instructions.push(`COPY ${[...step.copy, step.to ?? "./"].join(" ")}`);
    else instructions.push(run(step.run, step));
  }
  return {
    name: options.name,
    from: options.from,
    platform: options.platform ?? "target",
    instructions,
    copy: options.output,
  };
}

/** A RUN with its cache and CA mounts; a multi-line script becomes a heredoc. */
function run(script: string, step: { cache?: string[]; buildCa?: boolean }): string {
  const mounts = [
    ...(step.cache ?? []).map(
      (target) => `--mount=type=cache,id=kiln${target.replace(/[^A-Za-z0-9]+/g, "-")},target=${target},sharing=locked`,
    ),
    ...(step.buildCa ? [`--mount=type=secret,id=${caSecretId}`] : []),
  ];
  const body = step.buildCa
    ? [
        "# The mirror profile's CA bundle (ca=FILE), for a proxy that re-signs TLS; absent otherwise.",
        `if [ -f ${buildCaFile} ]; then export NODE_EXTRA_CA_CERTS=${buildCaFile} PIP_CERT=${buildCaFile} CURL_CA_BUNDLE=${buildCaFile}; fi`,
        script,
      ].join("\n")
    : script;
  const head = ["RUN", ...mounts].join(" ");
  if (!body.includes("\n")) return `${head} ${body}`;
  let delimiter = "EOF";
  for (let n = 1; body.split("\n").includes(delimiter); n++) delimiter = `EOF${n}`;
  return `${head} <<'${delimiter}'\n${body}\n${delimiter}`;
}

/** The distro of a stage's `from`: the definition's own, its parent's, or its reference's. */
export function stageDistro(from: string | ImageDefinition, stageName: string): DistroName {
  let current: unknown = from;
  while (typeof current === "object" && current !== null && "input" in current) {
    const input = (current as ImageDefinition).input;
    if (input.distro) return input.distro;
    current = input.base;
  }
  const distro = typeof current === "string" ? distroFromReference(current) : undefined;
  if (distro) return distro;
  throw new DefinitionError(
    `stage "${stageName}": cannot tell the distro of ${typeof from === "string" ? from : "its from image"}`,
    'pass it: stage({ …, distro: "debian" })',
  );
}
