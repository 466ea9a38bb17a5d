import { aptDistro } from "./apt.js";

export const debian = aptDistro(
  "debian",
  [
    { pathSuffix: "debian", mirrorArg: "KILN_APT_DEBIAN_MIRROR" },
    { pathSuffix: "debian-security", mirrorArg: "KILN_APT_DEBIAN_SECURITY_MIRROR" },
  ],
  { tini: "/usr/bin/tini" },
  ["bash"],
);
