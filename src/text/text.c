/* text: UTF-8 validation, NFC, Vietnamese tone placement, folding, collation
 * keys. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/core.h"
#include "text/text.h"

#include "core/banned.h"

/* ---- UTF-8 decoding ---- */

/* Decodes the code point at s[*i] and advances *i past it. Returns -1 and
 * advances one byte when the bytes there are not well-formed UTF-8 (overlong,
 * surrogate, above U+10FFFF, truncated, stray continuation). NUL gives 0. */
static inline int32_t utf8_next(const uint8_t *s, size_t len, size_t *i)
{
	size_t p = *i, n, k;
	uint8_t c = s[p];
	int32_t cp, min;

	if (c < 0x80) {
		*i = p + 1;
		return c;
	}
	/* a continuation byte, or C0/C1, leads that can only be overlong */
	if (c < 0xC2)
		goto bad;
	if (c < 0xE0) {
		n = 2;
		cp = c & 0x1F;
		min = 0x80;
	} else if (c < 0xF0) {
		n = 3;
		cp = c & 0x0F;
		min = 0x800;
	} else if (c < 0xF5) {
		n = 4;
		cp = c & 0x07;
		min = 0x10000;
	} else {
		goto bad;
	}
	if (len - p < n)
		goto bad;
	for (k = 1; k < n; k++) {
		uint8_t d = s[p + k];
		if ((d & 0xC0) != 0x80)
			goto bad;
		cp = (cp << 6) | (d & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		goto bad;
	*i = p + n;
	return cp;
bad:
	*i = p + 1;
	return -1;
}

int utf8_valid(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0;

	while (i < len) {
		if (p[i] >= 0x01 && p[i] < 0x80) {
			i++;
			continue;
		}
		if (utf8_next(p, len, &i) <= 0)
			return 0;
	}
	return 1;
}

/* Writes cp as UTF-8 into out (4 bytes of room); returns the byte count. */
static size_t utf8_put(int32_t cp, uint8_t *out)
{
	if (cp < 0x80) {
		out[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (uint8_t)(0xC0 | (cp >> 6));
		out[1] = (uint8_t)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (uint8_t)(0xE0 | (cp >> 12));
		out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (uint8_t)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (uint8_t)(0xF0 | (cp >> 18));
	out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (uint8_t)(0x80 | (cp & 0x3F));
	return 4;
}

/* ---- character classes ---- */

/* Combining marks (Mn, Mc, Me). U+0300..U+036F, where every Vietnamese
 * mark lives, is answered without a table lookup. */
static int is_mark(int32_t cp)
{
	utf8proc_category_t cat;

	if (cp < 0x300)
		return 0;
	if (cp < 0x370)
		return 1;
	cat = utf8proc_category(cp);
	return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
	       cat == UTF8PROC_CATEGORY_ME;
}

/* White space that separates words: ASCII space and controls \t..\r, and
 * the Unicode separators (Zs, Zl, Zp), listed because the set is small,
 * fixed, and asked about for every character of every name. */
static int is_space(int32_t cp)
{
	if (cp < 0x80)
		return cp == ' ' || (cp >= '\t' && cp <= '\r');
	if (cp < 0x1680)
		return cp == 0x00A0;
	return cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
	       cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

static int32_t to_lower(int32_t cp)
{
	if (cp < 0x80)
		return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
	return utf8proc_tolower(cp);
}

/* The five tone marks (as combining characters) by tone number:
 * 1 huyền, 2 hỏi, 3 ngã, 4 sắc, 5 nặng; 0 when cp is not a tone mark. */
static int tone_of(int32_t cp)
{
	switch (cp) {
	case 0x0300:
		return 1;
	case 0x0309:
		return 2;
	case 0x0303:
		return 3;
	case 0x0301:
		return 4;
	case 0x0323:
		return 5;
	default:
		return 0;
	}
}

static const int32_t tone_mark[6] = {0, 0x0300, 0x0309, 0x0303, 0x0301, 0x0323};

#define MARK_BREVE	0x0306
#define MARK_CIRCUMFLEX 0x0302
#define MARK_HORN	0x031B

/* Rank of a base letter in the alphabet a ă â b c d đ e ê f g h i j k l m n o
 * ô ơ p q r s t u ư v w x y z (lower case), or -1. */
static int letter_rank(int32_t cp)
{
	static const int8_t ascii_rank[26] = {
	    0,	3,  4,	5,  7,	9,  10, 11, 12, 13, 14, 15, 16,
	    17, 18, 21, 22, 23, 24, 25, 26, 28, 29, 30, 31, 32,
	};

	if (cp >= 'a' && cp <= 'z')
		return ascii_rank[cp - 'a'];
	if (cp == 0x0111)
		return 6; /* đ */
	return -1;
}

/* Rank of base letter rank + vowel mark (ă â ê ô ơ ư), or -1. */
static int rank_with_mark(int rank, int32_t mark)
{
	switch (mark) {
	case MARK_BREVE:
		return rank == 0 ? 1 : -1;
	case MARK_CIRCUMFLEX:
		return rank == 0 ? 2 : rank == 7 ? 8 : rank == 18 ? 19 : -1;
	case MARK_HORN:
		return rank == 18 ? 20 : rank == 26 ? 27 : -1;
	default:
		return -1;
	}
}

/* Lower case, đ -> d, for a non-mark code point of a decomposition. */
static int32_t fold_base(int32_t cp)
{
	cp = to_lower(cp);
	if (cp == 0x0111)
		return 'd';
	return cp;
}

/* ---- canonical decomposition with a cache for the Latin ranges ---- */

/* Full canonical decompositions are at most 4 code points long; 8 leaves
 * room without trusting that. */
#define DECOMP_MAX 8
/* Cached ranges: ASCII, Latin-1, Latin Extended-A/B, IPA, spacing modifiers,
 * combining diacritics, and Latin Extended Additional (all of Vietnamese). */
#define DEC_LOW_END   0x370
#define DEC_EXT_START 0x1E00
#define DEC_EXT_END   0x1F00

struct decomp {
	uint8_t n;		     /* 0: not cached, ask utf8proc */
	uint8_t first_ccc, last_ccc; /* combining classes at both ends */
	uint16_t cp[4];
};

static struct decomp dec_low[DEC_LOW_END];
static struct decomp dec_ext[DEC_EXT_END - DEC_EXT_START];

/* What fold and collation make of one cached character, so that a
 * precomposed Vietnamese letter costs one lookup instead of a decomposition
 * and a walk over its marks. Filled from the decomposition by the same
 * rules as the slow paths, so both give the same bytes. */
struct vn_char {
	int8_t rank;  /* letter with its vowel mark, or -1: use the slow path */
	uint8_t tone; /* 0..5 */
	uint8_t vmark; /* 1 when rank includes a vowel mark */
	uint8_t fold;  /* folded ASCII byte, or 0: use the slow path */
};

static struct vn_char vn_low[DEC_LOW_END];
static struct vn_char vn_ext[DEC_EXT_END - DEC_EXT_START];
static pthread_once_t dec_once = PTHREAD_ONCE_INIT;

static int decompose_uncached(int32_t cp, int32_t *dst)
{
	int boundclass = 0;
	utf8proc_ssize_t n = utf8proc_decompose_char(
	    cp, dst, DECOMP_MAX, UTF8PROC_DECOMPOSE, &boundclass);

	if (n <= 0 || n > DECOMP_MAX) {
		dst[0] = cp;
		return 1;
	}
	return (int)n;
}

static void dec_fill(struct decomp *d, int32_t cp)
{
	int32_t tmp[DECOMP_MAX];
	int n = decompose_uncached(cp, tmp), k;

	d->n = 0;
	d->first_ccc = (uint8_t)utf8proc_get_property(tmp[0])->combining_class;
	d->last_ccc =
	    (uint8_t)utf8proc_get_property(tmp[n - 1])->combining_class;
	if (n > 4)
		return;
	for (k = 0; k < n; k++)
		if (tmp[k] > 0xFFFF)
			return;
	for (k = 0; k < n; k++)
		d->cp[k] = (uint16_t)tmp[k];
	d->n = (uint8_t)n;
}

static void vn_fill(struct vn_char *v, int32_t cp)
{
	int32_t d[DECOMP_MAX], base;
	int n = decompose_uncached(cp, d), k, rank;

	v->rank = -1;
	v->tone = 0;
	v->vmark = 0;
	v->fold = 0;
	base = fold_base(d[0]);
	if (base > 0 && base < 0x80 && !is_mark(d[0])) {
		for (k = 1; k < n && is_mark(d[k]); k++)
			;
		if (k == n)
			v->fold = (uint8_t)base;
	}
	rank = letter_rank(to_lower(d[0]));
	if (rank < 0)
		return;
	for (k = 1; k < n; k++) {
		int t = tone_of(d[k]), r;
		if (t && !v->tone) {
			v->tone = (uint8_t)t;
			continue;
		}
		r = rank_with_mark(rank, d[k]);
		if (r < 0 || v->vmark)
			return;
		rank = r;
		v->vmark = 1;
	}
	v->rank = (int8_t)rank;
}

static void dec_init_once(void)
{
	int32_t cp;

	for (cp = 0; cp < DEC_LOW_END; cp++) {
		dec_fill(&dec_low[cp], cp);
		vn_fill(&vn_low[cp], cp);
	}
	for (cp = DEC_EXT_START; cp < DEC_EXT_END; cp++) {
		dec_fill(&dec_ext[cp - DEC_EXT_START], cp);
		vn_fill(&vn_ext[cp - DEC_EXT_START], cp);
	}
}

/* The cached analysis of cp, or NULL outside the cached ranges. */
static const struct vn_char *vn_char_of(int32_t cp)
{
	if (cp < DEC_LOW_END)
		return &vn_low[cp];
	if (cp >= DEC_EXT_START && cp < DEC_EXT_END)
		return &vn_ext[cp - DEC_EXT_START];
	return NULL;
}

static void dec_init(void)
{
	pthread_once(&dec_once, dec_init_once);
}

/* Canonical decomposition of cp into dst[DECOMP_MAX]; returns the count.
 * dec_init() must have run. */
static int decompose(int32_t cp, int32_t *dst)
{
	const struct decomp *d = NULL;
	int k;

	if (cp < DEC_LOW_END)
		d = &dec_low[cp];
	else if (cp >= DEC_EXT_START && cp < DEC_EXT_END)
		d = &dec_ext[cp - DEC_EXT_START];
	if (d && d->n) {
		for (k = 0; k < d->n; k++)
			dst[k] = d->cp[k];
		return d->n;
	}
	return decompose_uncached(cp, dst);
}

/* Canonical combining classes of the first and last code point of cp's
 * decomposition: a mark whose class is below the last one before it is out
 * of canonical order. */
static void ccc_ends(int32_t cp, int *first, int *last)
{
	const struct decomp *d = NULL;
	int32_t tmp[DECOMP_MAX];
	int n;

	if (cp < DEC_LOW_END)
		d = &dec_low[cp];
	else if (cp >= DEC_EXT_START && cp < DEC_EXT_END)
		d = &dec_ext[cp - DEC_EXT_START];
	if (d) {
		*first = d->first_ccc;
		*last = d->last_ccc;
		return;
	}
	n = decompose_uncached(cp, tmp);
	*first = utf8proc_get_property(tmp[0])->combining_class;
	*last = utf8proc_get_property(tmp[n - 1])->combining_class;
}

/* ---- NFC ---- */

/* NFC (opt UTF8PROC_COMPOSE) or NFD (UTF8PROC_DECOMPOSE) through utf8proc
 * into an xmalloc'd NUL-terminated string; NULL when utf8proc rejects the
 * input. */
static char *normalize_slow(const uint8_t *s, size_t len,
			    utf8proc_option_t form)
{
	const utf8proc_option_t opt = UTF8PROC_STABLE | form;
	utf8proc_ssize_t n, m;
	int32_t *buf;

	n = utf8proc_decompose(s, (utf8proc_ssize_t)len, NULL, 0, opt);
	if (n < 0)
		return NULL;
	/* reencode writes UTF-8 over the code points and a NUL after them */
	buf = xmalloc((size_t)n * sizeof(*buf) + 1);
	m = utf8proc_decompose(s, (utf8proc_ssize_t)len, buf, n, opt);
	if (m < 0 || m > n)
		goto fail;
	if (utf8proc_reencode(buf, m, opt) < 0)
		goto fail;
	return (char *)buf;
fail:
	free(buf);
	return NULL;
}

static char *nfc_slow(const uint8_t *s, size_t len)
{
	return normalize_slow(s, len, UTF8PROC_COMPOSE);
}

/* Code points that are NFC on their own and never combine with what is
 * around them: everything below U+0300 (no combining marks, no characters
 * that NFC would replace) and the precomposed Vietnamese letters. */
static int nfc_stable(int32_t cp)
{
	return cp < 0x300 || (cp >= 0x1EA0 && cp <= 0x1EF9);
}

char *text_nfc(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0;
	int fast = 1;

	while (i < len) {
		int32_t cp;

		if (p[i] >= 0x01 && p[i] < 0x80) {
			i++;
			continue;
		}
		cp = utf8_next(p, len, &i);
		if (cp <= 0)
			return NULL;
		if (!nfc_stable(cp))
			fast = 0;
	}
	if (fast)
		return xstrndup(s, len);
	return nfc_slow(p, len);
}

/* ---- canonical tone placement ---- */

/* Longest word that text_canon re-places the tone in: a Vietnamese syllable
 * has at most 7 letters (nghiêng); longer runs are foreign and kept. */
#define SYLLABLE_MAX 16

struct vn_letter {
	int32_t base;  /* a..z or đ (U+0111), lower case */
	int32_t vmark; /* breve, circumflex or horn, or 0 */
	int tone;      /* 0..5 */
};

static int is_vowel(int32_t base)
{
	return base == 'a' || base == 'e' || base == 'i' || base == 'o' ||
	       base == 'u' || base == 'y';
}

static int vmark_fits(int32_t base, int32_t mark)
{
	switch (mark) {
	case MARK_BREVE:
		return base == 'a';
	case MARK_CIRCUMFLEX:
		return base == 'a' || base == 'e' || base == 'o';
	case MARK_HORN:
		return base == 'o' || base == 'u';
	default:
		return 0;
	}
}

static int is_word_letter(int32_t cp)
{
	return (cp >= 'a' && cp <= 'z') || cp == 0x0111;
}

/* Index in L[0..n) of the letter that carries the tone by the "new" rule,
 * or -1 when the letters do not form one Vietnamese syllable.
 *
 * The rule (the placement of the 1997 school spelling and of most
 * keyboards today): skip the initial consonants, counting the u of "qu" and
 * the i of "gi" as consonants when another vowel follows;
 *  1. a vowel with a mark (ă â ê ô ơ ư) takes the tone, the last one when
 *     there are two (ươ: người);
 *  2. else, when a final consonant follows, the last vowel (hoàng, huých);
 *  3. else one vowel takes it; of two, the second for oa, oe, uy (hoà,
 *     khoẻ, thuý) and the first otherwise (mùa, núi, máy); of three, the
 *     middle one (ngoái, khuỷu). */
static int tone_target(const struct vn_letter *L, int n)
{
	int i0 = 0, i1, k, nv;

	while (i0 < n && !is_vowel(L[i0].base))
		i0++;
	if (i0 == n)
		return -1;
	i1 = i0;
	while (i1 < n && is_vowel(L[i1].base))
		i1++;
	for (k = i1; k < n; k++)
		if (is_vowel(L[k].base))
			return -1; /* two vowel groups: not one syllable */
	if (i1 - i0 >= 2 && !L[i0].vmark &&
	    ((i0 >= 1 && L[i0 - 1].base == 'q' && L[i0].base == 'u') ||
	     (i0 == 1 && L[0].base == 'g' && L[i0].base == 'i')))
		i0++;
	for (k = i1 - 1; k >= i0; k--)
		if (L[k].vmark)
			return k;
	if (i1 < n)
		return i1 - 1;
	nv = i1 - i0;
	if (nv == 1)
		return i0;
	if (nv == 2) {
		int32_t a = L[i0].base, b = L[i0 + 1].base;
		if ((a == 'o' && (b == 'a' || b == 'e')) ||
		    (a == 'u' && b == 'y'))
			return i0 + 1;
		return i0;
	}
	if (nv == 3)
		return i0 + 1;
	return -1;
}

/* Re-places the tone of the word cps[0..n) (NFD, lower case, starting with
 * a letter) in place. Words that are not a plain Vietnamese syllable with
 * one tone (foreign marks, a tone on a consonant, two tones) are left. */
static void canon_word(int32_t *cps, size_t n)
{
	struct vn_letter L[SYLLABLE_MAX];
	int nl = 0, tone = 0, target, k;
	size_t i, o;

	for (i = 0; i < n; i++) {
		int32_t cp = cps[i];
		int t;

		if (is_word_letter(cp)) {
			if (nl == SYLLABLE_MAX)
				return;
			L[nl].base = cp;
			L[nl].vmark = 0;
			L[nl].tone = 0;
			nl++;
			continue;
		}
		t = tone_of(cp);
		if (t) {
			if (tone || !is_vowel(L[nl - 1].base))
				return;
			tone = t;
			continue;
		}
		if (L[nl - 1].vmark || !vmark_fits(L[nl - 1].base, cp))
			return;
		L[nl - 1].vmark = cp;
	}
	if (!tone)
		return;
	target = tone_target(L, nl);
	if (target < 0)
		return;
	L[target].tone = tone;
	/* Vowel mark before tone: with equal combining classes NFC composes
	 * in that order only (e + ̂ + ́ gives ế; e + ́ + ̂ does not). */
	o = 0;
	for (k = 0; k < nl; k++) {
		cps[o++] = L[k].base;
		if (L[k].vmark)
			cps[o++] = L[k].vmark;
		if (L[k].tone)
			cps[o++] = tone_mark[L[k].tone];
	}
}

char *text_canon(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	const utf8proc_option_t opt = UTF8PROC_STABLE | UTF8PROC_DECOMPOSE;
	utf8proc_ssize_t n, m;
	int32_t *cps = NULL;
	uint8_t *utf = NULL;
	char *res = NULL;
	size_t i, j, o;

	if (!utf8_valid(s, len))
		goto out;
	n = utf8proc_decompose(p, (utf8proc_ssize_t)len, NULL, 0, opt);
	if (n < 0)
		goto out;
	cps = xmalloc(((size_t)n + 1) * sizeof(*cps));
	m = utf8proc_decompose(p, (utf8proc_ssize_t)len, cps, n, opt);
	if (m < 0 || m > n)
		goto out;
	for (i = 0; i < (size_t)m; i++)
		cps[i] = to_lower(cps[i]);
	for (i = 0; i < (size_t)m;) {
		if (!is_word_letter(cps[i])) {
			i++;
			continue;
		}
		for (j = i + 1; j < (size_t)m; j++)
			if (!is_word_letter(cps[j]) &&
			    !(cps[j] >= 0x300 && cps[j] < 0x370))
				break;
		/* a mark from another block on the word: not Vietnamese */
		if (j == (size_t)m || !is_mark(cps[j]))
			canon_word(cps + i, j - i);
		i = j;
	}
	utf = xmalloc((size_t)m * 4 + 1);
	for (i = 0, o = 0; i < (size_t)m; i++)
		o += utf8_put(cps[i], utf + o);
	/* lower-casing may leave marks out of canonical order or characters
	 * that compose differently: a full NFC pass settles both */
	res = nfc_slow(utf, o);
out:
	free(cps);
	free(utf);
	return res;
}

/* ---- search folding ---- */

size_t text_fold(const char *s, size_t len, char *out, size_t outmax)
{
	const uint8_t *p = (const uint8_t *)s;
	uint8_t *o8 = (uint8_t *)out;
	size_t i = 0, o = 0, cap;
	int exotic = 0;

	if (outmax == 0)
		return 0;
	cap = outmax - 1;
	dec_init();
	while (i < len) {
		int32_t d[DECOMP_MAX], cp;
		const struct vn_char *v;
		uint8_t c = p[i];
		int nd, k;

		if (c < 0x80) {
			i++;
			if (c == 0)
				continue;
			if (o >= cap)
				break;
			o8[o++] =
			    (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
			continue;
		}
		cp = utf8_next(p, len, &i);
		if (cp < 0)
			continue; /* bytes that are not UTF-8 are dropped */
		v = vn_char_of(cp);
		if (v && v->fold) {
			/* a Latin letter with marks: one lookup */
			if (o >= cap)
				break;
			o8[o++] = v->fold;
			continue;
		}
		if (!v)
			exotic = 1;
		nd = decompose(cp, d);
		{
			/* the whole character or nothing: half of a Hangul
			 * syllable would compose into another syllable */
			uint8_t enc[DECOMP_MAX * 4];
			size_t ne = 0;

			for (k = 0; k < nd; k++)
				if (!is_mark(d[k]))
					ne += utf8_put(fold_base(d[k]), enc + ne);
			if (o + ne > cap)
				goto done;
			memcpy(o8 + o, enc, ne);
			o += ne;
		}
	}
done:
	/* Outside Latin, decomposition splits characters that are not letters
	 * plus marks (Hangul syllables); compose them again so the output
	 * keeps them whole, as NFC would. Composing never lengthens. */
	if (exotic && o > 0) {
		uint8_t *nfc = NULL;
		utf8proc_ssize_t r =
		    utf8proc_map(o8, (utf8proc_ssize_t)o, &nfc,
				 UTF8PROC_STABLE | UTF8PROC_COMPOSE);
		if (r >= 0 && (size_t)r <= o) {
			memcpy(o8, nfc, (size_t)r);
			o = (size_t)r;
		}
		free(nfc);
	}
	o8[o] = 0;
	return o;
}

/* ---- collation keys ---- */

/*
 * Key layout, compared with memcmp:
 *   primary   given, 0x01, middle, 0x01, family, 0x01, where a part is a
 *             sequence of elements: 0x02 between two words of the part,
 *             0x03 + 3 bytes big-endian code point for a character that is
 *             not a letter of the alphabet (lower-cased), 0x10 + rank for a
 *             letter (a=0 ă=1 â=2 b ... z=32). So a part's end sorts before
 *             a word break, which sorts before non-letters (by code point),
 *             which sort before letters: a shorter part comes first.
 *   secondary one 4-bit tone per letter, in primary order (0 none, 1 huyền,
 *             2 hỏi, 3 ngã, 4 sắc, 5 nặng), two per byte, high nibble first.
 *             Equal primaries have equally many letters, so these bytes line
 *             up and compare position by position.
 *   tertiary  other marks (ü, ç, a breve on e...): per mark 2 bytes of the
 *             element index it follows and its 3-byte code point, so that
 *             distinct spellings get distinct keys. Absent for Vietnamese.
 */
#define KEY_END	   0x01
#define KEY_SPACE  0x02
#define KEY_OTHER  0x03
#define KEY_LETTER 0x10

/* Names up to this many bytes build their secondary and tertiary levels in
 * stack buffers; longer ones allocate. */
#define KEY_STACK_NAME 256

struct keybuf {
	uint8_t *out;
	size_t max, len;
	int overflow;
	uint8_t *tones;		  /* nibbles, zeroed */
	size_t ntones, tones_cap; /* in nibbles */
	uint8_t *tert;
	size_t ntert, tert_cap;
	size_t elems;
	/* the last element, which marks that follow modify */
	int last_letter;
	size_t last_pos;
	int last_has_tone, last_has_vmark;
};

static inline void key_put(struct keybuf *k, uint8_t b)
{
	if (k->len >= k->max) {
		k->overflow = 1;
		return;
	}
	k->out[k->len++] = b;
}

static void key_put_cp(uint8_t *dst, int32_t cp)
{
	dst[0] = (uint8_t)(cp >> 16);
	dst[1] = (uint8_t)(cp >> 8);
	dst[2] = (uint8_t)cp;
}

static void key_foreign_mark(struct keybuf *k, int32_t cp)
{
	size_t idx = k->elems > 0xFFFF ? 0xFFFF : k->elems;

	if (k->ntert + 5 > k->tert_cap) {
		k->overflow = 1;
		return;
	}
	k->tert[k->ntert++] = (uint8_t)(idx >> 8);
	k->tert[k->ntert++] = (uint8_t)idx;
	key_put_cp(k->tert + k->ntert, cp);
	k->ntert += 3;
}

/* A letter of the alphabet with its tone (0 none) and whether its rank
 * already includes a vowel mark. */
static inline void key_letter(struct keybuf *k, int rank, int tone, int vmark)
{
	k->elems++;
	k->last_letter = 0;
	key_put(k, (uint8_t)(KEY_LETTER + rank));
	if (k->ntones == k->tones_cap)
		k->overflow = 1;
	if (k->overflow)
		return;
	if (tone)
		k->tones[k->ntones / 2] |=
		    (uint8_t)(k->ntones % 2 ? tone : tone << 4);
	k->ntones++;
	k->last_letter = 1;
	k->last_pos = k->len - 1;
	k->last_has_tone = tone != 0;
	k->last_has_vmark = vmark;
}

static void key_char(struct keybuf *k, int32_t cp)
{
	int rank;

	if (is_mark(cp)) {
		if (k->last_letter) {
			int t = tone_of(cp);
			if (t && !k->last_has_tone) {
				size_t at = k->ntones - 1;
				k->tones[at / 2] |=
				    (uint8_t)(at % 2 ? t : t << 4);
				k->last_has_tone = 1;
				return;
			}
			rank = rank_with_mark(k->out[k->last_pos] - KEY_LETTER,
					      cp);
			if (rank >= 0 && !k->last_has_vmark) {
				k->out[k->last_pos] =
				    (uint8_t)(KEY_LETTER + rank);
				k->last_has_vmark = 1;
				return;
			}
		}
		key_foreign_mark(k, cp);
		return;
	}
	cp = to_lower(cp);
	rank = letter_rank(cp);
	if (rank >= 0) {
		key_letter(k, rank, 0, 0);
		return;
	}
	k->elems++;
	k->last_letter = 0;
	{
		uint8_t enc[3];
		key_put_cp(enc, cp);
		key_put(k, KEY_OTHER);
		key_put(k, enc[0]);
		key_put(k, enc[1]);
		key_put(k, enc[2]);
	}
}

/* One part of the name: its words with KEY_SPACE between them, then
 * KEY_END. */
static void key_part(struct keybuf *k, const uint8_t *s, size_t len)
{
	size_t i = 0;
	int any = 0, gap = 0;

	while (i < len) {
		int32_t cp, d[DECOMP_MAX];
		const struct vn_char *v;
		int nd, j;

		if (s[i] < 0x80) {
			cp = s[i++];
			v = &vn_low[cp];
		} else {
			cp = utf8_next(s, len, &i);
			if (cp < 0)
				cp = 0xFFFD;
			v = vn_char_of(cp);
		}
		if (!(v && v->rank >= 0) && is_space(cp)) {
			gap = any;
			continue;
		}
		if (gap) {
			key_put(k, KEY_SPACE);
			k->last_letter = 0;
			gap = 0;
		}
		any = 1;
		if (v && v->rank >= 0) {
			/* a Latin letter: one lookup, the usual case */
			key_letter(k, v->rank, v->tone, v->vmark);
			continue;
		}
		nd = decompose(cp, d);
		for (j = 0; j < nd; j++)
			key_char(k, d[j]);
	}
	key_put(k, KEY_END);
	k->last_letter = 0;
}

/* renorm: 1 to key the NFD when the marks are out of order (0 on the NFD
 * itself, so that a surprise cannot recurse). */
static size_t collate_key(const char *name, size_t len, uint8_t *out,
			  size_t outmax, int renorm)
{
	const uint8_t *s = (const uint8_t *)name;
	uint8_t tones_stack[KEY_STACK_NAME / 2 + 1];
	uint8_t tert_stack[KEY_STACK_NAME * 5];
	struct keybuf k = {0};
	size_t i = 0, fs = 0, fe = 0, ls = 0, le = 0, nwords = 0, ntb, res = 0;
	int in_word = 0, prev_ccc = 0, disordered = 0;

	dec_init();
	/* words: the first is the family name, the last the given name */
	while (i <= len) {
		size_t at = i;
		int space = 1;

		if (i < len && s[i] > ' ' && s[i] < 0x80) {
			i++;
			space = 0;
			prev_ccc = 0;
		} else if (i < len) {
			int32_t cp = utf8_next(s, len, &i);
			int first = 0, last = 0;

			if (cp >= 0x80)
				ccc_ends(cp, &first, &last);
			if (first && prev_ccc > first)
				disordered = 1;
			prev_ccc = last;
			space = cp >= 0 && is_space(cp);
		} else {
			i++;
		}
		if (!space && !in_word) {
			in_word = 1;
			ls = at;
			if (nwords++ == 0)
				fs = at;
		} else if (space && in_word) {
			in_word = 0;
			le = at;
			if (nwords == 1)
				fe = at;
		}
	}
	/* Marks are read in the order of the decomposed text. When that is
	 * not canonical (marks typed out of order, or a precomposed letter
	 * followed by a mark of a lower class, which NFC allows), key the NFD
	 * instead, so that every spelling of the text gets the same key.
	 */
	if (disordered && renorm) {
		char *nfd = normalize_slow(s, len, UTF8PROC_DECOMPOSE);
		if (nfd) {
			res = collate_key(nfd, strlen(nfd), out, outmax, 0);
			free(nfd);
			return res;
		}
	}

	/* Each letter comes from at least one byte and each mark from at
	 * least one byte, so len bounds both levels. */
	if (len <= KEY_STACK_NAME) {
		k.tones = tones_stack;
		k.tert = tert_stack;
	} else {
		k.tones = xmalloc(len / 2 + 1);
		k.tert = xmalloc(len * 5);
	}
	memset(k.tones, 0, len / 2 + 1);
	k.tones_cap = (len / 2 + 1) * 2;
	k.tert_cap = len * 5;
	k.out = out;
	k.max = outmax;

	if (nwords == 0) {
		key_part(&k, s, 0);
		key_part(&k, s, 0);
		key_part(&k, s, 0);
	} else if (nwords == 1) {
		key_part(&k, s + ls, le - ls);
		key_part(&k, s, 0);
		key_part(&k, s, 0);
	} else {
		key_part(&k, s + ls, le - ls);
		key_part(&k, s + fe, ls - fe);
		key_part(&k, s + fs, fe - fs);
	}
	ntb = (k.ntones + 1) / 2;
	if (k.overflow || k.len + ntb + k.ntert > outmax)
		goto out;
	memcpy(out + k.len, k.tones, ntb);
	memcpy(out + k.len + ntb, k.tert, k.ntert);
	res = k.len + ntb + k.ntert;
out:
	if (k.tones != tones_stack) {
		free(k.tones);
		free(k.tert);
	}
	return res;
}

size_t text_collate_key(const char *name, size_t len, uint8_t *out,
			size_t outmax)
{
	return collate_key(name, len, out, outmax, 1);
}
