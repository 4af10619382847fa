import { z } from 'zod';

/** Ids we generate are UUIDs; a malformed one is a 400, an unknown one a 404. */
export const uuidParam = (what: string) =>
  z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, {
    message: `${what} must be a UUID`,
  });

// Control characters break logs, Zendesk bodies and CSV exports downstream.
export const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** A required, trimmed, bounded, printable string. */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, { message: 'must not be empty' })
    .max(max, { message: `must be at most ${max} characters` })
    .refine((s) => !CONTROL_CHARS.test(s), { message: 'must not contain control characters' });

/** Optional string fields: absent, null and "" all mean "not given". */
export const optionalText = (max: number) =>
  z
    .union([z.string(), z.null()])
    .optional()
    .transform((v) => (v == null || v.trim() === '' ? null : v.trim()))
    .pipe(z.union([z.null(), text(max)]));

export const emailField = z
  .string()
  .trim()
  .max(254, { message: 'must be at most 254 characters' })
  .pipe(z.email({ message: 'must be a valid email address' }));

/** E.164-like: optional +, 6 to 15 digits; spaces, dashes, dots and parentheses allowed between. */
export const PHONE_PATTERN = /^\+?[0-9][0-9 ().-]{4,22}[0-9]$/;
export const phoneField = z
  .string()
  .trim()
  .refine((s) => PHONE_PATTERN.test(s) && countDigits(s) >= 6 && countDigits(s) <= 15, {
    message: 'must be a phone number: optional +, then 6 to 15 digits (spaces, dashes, dots and parentheses allowed)',
  });

function countDigits(s: string): number {
  return s.replace(/\D/g, '').length;
}

export const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp', 'heic'] as const;
/** Names that the common upload route generates: `<uuid>.<ext>`. */
export const IMAGE_NAME_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(jpg|jpeg|png|webp|heic)$/;
export const imageNameField = z
  .string()
  .trim()
  .toLowerCase()
  .regex(IMAGE_NAME_PATTERN, { message: 'must be an image name returned by /api/common/upload/file (<uuid>.<ext>)' });
