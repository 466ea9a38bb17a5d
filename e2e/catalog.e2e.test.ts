/// <reference lib="dom" />
import { execFileSync } from "node:child_process";
import { createHash, randomBytes, X509Certificate } from "node:crypto";
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import tls from "node:tls";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { execute } from "@kiln/core";
import { TestContainers } from "./containers.js";
import { debianBaseMirror, engineForE2e } from "./engine.js";
import { buildImages, cloneRepository, expectImageTestsPass, kiln, repositoryRoot } from "./kiln.js";

/**
 * Issue 6 on real parts: the catalog app (a pnpm build stage FROM debian-node, shipped on
 * debian-nginx) built for both platforms, read by a real headless Chromium; and the nginx
 * feature's TLS on that image, with a certificate made here.
 */
const engine = await engineForE2e();
const image = "kiln.local/catalog:0.1.0";
const containers = new TestContainers();
const work = mkdtempSync(path.join(tmpdir(), "kiln-e2e-catalog-"));
/** Screenshots stay after the run: CI keeps them as the test's artifacts. */
const artifacts = path.join(repositoryRoot, "e2e", "artifacts");
const chromiumPath = process.env.KILN_CHROMIUM ?? "/usr/bin/chromium";
const dataFile = "apps/catalog/site/data/catalog.json";

describe.skipIf(!engine.available)("apps/catalog", () => {
  let catalog: { images: { name: string; version: string; platforms: string[] }[] };
  let browser: Browser;

  beforeAll(async () => {
    await buildImages(["debian-base", "debian-nginx", "debian-node"]);
    const written = await kiln(["catalog", "--out", dataFile]);
    expect(written.exitCode, written.stderr).toBe(0);
    catalog = JSON.parse(readFileSync(path.join(repositoryRoot, dataFile), "utf8"));
    await buildImages(["catalog"]);
    mkdirSync(artifacts, { recursive: true });
    browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
  });

  afterAll(async () => {
    await browser?.close();
    await containers.removeAll();
    rmSync(work, { recursive: true, force: true });
  });

  test("kiln test catalog passes on both platforms (site served, no node_modules, no Node, no compiler)", async () => {
    await expectImageTestsPass("catalog", [
      "GET / lists the images",
      "an image page shows its Dockerfile",
      "only the built site ships: no node_modules, no sources, no lock file",
      "no Node.js and no compiler in the runtime image",
    ]);
  });

  describe("in Chromium", () => {
    let site: string;

    beforeAll(async () => {
      const id = await containers.start(["-p", "127.0.0.1::8080", image]);
      await containers.waitHealthy(id);
      site = `http://127.0.0.1:${await containers.hostPort(id, "8080/tcp")}`;
    });

    test("the index lists every image of the repository with its version and platforms", async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${site}/`);
      expect(catalog.images.length).toBeGreaterThanOrEqual(14);
      for (const image of catalog.images) {
        const card = page.locator(`li.card[data-name="${image.name}"]`);
        await expect.poll(() => card.isVisible(), { message: image.name }).toBe(true);
        expect(await card.locator(".version").textContent()).toBe(image.version);
        expect(await card.locator(".platform").allTextContents()).toEqual(image.platforms);
      }
      await page.screenshot({ path: path.join(artifacts, "catalog-index-laptop.png"), fullPage: true });
      await page.close();
    });

    test("search by name narrows the list; without JavaScript the whole list is there to read", async () => {
      const page = await browser.newPage();
      await page.goto(`${site}/`);
      await page.fill("#q", "nginx");
      const visible = await page.locator("li.card:visible").evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset.name));
      expect(visible.sort()).toEqual(
        catalog.images
          .map((i) => i.name)
          .filter((n) => n.includes("nginx"))
          .sort(),
      );
      await page.close();

      const context = await browser.newContext({ javaScriptEnabled: false });
      const plain = await context.newPage();
      await plain.goto(`${site}/`);
      expect(await plain.locator("li.card:visible").count()).toBe(catalog.images.length);
      await context.close();
    });

    test("an image page shows its Dockerfile and the graph, and fits a phone's width", async () => {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      await page.goto(`${site}/`);
      await page.click('li.card[data-name="debian-nginx"] h2 a');
      await page.waitForURL(/\/images\/debian-nginx\/$/);
      const dockerfile = await page.locator("pre.dockerfile").textContent();
      expect(dockerfile).toContain("FROM kiln.local/debian-base:local AS debian-nginx");
      expect(dockerfile).toBe(readFileSync(path.join(repositoryRoot, "images/debian-nginx/Dockerfile"), "utf8"));
      const graph = page.locator("figure.graph svg");
      expect(await graph.isVisible()).toBe(true);
      expect(await graph.locator("a.node").count()).toBe(catalog.images.length);
      expect(await graph.locator('a.node.current[data-image="debian-nginx"]').count()).toBe(1);
      // Each variable's meaning is on screen, not in a column to scroll to.
      const meaning = await page.locator("table.env td", { hasText: "turns HTTPS on for this domain" }).boundingBox();
      expect(meaning && meaning.x >= 0 && meaning.x + meaning.width <= 390, JSON.stringify(meaning)).toBe(true);
      // Only the graph and the Dockerfile scroll sideways; the page itself fits the phone.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(artifacts, "catalog-debian-nginx-phone.png"), fullPage: true });
      await page.close();
    });
  });

  describe("TLS on the nginx feature", () => {
    const certs = path.join(work, "letsencrypt");
    const live = path.join(certs, "live", "catalog.test");
    let id: string;
    let httpsPort: number;
    let httpPort: number;

    /** A self-signed certificate for catalog.test and 127.0.0.1, readable by the image's www-data. */
    function makeCertificate(): string {
      mkdirSync(live, { recursive: true });
      execFileSync(
        "openssl",
        [
          ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"],
          ...["-subj", "/CN=catalog.test", "-addext", "subjectAltName=DNS:catalog.test,IP:127.0.0.1"],
          ...["-keyout", path.join(live, "privkey.pem"), "-out", path.join(live, "fullchain.pem")],
        ],
        { stdio: "pipe" },
      );
      chmodSync(path.join(live, "privkey.pem"), 0o644);
      return new X509Certificate(readFileSync(path.join(live, "fullchain.pem"))).fingerprint256;
    }

    function connect(options: tls.ConnectionOptions = {}): Promise<tls.TLSSocket> {
      return new Promise((resolve, reject) => {
        const socket = tls.connect(
          {
            host: "127.0.0.1",
            port: httpsPort,
            servername: "catalog.test",
            ca: readFileSync(path.join(live, "fullchain.pem")),
            ...options,
          },
          () => resolve(socket),
        );
        socket.once("error", reject);
      });
    }

    /**
     * GET `target` on an open connection, paused after the response head: the rest of the body
     * waits in nginx's send buffer, a download in flight. `resume` reads it to the end.
     */
    function startDownload(socket: tls.TLSSocket, target: string) {
      let head = "";
      let length = -1;
      let bytes = 0;
      let started: () => void = () => {};
      const headReceived = new Promise<void>((resolve) => (started = resolve));
      const finished = new Promise<{ status: string; bytes: number; length: number }>((resolve, reject) => {
        socket.on("data", (chunk: Buffer) => {
          if (length < 0) {
            head += chunk.toString("latin1");
            const end = head.indexOf("\r\n\r\n");
            if (end < 0) return;
            length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
            bytes = Buffer.byteLength(head.slice(end + 4), "latin1");
            socket.pause();
            started();
          } else {
            bytes += chunk.length;
          }
          if (bytes >= length) resolve({ status: head.slice(0, head.indexOf("\r\n")), bytes, length });
        });
        socket.once("close", () => reject(new Error(`the connection was closed after ${bytes} of ${length} bytes`)));
        socket.once("error", reject);
      });
      socket.write(`GET ${target} HTTP/1.1\r\nHost: catalog.test\r\n\r\n`);
      return { headReceived, resume: () => (socket.resume(), finished) };
    }

    beforeAll(async () => {
      makeCertificate();
      // 32 MiB: more than the socket buffers hold, so a paused download stays in flight.
      writeFileSync(path.join(work, "large.bin"), randomBytes(32 * 1024 * 1024));
      id = await containers.start([
        ...["-p", "127.0.0.1::8080", "-p", "127.0.0.1::8443", "-v", `${certs}:/etc/letsencrypt:ro`],
        ...["-v", `${path.join(work, "large.bin")}:/data/html/large.bin:ro`],
        ...["-e", "NGINX_TLS_DOMAIN=catalog.test", "-e", "NGINX_HSTS_MAX_AGE=31536000", image],
      ]);
      await containers.waitHealthy(id);
      httpsPort = await containers.hostPort(id, "8443/tcp");
      httpPort = await containers.hostPort(id, "8080/tcp");
    });

    test("curl --cacert gets 200 over HTTPS, with HSTS when asked for", async () => {
      const result = await execute({
        command: "curl",
        args: [
          "-sS",
          "-D",
          "-",
          "-o",
          "/dev/null",
          "--cacert",
          path.join(live, "fullchain.pem"),
          "--resolve",
          `catalog.test:${httpsPort}:127.0.0.1`,
          `https://catalog.test:${httpsPort}/`,
        ],
      });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^HTTP\/1\.1 200 /);
      expect(result.stdout).toMatch(/^strict-transport-security: max-age=31536000\r?$/im);
    });

    test("plain HTTP answers 301 to HTTPS; the health path still answers over HTTP", async () => {
      const redirect = await fetch(`http://127.0.0.1:${httpPort}/images/`, { redirect: "manual" });
      expect(redirect.status).toBe(301);
      // To the standard port: behind -p or a proxy, NGINX_TLS_PUBLIC_PORT names another.
      expect(redirect.headers.get("location")).toBe("https://127.0.0.1/images/");
      const health = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
      expect(health.status).toBe(200);
    });

    test("TLS 1.1 is refused, though the client offers it; TLS 1.2 from the same client is served", async () => {
      // SECLEVEL=0 lets this client speak TLS 1.1 at all, so a refusal can only come from nginx.
      const legacy = { ciphers: "DEFAULT@SECLEVEL=0", minVersion: "TLSv1.1", maxVersion: "TLSv1.1" } as const;
      await expect(connect(legacy)).rejects.toThrow(/protocol version|no protocols available|unsupported protocol|handshake failure/i);
      const modern = await connect({ ...legacy, maxVersion: "TLSv1.2" });
      expect(modern.getProtocol()).toBe("TLSv1.2");
      modern.destroy();
    });

    test("SIGHUP loads a renewed certificate while a download in flight completes", async () => {
      const open = await connect();
      const download = startDownload(open, "/large.bin");
      await download.headReceived;
      const renewed = makeCertificate();
      await containers.docker(["kill", "--signal", "HUP", id]);
      await containers.waitFor("the renewed certificate to be served", 10, async () => {
        const fresh = await connect();
        const served = fresh.getPeerX509Certificate()?.fingerprint256;
        fresh.destroy();
        return served === renewed ? true : undefined;
      });
      // The download started before the reload finishes on its (old) worker, every byte of it.
      const result = await download.resume();
      expect(result.status).toBe("HTTP/1.1 200 OK");
      expect(result.bytes).toBe(32 * 1024 * 1024);
      open.destroy();
      expect((await containers.state(id)).Running).toBe(true);
    });

    test("with TLS on and no certificate, the container exits 78 naming the missing file", async () => {
      const run = await containers.run(["-e", "NGINX_TLS_DOMAIN=missing.test", image]);
      expect(run.exitCode).toBe(78);
      expect(run.stderr).toContain(
        "TLS is on (NGINX_TLS_DOMAIN=missing.test) but /etc/letsencrypt/live/missing.test/fullchain.pem does not exist",
      );
    });
  });

  test("changing only the site's source rebuilds the build stage without reinstalling its dependencies", async () => {
    const clone = await cloneRepository();
    try {
      const data = await kiln(["catalog", "--out", dataFile], { cwd: clone });
      expect(data.exitCode, data.stderr).toBe(0);
      appendFileSync(
        path.join(clone, "apps/catalog/site/src/html.ts"),
        `\n// changed by the e2e test ${createHash("sha1").update(String(Date.now())).digest("hex")}\n`,
      );
      const build = await kiln(["build", "catalog", "--mirror", debianBaseMirror, "--progress", "plain"], { cwd: clone });
      expect(build.exitCode, build.stderr.slice(-3000)).toBe(0);
      const log = build.stderr + build.stdout;
      // "[site 4/6]", or with a platform prefix on multi-platform builds.
      const stepOf = (text: string) => new RegExp(`^#(\\d+) \\[(?:\\S+ )?site \\d+/\\d+\\] ${text}`, "m").exec(log)?.[1];
      const install = stepOf("RUN --mount=type=cache.*pnpm install --frozen-lockfile");
      const siteBuild = stepOf("RUN pnpm run build");
      expect(install, log.slice(-3000)).toBeDefined();
      expect(siteBuild, log.slice(-3000)).toBeDefined();
      expect(log).toMatch(new RegExp(`^#${install} CACHED$`, "m"));
      expect(log).not.toMatch(new RegExp(`^#${siteBuild} CACHED$`, "m"));
      expect(log).toMatch(new RegExp(`^#${siteBuild} DONE`, "m"));
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });
});
