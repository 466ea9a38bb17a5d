# debian-init written the naive way (see debian-base.Dockerfile): the same packages, in one image.
FROM debian:bookworm
RUN apt-get update && apt-get install -y ca-certificates tini tzdata
RUN apt-get update && apt-get install -y runit jq openssh-server busybox-static
RUN useradd --uid 10001 --create-home app
ENTRYPOINT ["/usr/bin/tini", "--", "runsvdir", "-P", "/etc/service"]
