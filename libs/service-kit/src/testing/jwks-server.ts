import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

type Key = { kid: string; alg: 'RS256' | 'ES256'; privateKey: CryptoKey; jwk: JWK };

/**
 * A JWKS of our own on 127.0.0.1 for tests: RS256 and ES256 keys, rotation
 * (`addKey` / `removeKey`), a count of fetches, and `sign` for tokens.
 */
export class TestJwksServer {
  fetches = 0;
  private readonly keys = new Map<string, Key>();
  private constructor(private readonly server: Server) {}

  static async start(): Promise<TestJwksServer> {
    const server = createServer();
    const jwks = new TestJwksServer(server);
    server.on('request', (_req, res) => {
      jwks.fetches++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [...jwks.keys.values()].map((k) => k.jwk) }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return jwks;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  async addKey(kid: string, alg: 'RS256' | 'ES256'): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    this.keys.set(kid, { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } });
  }

  removeKey(kid: string): void {
    this.keys.delete(kid);
  }

  /** A token signed with key `kid`; `claims` may override sub, iss, aud, exp (epoch s) or add others. */
  async sign(kid: string, claims: { sub?: string; iss?: string; aud?: string; exp?: number } & Record<string, unknown>): Promise<string> {
    const key = this.keys.get(kid);
    if (!key) throw new Error(`no key ${kid}`);
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ exp: now + 600, iat: now, ...claims }).setProtectedHeader({ alg: key.alg, kid }).sign(key.privateKey);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close').catch(() => undefined);
  }
}
