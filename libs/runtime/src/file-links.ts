import type { FileLinks } from '@support-desk/ticket-domain';

/** logPath / feedbackPhoto point at our admin download route, which checks credentials. */
export const fileLinks = (publicBaseUrl: string): FileLinks => ({
  supportFileUrl: (ticketId, fileType) => `${publicBaseUrl}/api/aws/download/support/file/${ticketId}/${fileType}`,
});
