import { SignJWT } from 'jose';

/**
 * An HS256 app user token for `sub` = the user's uuid, signed with
 * USER_JWT_SECRET: what `npm run user-token -- <uuid>` prints for trying the
 * app routes locally. Real apps get theirs from their own backend.
 */
export async function mintUserToken(options: {
  secret: string;
  sub: string;
  issuer?: string;
  audience?: string;
  expiresIn?: string | number;
}): Promise<string> {
  let jwt = new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h');
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret));
}
