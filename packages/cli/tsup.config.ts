import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { kilnPackage } from "../../tsup.preset.js";
import { codeCacheRunner, singleFileBundle } from "./single-file-bundle.js";

// The bin entries need no declarations: only the library entry has a public API. The bin runs
// dist/kiln.cjs with dist/code-cache.cjs, made after the rest (see single-file-bundle.js).
export default kilnPackage(
  { index: "src/index.ts", cli: "src/cli.ts" },
  {
    dts: { entry: { index: "src/index.ts" } },
    onSuccess: async () => {
      const packagesDir = path.resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
      await Promise.all([build(singleFileBundle(packagesDir)), build(codeCacheRunner(packagesDir))]);
    },
  },
);
