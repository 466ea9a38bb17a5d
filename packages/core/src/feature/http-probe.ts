import type { DistroAdapter } from "../distro/distro.js";

/**
 * A HEALTHCHECK command that passes when GET `path` on the local `port` answers 200. Alpine has
 * BusyBox wget; Debian and Ubuntu ship no HTTP client in a minimal image, and bash's /dev/tcp is
 * enough for one request.
 */
export function httpProbe(distro: DistroAdapter, port: number, path: string): string[] {
  if (distro.name === "alpine") return ["wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${port}${path}`];
  return [
    "/bin/bash",
    "-c",
    `exec 3<>/dev/tcp/127.0.0.1/${port} && printf 'GET ${path} HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '`,
  ];
}
