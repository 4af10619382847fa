import { createUserAuth, parseConfig, userAuthConfigSchema, type UserAuth } from '@support-desk/service-kit';

export { userAuthConfigSchema, type UserAuthConfig } from '@support-desk/service-kit';

type Log = { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };

/**
 * The app user's identity for a service with app routes (USER_AUTH, USER_JWT_*,
 * USER_RATE_LIMIT_*; README "App users"). Parsed only by those services, so the
 * others are never refused for these settings.
 */
export function openUserAuth(env: Record<string, string | undefined>, log: Log): UserAuth {
  const config = parseConfig(userAuthConfigSchema, env);
  if (config.USER_AUTH === 'off') {
    log.warn(
      { USER_AUTH: 'off' },
      'app routes are unauthenticated (USER_AUTH=off): the uuid the app sends is trusted and /api/user/tickets is refused; set USER_AUTH=jwt with USER_JWT_JWKS_URL or USER_JWT_SECRET',
    );
  } else {
    log.info(
      { jwks: config.USER_JWT_JWKS_URL ?? null, hs256: Boolean(config.USER_JWT_SECRET), issuer: config.USER_JWT_ISSUER ?? null },
      'app routes need an app user JWT',
    );
  }
  return createUserAuth(config);
}
