export { ssh, hostKeyDirectory, type SshOptions } from "./ssh.js";
