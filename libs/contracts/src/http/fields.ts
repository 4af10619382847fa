import { z } from 'zod';

/** Ids we generate are UUIDs; a malformed one is a 400, an unknown one a 404. */
export const uuidParam = (what: string) =>
  z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, {
    message: `${what} must be a UUID`,
  });

// Control characters break logs, Zendesk bodies and CSV exports downstream.
export const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/*
 * The same rules as JSON Schema patterns, so the OpenAPI document states what the
 * validation enforces (the checks above keep their own messages). Whitespace is
 * spelled out, as JavaScript's trim() knows it, for other regex engines' sake.
 */
const CONTROL_CLASS = '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F';
const SPACE_CLASS = '\\s\\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF';
/** No control characters (tab, line feed and carriage return are allowed). */
export const NO_CONTROL_CHARS_PATTERN = `^[^${CONTROL_CLASS}]*$`;
/** Not blank, and no control characters. */
export const PRINTABLE_TEXT_PATTERN = `^[^${CONTROL_CLASS}]*[^${SPACE_CLASS}${CONTROL_CLASS}][^${CONTROL_CLASS}]*$`;

/** A required, trimmed, bounded, printable string. */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, { message: 'must not be empty' })
    .max(max, { message: `must be at most ${max} characters` })
    .refine((s) => !CONTROL_CHARS.test(s), { message: 'must not contain control characters' })
    .meta({ pattern: PRINTABLE_TEXT_PATTERN });

/** Optional string fields: absent, null and "" all mean "not given". */
export const optionalText = (max: number) =>
  z
    .union([z.string().meta({ maxLength: max, pattern: NO_CONTROL_CHARS_PATTERN }), z.null()])
    .optional()
    .transform((v) => (v == null || v.trim() === '' ? null : v.trim()))
    .pipe(z.union([z.null(), text(max)]));

/** zod's email rule (z.regexes.email) without look-aheads: no leading dot, no "..", ASCII domain. */
export const EMAIL_PATTERN = "^(?:[A-Za-z0-9_'+-]+\\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\\.)+[A-Za-z]{2,}$";

export const emailField = z
  .string()
  .trim()
  .max(254, { message: 'must be at most 254 characters' })
  // No `format: email` in the document: RFC 5321's limits (64-character local part) are not what we check.
  .meta({ pattern: EMAIL_PATTERN, description: 'An email address' })
  .pipe(z.email({ message: 'must be a valid email address' }));

/** E.164-like: optional +, 6 to 15 digits; spaces, dashes, dots and parentheses allowed between. */
export const PHONE_PATTERN = /^\+?[0-9][0-9 ().-]{4,22}[0-9]$/;
/**
 * PHONE_PATTERN and its digit count as JSON Schema, for the document: a number
 * (at most two separators in a row) of at most 24 characters after the optional +.
 * The input's other accepted form, blank, means "not given".
 */
export const phoneDocSchemas = () => [
  z.string().meta({ maxLength: 24, pattern: '^[0-9](?:[ ().-]{0,2}[0-9]){5,14}$' }),
  z.string().meta({ maxLength: 25, pattern: '^\\+[0-9](?:[ ().-]{0,2}[0-9]){5,14}$' }),
  z.string().meta({ pattern: '^[ \\t\\r\\n]*$', description: 'blank: not given' }),
];
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
