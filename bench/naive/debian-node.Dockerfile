# debian-node written the naive way (see debian-base.Dockerfile): Node.js from the distro. kiln's
# image also carries pnpm; this one does not, which only favours it.
FROM debian:bookworm
RUN apt-get update && apt-get install -y ca-certificates tini tzdata
RUN apt-get update && apt-get install -y nodejs
RUN useradd --uid 10001 --create-home app
USER app
ENTRYPOINT ["/usr/bin/tini", "-g", "--"]
CMD ["node"]
