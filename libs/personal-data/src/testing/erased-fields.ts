import { ERASED } from '@support-desk/contracts';

/** What a TicketRequested of the specs (no name) reads as once its subject's key is erased. */
export const ERASED_TICKET_REQUEST_FIELDS = {
  udid: ERASED,
  subject: ERASED,
  message: ERASED,
  email: ERASED,
  name: null,
  phone: ERASED,
  images: [],
} as const;
