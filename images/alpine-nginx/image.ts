import { defineImage, nginx } from "@kiln/core";
import alpineBase from "alpine-base/image";

export default defineImage({
  name: "alpine-nginx",
  description: "nginx on alpine-base: serves /data/html as a non-root user on port 8080, with /healthz and a HEALTHCHECK",
  base: alpineBase,
  features: [nginx({ port: 8080, root: "/data/html", tls: true })],
  files: [{ src: "index.html", dest: "/data/html/index.html", mode: "0644" }],
  // The nginx package creates this user; nginx needs no root for port 8080.
  user: "nginx",
  tests: [
    {
      kind: "http",
      name: "GET / serves this image's page from /data/html",
      port: 8080,
      path: "/",
      bodyIncludes: ["<h1>alpine-nginx</h1>"],
    },
    {
      kind: "metadata",
      name: "runs as nginx with SIGQUIT to stop, HTTP on 8080 and HTTPS on 8443",
      user: "nginx",
      stopSignal: "SIGQUIT",
      exposedPorts: ["8080/tcp", "8443/tcp"],
    },
  ],
});
