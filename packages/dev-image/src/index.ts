/**
 * A development toolchain and user with sudo, as a kiln feature: `devImage({ user })`.
 * @module @kiln/dev-image
 */
export { devImage, type DevImageOptions } from "./dev-image.js";
export { toolchain, type Toolchain, type ToolchainPreset } from "./toolchain.js";
