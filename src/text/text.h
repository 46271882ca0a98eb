/* text: UTF-8 validation, NFC, tone placement, search folding, Vietnamese
 * collation keys. All inputs are byte strings with explicit lengths. */
#ifndef HOSO_TEXT_H
#define HOSO_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* 1 when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates, no
 * code point above U+10FFFF, no NUL byte), else 0. */
int utf8_valid(const char *s, size_t len);

/* NFC of s[0..len) as a new NUL-terminated malloc'd string (xmalloc); the
 * tone placement is kept as typed. NULL when s is not valid UTF-8.
 * Fast path: text that is already NFC (the usual case) is copied. */
char *text_nfc(const char *s, size_t len);

/* Canonical comparison form: NFC, lower case, and tone marks placed by the
 * new rule ("hoà" and "hòa" give the same bytes; "Hoà" too). New string
 * (xmalloc); NULL when s is not valid UTF-8. The rule, per word: skip the
 * initial consonants (the u of "qu" and the i of "gi" count as consonants
 * when another vowel follows); a vowel with a mark (ă â ê ô ơ ư) takes the
 * tone, the last one of two (người); else, before a final consonant, the
 * last vowel (hoàng); else one vowel takes it, of two the second for oa, oe,
 * uy (hoà, khoẻ, thuý) and the first otherwise (mùa, núi), of three the
 * middle one (ngoài, khuỷu). Words that are not one Vietnamese syllable
 * with one tone (foreign words, a tone on a consonant) are only
 * lower-cased. */
char *text_canon(const char *s, size_t len);

/* Search folding (queries.md): NFC, lower case, every tone and vowel mark
 * removed, đ/Đ become d. Writes at most outmax-1 bytes and a NUL into out
 * (nothing when outmax is 0), never half a character; returns the length
 * written. NFC and NFD input give the same bytes. Other characters are kept,
 * lower-cased, with every combining mark removed too (ü -> u, ά -> α); NUL
 * and bytes that are not UTF-8 are dropped. No allocation for Latin text.
 * An out of TEXT_FOLD_MAX(len) bytes is never truncated. */
#define TEXT_FOLD_MAX(len) ((len)*3 + 1)
size_t text_fold(const char *s, size_t len, char *out, size_t outmax);

/* Collation key of a full name (family + middle + given) for the order of
 * queries.md Q4: memcmp of two keys orders the names as the spec says
 * (letters of given, middle, family in the Vietnamese alphabet, case
 * ignored, a shorter part before a longer one it begins; then tones position
 * by position: none, huyền, hỏi, ngã, sắc, nặng). Ties are left to the
 * caller (by id). Writes at most outmax bytes; returns the key length, or 0
 * when outmax is too small (TEXT_COLLATE_KEY_MAX(len) is always enough).
 * The tones are compared where they were typed, as ICU does: old and new
 * placement (Hòa, Hoà) give different keys. NFC and NFD give the same key.
 * Words are split at white space, punctuation stays in its word; a name of
 * one word is a given name. Characters that are not letters of the alphabet
 * (digits, punctuation, other scripts) sort before the letters, by code
 * point; other marks (ü, ç) come last, after the tones, so distinct
 * spellings get distinct keys. Keys of Vietnamese names take about 1.5
 * bytes per letter; no allocation for names up to 256 bytes.
 * A bound of the key of a name of len bytes: a character that is not a
 * letter takes 4 bytes, a mark on it 5 more. */
#define TEXT_COLLATE_KEY_MAX(len) ((len)*7 + 4)
size_t text_collate_key(const char *name, size_t len, uint8_t *out,
			size_t outmax);

#endif
