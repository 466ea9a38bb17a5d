import { defineImage } from "@kiln/core";
import { containerEnvironment, service } from "@kiln/init";
import debianInit from "debian-init/image";

/**
 * phusion's memcached example on debian-init: a runit service that drops to the memcache user
 * with setuser. It logs to stdout instead of the example's /var/log/memcached.log, so its log is
 * in `docker logs`.
 */
export default defineImage({
  name: "debian-memcached",
  description: "memcached on debian-init as a runit service through setuser, its log in docker logs (phusion's memcached example)",
  base: debianInit,
  // Debian's package creates the memcache system user the service drops to.
  packages: ["memcached"],
  features: [
    // Defaults in phusion's way: build-time environment that every service sees and docker run -e overrides.
    containerEnvironment({ MEMCACHED_MEMORY_MB: "64", MEMCACHED_PORT: "11211" }),
    service(
      "memcached",
      'exec /sbin/setuser memcache /usr/bin/memcached --port="$MEMCACHED_PORT" --memory-limit="$MEMCACHED_MEMORY_MB" ${MEMCACHED_VERBOSE:+-vv}',
    ),
  ],
  runtimeEnv: {
    MEMCACHED_MEMORY_MB: { default: "64", description: "memcached's memory for items, in megabytes" },
    MEMCACHED_PORT: { default: "11211", description: "the TCP port memcached listens on" },
    MEMCACHED_VERBOSE: { default: "unset", description: "any value logs every connection and command to docker logs (memcached -vv)" },
  },
  ports: [11211],
  user: "root",
  rootReason: "my_init runs startup scripts and services as root; memcached drops to the memcache user with setuser",
  tests: [
    // The parent's health test is not inherited, and the checks below need my_init's services up.
    { kind: "health", name: "my_init is done and every service is up (health check)", timeoutSeconds: 90 },
    {
      kind: "command",
      name: "memcached answers stats on 11211",
      run: ["sh", "-c", "printf 'stats\\r\\nquit\\r\\n' | busybox nc 127.0.0.1 11211"],
      stdoutMatches: "STAT uptime",
    },
    {
      kind: "command",
      name: "the services are the image's own (installing memcached re-enabled none of Debian's)",
      run: ["ls", "/run/service"],
      stdoutMatches: "^cron\\nlogrotate\\nmemcached\\nsshd\\nsyslog\\n$",
    },
    {
      kind: "command",
      name: "memcached runs as memcache, not root",
      run: ["sh", "-c", 'for p in /proc/[0-9]*; do if [ "$(cat $p/comm 2>/dev/null)" = memcached ]; then stat -c %U $p; fi; done'],
      stdoutMatches: "^memcache$",
    },
  ],
});
