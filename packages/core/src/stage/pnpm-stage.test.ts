import { afterEach, describe, expect, test } from "vitest";
import { renderDockerfile } from "../dockerfile/render.js";
import { synthesizeDockerfile } from "../dockerfile/synthesize.js";
import { planBuild } from "../plan/plan.js";
import { createWorkspaceFixture, imageSource, type WorkspaceFixture } from "../testing/workspace-fixture.js";
import { loadWorkspace } from "../workspace/load-workspace.js";
import { DefinitionError } from "../errors.js";

let fixture: WorkspaceFixture;
afterEach(() => fixture?.remove());

/** A workspace with a node image, and an app image under apps/ whose site stage starts FROM it. */
async function appWorkspace(appDependencies = ["base", "node"]) {
  fixture = createWorkspaceFixture();
  fixture.addImage("base", imageSource("base"));
  fixture.addImage("node", imageSource("node", { parent: "base" }), ["base"]);
  fixture.write(
    "apps/site/package.json",
    JSON.stringify({ name: "site", version: "2.0.0", dependencies: Object.fromEntries(appDependencies.map((d) => [d, "workspace:*"])) }),
  );
  fixture.write(
    "apps/site/image.ts",
    `import { defineImage, pnpmStage } from "@kiln/core";
import base from "base/image";
import node from "node/image";
export default defineImage({ name: "site", description: "a site", base,
  stages: [pnpmStage({ name: "web", from: node, source: "web", build: "pnpm run build", output: "./dist/", to: "/srv/", owner: "app" })] });
`,
  );
  return loadWorkspace(fixture.root);
}

describe("pnpmStage in an image under apps/", () => {
  test("apps/ images load after the workspace images their stages start from", async () => {
    const workspace = await appWorkspace();
    expect(workspace.images.map((i) => i.pkg.name)).toEqual(["base", "node", "site"]);
    const site = workspace.images[2]?.resolved;
    expect(site?.stages[0]).toMatchObject({ name: "web", from: "kiln.local/node:local", image: "node", platform: "build" });
  });

  test("the stage runs on the build platform, installs from the manifests before the source is copied, and ships only the output", async () => {
    const workspace = await appWorkspace();
    const site = workspace.images[2]?.resolved;
    const text = renderDockerfile(synthesizeDockerfile(site!, { sourcePath: "apps/site/image.ts" }));
    expect(text).toContain("FROM --platform=$BUILDPLATFORM kiln.local/node:local AS web");
    const manifests = text.indexOf("COPY web/package.json web/pnpm-lock.yaml ./");
    const install = text.indexOf("pnpm install --frozen-lockfile");
    const source = text.indexOf("COPY web/ ./");
    expect(manifests).toBeGreaterThan(-1);
    expect(install).toBeGreaterThan(manifests);
    expect(source).toBeGreaterThan(install);
    expect(text).toContain("--mount=type=cache,id=kiln-pnpm-store,target=/pnpm/store");
    expect(text).toContain('npm_config_registry="${KILN_NPM_REGISTRY:-https://registry.npmjs.org}"');
    expect(text).toContain("COPY --from=web --chown=app /build/dist/ /srv/");
    // The final stage starts FROM the base, not the node image.
    expect(text).toMatch(/FROM kiln\.local\/base:local AS site\n/);
  });

  test("kiln build maps the stage's workspace image like a base, and passes the npm mirror", async () => {
    const workspace = await appWorkspace();
    const all = new Map(workspace.images.map((i) => [i.pkg.name, i]));
    const plan = planBuild(all.get("site")!, all, {
      root: fixture.root,
      output: { type: "load" },
      metadataFile: "m.json",
      mirror: { name: "custom", npm: "http://npm.mirror.test" },
    });
    expect(plan.buildContexts).toMatchObject({
      "kiln.local/base:local": "docker-image://kiln.local/base:1.0.0",
      "kiln.local/node:local": "docker-image://kiln.local/node:1.0.0",
    });
    expect(plan.buildArgs.KILN_NPM_REGISTRY).toBe("http://npm.mirror.test");
    expect(plan.context).toBe("apps/site");
  });

  test("a stage FROM a workspace image missing from package.json is refused, naming the stage", async () => {
    const error = await appWorkspace(["base"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DefinitionError);
    expect((error as DefinitionError).message).toContain(
      "apps/site/image.ts: stages[0].from: built from node, which package.json does not list",
    );
  });
});
