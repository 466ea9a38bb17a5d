import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
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

/**
 * Makes a synthetic workspace a Turborepo one: a root package.json and turbo.json, and in each
 * image a `build` script that writes dist/build.json, a stand-in for `kiln build`'s record. What
 * a no-op `turbo build` costs does not depend on the script (a full cache hit never runs it): it
 * is Turborepo hashing every package's inputs and replaying every task's logs and outputs. The
 * workspace is no git repository, so Turborepo hashes every file of a package, dist/ and its own
 * .turbo/ log too: unless they are left out, a build's record and log would change the next run's
 * hash and nothing would hit.
 */
export function turboWorkspace(root) {
  writeFileSync(path.join(root, "package.json"), JSON.stringify({ name: "synthetic", private: true, packageManager: "pnpm@10.34.8" }));
  writeFileSync(
    path.join(root, "turbo.json"),
    JSON.stringify({
      tasks: { build: { dependsOn: ["^build"], inputs: ["$TURBO_DEFAULT$", "!dist/**", "!.turbo/**"], outputs: ["dist/**"] } },
    }),
  );
  const record = "node -e \"require('fs').mkdirSync('dist',{recursive:true});require('fs').writeFileSync('dist/build.json','{}')\"";
  for (const name of readdirSync(path.join(root, "images"))) {
    const file = path.join(root, "images", name, "package.json");
    const pkg = JSON.parse(readFileSync(file, "utf8"));
    // @kiln/core is not a package of this workspace; the parent edges stay.
    delete pkg.dependencies["@kiln/core"];
    writeFileSync(file, JSON.stringify({ ...pkg, scripts: { build: record } }, null, 2));
  }
}
