import http from "node:http";

/**
 * @typedef {object} ArchiveRelay
 * @property {string} url `http://<address>:<port>`: `/debian` and `/debian-security` are Debian's archives
 * @property {() => Promise<void>} close
 */

/**
 * Forwards HTTP requests to Debian's archive, listening on `address`. The bench's second engine
 * has no route out (it writes no iptables rules), but its containers reach this machine's own
 * addresses, so its apt steps download through this relay; both engines' builds use the same
 * mirror, so they run the same steps. node:http is enough for GET and HEAD passed through
 * verbatim (no caching, no rewriting), which is all apt asks of a mirror.
 * @param {string} address
 * @param {string} [upstream]
 * @returns {Promise<ArchiveRelay>}
 */
export async function startArchiveRelay(address, upstream = "http://deb.debian.org") {
  const upstreamHost = new URL(upstream).host;
  const server = http.createServer((request, response) => {
    const forward = http.request(
      new URL(request.url ?? "/", upstream),
      { method: request.method, headers: { ...request.headers, host: upstreamHost } },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forward.on("error", (error) => {
      response.writeHead(502);
      response.end(String(error));
    });
    request.pipe(forward);
  });
  await new Promise((resolve) => server.listen(0, address, () => resolve(undefined)));
  const bound = server.address();
  const port = typeof bound === "object" && bound ? bound.port : 0;
  return {
    url: `http://${address}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
}
