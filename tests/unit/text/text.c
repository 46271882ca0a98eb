/* Unit tests of src/text/text.c: UTF-8 validation, NFC, tone placement,
 * folding and Vietnamese collation keys, on NFC and NFD literals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <utf8proc.h>

#include "text/text.h"

/* NFD literals are spelt with escapes: U+0300 grave \xcc\x80, U+0301 acute
 * \xcc\x81, U+0302 circumflex \xcc\x82, U+0303 tilde \xcc\x83, U+0306 breve
 * \xcc\x86, U+0309 hook \xcc\x89, U+031B horn \xcc\x9b, U+0323 dot \xcc\xa3.
 * A "" splits a literal where a hex digit follows an escape. */

/* ---- helpers ---- */

static char *nfc(const char *s)
{
	return text_nfc(s, strlen(s));
}

static char *canon(const char *s)
{
	return text_canon(s, strlen(s));
}

static void assert_nfc(const char *in, const char *want)
{
	char *got = nfc(in);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void assert_canon(const char *in, const char *want)
{
	char *got = canon(in);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void assert_fold(const char *in, const char *want)
{
	char out[256];
	size_t n = text_fold(in, strlen(in), out, sizeof(out));
	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
}

struct key {
	uint8_t b[512];
	size_t n;
};

static struct key key_of(const char *name)
{
	struct key k;
	k.n = text_collate_key(name, strlen(name), k.b, sizeof(k.b));
	assert_true(k.n > 0);
	return k;
}

static int key_cmp(const struct key *a, const struct key *b)
{
	size_t n = a->n < b->n ? a->n : b->n;
	int c = memcmp(a->b, b->b, n);
	if (c)
		return c < 0 ? -1 : 1;
	return a->n < b->n ? -1 : a->n > b->n ? 1 : 0;
}

static int name_cmp(const char *a, const char *b)
{
	struct key ka = key_of(a), kb = key_of(b);
	return key_cmp(&ka, &kb);
}

/* Every name sorts strictly before the next one. */
static void assert_order(const char *const *names, size_t n)
{
	size_t i;
	for (i = 0; i + 1 < n; i++) {
		if (name_cmp(names[i], names[i + 1]) >= 0)
			fail_msg("expected \"%s\" < \"%s\"", names[i],
				 names[i + 1]);
		if (name_cmp(names[i + 1], names[i]) <= 0)
			fail_msg("expected \"%s\" > \"%s\"", names[i + 1],
				 names[i]);
	}
}

static void assert_same_key(const char *a, const char *b)
{
	struct key ka = key_of(a), kb = key_of(b);
	if (ka.n != kb.n || memcmp(ka.b, kb.b, ka.n) != 0)
		fail_msg("keys of \"%s\" and \"%s\" differ", a, b);
}

/* ---- utf8_valid ---- */

static void test_utf8_rejects_malformed(void **state)
{
	static const struct {
		const char *s;
		size_t len;
		const char *why;
	} bad[] = {
	    {"\xc0\x80", 2, "overlong NUL"},
	    {"\xc1\xbf", 2, "overlong 2-byte"},
	    {"\xe0\x80\xaf", 3, "overlong 3-byte"},
	    {"\xe0\x9f\xbf", 3, "overlong 3-byte, top"},
	    {"\xf0\x80\x80\xaf", 4, "overlong 4-byte"},
	    {"\xf0\x8f\xbf\xbf", 4, "overlong 4-byte, top"},
	    {"Nguy\xe1\xbb", 6, "truncated at the end"},
	    {"\xc3", 1, "lone lead byte"},
	    {"\xe1\xbb"
	     "A",
	     3, "truncated before ASCII"},
	    {"\xf0\x9f\x98", 3, "truncated 4-byte"},
	    {"\xed\xa0\x80", 3, "high surrogate U+D800"},
	    {"\xed\xbf\xbf", 3, "low surrogate U+DFFF"},
	    {"\xf4\x90\x80\x80", 4, "U+110000"},
	    {"\xf5\x80\x80\x80", 4, "lead byte F5"},
	    {"\xff", 1, "byte FF"},
	    {"\xfe", 1, "byte FE"},
	    {"\x80", 1, "stray continuation"},
	    {"a\xbf"
	     "b",
	     3, "stray continuation inside"},
	    {"\xc3\xa0\x80", 3, "continuation after a full character"},
	    {"a\0b", 3, "NUL inside"},
	    {"\0", 1, "NUL alone"},
	};
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (utf8_valid(bad[i].s, bad[i].len))
			fail_msg("accepted: %s", bad[i].why);
		assert_null(text_nfc(bad[i].s, bad[i].len));
		assert_null(text_canon(bad[i].s, bad[i].len));
	}
}

static void test_utf8_accepts_wellformed(void **state)
{
	static const char *const good[] = {
	    "",
	    "Nguyễn Thị Hồng",
	    "Nguye\xcc\x82\xcc\x83n",
	    "\x7f",
	    "\xc2\x80",		/* U+0080 */
	    "\xdf\xbf",		/* U+07FF */
	    "\xe0\xa0\x80",	/* U+0800 */
	    "\xed\x9f\xbf",	/* U+D7FF, just below the surrogates */
	    "\xee\x80\x80",	/* U+E000, just above them */
	    "\xef\xbf\xbf",	/* U+FFFF */
	    "\xf0\x90\x80\x80", /* U+10000 */
	    "\xf0\x9f\x98\x80", /* an emoji */
	    "\xf4\x8f\xbf\xbf", /* U+10FFFF */
	};
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!utf8_valid(good[i], strlen(good[i])))
			fail_msg("rejected good string %zu", i);
	/* the length is honoured: bytes past it are not read */
	assert_true(utf8_valid("ab\xff", 2));
	assert_false(utf8_valid("ab\xff", 3));
}

/* ---- text_nfc ---- */

static void test_nfc_composes_nfd_names(void **state)
{
	(void)state;
	assert_nfc("Nguye\xcc\x82\xcc\x83n Thi\xcc\xa3 Ho\xcc\x82\xcc\x80ng",
		   "Nguyễn Thị Hồng");
	assert_nfc("\xc4\x90o\xcc\x82\xcc\x83 Thi\xcc\xa3 \xc4\x90"
		   "a\xcc\x80o",
		   "Đỗ Thị Đào");
	assert_nfc("Tru\xcc\x9bo\xcc\x9bng U\xcc\x9bng O\xcc\x9bn "
		   "A\xcc\xa3\xcc\x86n E\xcc\xa3\xcc\x82",
		   "Trương Ưng Ơn Ặn Ệ");
	assert_nfc("ngu\xcc\x9bo\xcc\x9b\xcc\x80i", "người");
	/* mixed: part NFC, part NFD */
	assert_nfc("Nguyễn Thi\xcc\xa3 Hồng", "Nguyễn Thị Hồng");
	/* a precomposed letter followed by a combining mark composes further */
	assert_nfc("\xc3\xaa\xcc\x81", "ế");
	/* marks out of canonical order are reordered (dot below first) */
	assert_nfc("E\xcc\x82\xcc\xa3", "Ệ");
}

static void test_nfc_keeps_nfc_and_tone_placement(void **state)
{
	(void)state;
	assert_nfc("", "");
	assert_nfc("Hoàng Văn Thụ", "Hoàng Văn Thụ");
	/* text_nfc does not move tones: both spellings stay as typed */
	assert_nfc("Hòa", "Hòa");
	assert_nfc("Hoà", "Hoà");
	assert_nfc("Ho\xcc\x80"
		   "a",
		   "Hòa");
	assert_nfc("Hoa\xcc\x80", "Hoà");
	/* outside the fast path: singletons are replaced, other scripts kept */
	assert_nfc("\xe2\x84\xa6", "\xce\xa9"); /* OHM SIGN -> OMEGA */
	assert_nfc("한국", "한국");
	assert_nfc("\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab", "한");
}

/* ---- text_canon ---- */

static void test_canon_tone_placement_equal(void **state)
{
	static const char *const hoa[] = {
	    "hoà",
	    "hòa",
	    "Hoà",
	    "Hòa",
	    "HOÀ",
	    "HÒA",
	    "Hoa\xcc\x80",
	    "Ho\xcc\x80"
	    "a",
	    "HOA\xcc\x80",
	};
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(hoa) / sizeof(hoa[0]); i++)
		assert_canon(hoa[i], "hoà");
	assert_canon("thúy", "thuý");
	assert_canon("Thuý", "thuý");
	assert_canon("thu\xcc\x89y", "thuỷ");
	assert_canon("khỏe", "khoẻ");
	assert_canon("kho\xcc\x89"
		     "e",
		     "khoẻ");
	assert_canon("Ủy ban", "uỷ ban");
	assert_canon("Uỷ ban", "uỷ ban");
	assert_canon("Hòa Bình", "hoà bình");
	assert_canon("Nguyễn Thị Hòa", "nguyễn thị hoà");
}

static void test_canon_rule_cases(void **state)
{
	(void)state;
	/* closed syllables: the last vowel */
	assert_canon("Hoàng", "hoàng");
	assert_canon("hòang", "hoàng");
	assert_canon("huýt", "huýt");
	assert_canon("húyt", "huýt");
	assert_canon("Quỳnh", "quỳnh");
	/* marked vowels take the tone; ươ: the ơ */
	assert_canon("người", "người");
	assert_canon("ngừơi", "người");
	assert_canon("NGU\xcc\x9b\xcc\x80O\xcc\x9bI", "người");
	assert_canon("thuở", "thuở");
	assert_canon("giữa", "giữa");
	/* open, two vowels other than oa oe uy: the first */
	assert_canon("mùa", "mùa");
	assert_canon("muà", "mùa");
	assert_canon("núi", "núi");
	assert_canon("máy", "máy");
	/* qu and gi are initials */
	assert_canon("qùa", "quà");
	assert_canon("quà", "quà");
	assert_canon("gìa", "già");
	assert_canon("gìn", "gìn");
	assert_canon("quý", "quý");
	/* three vowels: the middle one */
	assert_canon("ngoài", "ngoài");
	assert_canon("ngòai", "ngoài");
	assert_canon("khủyu", "khuỷu");
	/* without a tone, or not a Vietnamese syllable: only lower-cased */
	assert_canon("Hoa", "hoa");
	assert_canon("Peña", "peña");
	assert_canon("Müller", "müller");
	assert_canon("H'Quý", "h'quý");
	assert_canon("", "");
	/* NFC output, idempotent */
	{
		char *a = canon("Nguye\xcc\x82\xcc\x83n Tho\xcc\xa3 Ho\xcc\x80"
				"a");
		char *b;
		assert_non_null(a);
		assert_string_equal(a, "nguyễn thọ hoà");
		b = canon(a);
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
}

/* ---- text_fold ---- */

static void test_fold_names(void **state)
{
	(void)state;
	assert_fold("Nguyễn Thị Hồng", "nguyen thi hong");
	assert_fold("Nguye\xcc\x82\xcc\x83n Thi\xcc\xa3 Ho\xcc\x82\xcc\x80ng",
		    "nguyen thi hong");
	assert_fold("ĐỖ", "do");
	assert_fold("\xc4\x90O\xcc\x82\xcc\x83", "do");
	assert_fold("đỗ", "do");
	assert_fold("NgUyỄn tHỊ hỒnG", "nguyen thi hong");
	assert_fold("Trương Ưng Ơn Ặn Ệ Ă Â Ê Ô", "truong ung on an e a a e o");
	assert_fold("Tru\xcc\x9bo\xcc\x9bng U\xcc\x9bng O\xcc\x9bn "
		    "A\xcc\xa3\xcc\x86n E\xcc\xa3\xcc\x82",
		    "truong ung on an e");
	assert_fold("Hoà", "hoa");
	assert_fold("Hòa", "hoa");
	/* not Vietnamese letters: kept, lower-cased, other marks stripped */
	assert_fold("H'Quý 2", "h'quy 2");
	assert_fold("Müller", "muller");
	assert_fold("", "");
	assert_fold("한국", "한국");
	assert_fold("\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab", "한");
	assert_fold("ΆΛΦΑ", "αλφα");
}

static void test_fold_bounds(void **state)
{
	char out[8];
	size_t n;
	(void)state;

	/* never more than outmax - 1 bytes, never half a character */
	n = text_fold("Nguyễn Văn", strlen("Nguyễn Văn"), out, 5);
	assert_int_equal(n, 4);
	assert_string_equal(out, "nguy");
	n = text_fold("ăăăăăăăăăăă", strlen("ăăăăăăăăăăă"), out, sizeof(out));
	assert_int_equal(n, 7);
	assert_string_equal(out, "aaaaaaa");
	n = text_fold("đ한", strlen("đ한"), out, 3);
	assert_int_equal(n, 1);
	assert_string_equal(out, "d");
	out[0] = 'x';
	assert_int_equal(text_fold("abc", 3, out, 0), 0);
	assert_int_equal(out[0], 'x');
	assert_int_equal(text_fold("abc", 3, out, 1), 0);
	assert_string_equal(out, "");
	/* TEXT_FOLD_MAX is enough even where folding lengthens text */
	{
		char big[TEXT_FOLD_MAX(6)];
		n = text_fold("\xc8\xba한", 5, big, TEXT_FOLD_MAX(5));
		assert_string_equal(big, "\xe2\xb1\xa5한"); /* Ⱥ -> ⱥ */
		assert_int_equal(n, 6);
	}
	/* a malformed byte is dropped, the rest folded */
	n = text_fold("A\xff"
		      "B",
		      3, out, sizeof(out));
	assert_string_equal(out, "ab");
	assert_int_equal(n, 2);
}

/* ---- text_collate_key ---- */

static const char *const chain_nfc[] = {
    "Lê An", "Lê Àn",	    "Trần Văn An", "Phạm Anh",
    "Hà Ân", "Nguyễn Bình", "Đỗ Thị Đào",  "Hồ Em",
};

static const char *const chain_nfd[] = {
    "Le\xcc\x82 An",
    "Le\xcc\x82 A\xcc\x80n",
    "Tra\xcc\x82\xcc\x80n Va\xcc\x86n An",
    "Pha\xcc\xa3m Anh",
    "Ha\xcc\x80 A\xcc\x82n",
    "Nguye\xcc\x82\xcc\x83n Bi\xcc\x80nh",
    "\xc4\x90o\xcc\x82\xcc\x83 Thi\xcc\xa3 \xc4\x90"
    "a\xcc\x80o",
    "Ho\xcc\x82\xcc\x80 Em",
};

static void test_collate_spec_chain(void **state)
{
	size_t i;
	(void)state;

	assert_order(chain_nfc, sizeof(chain_nfc) / sizeof(chain_nfc[0]));
	assert_order(chain_nfd, sizeof(chain_nfd) / sizeof(chain_nfd[0]));
	for (i = 0; i < sizeof(chain_nfc) / sizeof(chain_nfc[0]); i++)
		assert_same_key(chain_nfc[i], chain_nfd[i]);
}

static void test_collate_shorter_part_first(void **state)
{
	static const char *const a[] = {"Nguyễn Thị Hà", "Nguyễn Thị Mỹ Hà"};
	static const char *const b[] = {
	    "Nguye\xcc\x82\xcc\x83n Thi\xcc\xa3 Ha\xcc\x80",
	    "Nguye\xcc\x82\xcc\x83n Thi\xcc\xa3 My\xcc\x83 Ha\xcc\x80",
	};
	static const char *const c[] = {"Lê An", "Lê Anh", "Lê Văn Anh",
					"Lê Văn Minh Anh", "Lê Vănh Anh"};
	(void)state;

	assert_order(a, 2);
	assert_order(b, 2);
	assert_order(c, sizeof(c) / sizeof(c[0]));
	assert_same_key(a[0], b[0]);
	assert_same_key(a[1], b[1]);
}

static void test_collate_tones(void **state)
{
	/* none, huyền, hỏi, ngã, sắc, nặng */
	static const char *const ha[] = {"Lê Ha", "Lê Hà", "Lê Hả",
					 "Lê Hã", "Lê Há", "Lê Hạ"};
	static const char *const ha_nfd[] = {
	    "Le\xcc\x82 Ha",	     "Le\xcc\x82 Ha\xcc\x80",
	    "Le\xcc\x82 Ha\xcc\x89", "Le\xcc\x82 Ha\xcc\x83",
	    "Le\xcc\x82 Ha\xcc\x81", "Le\xcc\x82 Ha\xcc\xa3",
	};
	/* letters first: every tone of "a" before any "ă" */
	static const char *const letters_first[] = {"Lê Hạ", "Lê Hạc", "Lê Hă"};
	/* tones position by position, given name first: the given name's
	 * tone decides before the family name's */
	static const char *const position[] = {"Lẽ An", "Lê Àn", "Lế Àn"};
	/* placement as typed (ICU): hoà, hoá (tone on a) before hòa (on o) */
	static const char *const placement[] = {"Hoà", "Hoá", "Hòa", "Hóa"};
	(void)state;

	assert_order(ha, 6);
	assert_order(ha_nfd, 6);
	assert_order(letters_first, 3);
	assert_order(position, 3);
	assert_order(placement, 4);
}

static void test_collate_one_word_and_spaces(void **state)
{
	static const char *const one[] = {"An", "Lê An", "Văn Lê An", "Bình",
					  "Lê Bình"};
	(void)state;

	assert_order(one, sizeof(one) / sizeof(one[0]));
	/* case is ignored; white space is only a separator */
	assert_same_key("Lê An", "LÊ AN");
	assert_same_key("Lê An", "lê an");
	assert_same_key("Lê Văn An", "  Lê \t Văn   An  ");
	assert_same_key("Lê Văn Minh An", "Lê  Văn\xc2\xa0Minh An");
	assert_same_key("An", " An ");
	/* the empty name has a key, before every other */
	{
		static const char *const empty[] = {"", "a"};
		uint8_t b[16];
		assert_true(text_collate_key("", 0, b, sizeof(b)) > 0);
		assert_order(empty, 2);
	}
}

static void test_collate_alphabet(void **state)
{
	static const char *const abc[] = {
	    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g",
	    "h", "i", "j", "k", "l", "m", "n", "o", "ô", "ơ", "p",
	    "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
	};
	static const char *const upper[] = {
	    "A", "Ă", "Â", "B", "C", "D", "Đ", "E", "Ê", "F", "G",
	    "H", "I", "J", "K", "L", "M", "N", "O", "Ô", "Ơ", "P",
	    "Q", "R", "S", "T", "U", "Ư", "V", "W", "X", "Y", "Z",
	};
	size_t i;
	(void)state;

	assert_order(abc, sizeof(abc) / sizeof(abc[0]));
	for (i = 0; i < sizeof(abc) / sizeof(abc[0]); i++)
		assert_same_key(abc[i], upper[i]);
	/* the letter before the tone: "ả" < "ă", "ẹ" < "ê" */
	assert_true(name_cmp("ả", "ă") < 0);
	assert_true(name_cmp("ẹ", "ê") < 0);
	assert_true(name_cmp("Lê Dương", "Lê Đa") < 0);
}

static void test_collate_non_letters(void **state)
{
	/* non-letters before letters, by code point; ' < digits */
	static const char *const chain[] = {
	    "Nguyễn Thị H'Quý", "Nguyễn Thị H1",	"Nguyễn Thị H2",
	    "Nguyễn Thị H한",	"Nguyễn Thị Hạnh",	"Nguyễn Thị Hằng",
	    "Nguyễn Thị Hậu",	"Nguyễn Thị Hiền",	"Nguyễn Thị Hoa",
	    "Nguyễn Thị Hòa",	"Nguyễn Thị Minh Hoài", "Nguyễn Thị Huệ",
	};
	struct key k1, k2;
	(void)state;

	assert_order(chain, sizeof(chain) / sizeof(chain[0]));
	/* other marks do not count as letters or tones, but keep names apart */
	assert_true(name_cmp("Muller", "Müller") < 0);
	assert_true(name_cmp("Müller", "Mullet") < 0);
	assert_same_key("Müller", "Mu\xcc\x88ller");
	/* deterministic: the same name gives the same bytes */
	k1 = key_of("Θεός 42 !");
	k2 = key_of("Θεός 42 !");
	assert_int_equal(k1.n, k2.n);
	assert_memory_equal(k1.b, k2.b, k1.n);
}

static void test_collate_buffer_bounds(void **state)
{
	static const char *const odd[] = {
	    "Nguyễn Thị Hồng",
	    "!!!!!!!!!!",
	    "\xce\x90\xce\x90\xce\x90", /* U+0390, 3 code points each */
	    "\xe1\xbe\x82\xe1\xbe\x82", /* U+1F82, 4 code points each */
	    "\xcc\x80\xcc\x81 a\xcc\x88\xcc\x84",
	    "ǖǖ ǖ ǖǖ",
	};
	uint8_t b[TEXT_COLLATE_KEY_MAX(64)];
	size_t i, n, len;
	(void)state;

	for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		len = strlen(odd[i]);
		assert_true(TEXT_COLLATE_KEY_MAX(len) <= sizeof(b));
		n = text_collate_key(odd[i], len, b, TEXT_COLLATE_KEY_MAX(len));
		assert_true(n > 0);
		/* one byte short of the key: refused, 0 */
		assert_int_equal(text_collate_key(odd[i], len, b, n - 1), 0);
		assert_int_equal(text_collate_key(odd[i], len, b, n), n);
	}
	assert_int_equal(text_collate_key("Lê An", strlen("Lê An"), b, 0), 0);
}

static void test_collate_long_name(void **state)
{
	/* past the stack buffers: still works, still ordered */
	char a[1200], c[1200];
	uint8_t ka[TEXT_COLLATE_KEY_MAX(1200)], kc[TEXT_COLLATE_KEY_MAX(1200)];
	size_t i, na, nc;
	(void)state;

	memset(a, 0, sizeof(a));
	for (i = 0; i + 4 < 1100; i += 4)
		memcpy(a + i, "Hà ", 4);
	memcpy(c, a, sizeof(a));
	a[1] = 'a';
	a[2] = ' ';
	na = text_collate_key(a, strlen(a), ka, sizeof(ka));
	nc = text_collate_key(c, strlen(c), kc, sizeof(kc));
	assert_true(na > 0);
	assert_true(nc > 0);
	/* same letters, "Ha" (no tone) in the family name vs "Hà" */
	assert_true(memcmp(ka, kc, na < nc ? na : nc) < 0);
}

/* ---- whole-range and random checks ---- */

static size_t put_utf8(char *dst, int32_t cp)
{
	return (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)dst);
}

/* Every Latin character, precomposed (the table path) and decomposed (the
 * mark-by-mark path), gives the same fold and the same key. */
static void test_nfc_nfd_agree_on_every_latin_letter(void **state)
{
	static const int32_t ranges[][2] = {{0x00C0, 0x0250}, {0x1E00, 0x1F00}};
	size_t r;
	(void)state;

	for (r = 0; r < 2; r++) {
		int32_t cp;
		for (cp = ranges[r][0]; cp < ranges[r][1]; cp++) {
			char in[32], f1[64], f2[64];
			uint8_t k1[256], k2[256];
			size_t n = 0, n1, n2;
			utf8proc_uint8_t *nfd;

			if (utf8proc_category(cp) == UTF8PROC_CATEGORY_CN)
				continue;
			in[n++] = 'L';
			in[n++] = ' ';
			in[n++] = 'x';
			n += put_utf8(in + n, cp);
			in[n++] = 'y';
			in[n] = 0;
			nfd = utf8proc_NFD((const utf8proc_uint8_t *)in);
			assert_non_null(nfd);
			n1 = text_fold(in, n, f1, sizeof(f1));
			n2 = text_fold((char *)nfd, strlen((char *)nfd), f2,
				       sizeof(f2));
			if (n1 != n2 || strcmp(f1, f2) != 0)
				fail_msg(
				    "fold of U+%04X: NFC \"%s\", NFD \"%s\"",
				    (unsigned)cp, f1, f2);
			n1 = text_collate_key(in, n, k1, sizeof(k1));
			n2 = text_collate_key((char *)nfd, strlen((char *)nfd),
					      k2, sizeof(k2));
			if (n1 == 0 || n1 != n2 || memcmp(k1, k2, n1) != 0)
				fail_msg("key of U+%04X differs NFC/NFD",
					 (unsigned)cp);
			free(nfd);
		}
	}
}

/* A small deterministic generator (xorshift) for the random checks. */
static uint32_t rng_next(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

/* Reference validity: utf8proc's decoder, plus no NUL. */
static int ref_valid(const char *s, size_t len)
{
	utf8proc_ssize_t i = 0;
	while ((size_t)i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n =
		    utf8proc_iterate((const utf8proc_uint8_t *)s + i,
				     (utf8proc_ssize_t)len - i, &cp);
		if (n <= 0 || cp <= 0)
			return 0;
		i += n;
	}
	return 1;
}

static void test_random_strings(void **state)
{
	/* pieces that make malformed and tricky text likely */
	static const char *const piece[] = {
	    "a",
	    "A",
	    "o",
	    "u",
	    "y",
	    "đ",
	    "Đ",
	    " ",
	    "\t",
	    "\xc2\xa0",
	    "'",
	    "1",
	    "ă",
	    "ư",
	    "ơ",
	    "ệ",
	    "Ỹ",
	    "\xcc\x80",
	    "\xcc\x81",
	    "\xcc\x82",
	    "\xcc\x83",
	    "\xcc\x86",
	    "\xcc\x89",
	    "\xcc\x9b",
	    "\xcc\xa3",
	    "\xcc\x88",
	    "\xe1\x84\x92",
	    "\xe1\x85\xa1",
	    "한",
	    "Ω",
	    "\xe2\x84\xa6",
	    "\xf0\x9f\x98\x80",
	    "\x80",
	    "\xc0",
	    "\xed\xa0\x80",
	    "\xf4\x90\x80\x80",
	    "\xe1\xbb",
	    "\0",
	    "\xff",
	    "ǖ",
	    "\xce\x90",
	    "ß",
	    "İ",
	};
	const size_t npiece = sizeof(piece) / sizeof(piece[0]);
	uint32_t seed = 12345;
	int round;
	(void)state;

	for (round = 0; round < 20000; round++) {
		char in[256], f1[256], f2[256];
		uint8_t k1[TEXT_COLLATE_KEY_MAX(256)];
		uint8_t k2[TEXT_COLLATE_KEY_MAX(1024)];
		size_t n = 0, parts = rng_next(&seed) % 12, p, n1, n2;
		char *nfc_s, *c1, *c2, *ref;

		for (p = 0; p < parts; p++) {
			const char *pc = piece[rng_next(&seed) % npiece];
			size_t pl = pc[0] ? strlen(pc) : 1;
			memcpy(in + n, pc, pl);
			n += pl;
		}
		in[n] = 0;
		assert_int_equal(utf8_valid(in, n), ref_valid(in, n));
		/* every function survives anything; keys are always made */
		n1 = text_fold(in, n, f1, sizeof(f1));
		assert_true(n1 < sizeof(f1));
		assert_true(text_collate_key(in, n, k1, sizeof(k1)) > 0);
		nfc_s = text_nfc(in, n);
		if (!utf8_valid(in, n)) {
			assert_null(nfc_s);
			continue;
		}
		assert_non_null(nfc_s);
		ref = (char *)utf8proc_NFC((const utf8proc_uint8_t *)in);
		assert_string_equal(nfc_s, ref);
		free(ref);
		/* NFC does not change fold, key or canon; canon is stable */
		n2 = text_fold(nfc_s, strlen(nfc_s), f2, sizeof(f2));
		assert_int_equal(n1, n2);
		assert_string_equal(f1, f2);
		n1 = text_collate_key(in, n, k1, sizeof(k1));
		n2 = text_collate_key(nfc_s, strlen(nfc_s), k2, sizeof(k2));
		if (n1 != n2 || memcmp(k1, k2, n1) != 0) {
			char hex[800];
			size_t h;
			for (h = 0; h < n && h < 256; h++)
				snprintf(hex + 3 * h, 4, "%02x ",
					 (uint8_t)in[h]);
			fail_msg("key of %s differs from its NFC's", hex);
		}
		c1 = text_canon(in, n);
		c2 = text_canon(nfc_s, strlen(nfc_s));
		assert_non_null(c1);
		assert_non_null(c2);
		assert_string_equal(c1, c2);
		free(c2);
		c2 = text_canon(c1, strlen(c1));
		assert_string_equal(c1, c2);
		free(c1);
		free(c2);
		free(nfc_s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf8_rejects_malformed),
	    cmocka_unit_test(test_utf8_accepts_wellformed),
	    cmocka_unit_test(test_nfc_composes_nfd_names),
	    cmocka_unit_test(test_nfc_keeps_nfc_and_tone_placement),
	    cmocka_unit_test(test_canon_tone_placement_equal),
	    cmocka_unit_test(test_canon_rule_cases),
	    cmocka_unit_test(test_fold_names),
	    cmocka_unit_test(test_fold_bounds),
	    cmocka_unit_test(test_collate_spec_chain),
	    cmocka_unit_test(test_collate_shorter_part_first),
	    cmocka_unit_test(test_collate_tones),
	    cmocka_unit_test(test_collate_one_word_and_spaces),
	    cmocka_unit_test(test_collate_alphabet),
	    cmocka_unit_test(test_collate_non_letters),
	    cmocka_unit_test(test_collate_buffer_bounds),
	    cmocka_unit_test(test_collate_long_name),
	    cmocka_unit_test(test_nfc_nfd_agree_on_every_latin_letter),
	    cmocka_unit_test(test_random_strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
