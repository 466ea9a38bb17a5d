/**
 * phusion-style my_init, runit services and setuser, as a kiln feature: `init({ services })`.
 * @module @kiln/init
 */
export { init, environmentGroup, type InitOptions } from "./init.js";
export { service, type ServiceSpec } from "./service.js";
export { containerEnvironment, containerEnvironmentDirectory } from "./container-environment.js";
export { serviceLogDirectory, type LogrotateOptions } from "./logrotate.js";
