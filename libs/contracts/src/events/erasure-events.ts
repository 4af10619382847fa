/**
 * The erasure of one app user (issue 15, GDPR Art. 17): a process of its own
 * stream, `user-erasure-<uuid>`, driven by subscriptions (libs/feature-privacy).
 * These events carry ids, dates and an admin's audit trail, never personal data:
 * the uuid is the subject's id (the key index, the id other systems erase by),
 * and `reason` is an admin's free text (admins are told to keep it impersonal).
 * Field names are the published contract (./avro/UserErasure*.avsc, UserErased).
 */

/** What each step erases, run by the service that owns the adapter. */
export const ERASURE_STEPS = ['read-model', 'blobs', 'zendesk'] as const;
export type ErasureStep = (typeof ERASURE_STEPS)[number];

export type UserErasureRequested = {
  type: 'UserErasureRequested';
  data: {
    erasureId: string;
    uuid: string;
    /** Who asked: the admin token's id (a hash prefix, never the token), or `retention` for the scheduled job. */
    requestedBy: string;
    reason: string;
    requestedAt: number;
    /** What the steps work on, listed while the subject's data is still readable. */
    ticketIds: string[];
    zendeskTicketIds: string[];
    blobKeys: string[];
  };
};

export type UserErasureStepCompleted = {
  type: 'UserErasureStepCompleted';
  data: {
    erasureId: string;
    uuid: string;
    step: ErasureStep;
    /** How many things the step erased (views, blobs, Zendesk tickets); 0 when a replay found them gone. */
    count: number;
    /** Why the step did less than asked (e.g. Zendesk not configured), else null. */
    note: string | null;
    completedAt: number;
  };
};

/** The subject's data key is deleted: every personal field of theirs in the store is unreadable for good. */
export type UserErased = {
  type: 'UserErased';
  data: { erasureId: string; uuid: string; erasedAt: number };
};

export type ErasureEvent = UserErasureRequested | UserErasureStepCompleted | UserErased;
export type ErasureEventType = ErasureEvent['type'];

export const ERASURE_EVENT_TYPES: readonly ErasureEventType[] = ['UserErasureRequested', 'UserErasureStepCompleted', 'UserErased'];

export function isErasureEventType(type: string): type is ErasureEventType {
  return (ERASURE_EVENT_TYPES as readonly string[]).includes(type);
}

export const ERASURE_STREAM_PREFIX = 'user-erasure-';
export const erasureStreamId = (uuid: string): string => `${ERASURE_STREAM_PREFIX}${uuid}`;
