import type { Healthcheck } from "../spec/schema.js";

/**
 * The health check timing kiln's service features share: a probe every 30 s that fails after 5 s
 * and marks the container unhealthy after 3 misses, probed every second while it starts, so
 * `docker run --wait` and a test see it healthy as soon as it is. Only how long a service may take
 * to start differs (sshd makes host keys at first start; my_init starts every service).
 */
export function serviceHealthcheck(test: string[], startPeriodSeconds: number): Healthcheck {
  return { test, intervalSeconds: 30, timeoutSeconds: 5, startPeriodSeconds, startIntervalSeconds: 1, retries: 3 };
}
