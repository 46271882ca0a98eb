/* fuzz_text: libFuzzer target for the Vietnamese text functions (utf8_valid,
 * text_nfc, text_canon, text_fold, text_collate_key) with their documented
 * properties as assertions, not only "does not crash". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	int valid = utf8_valid(s, size);
	char *nfc = text_nfc(s, size);
	char *canon = text_canon(s, size);
	size_t fmax = TEXT_FOLD_MAX(size), kmax = TEXT_COLLATE_KEY_MAX(size);
	char *fold = malloc(fmax), small[8];
	uint8_t *key = malloc(kmax), *key2;
	size_t fl, kl, kl2, sl;

	/* text_nfc and text_canon answer exactly for valid UTF-8 */
	if (valid != (nfc != NULL) || valid != (canon != NULL))
		abort();
	fl = text_fold(s, size, fold, fmax);
	if (fl >= fmax || fold[fl] != '\0' || !utf8_valid(fold, fl))
		abort();
	/* a short buffer gets a prefix, never half a character */
	sl = text_fold(s, size, small, sizeof(small));
	if (sl >= sizeof(small) || !utf8_valid(small, sl) ||
	    memcmp(small, fold, sl))
		abort();
	if (text_fold(s, size, small, 0) != 0)
		abort();
	kl = text_collate_key(s, size, key, kmax);
	if (valid && size && kl == 0)
		abort();
	if (nfc) {
		size_t nl = strlen(nfc);
		char *nfc2 = text_nfc(nfc, nl);
		/* NFC is idempotent and valid; fold and key ignore the form */
		if (!nfc2 || strcmp(nfc, nfc2) || !utf8_valid(nfc, nl))
			abort();
		free(nfc2);
		{
			char *fold2 = malloc(TEXT_FOLD_MAX(nl));
			size_t fl2 = text_fold(nfc, nl, fold2, TEXT_FOLD_MAX(nl));
			if (fl2 != fl || memcmp(fold, fold2, fl))
				abort();
			free(fold2);
			key2 = malloc(TEXT_COLLATE_KEY_MAX(nl));
			kl2 = text_collate_key(nfc, nl, key2,
					       TEXT_COLLATE_KEY_MAX(nl));
			if (kl2 != kl || memcmp(key, key2, kl))
				abort();
			free(key2);
		}
	}
	if (canon) {
		size_t cl = strlen(canon);
		char *canon2 = text_canon(canon, cl);
		/* canonical form is a fixed point */
		if (!canon2 || strcmp(canon, canon2) || !utf8_valid(canon, cl))
			abort();
		free(canon2);
	}
	free(nfc);
	free(canon);
	free(fold);
	free(key);
	return 0;
}
