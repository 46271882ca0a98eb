/* Tests src/core/core.c: dates, full years (29 February), strbuf caps,
 * bounded integer parsing, JSON strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/core.h"

static int32_t D(const char *s)
{
	int32_t d = 0;
	assert_int_equal(day_parse(s, strlen(s), &d), 0);
	return d;
}

static void test_day_roundtrip(void **state)
{
	char b[11];
	const char *days[] = {"1970-01-01", "1935-02-28", "2000-02-29",
			      "2024-12-31", "2025-07-01", "1899-12-31"};
	for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
		day_format(D(days[i]), b);
		assert_string_equal(b, days[i]);
	}
	assert_int_equal(D("1970-01-01"), 0);
	assert_int_equal(D("1970-01-02"), 1);
	assert_int_equal(D("1969-12-31"), -1);
}

static void test_day_parse_rejects(void **state)
{
	int32_t d;
	const char *bad[] = {"2023-02-29", "1999-02-30", "1965-13-01",
			     "2020-00-10", "2020-1-01",  "2020/01/01",
			     "20200101",   "",           "2020-01-32",
			     "2020-01-0x", "abcd-ef-gh", "1700-01-01"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(day_parse(bad[i], strlen(bad[i]), &d), -1);
	/* the length is part of the contract: no trailing bytes */
	assert_int_equal(day_parse("2020-01-01x", 11, &d), -1);
	assert_int_equal(day_parse("2020-01-01", 10, &d), 0);
}

static void test_full_years(void **state)
{
	/* birthday crossings */
	assert_int_equal(full_years(D("1980-06-15"), D("2010-06-14")), 29);
	assert_int_equal(full_years(D("1980-06-15"), D("2010-06-15")), 30);
	/* born 29 February: the birthday is 1 March in common years */
	assert_int_equal(full_years(D("2000-02-29"), D("2018-02-28")), 17);
	assert_int_equal(full_years(D("2000-02-29"), D("2018-03-01")), 18);
	/* and 29 February in leap years */
	assert_int_equal(full_years(D("2000-02-29"), D("2020-02-28")), 19);
	assert_int_equal(full_years(D("2000-02-29"), D("2020-02-29")), 20);
	assert_int_equal(full_years(D("2010-01-01"), D("2010-01-01")), 0);
}

static void test_full_months_and_add_years(void **state)
{
	assert_int_equal(full_months(D("2024-01-31"), D("2024-02-29")), 1);
	assert_int_equal(full_months(D("2024-01-31"), D("2024-02-28")), 0);
	assert_int_equal(full_months(D("1965-05-10"), D("2025-05-09")), 719);
	assert_int_equal(full_months(D("1965-05-10"), D("2025-05-10")), 720);
	assert_int_equal(day_add_years(D("2024-02-29"), 1), D("2025-03-01"));
	assert_int_equal(day_add_years(D("2023-06-30"), 1), D("2024-06-30"));
	/* 2026-11-29 is a Sunday */
	assert_int_equal(day_weekday(D("2026-11-29")), 6);
	assert_int_equal(day_weekday(D("2025-09-02")), 1);
}

static void test_strbuf_cap(void **state)
{
	struct strbuf sb;
	strbuf_init(&sb, 8);
	assert_int_equal(strbuf_adds(&sb, "1234567"), 0);
	assert_int_equal(strbuf_addc(&sb, 'x'), -1); /* would pass the cap */
	assert_string_equal(sb.buf, "1234567");
	strbuf_reset(&sb);
	assert_int_equal(strbuf_addf(&sb, "%d", 42), 0);
	assert_string_equal(sb.buf, "42");
	strbuf_release(&sb);
}

static void test_json_str(void **state)
{
	struct strbuf sb;
	strbuf_init(&sb, 1024);
	strbuf_add_json_str(&sb, "Nguyễn \"A\"\\\n\x01");
	assert_string_equal(sb.buf, "\"Nguyễn \\\"A\\\"\\\\\\n\\u0001\"");
	strbuf_reset(&sb);
	strbuf_add_json_str(&sb, NULL);
	assert_string_equal(sb.buf, "null");
	strbuf_release(&sb);
}

static void test_parse_pos_int(void **state)
{
	int64_t v;
	assert_int_equal(parse_pos_int("42", 2, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_pos_int("0", 1, 100, &v), -1);
	assert_int_equal(parse_pos_int("101", 3, 100, &v), -1);
	assert_int_equal(parse_pos_int("-1", 2, 100, &v), -1);
	assert_int_equal(parse_pos_int("1e3", 3, 10000, &v), -1);
	assert_int_equal(parse_pos_int("", 0, 100, &v), -1);
	assert_int_equal(parse_pos_int("99999999999999999999", 20, INT64_MAX, &v), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_day_roundtrip),
		cmocka_unit_test(test_day_parse_rejects),
		cmocka_unit_test(test_full_years),
		cmocka_unit_test(test_full_months_and_add_years),
		cmocka_unit_test(test_strbuf_cap),
		cmocka_unit_test(test_json_str),
		cmocka_unit_test(test_parse_pos_int),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
