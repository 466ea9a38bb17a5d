import { defineImage } from "@kiln/core";
import { devImage } from "@kiln/dev-image";
import { ssh } from "@kiln/ssh";
import alpineBash from "alpine-bash/image";

export default defineImage({
  name: "alpine-dev",
  description:
    "a development image on alpine-bash: build tools, git, curl, jq, vim, python3 and node; a dev user with passwordless sudo; sshd on demand for editor remote sessions",
  base: alpineBash,
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
