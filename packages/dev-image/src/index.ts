export { devImage, type DevImageOptions } from "./dev-image.js";
export { toolchain, type Toolchain, type ToolchainPreset } from "./toolchain.js";
