import { defineImage } from "@kiln/core";
import alpineBase from "alpine-base/image";

export default defineImage({
  name: "alpine-bash",
  description: "alpine-base with bash as the user's shell and the default command",
  base: alpineBase,
  packages: ["bash"],
  steps: [
    {
      why: "bash as the login shell of app, so docker exec and su land in bash",
      run: "sed -i -E 's#^(app:.*):/bin/sh$#\\1:/bin/bash#' /etc/passwd",
    },
  ],
  cmd: ["/bin/bash"],
  tests: [
    { kind: "command", name: "bash runs", run: ["bash", "-c", "echo ${BASH_VERSION%%.*}"], stdoutMatches: "^5" },
    { kind: "command", name: "app's shell is bash", run: ["sh", "-c", "grep '^app:' /etc/passwd"], stdoutMatches: ":/bin/bash$" },
    { kind: "metadata", name: "bash is the default command", cmd: ["/bin/bash"], user: "app" },
  ],
});
