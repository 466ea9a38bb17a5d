# debian-dev written the naive way (see debian-base.Dockerfile): the same toolchain, in one image.
FROM debian:bookworm
RUN apt-get update && apt-get install -y ca-certificates tini tzdata
RUN apt-get update && apt-get install -y bash build-essential busybox-static curl git jq less nodejs openssh-client openssh-server procps python3 sudo vim
RUN useradd --uid 1000 --create-home --shell /bin/bash dev && echo 'dev ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/dev && chmod 0440 /etc/sudoers.d/dev
RUN mkdir /workspace && chown dev:dev /workspace
ENV LANG=C.UTF-8
USER dev
WORKDIR /workspace
ENTRYPOINT ["/usr/bin/tini", "-g", "--"]
CMD ["/bin/bash"]
