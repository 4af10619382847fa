import type { FileLinks } from '@support-desk/ticket-domain';

/**
 * logPath / feedbackPhoto (and the links in Zendesk tickets) point at our admin
 * download routes, which check credentials: they work as long as we keep the
 * file, unlike a presigned URL that expires.
 */
export const fileLinks = (publicBaseUrl: string): FileLinks => ({
  supportFileUrl: (ticketId, fileType) => `${publicBaseUrl}/api/aws/download/support/file/${ticketId}/${fileType}`,
  imageUrl: (name) => `${publicBaseUrl}/api/admin/images/${encodeURIComponent(name)}`,
});
