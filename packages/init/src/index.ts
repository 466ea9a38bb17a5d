export { init, environmentGroup, type InitOptions, type ServiceSpec } from "./init.js";
