import { aptDistro } from "./apt.js";

export const ubuntu = aptDistro(
  "ubuntu",
  [
    { pathSuffix: "ubuntu", mirrorArg: "KILN_APT_UBUNTU_MIRROR" },
    // arm64 and other non-x86 Ubuntu packages come from the ports archive.
    { pathSuffix: "ubuntu-ports", mirrorArg: "KILN_APT_UBUNTU_PORTS_MIRROR" },
  ],
  { tini: "/usr/bin/tini" },
  ["/bin/bash"],
);
