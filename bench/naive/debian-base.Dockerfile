# The way seed documents write it: the same packages, no cleanup discipline (recommends
# installed, package lists left behind). Only for bench/ scenario 6's size comparison.
FROM debian:bookworm
RUN apt-get update && apt-get install -y ca-certificates tini tzdata
RUN useradd --uid 10001 --create-home app
USER app
ENTRYPOINT ["/usr/bin/tini", "-g", "--"]
CMD ["/bin/sh"]
