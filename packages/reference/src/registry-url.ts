/**
 * The base URL of a registry's HTTP API. Loopback registries speak plain HTTP (dockerd treats
 * 127.0.0.0/8 and ::1 as insecure by default); every other registry is reached over HTTPS.
 */
export function registryBaseUrl(host: string): string {
  const plain = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host);
  return `${plain ? "http" : "https"}://${host}`;
}
