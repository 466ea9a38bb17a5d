import { afterEach, expect, test } from "vitest";
import { synthImages } from "../synth/synth.js";
import { createWorkspaceFixture, imageSource, type WorkspaceFixture } from "../testing/workspace-fixture.js";
import { loadWorkspace } from "../workspace/load-workspace.js";
import { catalogData } from "./catalog.js";

let fixture: WorkspaceFixture;
afterEach(() => fixture?.remove());

async function catalogOf(records: Record<string, object>) {
  fixture = createWorkspaceFixture();
  fixture.addImage("base", imageSource("base"));
  fixture.addImage("web", imageSource("web", { parent: "base", extra: 'ports: [8080], env: { MODE: "prod" },' }), ["base"]);
  fixture.write("images/web/README.md", "# web\n");
  for (const [name, record] of Object.entries(records)) fixture.write(`images/${name}/dist/build.json`, JSON.stringify(record));
  const workspace = await loadWorkspace(fixture.root);
  await synthImages(fixture.root, workspace.images, { check: false, locked: false });
  return catalogData(workspace.images);
}

test("each image carries its definition, README, Dockerfile and, once pushed, its size per platform", async () => {
  const data = await catalogOf({
    web: {
      image: "web",
      version: "1.0.0",
      digest: "sha256:" + "a".repeat(64),
      platforms: ["linux/amd64", "linux/arm64"],
      tags: ["r/web:1.0.0"],
      output: "push",
      manifests: [
        { platform: "linux/amd64", digest: "sha256:" + "b".repeat(64), size: 1234 },
        { platform: "linux/arm64", digest: "sha256:" + "c".repeat(64), size: 1200 },
      ],
    },
  });
  expect(data.schema).toBe(2);
  expect(data.images.map((i) => i.name)).toEqual(["base", "web"]);
  const web = data.images[1]!;
  expect(web).toMatchObject({
    version: "1.0.0",
    base: { image: "base", reference: "kiln.local/base:local" },
    ports: ["8080/tcp"],
    env: { MODE: "prod" },
    readme: "# web\n",
    definition: "images/web/image.ts",
  });
  expect(web.dockerfile).toContain("FROM kiln.local/base:local AS web");
  expect(web.build).toEqual({
    digest: "sha256:" + "a".repeat(64),
    tags: ["r/web:1.0.0"],
    output: "push",
    sizes: { "linux/amd64": 1234, "linux/arm64": 1200 },
  });
  expect(data.images[0]?.build).toBeUndefined();
});

test("a build record of another version, or one that is not JSON, is not shown as this image's build", async () => {
  const data = await catalogOf({ web: { image: "web", version: "0.9.0", tags: [], output: "load", manifests: [] } });
  expect(data.images[1]?.build).toBeUndefined();
  fixture.write("images/base/dist/build.json", "{ torn");
  const again = catalogData((await loadWorkspace(fixture.root)).images);
  expect(again.images[0]?.build).toBeUndefined();
});
