import { kilnPackage } from "../../tsup.preset.js";

// The bin entry needs no declarations: only the library entry has a public API.
export default kilnPackage({ index: "src/index.ts", cli: "src/cli.ts" }, { dts: { entry: { index: "src/index.ts" } } });
