import { kilnPackage } from "../../tsup.preset.js";

export default kilnPackage();
