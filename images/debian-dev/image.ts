import { defineImage } from "@kiln/core";
import { devImage } from "@kiln/dev-image";
import { ssh } from "@kiln/ssh";
import debianBase from "debian-base/image";

/** The Debian twin of alpine-dev: the same features and tests, buildable where no Alpine mirror is reachable. */
export default defineImage({
  name: "debian-dev",
  description:
    "a development image on debian-base: build tools, git, curl, jq, vim, python3 and node; a dev user with passwordless sudo; sshd on demand for editor remote sessions",
  base: debianBase,
  features: [
    devImage({ user: "dev", defaultUid: 1000 }),
    // Editors' remote sessions (VS Code Remote-SSH) tunnel through the SSH connection.
    ssh({ user: "dev", allowTcpForwarding: true, mode: "on-demand" }),
  ],
  user: "dev",
  workdir: "/workspace",
  cmd: ["/bin/bash"],
  tests: [
    { kind: "metadata", name: "runs as dev in /workspace with bash", user: "dev", cmd: ["/bin/bash"] },
    { kind: "command", name: "dev's UID is the DEV_UID default", run: ["id", "-u"], stdoutMatches: "^1000$" },
  ],
});
