import { apache, defineImage } from "@kiln/core";
import alpineBase from "alpine-base/image";

/** The image of the write-up's Apache: httpd with mod_ssl on Alpine, run the way a container wants it. */
export default defineImage({
  name: "alpine-httpd",
  description:
    "Apache httpd on alpine-base: serves /data/html as a non-root user on port 8080 (HTTPS on 8443 from a mounted Let's Encrypt directory), with /healthz and a HEALTHCHECK",
  base: alpineBase,
  features: [apache({ port: 8080, root: "/data/html" })],
  files: [{ src: "index.html", dest: "/data/html/index.html", mode: "0644" }],
  // The apache2 package creates this user; httpd needs no root for ports 8080 and 8443.
  user: "apache",
  tests: [
    {
      kind: "http",
      name: "GET / serves this image's page from /data/html",
      port: 8080,
      path: "/",
      bodyIncludes: ["<h1>alpine-httpd</h1>"],
    },
    {
      kind: "metadata",
      name: "runs as apache with SIGTERM to stop, HTTP on 8080 and HTTPS on 8443",
      user: "apache",
      stopSignal: "SIGTERM",
      exposedPorts: ["8080/tcp", "8443/tcp"],
    },
  ],
});
