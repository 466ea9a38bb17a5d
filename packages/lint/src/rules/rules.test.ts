import { describe, expect, test } from "vitest";
import { defaultConfig, parseConfig, type LintConfig } from "../config.js";
import { lintText } from "../lint.js";
import { rules } from "./catalog.js";

/** One case per rule: a Dockerfile it must report, one it must not, and the settings both run with. */
interface RuleCase {
  fires: string;
  clean: string;
  config?: Record<string, unknown>;
  contexts?: string[];
}

const df = (...lines: string[]) => `${lines.join("\n")}\n`;
const labelSchema = {
  "label-schema": {
    owner: "text",
    homepage: "url",
    created: "rfc3339",
    license: "spdx",
    revision: "hash",
    version: "semver",
    contact: "email",
  },
};

const cases: Record<string, RuleCase> = {
  DL1001: {
    fires: df("FROM alpine:3.22", "# hadolint ignore=DL3018", "RUN apk add --no-cache curl"),
    clean: df("FROM alpine:3.22", "# curl for the health check", "RUN apk add --no-cache curl=8.14.1-r1"),
    config: { override: { warning: ["DL1001"] } },
  },
  DL3000: {
    fires: df("FROM alpine:3.22", "WORKDIR app"),
    clean: df("FROM alpine:3.22", "WORKDIR /app", "WORKDIR $HOME", "WORKDIR C:\\\\app"),
  },
  DL3001: { fires: df("FROM debian:12", "RUN service nginx start"), clean: df("FROM debian:12", "RUN nginx -t") },
  DL3002: {
    fires: df("FROM debian:12 AS build", "USER root", "FROM debian:12", "USER app"),
    clean: df("FROM debian:12", "USER root", "RUN make install", "USER 1000:1000"),
  },
  DL3003: { fires: df("FROM debian:12", "RUN cd /src && make"), clean: df("FROM debian:12", "WORKDIR /src", "RUN make") },
  DL3004: { fires: df("FROM debian:12", "RUN if true; then sudo make install; fi"), clean: df("FROM debian:12", "RUN make install") },
  DL3006: {
    fires: df("FROM debian"),
    clean: df(
      "FROM debian:12 AS base",
      "FROM base",
      "FROM scratch",
      "FROM ${IMAGE}",
      "FROM debian@sha256:0000000000000000000000000000000000000000000000000000000000000000",
    ),
  },
  DL3007: {
    fires: df("FROM debian:latest"),
    clean: df("FROM debian:12", "FROM debian:latest@sha256:0000000000000000000000000000000000000000000000000000000000000000"),
  },
  DL3008: {
    fires: df("FROM debian:12", "RUN apt-get install -y curl=8.5.0-2 jq"),
    clean: df(
      "FROM debian:12",
      "RUN apt-get install -y -t bookworm-backports curl=8.5.0-2 ./local.deb $(cat pkgs) && apt-get install -s jq",
    ),
  },
  DL3009: {
    fires: df("FROM debian:12", "RUN apt-get update && apt-get install -y curl"),
    clean: df(
      "FROM debian:12 AS build",
      "RUN apt-get update && apt-get install -y gcc",
      "FROM debian:12",
      "RUN apt-get update && apt-get install -y curl && apt-get dist-clean",
      "RUN apt-get update && rm -rf /var/lib/apt/lists/*",
      "RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update",
    ),
  },
  DL3010: {
    fires: df("FROM debian:12", "COPY app.tar.gz /tmp/", "RUN tar -xzf /tmp/app.tar.gz -C /opt"),
    clean: df("FROM debian:12", "ADD app.tar.gz /opt/", "COPY data.tar.gz /srv/"),
  },
  DL3011: { fires: df("FROM debian:12", "EXPOSE 80 70000/tcp"), clean: df("FROM debian:12", "EXPOSE 80 443/tcp 8000-8010 ${PORT}") },
  DL3012: {
    fires: df("FROM debian:12", 'HEALTHCHECK CMD ["true"]', 'HEALTHCHECK CMD ["false"]'),
    clean: df("FROM debian:12 AS a", 'HEALTHCHECK CMD ["true"]', "FROM debian:12", "HEALTHCHECK NONE"),
  },
  DL3013: {
    fires: df("FROM python:3.13", "RUN pipx install black"),
    clean: df(
      "FROM python:3.13",
      "RUN pip install --no-cache-dir flask==3.1.0 'requests>=2' -r requirements.txt && pip install --no-cache-dir . && pip install --no-cache-dir ./dist/app.whl",
    ),
  },
  DL3014: {
    fires: df("FROM debian:12", "RUN apt-get install curl=8.5.0-2"),
    clean: df(
      "FROM debian:12",
      "RUN apt-get install -y curl=1 && apt-get -qq install jq=1 && apt-get -q -q install gcc=1 && apt-get --yes install make=1",
    ),
  },
  DL3015: {
    fires: df("FROM debian:12", "RUN apt-get install -y curl=1"),
    clean: df(
      "FROM debian:12",
      "RUN apt-get install -y --no-install-recommends curl=1 && apt-get install -y -o APT::Install-Recommends=false jq=1",
    ),
  },
  DL3016: {
    fires: df("FROM node:22", "RUN npm install --global pnpm"),
    clean: df("FROM node:22", "RUN npm install && npm install -g pnpm@10.1.0 @scope/tool@1.2.3 ./local git+https://host/repo.git#v1"),
  },
  DL3018: {
    fires: df("FROM alpine:3.22", "RUN apk add --no-cache curl"),
    clean: df("FROM alpine:3.22", "RUN apk add --no-cache --virtual .build curl=8.14.1-r1 'jq>1' ./local.apk"),
  },
  DL3019: {
    fires: df("FROM alpine:3.22", "RUN apk add curl=1"),
    clean: df(
      "FROM alpine:3.22",
      "RUN apk --no-cache add curl=1",
      "RUN --mount=type=cache,target=/var/cache/apk apk add jq=1",
      "RUN apk add --no-network --virtual .run-deps so:libc.musl-x86_64.so.1",
    ),
  },
  DL3020: {
    fires: df("FROM debian:12", "ADD files.zip /app/"),
    clean: df("FROM debian:12", 'ADD "https://example.org/app.tar.gz" /tmp/', "ADD rootfs.tar.xz /"),
  },
  DL3021: {
    fires: df("FROM debian:12", "COPY a b /dest"),
    clean: df(
      "FROM debian:12",
      "COPY a b /dest/",
      'COPY ["a", "b", "/dest/"]',
      "COPY a /dest",
      "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022",
      "COPY a.dll b.dll C:\\\\bin\\\\",
    ),
  },
  DL3022: {
    fires: df("FROM debian:12", "COPY --from=builder /out /out"),
    clean: df(
      "FROM debian:12 AS builder",
      "FROM debian:12",
      "COPY --from=builder /out /out",
      "COPY --from=0 /a /a",
      "COPY --from=nginx:1.27 /etc/nginx /etc/nginx",
      "COPY --from=feature-files /f /f",
    ),
    contexts: ["feature-files"],
  },
  DL3023: {
    fires: df("FROM debian:12 AS app", "COPY --from=app /a /b"),
    clean: df("FROM debian:12 AS build", "FROM debian:12 AS app", "COPY --from=build /a /b"),
  },
  DL3024: { fires: df("FROM debian:12 AS base", "FROM debian:12 AS Base"), clean: df("FROM debian:12 AS base", "FROM debian:12 AS final") },
  DL3025: {
    fires: df("FROM debian:12", "CMD nginx -g 'daemon off;'"),
    clean: df(
      "FROM debian:12",
      'CMD ["nginx", "-g", "daemon off;"]',
      'ENTRYPOINT ["/entrypoint"]',
      'HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]',
    ),
  },
  DL3026: {
    fires: df("FROM docker.io/library/debian:12", "FROM quay.io/org/tool:1", "COPY --from=ghcr.io/org/x:1 /a /a"),
    clean: df("FROM registry.example.com/debian:12 AS base", "FROM base", "COPY --from=base /a /a", "FROM scratch"),
    config: { trustedRegistries: ["registry.example.com"] },
  },
  DL3027: { fires: df("FROM debian:12", "RUN apt install -y curl"), clean: df("FROM debian:12", "RUN apt-get install -y curl=1") },
  DL3028: {
    fires: df("FROM ruby:3.4", "RUN gem install bundler"),
    clean: df("FROM ruby:3.4", "RUN gem install bundler:2.6.2 && gem install rake -v 13.2.1 && gem install --version=1 rack"),
  },
  DL3029: { fires: df("FROM --platform=linux/amd64 debian:12"), clean: df("FROM --platform=$BUILDPLATFORM debian:12") },
  DL3030: {
    fires: df("FROM centos:7", "RUN yum install httpd-2.4.6 && yum clean all"),
    clean: df("FROM centos:7", "RUN yum install -y httpd-2.4.6 && yum clean all"),
  },
  DL3032: {
    fires: df("FROM centos:7", "RUN yum install -y httpd-2.4.6"),
    clean: df("FROM centos:7", "RUN yum install -y httpd-2.4.6 && yum clean all"),
  },
  DL3033: {
    fires: df("FROM centos:7", "RUN yum install -y httpd && yum clean all"),
    clean: df("FROM centos:7", "RUN yum install -y httpd-2.4.6 mod_ssl-2.4.6-97.el7 && yum clean all"),
  },
  DL3034: {
    fires: df("FROM opensuse/leap:15.6", "RUN zypper install curl=8 && zypper clean"),
    clean: df("FROM opensuse/leap:15.6", "RUN zypper -n install curl=8 && zypper clean"),
  },
  DL3035: {
    fires: df("FROM opensuse/leap:15.6", "RUN zypper -n dist-upgrade"),
    clean: df("FROM opensuse/leap:15.6", "RUN zypper -n refresh"),
  },
  DL3036: {
    fires: df("FROM opensuse/leap:15.6", "RUN zypper -n install curl=8"),
    clean: df("FROM opensuse/leap:15.6", "RUN zypper -n install curl=8 && zypper clean -a"),
  },
  DL3037: {
    fires: df("FROM opensuse/leap:15.6", "RUN zypper -n install curl && zypper clean"),
    clean: df("FROM opensuse/leap:15.6", "RUN zypper -n install 'curl>=8' ./x.rpm && zypper clean"),
  },
  DL3038: {
    fires: df("FROM fedora:41", "RUN dnf install httpd-2.4.62 && dnf clean all"),
    clean: df("FROM fedora:41", "RUN dnf install -y httpd-2.4.62 && dnf clean all"),
  },
  DL3040: {
    fires: df("FROM fedora:41", "RUN dnf install -y httpd-2.4.62"),
    clean: df("FROM fedora:41", "RUN microdnf install -y httpd-2.4.62 && microdnf clean all"),
  },
  DL3041: {
    fires: df("FROM fedora:41", "RUN dnf install -y httpd && dnf clean all"),
    clean: df("FROM fedora:41", "ARG V=2.4.62", "RUN dnf install -y httpd-${V} && dnf module install -y nodejs:22 && dnf clean all"),
  },
  DL3042: {
    fires: df("FROM python:3.13", "RUN pip install flask==3.1.0"),
    clean: df(
      "FROM python:3.13",
      "RUN pip install --no-cache-dir flask==3.1.0",
      "ENV PIP_NO_CACHE_DIR=1",
      "RUN pip install requests==2.32.3",
    ),
  },
  DL3043: { fires: df("FROM debian:12", "ONBUILD FROM debian:12"), clean: df("FROM debian:12", "ONBUILD COPY . /app/") },
  DL3044: {
    fires: df("FROM debian:12", "ENV PREFIX=/opt BIN=$PREFIX/bin"),
    clean: df("FROM debian:12", "ENV PREFIX=/opt", "ENV BIN=$PREFIX/bin PATH=/opt/bin:$PATH"),
  },
  DL3045: {
    fires: df("FROM debian:12", "COPY app.py app/"),
    clean: df(
      "FROM debian:12 AS base",
      "WORKDIR /srv",
      "COPY app.py app/",
      "FROM base",
      "COPY more.py ./",
      "COPY x /abs/",
      'COPY y "${HOME}"/y',
    ),
  },
  DL3046: {
    fires: df("FROM debian:12", "RUN useradd -u 1000000 app"),
    clean: df("FROM debian:12", 'RUN useradd -l -u 1000000 app && useradd -u 1000 other && useradd --uid "$UID" third'),
  },
  DL3047: {
    fires: df("FROM debian:12", "RUN wget https://example.org/x.tgz"),
    clean: df(
      "FROM debian:12",
      "RUN wget -q https://example.org/a && wget -nv https://example.org/b && wget --progress=dot:giga https://example.org/c",
    ),
  },
  DL3048: {
    fires: df("FROM debian:12", 'LABEL Maintainer="x"'),
    clean: df("FROM debian:12", 'LABEL org.opencontainers.image.title="x" maintainer="y"'),
  },
  DL3049: {
    fires: df("FROM debian:12", 'LABEL homepage="https://example.org"'),
    clean: df("FROM debian:12", 'LABEL owner="team"'),
    config: { "label-schema": { owner: "text" } },
  },
  DL3050: {
    fires: df("FROM debian:12", 'LABEL owner="team" extra="x"'),
    clean: df("FROM debian:12", 'LABEL owner="team"'),
    config: { "label-schema": { owner: "text" }, "strict-labels": true },
  },
  DL3051: {
    fires: df("FROM debian:12", 'LABEL owner=""'),
    clean: df("FROM debian:12", 'LABEL owner="team"'),
    config: { "label-schema": { owner: "text" } },
  },
  DL3052: {
    fires: df("FROM debian:12", 'LABEL homepage="not a url"'),
    clean: df("FROM debian:12", 'LABEL homepage="https://example.org/x"'),
    config: labelSchema,
  },
  DL3053: {
    fires: df("FROM debian:12", 'LABEL created="yesterday"'),
    clean: df("FROM debian:12", 'LABEL created="2026-12-02T15:04:05Z"'),
    config: labelSchema,
  },
  DL3054: {
    fires: df("FROM debian:12", 'LABEL license="MIT-ish"'),
    clean: df("FROM debian:12", 'LABEL license="Apache-2.0"'),
    config: labelSchema,
  },
  DL3055: {
    fires: df("FROM debian:12", 'LABEL revision="main"'),
    clean: df("FROM debian:12", 'LABEL revision="0123abc"'),
    config: labelSchema,
  },
  DL3056: {
    fires: df("FROM debian:12", 'LABEL version="v1.2"'),
    clean: df("FROM debian:12", 'LABEL version="1.2.3-rc.1+build.5"'),
    config: labelSchema,
  },
  DL3057: {
    fires: df("FROM debian:12"),
    clean: df("FROM debian:12 AS base", 'HEALTHCHECK CMD ["true"]', "FROM base"),
    config: { override: { info: ["DL3057"] } },
  },
  DL3058: {
    fires: df("FROM debian:12", 'LABEL contact="team at example"'),
    clean: df("FROM debian:12", 'LABEL contact="team@example.org"'),
    config: labelSchema,
  },
  DL3059: {
    fires: df("FROM debian:12", "RUN mkdir /a", "# and then", "RUN mkdir /b"),
    clean: df("FROM debian:12", "RUN mkdir /a", "WORKDIR /a", "RUN mkdir /b", "RUN --mount=type=cache,target=/c mkdir /c"),
  },
  DL3060: { fires: df("FROM node:22", "RUN yarn install"), clean: df("FROM node:22", "RUN yarn install && yarn cache clean") },
  DL3061: { fires: df("LABEL a=b", "FROM debian:12"), clean: df("# comment", "ARG VERSION=12", "FROM debian:${VERSION}") },
  DL3062: {
    fires: df("FROM golang:1.24", "RUN go install example.org/tool@latest"),
    clean: df("FROM golang:1.24", "RUN go install example.org/tool@v1.2.3 && go install ./cmd/... && go run main.go"),
  },
  DL3063: { fires: df("FROM debian:12 AS context"), clean: df("FROM debian:12 AS build") },
  DL3064: { fires: df("FROM debian:12", "ARG GITHUB_TOKEN"), clean: df("FROM debian:12", "ARG VERSION=1", "ENV LANG=C.UTF-8") },
  DL3065: { fires: df("FROM --platform=$TARGETPLATFORM debian:12"), clean: df("FROM --platform=$BUILDPLATFORM debian:12") },
  DL3066: {
    fires: df("FROM debian:12", "USER app"),
    clean: df(
      "FROM debian:12",
      "ARG APP_UID=1000",
      "USER 1000:1000",
      "USER ${APP_UID}",
      "FROM mcr.microsoft.com/windows/servercore:ltsc2022",
      "USER ContainerUser",
    ),
  },
  DL3067: {
    fires: df("FROM debian:12 AS build", "FROM debian:12", "COPY --from=build / /"),
    clean: df("FROM debian:12 AS build", "FROM debian:12", "COPY --from=build /out/ /"),
  },
  DL4000: {
    fires: df("FROM debian:12", "MAINTAINER someone"),
    clean: df("FROM debian:12", 'LABEL org.opencontainers.image.authors="someone"'),
  },
  DL4001: {
    fires: df("FROM debian:12", "RUN curl -fsSO https://example.org/a", "RUN wget -q https://example.org/b"),
    clean: df("FROM debian:12 AS a", "RUN curl -fsSO https://example.org/a", "FROM debian:12", "RUN wget -q https://example.org/b"),
  },
  DL4003: {
    fires: df("FROM debian:12", 'CMD ["a"]', 'CMD ["b"]'),
    clean: df("FROM debian:12 AS a", 'CMD ["a"]', "FROM debian:12", 'CMD ["b"]'),
  },
  DL4004: { fires: df("FROM debian:12", 'ENTRYPOINT ["a"]', 'ENTRYPOINT ["b"]'), clean: df("FROM debian:12", 'ENTRYPOINT ["a"]') },
  DL4005: { fires: df("FROM debian:12", "RUN ln -sf /bin/bash /bin/sh"), clean: df("FROM debian:12", 'SHELL ["/bin/bash", "-c"]') },
  DL4006: {
    fires: df("FROM debian:12", "RUN curl -fsS https://example.org | sh"),
    clean: df(
      "FROM debian:12",
      'SHELL ["/bin/bash", "-eo", "pipefail", "-c"]',
      "RUN curl -fsS https://example.org | sh",
      "FROM alpine:3.22",
      'RUN case "$(uname -m)" in x86_64|aarch64) echo ok ;; esac',
    ),
  },
  KL001: {
    fires: df("FROM debian:12", "ENV DATABASE_URL=postgres://app:hunter2@db/app"),
    clean: df("FROM debian:12", "ENV DATABASE_URL=postgres://db/app PASSWORD_FILE=/run/secrets/db API_TOKEN="),
  },
  KL002: { fires: df("# syntax=docker/dockerfile:1", "FROM debian:12"), clean: df("# escape=\\", "FROM debian:12") },
  KL003: {
    fires: df("FROM alpine:3.22", "RUN sed -i 's|https://[^/]*/|https://mirror.example.org/|' /etc/apk/repositories"),
    clean: df(
      "FROM alpine:3.22 AS build",
      "RUN sed -i 's|https://[^/]*/|https://mirror.example.org/|' /etc/apk/repositories",
      "FROM debian:12",
      "RUN sed -i 's/^Components: main$/& contrib non-free/' /etc/apt/sources.list.d/debian.sources",
    ),
  },
};

async function codes(text: string, rule: RuleCase): Promise<string[]> {
  const config: LintConfig = rule.config ? parseConfig(rule.config, ".hadolint.yaml") : defaultConfig;
  return (await lintText(text, "Dockerfile", { config, shellcheck: "off", buildContexts: rule.contexts })).map((f) => f.code);
}

describe("every rule", () => {
  test("has a case here (a new rule cannot go untested)", () => {
    expect(Object.keys(cases).sort()).toEqual(rules.map((rule) => rule.code));
  });

  test("covers at least 60 of hadolint's DL rules", () => {
    expect(rules.filter((rule) => rule.code.startsWith("DL")).length).toBeGreaterThanOrEqual(60);
  });

  test.each(Object.entries(cases))("%s reports its case once and leaves the clean one alone", async (code, rule) => {
    const fired = await codes(rule.fires, rule);
    expect(fired.filter((c) => c === code).length, fired.join(" ")).toBeGreaterThanOrEqual(1);
    expect(await codes(rule.clean, rule)).not.toContain(code);
  });
});

describe("one finding per rule and instruction", () => {
  test("a RUN with three unpinned installs is one DL3008, and two RUNs are two", async () => {
    const findings = await lintText(
      df("FROM debian:12", "RUN apt-get install -y a && apt-get install -y b; apt-get install -y c", "RUN apt-get install -y d"),
      "Dockerfile",
      { shellcheck: "off" },
    );
    expect(findings.filter((f) => f.code === "DL3008").map((f) => f.line)).toEqual([2, 3]);
  });

  test("no two findings share rule and line", async () => {
    const text = df("FROM debian", "RUN cd /a && cd /b && apt-get install x y | tee z && sudo ls && sudo ls", "ENV A=1 B=$A C=$A");
    const findings = await lintText(text, "Dockerfile", { shellcheck: "off" });
    const keys = findings.map((f) => `${f.code}:${f.line}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe("Windows stages", () => {
  const found = async (...lines: string[]) => (await lintText(df(...lines), "Dockerfile", { shellcheck: "off" })).map((f) => f.code);

  test("USER names an account there (no numeric uid exists), by base image, tag, SHELL or parent stage", async () => {
    expect(await found("FROM mcr.microsoft.com/windows/nanoserver:ltsc2022", "USER ContainerUser")).not.toContain("DL3066");
    expect(await found("FROM golang:1.26-windowsservercore-ltsc2022", "USER ContainerAdministrator")).not.toContain("DL3066");
    expect(await found("FROM registry.example/base:1", 'SHELL ["cmd", "/S", "/C"]', "USER ContainerUser")).not.toContain("DL3066");
    expect(await found("FROM registry.example/base:1", 'SHELL ["pwsh", "-Command"]', "USER ContainerUser")).not.toContain("DL3066");
    expect(await found("FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS base", "FROM base", "USER ContainerUser")).not.toContain(
      "DL3066",
    );
    // The same USER on a Linux stage of the same file is still reported.
    expect(await found("FROM mcr.microsoft.com/windows/nanoserver:ltsc2022 AS win", "FROM debian:12", "USER app")).toContain("DL3066");
  });

  test("a destination ending in \\ is a directory and C:\\ or \\ an absolute path there, with either escape character", async () => {
    const backslash = ["FROM mcr.microsoft.com/windows/nanoserver:ltsc2022", "COPY a.dll b.dll C:\\\\bin\\\\", "COPY c.dll \\\\app\\\\"];
    expect(await found(...backslash)).not.toEqual(expect.arrayContaining(["DL3021"]));
    expect(await found(...backslash)).not.toContain("DL3045");
    const backtick = [
      "# escape=`",
      "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022",
      "COPY a.dll b.dll C:\\bin\\",
      "COPY c.dll \\app\\",
    ];
    expect(await found(...backtick)).not.toContain("DL3021");
    expect(await found(...backtick)).not.toContain("DL3045");
    // On Linux a backslash is an ordinary character: several sources into `bin\\` still need a `/`.
    expect(await found("FROM debian:12", "WORKDIR /srv", "COPY a b bin\\\\")).toContain("DL3021");
    expect(await found("FROM debian:12", "COPY a \\\\app")).toContain("DL3045");
  });
});

describe("hadolint's readings of multi-stage files and chains", () => {
  const found = async (lines: string[], config?: Record<string, unknown>) =>
    (
      await lintText(df(...lines), "Dockerfile", {
        shellcheck: "off",
        config: config ? parseConfig(config, ".hadolint.yaml") : defaultConfig,
      })
    ).map((f) => `${f.code}@${f.line}`);

  test("DL3059: a RUN that chains commands was split on purpose; single-command RUNs in a row were not", async () => {
    expect(await found(["FROM debian:12", "RUN make && make test", "RUN make install"])).not.toContain("DL3059@3");
    expect(await found(["FROM debian:12", "RUN make install", "RUN ldconfig; true"])).not.toContain("DL3059@3");
    expect(await found(["FROM debian:12", "RUN make && make test", "RUN make install", "RUN ldconfig"])).toContain("DL3059@4");
  });

  test("DL3033/DL3041: name-${v} is pinned when v is an ARG before it or an ENV of its stage or a parent stage", async () => {
    const install = "RUN dnf install -y httpd-${v} && dnf clean all";
    expect(await found(["FROM fedora:41", install])).toContain("DL3041@2");
    expect(await found(["ARG v=2.4.62", "FROM fedora:41", install])).not.toContain("DL3041@3");
    expect(await found(["FROM fedora:41 AS base", "ENV v=2.4.62", "FROM base", install])).not.toContain("DL3041@4");
    // An ENV of an unrelated stage is not set where the RUN runs.
    expect(await found(["FROM fedora:41 AS base", "ENV v=2.4.62", "FROM fedora:41", install])).toContain("DL3041@4");
    expect(await found(["FROM centos:7", "ENV v=2.4.6", "RUN yum install -y httpd-$v && yum clean all"])).not.toContain("DL3033@3");
  });

  test("DL3049: a parent stage is spoken for when the stage built FROM it sets the label", async () => {
    const schema = { "label-schema": { owner: "text" } };
    expect(await found(["FROM debian:12 AS base", "FROM base", 'LABEL owner="team"'], schema)).not.toContain("DL3049@1");
    expect(await found(["FROM debian:12 AS base", "FROM base", 'LABEL owner="team"', "FROM base"], schema)).toEqual(["DL3049@4"]);
    expect(await found(["FROM debian:12 AS base", "FROM debian:12", 'LABEL owner="team"'], schema)).toContain("DL3049@1");
  });
});

describe("KL003 and the sed script", () => {
  const found = async (script: string) =>
    (await lintText(df("FROM debian:12", `RUN ${script}`), "Dockerfile", { shellcheck: "off" })).map((f) => f.code);

  test("a substitution that writes another host is a mirror left in the image", async () => {
    expect(await found("sed -i 's/deb.debian.org/mirror.example.org/g' /etc/apt/sources.list.d/debian.sources")).toContain("KL003");
    expect(await found("sed -i -e 's|http://[^/]*|http://10.0.0.5:3142|' /etc/apt/sources.list")).toContain("KL003");
    expect(await found('sed -i "s/deb.debian.org/$MIRROR/" /etc/apt/sources.list')).toContain("KL003");
    expect(await found("sed -i -f /tmp/mirror.sed /etc/apt/sources.list")).toContain("KL003");
  });

  test("adding components or changing the scheme on the same host is not", async () => {
    expect(await found("sed -i 's/main/main contrib non-free/' /etc/apt/sources.list")).not.toContain("KL003");
    expect(await found("sed -i -e '/^deb /s/ main$/ main contrib/' /etc/apt/sources.list")).not.toContain("KL003");
    expect(await found("sed -ri 's|http://deb.debian.org|https://deb.debian.org|' /etc/apt/sources.list")).not.toContain("KL003");
  });
});

describe("the shell is read as a shell", () => {
  const run = async (script: string) =>
    (await lintText(df("FROM debian:12", `RUN ${script}`), "Dockerfile", { shellcheck: "off" })).map((f) => f.code);

  test("commands inside if, while, case, subshells, functions and $(…) are seen", async () => {
    expect(await run("if true; then sudo x; fi")).toContain("DL3004");
    expect(await run("while false; do sudo x; done")).toContain("DL3004");
    expect(await run('case "$a" in x) sudo y ;; esac')).toContain("DL3004");
    expect(await run("(sudo x)")).toContain("DL3004");
    expect(await run("f() { sudo x; }; f")).toContain("DL3004");
    expect(await run('echo "$(sudo x)"')).toContain("DL3004");
  });

  test("case patterns are not pipes; || is not a pipe; a here-string is not a heredoc", async () => {
    expect(await run('case "$(uname -m)" in x86_64|aarch64) echo ok ;; esac')).not.toContain("DL4006");
    expect(await run("false || true")).not.toContain("DL4006");
    expect(await run("read -r answer <<<'yes'")).not.toContain("DL1000");
  });

  test("options with values are understood per tool; expansions are not package names", async () => {
    expect(await run("apk add --no-cache --virtual .deps curl=8")).not.toContain("DL3018");
    expect(await run("apk --no-cache add curl=8")).not.toContain("DL3018");
    expect(await run("apt-get install -y -o Dpkg::Options::=--force-confnew curl=8")).not.toContain("DL3008");
    expect(await run('apt-get install -y $(cat /pkgs) ${PKGS//,/ } "$EXTRA"')).not.toContain("DL3008");
    expect(await run("wget --output-file=/log https://example.org")).not.toContain("DL3047");
  });
});
