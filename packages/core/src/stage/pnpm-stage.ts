import { buildCaFile, caSecretId } from "../dockerfile/build-inputs.js";
import type { NodeStageOptions } from "./node-stage-options.js";
import type { StageInput } from "./stage.js";

/** pnpmStage()'s options: installs with pnpm (pnpm-lock.yaml). */
export type PnpmStageOptions = NodeStageOptions;

/**
 * A Node build stage: install with pnpm, build, and ship only the output. It runs once, natively
 * (platform "build"): a site or bundle is the same for every platform, and emulated Node is slow.
 *
 * The manifests are copied before the source, so the install layer is reused until package.json
 * or the lock file changes; pnpm's store is a cache mount, so even a changed lock file downloads
 * only what is new. The npm mirror of the mirror profile (KILN_NPM_REGISTRY) is used when set,
 * and its CA bundle (ca=FILE) is trusted when given. The lock file is named to the SBOM: what it
 * installs are the image's build dependencies.
 *
 * @example
 * ```ts
 * stages: [pnpmStage({ name: "site", from: debianNode, source: "site", build: "pnpm run build", output: "dist", to: "/data/html/" })],
 * ```
 */
export function pnpmStage(options: PnpmStageOptions): StageInput {
  const source = options.source.replace(/\/+$/, "");
  return {
    name: options.name,
    from: options.from,
    platform: "build",
    instructions: [
      "# kiln: runs as root because a build stage ships nothing but the output copied below.",
      "USER root",
      'ARG KILN_NPM_REGISTRY=""',
      "WORKDIR /build",
      "# Manifests first: the install layer is reused while they are unchanged.",
      `COPY ${source}/package.json ${source}/pnpm-lock.yaml ./`,
      `RUN --mount=type=cache,id=kiln-pnpm-store,target=/pnpm/store,sharing=locked --mount=type=secret,id=${caSecretId} \\\n` +
        `    if [ -f ${buildCaFile} ]; then export NODE_EXTRA_CA_CERTS=${buildCaFile}; fi; \\\n` +
        '    npm_config_registry="${KILN_NPM_REGISTRY:-https://registry.npmjs.org}" \\\n' +
        "    pnpm install --frozen-lockfile --store-dir /pnpm/store",
      `COPY ${source}/ ./`,
      `RUN ${options.build}`,
    ],
    copy: [{ from: `/build/${options.output.replace(/^\.\/|\/+$/g, "")}/`, to: options.to, owner: options.owner }],
    lockfile: `${source}/pnpm-lock.yaml`,
  };
}
