/* fuzz_day: libFuzzer target for the strict date parser (day_parse) and the
 * bounded integer parser: whatever parses must print back to the same bytes
 * and convert back and forth without loss. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	int32_t d;
	int64_t n;
	char out[11];
	int y, m, dd;

	if (!day_parse(s, size, &d)) {
		/* strict YYYY-MM-DD: formatting gives the input back */
		day_format(d, out);
		if (size != 10 || memcmp(out, s, 10))
			abort();
		day_to_ymd(d, &y, &m, &dd);
		if (day_from_ymd(y, m, dd) != d || m < 1 || m > 12 || dd < 1 ||
		    dd > days_in_month(y, m))
			abort();
		(void)full_years(d, d + 400);
		(void)day_add_years(d, 18);
		(void)day_weekday(d);
	}
	if (!parse_pos_int(s, size, INT64_MAX, &n)) {
		if (n < 1 || size == 0 || size > 19)
			abort();
		for (size_t i = 0; i < size; i++)
			if (s[i] < '0' || s[i] > '9')
				abort();
	}
	if (!parse_pos_int(s, size, 1000, &n) && (n < 1 || n > 1000))
		abort();
	return 0;
}
