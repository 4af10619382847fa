import { isErased } from '@support-desk/contracts';

/**
 * The words free-text search knows a ticket by: every run of letters and digits
 * in its subject and message, lowercased, accents dropped ("Café crashed!" →
 * cafe, crashed). One tokenizer for every adapter, so `q` matches the same
 * tickets everywhere: the SQLite FTS5 index and the MongoDB `words` field are
 * fed these words, never the raw text.
 *
 * Whole words only, no stemming and no prefixes: "crash" does not find
 * "crashes". A prefix or stem index would need its own token stream per adapter,
 * and the MongoDB-wire side can only test whole array elements cheaply.
 */
export function textWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
}

/**
 * The distinct words of a ticket's subject and message, in first-seen order. An
 * ERASED field has none: "erased" must not find every erased ticket.
 */
export function ticketWords(subject: string, message: string): string[] {
  const words = (text: string) => (isErased(text) ? [] : textWords(text));
  return [...new Set([...words(subject), ...words(message)])];
}
