// The entry of dist/kiln.cjs, the one-file bundle kiln's bin runs with a V8 code cache (see
// code-cache.ts). It bundles the packages a definition may import, and jiti, and hands them to the
// definition loader so that image.ts files share this copy rather than loading their dist/ again.
// First: it configures zod before @kiln/core makes its schemas.
import "./zod-jitless.js";
import * as core from "@kiln/core";
import * as devImage from "@kiln/dev-image";
import * as init from "@kiln/init";
import * as mirror from "@kiln/mirror";
import * as reference from "@kiln/reference";
import * as secrets from "@kiln/secrets";
import * as ssh from "@kiln/ssh";
import { createJiti } from "jiti";
import { main } from "./main.js";

core.shareKilnModules(
  {
    "@kiln/core": core,
    "@kiln/dev-image": devImage,
    "@kiln/init": init,
    "@kiln/mirror": mirror,
    "@kiln/reference": reference,
    "@kiln/secrets": secrets,
    "@kiln/ssh": ssh,
  },
  createJiti,
);

void main().then((code) => {
  process.exitCode = code;
});
