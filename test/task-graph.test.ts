import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

/**
 * What `pnpm turbo build` runs, from Turborepo's own plan (`--dry=json`, nothing executed). Each
 * image is one task: `kiln build` synthesizes in its own process, so a separate synth task would
 * only start pnpm and kiln a second time per changed image.
 */
const root = fileURLToPath(new URL("..", import.meta.url));

interface PlannedTask {
  taskId: string;
  hash: string;
  dependencies: string[];
  outputs: string[] | null;
  inputs: Record<string, string>;
}

/** The variables kiln's builds read, left out of the environment a plan starts from. */
const buildVariables = ["KILN_MIRROR", "KILN_REGISTRY", "KILN_PUSH", "KILN_PLATFORMS", "KILN_REQUIRE_ENGINE", "SOURCE_DATE_EPOCH"];

function planWith(env: Record<string, string>, ...args: string[]): PlannedTask[] {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !buildVariables.includes(name)));
  const output = execFileSync(fileURLToPath(new URL("../node_modules/.bin/turbo", import.meta.url)), ["run", ...args, "--dry=json"], {
    cwd: root,
    encoding: "utf8",
    env: { ...base, ...env, TURBO_TELEMETRY_DISABLED: "1" },
  });
  return (JSON.parse(output) as { tasks: PlannedTask[] }).tasks;
}
const plan = (...args: string[]) => planWith({}, ...args);

describe("the build task graph", () => {
  const tasks = plan("build", "--filter=debian-nginx");
  const byId = new Map(tasks.map((task) => [task.taskId, task]));

  test("an image's build runs no synth task, and builds its parent image first", () => {
    expect(tasks.map((task) => task.taskId).filter((id) => id.endsWith("#synth"))).toEqual([]);
    expect(byId.get("debian-nginx#build")?.dependencies).toContain("debian-base#build");
  });

  test("kiln's own packages build before the image that runs kiln", () => {
    expect(byId.get("debian-nginx#build")?.dependencies).toEqual(expect.arrayContaining(["@kiln/cli#build", "@kiln/core#build"]));
  });

  // kiln build writes the Dockerfile from image.ts before it builds: hashed as an input, a rewrite
  // would change the hash after the build and rebuild once more on the next run. (Turborepo hashes
  // a task's outputs as inputs whatever the negations say, so the Dockerfile is not an output
  // either: it is committed, and every build writes it again.)
  test("the Dockerfile is neither input nor output of a build", () => {
    const build = byId.get("debian-nginx#build")!;
    expect(Object.keys(build.inputs)).not.toContain("Dockerfile");
    expect(Object.keys(build.inputs)).not.toContain(".dockerignore");
    expect(build.outputs).toEqual(["dist/**"]);
    expect(Object.keys(build.inputs)).toEqual(expect.arrayContaining(["image.ts", "files/index.html", "package.json"]));
  });
});

// An image's build depends on the mirror, the registry, pushing or not and the platforms; kiln's
// own packages (tsup bundles) depend on none of them (packages/*/turbo.json). Switching the mirror
// or running KILN_PUSH=1 after a local build must not rebuild them (about 26 s here).
describe("what a build's environment changes", () => {
  const hashes = (env: Record<string, string>) =>
    new Map(planWith(env, "build", "--filter=debian-nginx", "--filter=./packages/*").map((task) => [task.taskId, task.hash]));
  const plain = hashes({});

  test.each([
    ["KILN_MIRROR", "registry.hub=127.0.0.1:5000"],
    ["KILN_PUSH", "1"],
    ["KILN_REGISTRY", "127.0.0.1:5000/acme"],
    ["KILN_PLATFORMS", "linux/arm64"],
  ])("%s=%s changes the images' hashes and no hash of kiln's own packages", (name, value) => {
    const changed = hashes({ [name]: value });
    const ids = [...plain.keys()];
    // every package of packages/, whether an image needs it or not
    expect(ids.filter((id) => id.startsWith("@kiln/")).length).toBe(readdirSync(new URL("../packages/", import.meta.url)).length);
    for (const id of ids) {
      if (id.startsWith("@kiln/")) expect(changed.get(id), id).toBe(plain.get(id));
      else expect(changed.get(id), id).not.toBe(plain.get(id));
    }
  });
});

interface Manifest {
  name: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** Every workspace package whose synth script is kiln synth: the images and the applications. */
function imagePackages(): Manifest[] {
  return ["images", "apps"].flatMap((dir) =>
    readdirSync(new URL(`../${dir}/`, import.meta.url), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => JSON.parse(readFileSync(new URL(`../${dir}/${entry.name}/package.json`, import.meta.url), "utf8")) as Manifest)
      .filter((manifest) => manifest.scripts?.synth === "kiln synth"),
  );
}

describe("the synth task graph", () => {
  const images = imagePackages();
  const tasks = plan("synth", ...images.map((image) => `--filter=${image.name}`));
  const ids = new Set(tasks.map((task) => task.taskId));

  // `pnpm turbo synth` writes Dockerfiles without an engine: an image build in its plan would
  // need one (and fail with exit 3 under Turborepo).
  test("synthesizing every image builds no image", () => {
    expect(images.length).toBeGreaterThan(10);
    expect(images.map((image) => `${image.name}#build`).filter((id) => ids.has(id))).toEqual([]);
  });

  test("every kiln package an image imports is built before its synth", () => {
    const missing = images.flatMap((image) =>
      Object.keys({ ...image.dependencies, ...image.devDependencies })
        .filter((name) => name.startsWith("@kiln/"))
        .map((name) => `${name}#build`)
        .filter((id) => !ids.has(id))
        .map((id) => `${image.name} needs ${id}`),
    );
    expect(missing).toEqual([]);
  });
});
