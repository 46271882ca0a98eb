/* Tests src/model/lifecycle_lunar.c: Tết and Hùng Kings' day by the
 * Vietnamese lunar calendar (UTC+7), the Labour Code holidays of a year,
 * and working-day deadlines across Tết in years without decided days in
 * lc_holidays (2010, 2030), while the decided years keep their table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "model/lifecycle.h"

static int32_t D(const char *s)
{
	int32_t d = 0;
	assert_int_equal(day_parse(s, strlen(s), &d), 0);
	return d;
}

static void test_tet(void **state)
{
	(void)state;
	/* 1985 and 2030: Vietnam (UTC+7) differs from China (UTC+8), whose
	 * new years are 20 Feb 1985 and 3 Feb 2030 */
	assert_int_equal(lc_lunar_new_year(1985), D("1985-01-21"));
	assert_int_equal(lc_lunar_new_year(2030), D("2030-02-02"));
	assert_int_equal(lc_lunar_new_year(1976), D("1976-01-31"));
	assert_int_equal(lc_lunar_new_year(2007), D("2007-02-17"));
	assert_int_equal(lc_lunar_new_year(2010), D("2010-02-14"));
	assert_int_equal(lc_lunar_new_year(2023), D("2023-01-22"));
	assert_int_equal(lc_lunar_new_year(2024), D("2024-02-10"));
	assert_int_equal(lc_lunar_new_year(2025), D("2025-01-29"));
	assert_int_equal(lc_lunar_new_year(2026), D("2026-02-17"));
	/* Hùng Kings' day, 10/3 lunar, as the decided years of lc_holidays */
	assert_int_equal(lc_lunar_to_solar(2019, 3, 10), D("2019-04-14"));
	assert_int_equal(lc_lunar_to_solar(2020, 3, 10), D("2020-04-02"));
	assert_int_equal(lc_lunar_to_solar(2023, 3, 10), D("2023-04-29"));
	assert_int_equal(lc_lunar_to_solar(2024, 3, 10), D("2024-04-18"));
	assert_int_equal(lc_lunar_to_solar(2026, 3, 10), D("2026-04-26"));
	/* 2023 has a leap 2nd month: the 3rd month comes after it */
	assert_int_equal(lc_lunar_to_solar(2023, 3, 1), D("2023-04-20"));
	for (int y = 1976; y <= 2100; y++) { /* Tết falls 20 Jan - 20 Feb */
		int32_t t = lc_lunar_new_year(y);
		assert_true(t >= day_from_ymd(y, 1, 20) &&
			    t <= day_from_ymd(y, 2, 20));
	}
}

static void test_rule_holidays(void **state)
{
	int32_t d[24];
	size_t n;
	(void)state;
	/* 2010 (1994 Code as amended 2007): Tết Sun 14 Feb, 4 days from
	 * Sat 13; the weekend two move to Wed 17 and Thu 18 */
	n = lc_rule_holidays(2010, d, 24);
	const char *want2010[] = {"2010-01-01", "2010-02-15", "2010-02-16",
				  "2010-02-17", "2010-02-18", "2010-04-23",
				  "2010-04-30", "2010-05-03", "2010-09-02"};
	assert_int_equal(n, 9);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(d[i], D(want2010[i]));
	/* 2006: no Hùng Kings' day yet; 2007: it is (26 Apr 2007) */
	n = lc_rule_holidays(2006, d, 24);
	for (size_t i = 0; i < n; i++)
		assert_false(d[i] >= D("2006-04-01") && d[i] < D("2006-04-30"));
	n = lc_rule_holidays(2007, d, 24);
	int found = 0;
	for (size_t i = 0; i < n; i++)
		found |= d[i] == D("2007-04-26");
	assert_true(found);
	/* 2013 on: Tết 5 days; 2021 on: 2 September and a day next to it */
	assert_int_equal(lc_rule_holidays(2012, d, 24), 9);
	n = lc_rule_holidays(2030, d, 24);
	const char *want2030[] = {"2030-01-01", "2030-02-01", "2030-02-04",
				  "2030-02-05", "2030-02-06", "2030-02-07",
				  "2030-04-12", "2030-04-30", "2030-05-01",
				  "2030-09-02", "2030-09-03"};
	assert_int_equal(n, 11);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(d[i], D(want2030[i]));
	/* 2 Sep 2023 a Saturday: 1 Sep with it, and Monday 4 in its place */
	n = lc_rule_holidays(2023, d, 24);
	assert_int_equal(d[n - 2], D("2023-09-01"));
	assert_int_equal(d[n - 1], D("2023-09-04"));
}

static void test_deadlines_from_store(void **state)
{
	char path[] = "/tmp/hoso-lunar-unit-XXXXXX";
	int fd = mkstemp(path);
	struct hoso_error err;
	struct db *db;
	struct lc_calendar cal, none;
	(void)state;
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	db = db_open(path, DB_OPEN_CREATE, &err);
	assert_non_null(db);
	lc_calendar_init(&cal);
	lc_calendar_init(&none);
	assert_int_equal(lc_calendar_load(db, &cal, &err), 0);
	/* 2010: 30 working days from Mon 1 Feb skip the 4 weekdays of Tết */
	assert_false(lc_is_working_day(&cal, D("2010-02-16")));
	assert_true(lc_is_working_day(&cal, D("2010-02-19")));
	assert_int_equal(lc_add_working_days(&cal, D("2010-02-01"), 30),
			 D("2010-03-19"));
	assert_int_equal(lc_add_working_days(&none, D("2010-02-01"), 30),
			 D("2010-03-15"));
	/* 2030: Tết Sat 2 Feb, 5 days: Fri 1 and Mon 4 - Thu 7 Feb */
	assert_false(lc_is_working_day(&cal, D("2030-02-01")));
	assert_false(lc_is_working_day(&cal, D("2030-02-07")));
	assert_true(lc_is_working_day(&cal, D("2030-02-08")));
	assert_int_equal(lc_add_working_days(&cal, D("2030-01-21"), 30),
			 D("2030-03-11"));
	assert_int_equal(lc_add_working_days(&none, D("2030-01-21"), 30),
			 D("2030-03-04"));
	/* a decided year keeps the government's days: Tết 2025 ended on
	 * Sunday 2 Feb (the rule alone would give Monday 3 Feb off) */
	assert_false(lc_is_working_day(&cal, D("2025-01-27")));
	assert_true(lc_is_working_day(&cal, D("2025-02-03")));
	assert_int_equal(lc_add_working_days(&cal, D("2025-01-20"), 30),
			 D("2025-03-10"));
	/* 1990 and 2100 have holidays too */
	assert_false(lc_is_working_day(&cal, D("1990-01-01")));
	assert_false(lc_is_working_day(&cal, D("2100-09-02")));
	lc_calendar_release(&cal);
	lc_calendar_release(&none);
	db_close(db);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tet),
		cmocka_unit_test(test_rule_holidays),
		cmocka_unit_test(test_deadlines_from_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
