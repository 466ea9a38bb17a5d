import type { ImageDefinition } from "../spec/define.js";
import type { DistroName } from "../spec/schema.js";
import { stage, stageDistro, type StageInput, type StageStep } from "./stage.js";

export interface PythonStageOptions {
  /** the stage's name, used by COPY --from */
  name: string;
  /** an image of the same distro as the one the app runs on, e.g. the workspace's debian-base */
  from: string | ImageDefinition;
  distro?: DistroName;
  /** the application's directory in the image's build context, e.g. "app" */
  source: string;
  /**
   * a requirements file in `source`, installed into the venv with pip from PyPI, or from the
   * mirror profile's pip=URL (KILN_PIP_INDEX_URL); copied before the code, so the install layer is
   * reused until it changes
   */
  requirements?: string;
  /** packages needed only to build wheels (a compiler, headers): present in this stage alone */
  buildPackages?: string[];
  /** the virtual environment, in this stage and in the image */
  venv?: string;
  /** where the code goes, in this stage and in the image */
  to?: string;
  /** owner of the copied code and venv in the image; root when omitted, so the app cannot rewrite itself */
  owner?: string;
}

/** The interpreter, venv and pip packages of each distro. */
const pythonPackages: Record<DistroName, { interpreter: string[]; venv: string[]; pip: string[] }> = {
  debian: { interpreter: ["python3"], venv: ["python3-venv"], pip: ["python3-pip"] },
  ubuntu: { interpreter: ["python3"], venv: ["python3-venv"], pip: ["python3-pip"] },
  alpine: { interpreter: ["python3"], venv: [], pip: ["py3-pip"] },
};

/**
 * A Python application's compile stage: a venv with the requirements (build packages present
 * here only) and the code compiled to bytecode. The image installs only the interpreter
 * (`packages: ["python3"]`) and gets the venv and code from this stage, so no compiler, pip or
 * header ships. It runs per target platform: wheels and bytecode belong to the target's Python.
 *
 * @example
 * ```ts
 * // app/ holds server.py (and requirements.txt, when it has dependencies).
 * packages: ["python3"],
 * stages: [pythonStage({ name: "compile", from: debianBase, source: "app" })],
 * cmd: ["/opt/venv/bin/python", "/opt/app/server.py"],
 * ```
 */
export function pythonStage(options: PythonStageOptions): StageInput {
  const venv = options.venv ?? "/opt/venv";
  const to = options.to ?? "/opt/app";
  const source = options.source.replace(/\/+$/, "");
  const distro = options.distro ?? stageDistro(options.from, options.name);
  const python = pythonPackages[distro];
  const steps: StageStep[] = [
    // The system pip installs into the venv (--python), so the venv itself needs no pip of its own.
    { run: `python3 -m venv --without-pip ${venv}` },
  ];
  if (options.requirements) {
    steps.push(
      { copy: [`${source}/${options.requirements}`], to: "/build/" },
      {
        run: [
          'export PIP_INDEX_URL="${KILN_PIP_INDEX_URL:-https://pypi.org/simple}"',
          `python3 -m pip --python ${venv}/bin/python install --disable-pip-version-check --no-warn-script-location -r /build/${options.requirements.split("/").pop()}`,
        ].join("\n"),
        cache: ["/root/.cache/pip"],
        buildCa: true,
      },
    );
  }
  steps.push({ copy: [`${source}/`], to: `${to}/` }, { run: `python3 -m compileall -q ${to} ${venv}` });
  return stage({
    name: options.name,
    from: options.from,
    distro,
    platform: "target",
    packages: [...python.interpreter, ...python.venv, ...(options.requirements ? python.pip : []), ...(options.buildPackages ?? [])],
    args: options.requirements ? { KILN_PIP_INDEX_URL: "" } : {},
    steps,
    output: [
      { from: `${venv}/`, to: `${venv}/`, owner: options.owner },
      { from: `${to}/`, to: `${to}/`, owner: options.owner },
    ],
  });
}
