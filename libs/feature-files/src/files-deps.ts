import type { BlobStore } from '@support-desk/blob-store';
import type { AdminGuard, UploadLimits } from '@support-desk/service-kit';
import type { FileLinks } from '@support-desk/ticket-domain';
import type { TicketCommandHandler } from '@support-desk/ticket-commands';

export type FilesDeps = {
  tickets: TicketCommandHandler;
  blobs: BlobStore;
  links: FileLinks;
  limits: UploadLimits;
  adminGuard: AdminGuard;
  clock?: () => number;
  newId?: () => string;
};
