import type { FastifyReply, FastifyRequest } from 'fastify';
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { AppError } from './app-error';

/**
 * Who the app user is. `off` (the seed's contract): app routes trust the body's
 * `uuid`, as before. `jwt`: every app route needs `Authorization: Bearer <JWT>`
 * verified with jose; the token's `sub` is the user's uuid.
 */
export const userAuthConfigSchema = z
  .object({
    USER_AUTH: z.enum(['off', 'jwt']).default('off'),
    /** RS256 / ES256 keys; fetched once, cached, and fetched again when a token names an unknown `kid`. */
    USER_JWT_JWKS_URL: z.url().optional(),
    /** HS256 shared secret (at least 32 bytes): for backends that sign with a secret, and for `npm run user-token`. */
    USER_JWT_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
    USER_JWT_ISSUER: z.string().min(1).optional(),
    USER_JWT_AUDIENCE: z.string().min(1).optional(),
    /** After a JWKS fetch, no other for this long, even for an unknown kid (a flood of bad kids must not hammer the key server). */
    USER_JWT_JWKS_COOLDOWN_SECONDS: z.coerce.number().min(0).default(30),
    /** Per user (per client address while USER_AUTH=off), per hour; 0 turns that limit off. */
    USER_RATE_LIMIT_TICKETS_PER_HOUR: z.coerce.number().int().min(0).default(10),
    USER_RATE_LIMIT_UPLOADS_PER_HOUR: z.coerce.number().int().min(0).default(60),
    USER_RATE_LIMIT_REPLIES_PER_HOUR: z.coerce.number().int().min(0).default(30),
  })
  .superRefine((c, ctx) => {
    if (c.USER_AUTH === 'jwt' && !c.USER_JWT_JWKS_URL && !c.USER_JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['USER_JWT_JWKS_URL'], message: 'USER_AUTH=jwt needs USER_JWT_JWKS_URL or USER_JWT_SECRET' });
    }
  });

export type UserAuthConfig = z.output<typeof userAuthConfigSchema>;

/** Clock skew accepted on exp / nbf / iat. */
export const USER_JWT_CLOCK_SKEW_SECONDS = 60;

export type UserLimitKind = 'tickets' | 'uploads' | 'replies';

/**
 * The app routes' view of identity: `authenticate` runs first on each app route
 * (onRequest; 401 in jwt mode), then `userOf` is the verified uuid (undefined
 * while off), and `limitPerHour` the route's abuse limit (0 = none).
 */
export type UserAuth = {
  mode: 'off' | 'jwt';
  authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  userOf(request: FastifyRequest): string | undefined;
  limitPerHour(kind: UserLimitKind): number;
};

/** The key of an app token (HS256 secret and/or a JWKS), as jose's key resolver. */
export type UserKeys = { secret?: string; jwks?: JWTVerifyGetKey };

export function userKeysFrom(config: UserAuthConfig): UserKeys {
  return {
    ...(config.USER_JWT_SECRET ? { secret: config.USER_JWT_SECRET } : {}),
    // jose caches the set and refetches on an unknown kid (at most once per cooldown).
    ...(config.USER_JWT_JWKS_URL
      ? {
          jwks: createRemoteJWKSet(new URL(config.USER_JWT_JWKS_URL), {
            cooldownDuration: config.USER_JWT_JWKS_COOLDOWN_SECONDS * 1000,
            timeoutDuration: 5000,
          }),
        }
      : {}),
  };
}

export function createUserAuth(config: UserAuthConfig, keys: UserKeys = userKeysFrom(config)): UserAuth {
  const limits: Record<UserLimitKind, number> = {
    tickets: config.USER_RATE_LIMIT_TICKETS_PER_HOUR,
    uploads: config.USER_RATE_LIMIT_UPLOADS_PER_HOUR,
    replies: config.USER_RATE_LIMIT_REPLIES_PER_HOUR,
  };
  const users = new WeakMap<FastifyRequest, string>();
  if (config.USER_AUTH === 'off') {
    return { mode: 'off', authenticate: async () => undefined, userOf: () => undefined, limitPerHour: (k) => limits[k] };
  }
  const verify = tokenVerifier(config, keys);
  return {
    mode: 'jwt',
    async authenticate(request, reply) {
      const header = request.headers.authorization;
      const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
      if (!match) {
        void reply.header('WWW-Authenticate', 'Bearer realm="support-desk-app"');
        throw new AppError(401, 'USER_AUTH.REQUIRED', 'Sign-in required: send Authorization: Bearer <app user JWT>');
      }
      users.set(request, await verify(match[1]!, reply));
    },
    userOf: (request) => users.get(request),
    limitPerHour: (k) => limits[k],
  };
}

function tokenVerifier(config: UserAuthConfig, keys: UserKeys): (token: string, reply: FastifyReply) => Promise<string> {
  const options = {
    ...(config.USER_JWT_ISSUER ? { issuer: config.USER_JWT_ISSUER } : {}),
    ...(config.USER_JWT_AUDIENCE ? { audience: config.USER_JWT_AUDIENCE } : {}),
    clockTolerance: USER_JWT_CLOCK_SKEW_SECONDS,
    requiredClaims: ['sub', 'exp'],
  };
  const secret = keys.secret ? new TextEncoder().encode(keys.secret) : undefined;
  return async (token, reply) => {
    try {
      const alg = algorithmOf(token);
      let sub: string | undefined;
      if (alg === 'HS256' && secret) sub = (await jwtVerify(token, secret, { ...options, algorithms: ['HS256'] })).payload.sub;
      else if ((alg === 'RS256' || alg === 'ES256') && keys.jwks)
        sub = (await jwtVerify(token, keys.jwks, { ...options, algorithms: ['RS256', 'ES256'] })).payload.sub;
      else throw new errors.JOSEAlgNotAllowed(`alg ${alg} is not accepted`);
      if (!sub) throw new errors.JWTClaimValidationFailed('missing sub', {}, 'sub', 'missing');
      return sub;
    } catch (error) {
      if (isKeySetProblem(error))
        throw new AppError(503, 'USER_AUTH.KEYS_UNAVAILABLE', 'The app token keys (USER_JWT_JWKS_URL) cannot be fetched right now; retry later');
      if (!isTokenProblem(error)) throw error;
      void reply.header('WWW-Authenticate', 'Bearer realm="support-desk-app", error="invalid_token"');
      throw new AppError(401, error instanceof errors.JWTExpired ? 'USER_AUTH.EXPIRED' : 'USER_AUTH.INVALID', tokenMessage(error));
    }
  };
}

/** The header's alg, read without trusting it: it only picks which key may verify. */
function algorithmOf(token: string): string {
  try {
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { alg?: unknown };
    return typeof header.alg === 'string' ? header.alg : 'none';
  } catch {
    throw new errors.JWSInvalid('not a JWT');
  }
}

/** A JWKS that cannot be fetched or read is our side's fault, not the token's: 503, not 401. */
function isKeySetProblem(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true;
  if (error instanceof errors.JOSEError) return error.code === 'ERR_JOSE_GENERIC';
  // fetch() failing (connection refused, DNS) is a TypeError.
  return error instanceof TypeError;
}

function isTokenProblem(error: unknown): error is errors.JOSEError {
  return error instanceof errors.JOSEError;
}

function tokenMessage(error: errors.JOSEError): string {
  if (error instanceof errors.JWTExpired) return 'The app token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `The app token's ${error.claim} claim is not accepted`;
  return 'The app token is not valid';
}
