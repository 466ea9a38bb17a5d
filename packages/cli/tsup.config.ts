import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { kilnPackage } from "../../tsup.preset.js";
import { singleFileBundle } from "./single-file-bundle.js";

// The bin entries need no declarations: only the library entry has a public API. The bin runs
// dist/kiln.cjs, one file made after the rest (see single-file-bundle.js).
export default kilnPackage(
  { index: "src/index.ts", cli: "src/cli.ts", "code-cache": "src/code-cache.ts" },
  {
    dts: { entry: { index: "src/index.ts" } },
    onSuccess: async () => {
      await build(singleFileBundle(path.resolve(fileURLToPath(new URL(".", import.meta.url)), "..")));
    },
  },
);
