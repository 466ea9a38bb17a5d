import { defineImage, pnpmStage } from "@kiln/core";
import debianNginx from "debian-nginx/image";
import debianNode from "debian-node/image";

/**
 * The catalog site: `kiln catalog` writes the data into site/data, a Node stage installs the
 * generator's dependencies and builds the HTML, and only that HTML ships, on debian-nginx.
 */
export default defineImage({
  name: "catalog",
  description: "The catalog of this repository's images: a static site generated from their definitions and builds, served by debian-nginx",
  base: debianNginx,
  stages: [pnpmStage({ name: "site", from: debianNode, source: "site", build: "pnpm run build", output: "dist", to: "/data/html/" })],
  tests: [
    { kind: "health", name: "the health status becomes healthy", timeoutSeconds: 60 },
    { kind: "http", name: "GET / lists the images", port: 8080, path: "/", bodyIncludes: ["<h1>Images</h1>", "debian-nginx"] },
    {
      kind: "http",
      name: "an image page shows its Dockerfile",
      port: 8080,
      path: "/images/debian-base/",
      bodyIncludes: ['id="dockerfile"', "FROM "],
    },
    {
      kind: "command",
      name: "only the built site ships: no node_modules, no sources, no lock file",
      run: ["sh", "-c", "find / -xdev \\( -name node_modules -o -name '*.ts' -o -name pnpm-lock.yaml \\) -print 2>/dev/null; true"],
      stdoutMatches: "^$",
    },
    {
      kind: "command",
      name: "no Node.js and no compiler in the runtime image",
      run: ["sh", "-c", "for tool in node pnpm esbuild cc gcc; do command -v $tool; done; true"],
      stdoutMatches: "^$",
    },
  ],
});
