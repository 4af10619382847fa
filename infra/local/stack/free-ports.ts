import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * The kernel's range for outgoing connections' local ports. A port picked inside
 * it can be free when checked and taken a moment later by any client socket
 * (a Kafka or MongoDB connection of the test run itself), so listeners pick below.
 */
function ephemeralPortRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high)) return [low!, high!];
  } catch {
    // not Linux: fall back to the IANA range
  }
  return [49_152, 65_535];
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `count` consecutive ports free on 127.0.0.1, from 10000 up to the ephemeral range. */
export async function freeConsecutivePorts(count: number): Promise<number> {
  const [ephemeralLow] = ephemeralPortRange();
  const low = 10_000;
  const span = Math.max(count, Math.min(ephemeralLow, 65_536) - low - count);
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = low + Math.floor(Math.random() * span);
    const free = await Promise.all(Array.from({ length: count }, (_, i) => portFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports found below ${ephemeralLow}`);
}
