import type { NodeStageOptions } from "./node-stage-options.js";
import { stage, type StageInput } from "./stage.js";

/** npmStage()'s options: installs with npm (package-lock.json). */
export type NpmStageOptions = NodeStageOptions;

/**
 * pnpmStage()'s twin for npm projects: `npm ci` from package-lock.json, manifests before the
 * source (the install layer is reused until they change), npm's cache in a cache mount, the
 * mirror profile's npm registry (KILN_NPM_REGISTRY) and CA bundle. It runs once, natively: a
 * bundle or a static site is the same for every platform.
 *
 * @example
 * ```ts
 * stages: [npmStage({ name: "site", from: debianNode, source: "site", build: "npm run build", output: "dist", to: "/data/html/" })],
 * ```
 */
export function npmStage(options: NpmStageOptions): StageInput {
  const source = options.source.replace(/\/+$/, "");
  const built = stage({
    name: options.name,
    from: options.from,
    platform: "build",
    args: { KILN_NPM_REGISTRY: "" },
    steps: [
      { copy: [`${source}/package.json`, `${source}/package-lock.json`] },
      {
        run: 'npm_config_registry="${KILN_NPM_REGISTRY:-https://registry.npmjs.org}" npm ci --no-audit --no-fund',
        cache: ["/root/.npm"],
        buildCa: true,
      },
      { copy: [`${source}/`] },
      { run: options.build },
    ],
    output: [{ from: `/build/${options.output.replace(/^\.\/|\/+$/g, "")}/`, to: options.to, owner: options.owner }],
  });
  // What npm ci installs are the image's build dependencies in its SBOM.
  return { ...built, lockfile: `${source}/package-lock.json` };
}
