import { defineFeature, type Feature } from "./feature.js";

export interface NginxOptions {
  /** unprivileged port the default server listens on */
  port?: number;
  /** document root of the default server; mount your site here */
  root?: string;
  /** a location answering 200 "ok" for liveness/readiness probes and HEALTHCHECK */
  healthPath?: string;
}

/**
 * nginx that serves a directory and passes health checks, as a non-root user.
 *
 * Alpine's package ships an http.d/default.conf that answers 404 to everything, which fails a
 * Kubernetes health check and crash-loops the pod; Debian's default site listens on port 80,
 * which a non-root process cannot bind. This feature replaces both with one server block,
 * moves pid and temp files to /tmp (so the root filesystem can be read-only) and logs to
 * stdout/stderr.
 */
export function nginx(options: NginxOptions = {}): Feature {
  const port = options.port ?? 8080;
  const root = options.root ?? "/data/html";
  const healthPath = options.healthPath ?? "/healthz";
  return defineFeature("nginx", ({ distro }) => {
    const paths = distro.paths;
    const healthUrl = `http://127.0.0.1:${port}${healthPath}`;
    const healthTest =
      distro.name === "alpine"
        ? ["wget", "-q", "-O", "/dev/null", healthUrl]
        : // Debian and Ubuntu ship no HTTP client in a minimal image; bash's /dev/tcp is enough.
          [
            "/bin/bash",
            "-c",
            `exec 3<>/dev/tcp/127.0.0.1/${port} && printf 'GET ${healthPath} HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '`,
          ];
    return {
      packages: ["nginx"],
      steps: [
        {
          why: "nginx: our own main config (non-root, logs to stdout/stderr, pid and temp files in /tmp)",
          run: [
            `cat > ${paths.nginxMainConfig} <<'NGINX'`,
            "# Written by kiln's nginx feature. Site configs go in the included directory below.",
            "worker_processes auto;",
            "pid /tmp/nginx.pid;",
            "error_log /dev/stderr warn;",
            `include ${paths.nginxModulesInclude};`,
            "events {",
            "    worker_connections 1024;",
            "}",
            "http {",
            "    include /etc/nginx/mime.types;",
            "    default_type application/octet-stream;",
            "    access_log /dev/stdout;",
            "    sendfile on;",
            "    tcp_nopush on;",
            "    keepalive_timeout 65;",
            "    server_tokens off;",
            "    client_body_temp_path /tmp/nginx-client-body;",
            "    proxy_temp_path /tmp/nginx-proxy;",
            "    fastcgi_temp_path /tmp/nginx-fastcgi;",
            "    uwsgi_temp_path /tmp/nginx-uwsgi;",
            "    scgi_temp_path /tmp/nginx-scgi;",
            `    include ${paths.nginxSiteDir}/*.conf;`,
            "}",
            "NGINX",
          ].join("\n"),
        },
        {
          why: "nginx: replace the stock default site (404 on Alpine, port 80 on Debian) with one that serves the document root",
          run: [
            `rm -f ${paths.nginxSiteDir}/*.conf /etc/nginx/sites-enabled/default`,
            `cat > ${paths.nginxSiteDir}/default.conf <<'NGINX'`,
            "server {",
            `    listen ${port} default_server;`,
            "    server_name _;",
            `    root ${root};`,
            "    index index.html;",
            `    location = ${healthPath} {`,
            "        access_log off;",
            "        default_type text/plain;",
            '        return 200 "ok\\n";',
            "    }",
            "    location / {",
            "        try_files $uri $uri/ =404;",
            "    }",
            "}",
            "NGINX",
          ].join("\n"),
        },
        {
          why: "nginx: a default page unless the image ships its own, and log files that point at the container log",
          run: [
            `mkdir -p ${root} /var/log/nginx`,
            `[ -e ${root}/index.html ] || cat > ${root}/index.html <<'HTML'`,
            "<!doctype html>",
            '<html lang="en"><head><meta charset="utf-8"><title>nginx on kiln</title></head>',
            `<body><h1>It works</h1><p>nginx on kiln serves ${root}. Mount your site there.</p></body></html>`,
            "HTML",
            "ln -sf /dev/stdout /var/log/nginx/access.log",
            "ln -sf /dev/stderr /var/log/nginx/error.log",
            "nginx -t -e /dev/stderr",
            "rm -rf /tmp/nginx-* /tmp/nginx.pid",
          ].join("\n"),
        },
      ],
      ports: [port],
      healthcheck: { test: healthTest, intervalSeconds: 30, timeoutSeconds: 5, startPeriodSeconds: 5, startIntervalSeconds: 1, retries: 3 },
      // SIGQUIT is nginx's graceful shutdown: finish in-flight requests, then exit.
      stopSignal: "SIGQUIT",
      cmd: ["nginx", "-e", "/dev/stderr", "-g", "daemon off;"],
      tests: [
        { kind: "http", name: "GET / answers 200 from the document root", port, path: "/", status: 200 },
        { kind: "http", name: `GET ${healthPath} answers ok`, port, path: healthPath, status: 200, bodyIncludes: ["ok"] },
        { kind: "health", name: "the health status becomes healthy", timeoutSeconds: 60 },
        { kind: "command", name: "the configuration is valid", run: ["nginx", "-t", "-e", "/dev/stderr"] },
        { kind: "stop", name: "docker stop ends nginx gracefully", maxSeconds: 3 },
      ],
    };
  });
}
