# debian-ssh written the naive way (see debian-base.Dockerfile): the same packages, in one image.
FROM debian:bookworm
RUN apt-get update && apt-get install -y ca-certificates tini tzdata
RUN apt-get update && apt-get install -y openssh-server busybox-static
RUN useradd --uid 10001 --create-home app && mkdir -p /run/sshd
EXPOSE 2222
ENTRYPOINT ["/usr/bin/tini", "-g", "--"]
CMD ["/usr/sbin/sshd", "-D", "-e", "-p", "2222"]
