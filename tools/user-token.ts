/**
 * Prints an app user JWT for trying USER_AUTH=jwt locally:
 *   USER_JWT_SECRET=… npm run user-token -- <uuid> [expiry, e.g. 2h]
 * Signed HS256 with USER_JWT_SECRET, with USER_JWT_ISSUER / USER_JWT_AUDIENCE when set.
 */
import { ConfigError, mintUserToken, parseConfig, userAuthConfigSchema } from '@support-desk/service-kit';

const [sub, expiresIn] = process.argv.slice(2);
if (!sub) {
  console.error('usage: npm run user-token -- <uuid> [expiry, e.g. 1h]');
  process.exit(2);
}
try {
  const config = parseConfig(userAuthConfigSchema, { ...process.env, USER_AUTH: 'jwt' });
  if (!config.USER_JWT_SECRET) throw new ConfigError(['USER_JWT_SECRET: set it (at least 32 characters) to mint tokens locally']);
  console.log(
    await mintUserToken({
      secret: config.USER_JWT_SECRET,
      sub,
      issuer: config.USER_JWT_ISSUER,
      audience: config.USER_JWT_AUDIENCE,
      expiresIn: expiresIn ?? '1h',
    }),
  );
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`user-token: ${error.message}`);
  process.exit(1);
}
