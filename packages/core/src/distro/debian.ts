import { aptDistro } from "./apt.js";

export const debian = aptDistro(
  "debian",
  [
    { pathSuffix: "debian", mirrorArg: "KILN_APT_DEBIAN_MIRROR" },
    { pathSuffix: "debian-security", mirrorArg: "KILN_APT_DEBIAN_SECURITY_MIRROR" },
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
