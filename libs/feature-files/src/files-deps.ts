import type { BlobStore } from '@support-desk/blob-store';
import type { AdminGuard, UploadLimits } from '@support-desk/service-kit';
import type { FileLinks } from '@support-desk/ticket-domain';
import type { TicketStore } from '@support-desk/ticket-store';

export type FilesDeps = {
  tickets: TicketStore;
  blobs: BlobStore;
  links: FileLinks;
  limits: UploadLimits;
  adminGuard: AdminGuard;
  clock?: () => number;
  newId?: () => string;
};
