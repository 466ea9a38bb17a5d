/**
 * sshd with key-only logins, as a kiln feature: `ssh({ user, port, mode })`.
 * @module @kiln/ssh
 */
export { ssh, hostKeyDirectory, type SshOptions } from "./ssh.js";
