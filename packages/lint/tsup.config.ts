import { kilnPackage } from "../../tsup.preset.js";

export default kilnPackage({ index: "src/index.ts", cli: "src/cli.ts" });
