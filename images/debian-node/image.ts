import { defineImage, node } from "@kiln/core";
import debianBase from "debian-base/image";

/** Node.js and pnpm on debian-base, as user app: what an app's build stage starts FROM (see apps/catalog). */
export default defineImage({
  name: "debian-node",
  description: "debian-base with Node.js from Debian and pnpm: the runtime of Node apps and the build stage of app images",
  base: debianBase,
  features: [node()],
  cmd: ["node"],
  tests: [
    { kind: "metadata", name: "runs as app, with node as the default command", user: "app", cmd: ["node"] },
    {
      kind: "command",
      name: "pnpm runs as app (its files are readable by every user)",
      run: ["pnpm", "--help"],
      stdoutIncludes: ["pnpm install"],
    },
  ],
});
