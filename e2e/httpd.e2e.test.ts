import { X509Certificate, createHash, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { execute, type ExecResult } from "@kiln/core";
import { TestContainers, platforms } from "./containers.js";
import { engineForE2e } from "./engine.js";
import { buildImages, expectImageTestsPass } from "./kiln.js";

/**
 * Issue 12 on real parts: the apache feature on debian-httpd, built for both platforms and driven
 * on each (arm64 under QEMU) with the machine's curl and openssl: certificates in certbot's layout
 * (live/ symlinks into archive/) from a CA made here, the 301, TLS 1.1 refused, a renewal picked up
 * by `kiln-httpd reload` while a download is in flight, and a quick graceful stop. Then apps/blog:
 * hexo's pages over HTTPS, on Asia/Shanghai time.
 */
const engine = await engineForE2e();
const httpdImage = "kiln.local/debian-httpd:0.1.0";
const blogImage = "kiln.local/blog:0.1.0";
const domain = "blog.test";
const containers = new TestContainers();
const work = mkdtempSync(path.join(tmpdir(), "kiln-e2e-httpd-"));
/** More than socket buffers and curl's rate limit let through before the reload: a download in flight. */
const largeSize = 16 * 1024 * 1024;
const largeFile = path.join(work, "large.bin");

/** The machine's openssl, with the certificate work in this test's directory. */
async function openssl(args: string[], input?: string): Promise<ExecResult> {
  return execute({ command: "openssl", args }, { cwd: work, input });
}

async function mustRun(command: string, args: string[]): Promise<ExecResult> {
  const result = await execute({ command, args }, { cwd: work });
  if (result.exitCode !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.exitCode}): ${result.stderr}`);
  return result;
}

/**
 * A Let's Encrypt directory as certbot leaves it: archive/<domain>/{fullchain,privkey}N.pem, and
 * live/<domain>/ links to the newest, relative like certbot's. Certificates come from a CA made
 * here (fullchain = leaf + CA, as Let's Encrypt's is leaf + intermediate), so curl checks them with
 * --cacert; keys are readable by the image's www-data, as the README tells users to arrange.
 */
class LetsEncryptDirectory {
  readonly root: string;
  readonly ca: string;
  private serial = 0;

  constructor(name: string) {
    this.root = path.join(work, name);
    this.ca = path.join(this.root, "ca.pem");
    mkdirSync(path.join(this.root, "live", domain), { recursive: true });
    mkdirSync(path.join(this.root, "archive", domain), { recursive: true });
  }

  async createCa(): Promise<void> {
    await mustRun("openssl", [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"],
      ...["-subj", "/CN=kiln e2e CA", "-keyout", path.join(this.root, "ca.key"), "-out", this.ca],
    ]);
  }

  /** Issues fullchainN.pem and privkeyN.pem and points live/ at them; returns the leaf's fingerprint. */
  async renew(): Promise<string> {
    this.serial += 1;
    const archive = path.join(this.root, "archive", domain);
    const key = path.join(archive, `privkey${this.serial}.pem`);
    const request = path.join(this.root, "leaf.csr");
    const leaf = path.join(this.root, "leaf.pem");
    const extensions = path.join(this.root, "leaf.ext");
    writeFileSync(
      extensions,
      `basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${domain},IP:127.0.0.1\n`,
    );
    await mustRun("openssl", [
      "req",
      "-new",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-subj",
      `/CN=${domain}`,
      "-keyout",
      key,
      "-out",
      request,
    ]);
    await mustRun("openssl", [
      ...[
        "x509",
        "-req",
        "-in",
        request,
        "-CA",
        this.ca,
        "-CAkey",
        path.join(this.root, "ca.key"),
        "-set_serial",
        String(1000 + this.serial),
      ],
      ...["-days", "2", "-extfile", extensions, "-out", leaf],
    ]);
    writeFileSync(path.join(archive, `fullchain${this.serial}.pem`), readFileSync(leaf, "utf8") + readFileSync(this.ca, "utf8"));
    chmodSync(key, 0o644);
    for (const name of ["fullchain", "privkey"]) {
      const link = path.join(this.root, "live", domain, `${name}.pem`);
      rmSync(link, { force: true });
      symlinkSync(`../../archive/${domain}/${name}${this.serial}.pem`, link);
    }
    return new X509Certificate(readFileSync(leaf)).fingerprint256;
  }
}

/** The leaf certificate a TLS server on `port` presents for the domain, as openssl s_client sees it. */
async function servedFingerprint(port: number): Promise<string> {
  const result = await openssl(["s_client", "-connect", `127.0.0.1:${port}`, "-servername", domain], "");
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(result.stdout)?.[0];
  if (!pem) throw new Error(`no certificate from port ${port}: ${result.stderr.slice(-500)}`);
  return new X509Certificate(pem).fingerprint256;
}

function curlHttps(port: number, ca: string, target: string, extra: string[] = []): Promise<ExecResult> {
  return execute({
    command: "curl",
    args: ["-sS", "--cacert", ca, "--resolve", `${domain}:${port}:127.0.0.1`, ...extra, `https://${domain}:${port}${target}`],
  });
}

describe.skipIf(!engine.available)("Apache httpd (apache feature, debian-httpd, apps/blog)", () => {
  beforeAll(async () => {
    await buildImages(["debian-base", "debian-httpd"]);
    writeFileSync(largeFile, randomBytes(largeSize));
    // Cold, arm64's apt installs run under QEMU: more than the suite's default 20 minutes on a busy machine.
  }, 45 * 60_000);

  afterAll(async () => {
    await containers.removeAll();
    rmSync(work, { recursive: true, force: true });
  });

  test("kiln test debian-httpd passes on both platforms", async () => {
    await expectImageTestsPass("debian-httpd", [
      "GET /healthz answers ok",
      "the health status becomes healthy",
      "httpd's parent process does not run as root",
      "kiln-httpd reload asks for a graceful restart and httpd stays up",
      "with TLS on and no certificate, kiln-httpd refuses with exit 78 and names the file",
      "runs as www-data with SIGTERM to stop, HTTP on 8080 and HTTPS on 8443",
      "docker stop ends httpd gracefully",
    ]);
  });

  describe.each(platforms)("TLS on %s", (platform, machine) => {
    const certificates = new LetsEncryptDirectory(`letsencrypt-${machine}`);
    let id: string;
    let httpPort: number;
    let httpsPort: number;
    let firstCertificate: string;

    beforeAll(async () => {
      await certificates.createCa();
      firstCertificate = await certificates.renew();
      id = await containers.start([
        ...["--platform", platform, "-p", "127.0.0.1::8080", "-p", "127.0.0.1::8443"],
        ...["-v", `${certificates.root}:/etc/letsencrypt:ro`, "-v", `${largeFile}:/data/html/large.bin:ro`],
        ...["-e", `HTTPD_TLS_DOMAIN=${domain}`, "-e", "HTTPD_HSTS_MAX_AGE=31536000", httpdImage],
      ]);
      await containers.waitHealthy(id);
      httpPort = await containers.hostPort(id, "8080/tcp");
      httpsPort = await containers.hostPort(id, "8443/tcp");
    });

    test("it is the platform's httpd", async () => {
      const result = await containers.docker(["exec", id, "uname", "-m"]);
      expect(result.stdout.trim()).toBe(machine);
    });

    test("plain HTTP answers 301 to https:// on the host asked for, with path and query; /healthz stays on HTTP", async () => {
      const redirect = (host: string | undefined, target: string) =>
        execute({
          command: "curl",
          args: [
            "-sS",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code} %{redirect_url}",
            ...(host ? ["-H", `Host: ${host}`] : []),
            `http://127.0.0.1:${httpPort}${target}`,
          ],
        });
      expect((await redirect(undefined, "/2026/11/a%20post/?page=2&sort=date")).stdout).toBe(
        "301 https://127.0.0.1/2026/11/a%20post/?page=2&sort=date",
      );
      expect((await redirect(`${domain}:${httpPort}`, "/about/")).stdout).toBe(`301 https://${domain}/about/`);
      expect((await redirect("[::1]:8080", "/x")).stdout).toBe("301 https://[::1]/x");
      const health = await execute({ command: "curl", args: ["-sS", "-w", " %{http_code}", `http://127.0.0.1:${httpPort}/healthz`] });
      expect(health.stdout).toBe("ok\n 200");
    });

    test("HTTPS answers 200 with the mounted certificate (curl --cacert), and HSTS when asked for", async () => {
      const result = await curlHttps(httpsPort, certificates.ca, "/", ["-D", "-", "-o", "/dev/null"]);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^HTTP\/1\.1 200 OK\r?$/m);
      expect(result.stdout).toMatch(/^strict-transport-security: max-age=31536000\r?$/im);
      expect(await servedFingerprint(httpsPort)).toBe(firstCertificate);
    });

    test("TLS 1.1 is refused though the client offers it; TLS 1.2 and 1.3 are served", async () => {
      // SECLEVEL=0 lets this openssl speak TLS 1.1 at all, so the refusal can only be httpd's.
      const legacy = await openssl(
        ["s_client", "-connect", `127.0.0.1:${httpsPort}`, "-servername", domain, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"],
        "",
      );
      expect(legacy.exitCode).not.toBe(0);
      expect(legacy.stdout + legacy.stderr).toMatch(/alert protocol version|unsupported protocol|no protocols available/i);
      for (const [flag, protocol] of [
        ["-tls1_2", "TLSv1.2"],
        ["-tls1_3", "TLSv1.3"],
      ]) {
        const modern = await openssl(
          [
            "s_client",
            "-connect",
            `127.0.0.1:${httpsPort}`,
            "-servername",
            domain,
            flag as string,
            "-CAfile",
            certificates.ca,
            "-verify_return_error",
          ],
          "",
        );
        expect(modern.exitCode, modern.stderr).toBe(0);
        expect(modern.stdout).toContain(`New, ${protocol}, Cipher is `);
        expect(modern.stdout).toContain("Verify return code: 0 (ok)");
      }
    });

    test("kiln-httpd reload serves a renewed certificate while a download started before it completes", async () => {
      const partial = path.join(work, `download-${machine}.bin`);
      let downloading = true;
      // 2 MiB/s: 16 MiB take about 8 s, so the reload lands in the middle of the download.
      const download = curlHttps(httpsPort, certificates.ca, "/large.bin", [
        "--limit-rate",
        "2M",
        "-o",
        partial,
        "-w",
        "%{http_code} %{size_download}",
      ]).finally(() => {
        downloading = false;
      });
      await containers.waitFor("the download to start", 30, () =>
        Promise.resolve((statSync(partial, { throwIfNoEntry: false })?.size ?? 0) > 0 ? true : undefined),
      );
      const renewed = await certificates.renew();
      const reload = await containers.docker(["exec", id, "kiln-httpd", "reload"]);
      expect(reload.exitCode, reload.stderr).toBe(0);
      expect(reload.stderr).toContain("graceful restart of httpd");
      await containers.waitFor("the renewed certificate to be served", 20, async () =>
        (await servedFingerprint(httpsPort)) === renewed ? true : undefined,
      );
      expect(downloading, "the download finished before the reload took effect: nothing was in flight").toBe(true);
      const result = await download;
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).toBe(`200 ${largeSize}`);
      const digest = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
      expect(digest(partial)).toBe(digest(largeFile));
      unlinkSync(partial);
      expect((await containers.state(id)).Running).toBe(true);
    });

    test("healthy, and docker stop (SIGTERM, made graceful) takes under 3 s with exit 0", async () => {
      expect((await containers.state(id)).Health?.Status).toBe("healthy");
      const started = Date.now();
      const stopped = await containers.docker(["stop", id]);
      const seconds = (Date.now() - started) / 1000;
      expect(stopped.exitCode, stopped.stderr).toBe(0);
      expect(seconds).toBeLessThan(3);
      expect((await containers.state(id)).ExitCode).toBe(0);
      expect(await containers.logs(id)).toContain("caught SIGWINCH, shutting down gracefully");
    });
  });

  describe("certificate problems stop the container with a clear exit code", () => {
    test("a missing certificate: exit 78, naming the file", async () => {
      const run = await containers.run(["-e", `HTTPD_TLS_DOMAIN=${domain}`, httpdImage]);
      expect(run.exitCode).toBe(78);
      expect(run.stderr).toContain(
        `TLS is on (HTTPD_TLS_DOMAIN=${domain}) but /etc/letsencrypt/live/${domain}/fullchain.pem does not exist`,
      );
    });

    test("a live/ link into a missing archive/ file counts as missing: exit 78", async () => {
      const dangling = new LetsEncryptDirectory("letsencrypt-dangling");
      await dangling.createCa();
      await dangling.renew();
      rmSync(path.join(dangling.root, "archive", domain, "privkey1.pem"));
      const run = await containers.run(["-v", `${dangling.root}:/etc/letsencrypt:ro`, "-e", `HTTPD_TLS_DOMAIN=${domain}`, httpdImage]);
      expect(run.exitCode).toBe(78);
      expect(run.stderr).toContain(`/etc/letsencrypt/live/${domain}/privkey.pem does not exist`);
    });

    test("a key only root can read: exit 77, naming the file and the user", async () => {
      const locked = new LetsEncryptDirectory("letsencrypt-locked");
      await locked.createCa();
      await locked.renew();
      chmodSync(path.join(locked.root, "archive", domain, "privkey1.pem"), 0o600);
      const run = await containers.run(["-v", `${locked.root}:/etc/letsencrypt:ro`, "-e", `HTTPD_TLS_DOMAIN=${domain}`, httpdImage]);
      expect(run.exitCode).toBe(77);
      expect(run.stderr).toContain(`/etc/letsencrypt/live/${domain}/privkey.pem is not readable by www-data (uid 33)`);
    });
  });

  describe("apps/blog", () => {
    // Its Node stage runs natively once; debian-node is built for both platforms all the same.
    beforeAll(() => buildImages(["debian-node", "blog"]), 45 * 60_000);

    test("kiln test blog passes on both platforms (hexo's pages, Asia/Shanghai, nothing of the build stage)", async () => {
      await expectImageTestsPass("blog", [
        "GET / lists the posts hexo generated",
        "a post has its own page",
        "the clock is on Asia/Shanghai",
        "TZ at run time still overrides the image's zone",
        "only the generated site ships: no node_modules, no Markdown sources, no hexo config",
      ]);
    });

    test("date +%Z is CST from the image's timezone, and UTC with -e TZ=UTC", async () => {
      const zoned = await containers.run([blogImage, "date", "+%Z"]);
      expect(zoned.stdout.trim()).toBe("CST");
      const overridden = await containers.run(["-e", "TZ=UTC", blogImage, "date", "+%Z"]);
      expect(overridden.stdout.trim()).toBe("UTC");
      const files = await containers.run([blogImage, "sh", "-c", "readlink /etc/localtime; cat /etc/timezone"]);
      expect(files.stdout).toBe("/usr/share/zoneinfo/Asia/Shanghai\nAsia/Shanghai\n");
    });

    test.each(platforms)("serves its generated pages over HTTPS on %s", async (platform, machine) => {
      const certificates = new LetsEncryptDirectory(`letsencrypt-blog-${machine}`);
      await certificates.createCa();
      await certificates.renew();
      const id = await containers.start([
        ...["--platform", platform, "-p", "127.0.0.1::8443", "-v", `${certificates.root}:/etc/letsencrypt:ro`],
        ...["-e", `HTTPD_TLS_DOMAIN=${domain}`, blogImage],
      ]);
      await containers.waitHealthy(id);
      const port = await containers.hostPort(id, "8443/tcp");
      const index = await curlHttps(port, certificates.ca, "/", ["-f"]);
      expect(index.exitCode, index.stderr).toBe(0);
      expect(index.stdout).toContain('<meta name="generator" content="Hexo 7.3.0">');
      const postPath = /href="(\/2026\/11\/29\/hello-from-kiln\/)"/.exec(index.stdout)?.[1];
      expect(postPath, index.stdout).toBeDefined();
      const post = await curlHttps(port, certificates.ca, postPath as string, ["-f"]);
      expect(post.stdout).toContain("<h1>Hello from kiln</h1>");
      // hexo dated the post in the site's zone: 09:30 in Shanghai is 01:30 UTC.
      expect(post.stdout).toContain('datetime="2026-11-29T01:30:00.000Z"');
      // httpd's own log timestamps follow the image's zone.
      expect(await containers.logs(id)).toMatch(/\[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0800\] "GET \/ HTTP\/1\.1" 200/);
      await containers.docker(["rm", "-f", id]);
    });
  });
});
