import { defineImage, node } from "@kiln/core";
import alpineBase from "alpine-base/image";

/** Node.js and pnpm on alpine-base, as user app: what an app's build stage starts FROM (see apps/catalog). */
export default defineImage({
  name: "alpine-node",
  description: "alpine-base with Node.js from Alpine and pnpm: the runtime of Node apps and the build stage of app images",
  base: alpineBase,
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
