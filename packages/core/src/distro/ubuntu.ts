import { aptDistro } from "./apt.js";

export const ubuntu = aptDistro(
  "ubuntu",
  [
    { pathSuffix: "ubuntu", mirrorArg: "KILN_APT_UBUNTU_MIRROR" },
    // arm64 and other non-x86 Ubuntu packages come from the ports archive.
    { pathSuffix: "ubuntu-ports", mirrorArg: "KILN_APT_UBUNTU_PORTS_MIRROR" },
  ],
  {
    tini: "/usr/bin/tini",
    nginxSiteDir: "/etc/nginx/conf.d",
    nginxMainConfig: "/etc/nginx/nginx.conf",
    nginxModulesInclude: "/etc/nginx/modules-enabled/*.conf",
    nginxUser: "www-data",
    apacheBinary: "/usr/sbin/apache2",
    apacheConfig: "/etc/apache2/apache2.conf",
    apacheModules: "/usr/lib/apache2/modules",
    apacheMimeTypes: "/etc/mime.types",
    apacheUser: "www-data",
  },
);
