import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { expect, vi } from 'vitest';

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export type DeskProcess = { baseUrl: string; output: () => string; stop(): Promise<void>; crash(): Promise<void> };

/**
 * Runs `npm start` as a real process (its own process group, so SIGTERM reaches
 * node through npm and its shell) and waits until /api/health answers. On embedded
 * defaults: server addresses the test run has (CI exports infra/local's) are
 * dropped, unless `env` sets them.
 */
export async function startDeskProcess(cwd: string, env: Record<string, string>): Promise<DeskProcess> {
  const port = await freePort();
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(KAFKA_|MONGODB_|S3_|EVENTSTORE_)/.test(k)));
  const child: ChildProcess = spawn('npm', ['start', '--silent'], {
    cwd,
    env: { ...inherited, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const baseUrl = `http://127.0.0.1:${port}`;
  // Healthy or gone ends the wait: a process that died is reported at once, not after the timeout.
  await vi
    .waitFor(
      async () => {
        if (child.exitCode !== null) return;
        expect((await fetch(`${baseUrl}/api/health`)).ok).toBe(true); // fetch throws until it listens
      },
      { timeout: 60_000, interval: 200 },
    )
    .catch((error: unknown) => {
      killGroup(child.pid!);
      throw new Error(`npm start did not become healthy within 60 s:\n${output}`, { cause: error });
    });
  if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
  return {
    baseUrl,
    output: () => output,
    /** kill -9 of the whole group: a crash, no shutdown hooks run. */
    async crash() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      killGroup(child.pid!);
      await exited;
    },
    /** SIGTERM to the whole group, as a terminal's Ctrl-C or a process manager does; npm itself may end by the signal. */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      process.kill(-child.pid!, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child.pid!), 20_000);
      await exited;
      clearTimeout(timer);
      // npm may exit before the server has finished: wait (10 s at most) for the server's own last word.
      await vi.waitFor(() => expect(output).toMatch(/shut down cleanly|error during shutdown/), { timeout: 10_000, interval: 100 }).catch(() => undefined);
      killGroup(child.pid!); // nothing of the group may outlive the test
    },
  };
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
