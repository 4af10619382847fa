/**
 * An error that has a stable code and a client-facing HTTP status. Anything else
 * reaching the error handler is unexpected: logged in full, answered with a bare 500.
 */
export type Issue = { path: string; message: string };

export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly issues?: Issue[],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (code: string, message: string, issues?: Issue[]) => new AppError(400, code, message, issues);
export const notFound = (code: string, message: string) => new AppError(404, code, message);
