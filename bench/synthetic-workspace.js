import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * A throw-away workspace of `count` image definitions shaped like real families: roots on Alpine
 * and Debian, chains four deep on each root, and the rest as leaves fanned out over the chains.
 * Each image uses two or three features, so synthesis does what it does for real images.
 */
export function syntheticWorkspace(count) {
  const root = mkdtempSync(path.join(tmpdir(), "kiln-bench-ws-"));
  writeFileSync(path.join(root, "pnpm-workspace.yaml"), "packages:\n  - images/*\n");
  const write = (name, parent, source) => {
    const dir = path.join(root, "images", name);
    mkdirSync(dir, { recursive: true });
    const dependencies = { "@kiln/core": "workspace:*", ...(parent ? { [parent]: "workspace:*" } : {}) };
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, version: "1.0.0", private: true, dependencies }, null, 2));
    writeFileSync(path.join(dir, "image.ts"), source);
  };
  const rootCount = Math.max(1, Math.floor(count / 25));
  const chainDepth = 4;
  const chainImages = [];
  let made = 0;
  for (let r = 0; r < rootCount && made < count; r++, made++) {
    const name = `root-${r}`;
    const base = r % 2 === 0 ? "alpine:3.22" : "debian:bookworm";
    write(
      name,
      undefined,
      `import { cron, defineImage, tini } from "@kiln/core";
export default defineImage({
  name: "${name}", description: "synthetic root ${r}", base: "${base}",
  packages: ["ca-certificates", "tzdata"], features: [tini(), cron()],
  users: [{ name: "app", uid: 10001 }], user: "app", cmd: ["/bin/sh"],
});
`,
    );
    let parent = name;
    for (let d = 1; d <= chainDepth && made + 1 < count; d++, made++) {
      const child = `chain-${r}-${d}`;
      write(child, parent, childSource(child, parent, d));
      chainImages.push(child);
      parent = child;
    }
  }
  for (let leaf = 0; made < count; leaf++, made++) {
    const parent = chainImages[leaf % chainImages.length];
    write(`leaf-${leaf}`, parent, childSource(`leaf-${leaf}`, parent, leaf));
  }
  return root;
}

function childSource(name, parent, index) {
  const port = 8000 + (index % 900);
  return `import { defineImage, nginx } from "@kiln/core";
import parent from "${parent}/image";
export default defineImage({
  name: "${name}", description: "synthetic image ${name}", base: parent,
  features: [nginx({ port: ${port} })], packages: ["curl"],
  env: { APP_NAME: "${name}" }, steps: [{ run: "echo ${name} > /etc/${name}.txt", why: "a marker" }],
  user: "app",
});
`;
}
