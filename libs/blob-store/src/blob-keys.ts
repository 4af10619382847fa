import type { SupportFileType } from '@support-desk/contracts';

/** The bucket layout, in one place: every writer and reader of blobs uses these. */
export const imageBlobKey = (name: string): string => `images/${name}`;

/** One key per upload, so a new upload never overwrites the bytes an earlier event points to. */
export const supportFileBlobKey = (ticketId: string, fileType: SupportFileType, uploadId: string): string =>
  `support-files/${ticketId}/${fileType}/${uploadId}`;
