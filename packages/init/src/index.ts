/**
 * phusion-style my_init, runit services and setuser, as a kiln feature: `init({ services })`.
 * @module @kiln/init
 */
export { init, environmentGroup, type InitOptions, type ServiceSpec } from "./init.js";
