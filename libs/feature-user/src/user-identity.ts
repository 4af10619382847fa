import type { FastifyRequest } from 'fastify';
import { AppError, type UserAuth } from '@support-desk/service-kit';

/**
 * The verified uuid of the caller of a /api/user/tickets route. While
 * USER_AUTH=off there is none, and a uuid alone proves nothing: 403.
 */
export function verifiedUser(auth: UserAuth | undefined, request: FastifyRequest): string {
  const user = auth?.userOf(request);
  if (auth?.mode !== 'jwt' || !user) {
    throw new AppError(403, 'USER_AUTH.JWT_REQUIRED', 'Your tickets are served only with verified app users: set USER_AUTH=jwt (README "App users")');
  }
  return user;
}

/** Another user's ticket gets exactly the answer of a ticket that does not exist. */
export const ticketNotFound = (ticketId: string) => new AppError(404, 'TICKET.NOT_FOUND', `No support ticket ${ticketId}`);
