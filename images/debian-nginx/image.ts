import { defineImage, nginx } from "@kiln/core";
import debianBase from "debian-base/image";

/** The Debian twin of alpine-nginx: the same nginx feature, the same tests. */
export default defineImage({
  name: "debian-nginx",
  description: "nginx on debian-base: serves /data/html as a non-root user on port 8080, with /healthz and a HEALTHCHECK",
  base: debianBase,
  features: [nginx({ port: 8080, root: "/data/html", tls: true })],
  files: [{ src: "index.html", dest: "/data/html/index.html", mode: "0644" }],
  // Debian's nginx package runs workers as www-data; as the only user, nginx needs no root for port 8080.
  user: "www-data",
  tests: [
    {
      kind: "http",
      name: "GET / serves this image's page from /data/html",
      port: 8080,
      path: "/",
      bodyIncludes: ["<h1>debian-nginx</h1>"],
    },
    {
      kind: "metadata",
      name: "runs as www-data with SIGQUIT to stop, HTTP on 8080 and HTTPS on 8443",
      user: "www-data",
      stopSignal: "SIGQUIT",
      exposedPorts: ["8080/tcp", "8443/tcp"],
    },
  ],
});
