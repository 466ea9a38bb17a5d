# debian-nginx written the naive way (see debian-base.Dockerfile): the same packages, in one image.
FROM debian:bookworm
RUN apt-get update && apt-get install -y ca-certificates tini tzdata
RUN apt-get update && apt-get install -y nginx
RUN useradd --uid 10001 --create-home app
COPY index.html /data/html/index.html
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "-g", "--"]
CMD ["nginx", "-g", "daemon off;"]
