import type { BlobStore } from '@support-desk/blob-store';
import type { AdminGuard, UploadLimits, UserAuth } from '@support-desk/service-kit';
import type { FileLinks } from '@support-desk/ticket-domain';
import type { TicketCommandHandler } from '@support-desk/ticket-commands';

export type FilesDeps = {
  tickets: TicketCommandHandler;
  blobs: BlobStore;
  links: FileLinks;
  limits: UploadLimits;
  adminGuard: AdminGuard;
  /** USER_AUTH for the upload routes: with jwt a token is needed and only the user's own records take files; uploads per hour are limited. */
  userAuth?: UserAuth;
  clock?: () => number;
  newId?: () => string;
};
