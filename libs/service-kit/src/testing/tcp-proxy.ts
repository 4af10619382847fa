import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of the test server, to make it unreachable
 * without touching the shared server: `refuse` resets every connection,
 * `blackhole` accepts and never answers (a connect timeout), `partition` leaves
 * open connections silent forever (no reset: a network partition) and treats new
 * ones as `refuse`; `forward` is normal.
 */
export class TcpProxy {
  private mode: 'forward' | 'refuse' | 'blackhole' = 'forward';
  private readonly sockets = new Set<Socket>();
  private readonly silenced = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly target: { host: string; port: number },
  ) {
    server.on('connection', (socket) => this.accept(socket));
  }

  static async start(targetUrl: string): Promise<TcpProxy> {
    const url = new URL(targetUrl);
    const server = createServer();
    const proxy = new TcpProxy(server, { host: url.hostname, port: Number(url.port || 5432) });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** `targetUrl` with host and port replaced by the proxy's. */
  urlFor(targetUrl: string): string {
    const url = new URL(targetUrl);
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('proxy not listening');
    url.hostname = '127.0.0.1';
    url.port = String(address.port);
    return url.toString();
  }

  /** Drops every open connection (or, for `partition`, silences it) and handles new ones per `mode`. */
  cut(mode: 'refuse' | 'blackhole' | 'partition'): void {
    if (mode === 'partition') {
      this.mode = 'refuse';
      for (const socket of this.sockets) {
        socket.unpipe();
        socket.pause();
        this.silenced.add(socket);
      }
      this.sockets.clear();
      return;
    }
    this.mode = mode;
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
  }

  /** New connections go through again; connections silenced by a partition stay dead. */
  heal(): void {
    this.mode = 'forward';
  }

  restore(): void {
    this.mode = 'forward';
    for (const socket of this.sockets) socket.destroy(); // held by the blackhole
    this.sockets.clear();
  }

  async stop(): Promise<void> {
    this.cut('refuse');
    for (const socket of this.silenced) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.mode === 'refuse') return void client.resetAndDestroy();
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => undefined);
    if (this.mode === 'blackhole') return;
    const upstream = connect(this.target.port, this.target.host);
    this.sockets.add(upstream);
    upstream.on('close', () => {
      this.sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => undefined);
    client.on('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  }
}
