import { apache, defineImage } from "@kiln/core";
import debianBase from "debian-base/image";

/** The Debian twin of alpine-httpd: the same apache feature, the same tests. */
export default defineImage({
  name: "debian-httpd",
  description:
    "Apache httpd on debian-base: serves /data/html as a non-root user on port 8080 (HTTPS on 8443 from a mounted Let's Encrypt directory), with /healthz and a HEALTHCHECK",
  base: debianBase,
  features: [apache({ port: 8080, root: "/data/html" })],
  files: [{ src: "index.html", dest: "/data/html/index.html", mode: "0644" }],
  // Debian's apache2-bin has www-data for it; httpd needs no root for ports 8080 and 8443.
  user: "www-data",
  tests: [
    {
      kind: "http",
      name: "GET / serves this image's page from /data/html",
      port: 8080,
      path: "/",
      bodyIncludes: ["<h1>debian-httpd</h1>"],
    },
    {
      kind: "metadata",
      name: "runs as www-data with SIGTERM to stop, HTTP on 8080 and HTTPS on 8443",
      user: "www-data",
      stopSignal: "SIGTERM",
      exposedPorts: ["8080/tcp", "8443/tcp"],
    },
  ],
});
