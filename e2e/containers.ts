import { execute, type ExecResult } from "@kiln/core";

/**
 * Containers for e2e tests, through the real docker CLI (what a user types). Every container
 * carries one run label, so afterAll removes them all whatever a test left behind.
 */
export class TestContainers {
  readonly label = `kiln.e2e=${process.pid}-${Date.now()}`;

  docker(args: string[]): Promise<ExecResult> {
    return execute({ command: "docker", args });
  }

  /** `docker run -d` with the run label; returns the container id. */
  async start(args: string[]): Promise<string> {
    const result = await this.docker(["run", "-d", "--label", this.label, ...args]);
    if (result.exitCode !== 0) throw new Error(`docker run ${args.join(" ")} failed: ${result.stderr}`);
    return result.stdout.trim();
  }

  /** `docker run --rm` in the foreground, for one-shot commands. */
  run(args: string[]): Promise<ExecResult> {
    return this.docker(["run", "--rm", "--label", this.label, ...args]);
  }

  /**
   * The container log, stdout and stderr together: the CLI splits the two streams, so lines are
   * merged back by their timestamps (`docker logs -t`). The daemon stamps each stream as it reads
   * it, so the order is exact within a stream only; a test of order reads one stream.
   */
  async logs(id: string): Promise<string> {
    const result = await this.docker(["logs", "--timestamps", id]);
    const lines = [...result.stdout.split("\n"), ...result.stderr.split("\n")].filter((line) => line !== "");
    const stamped = lines.map((line) => ({ at: line.slice(0, line.indexOf(" ")), text: line.slice(line.indexOf(" ") + 1) }));
    // RFC 3339 stamps with nanoseconds sort as text; sort is stable for equal stamps.
    stamped.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    return stamped.map((line) => `${line.text}\n`).join("");
  }

  async state(id: string): Promise<{ Status: string; Running: boolean; ExitCode: number; Health?: { Status: string } }> {
    const result = await this.docker(["inspect", "--format", "{{json .State}}", id]);
    return JSON.parse(result.stdout);
  }

  /** The host port a container port was published on (`-p 127.0.0.1::2222`). */
  async hostPort(id: string, port: string): Promise<number> {
    const result = await this.docker(["port", id, port]);
    const match = /:(\d+)\s*$/m.exec(result.stdout);
    if (!match) throw new Error(`${port} of ${id} is not published: ${result.stdout}${result.stderr}`);
    return Number(match[1]);
  }

  /** Polls `check` until it returns a value or `seconds` pass; the last error explains a timeout. */
  async waitFor<T>(what: string, seconds: number, check: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + seconds * 1000;
    let last = "";
    for (;;) {
      try {
        const value = await check();
        if (value !== undefined) return value;
      } catch (error) {
        last = (error as Error).message;
      }
      if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}${last ? `: ${last}` : ""}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  waitHealthy(id: string, seconds = 90): Promise<true> {
    return this.waitFor(`${id.slice(0, 12)} to be healthy`, seconds, async () => {
      const state = await this.state(id);
      if (!state.Running) throw new Error(`it exited ${state.ExitCode}:\n${(await this.logs(id)).slice(-2000)}`);
      return state.Health?.Status === "healthy" ? true : undefined;
    });
  }

  /** Waits for a container to exit; returns its exit code. */
  waitExit(id: string, seconds: number): Promise<number> {
    return this.waitFor(`${id.slice(0, 12)} to exit`, seconds, async () => {
      const state = await this.state(id);
      return state.Running ? undefined : state.ExitCode;
    });
  }

  async removeAll(): Promise<void> {
    const listed = await this.docker(["ps", "-aq", "--filter", `label=${this.label}`]);
    const ids = listed.stdout.split("\n").filter(Boolean);
    if (ids.length > 0) await this.docker(["rm", "-f", "-v", ...ids]);
  }
}

export const platforms = [
  ["linux/amd64", "x86_64"],
  ["linux/arm64", "aarch64"],
] as const;
