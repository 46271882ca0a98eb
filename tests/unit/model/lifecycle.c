/* Tests src/model/lifecycle_rules.c: working days over the holiday table
 * (Tết included), rule-set selection by date, admission age in months vs
 * years, party age and badge award days; and the seeded tables of a new
 * store (migrations of src/db/schema_member.c). */
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

/* Tết Ất Tỵ 2025: 25 Jan - 2 Feb off (Sat to Sun). */
static void tet_2025(struct lc_calendar *cal)
{
	for (int32_t d = D("2025-01-25"); d <= D("2025-02-02"); d++)
		lc_calendar_add(cal, d, 0);
}

static void test_working_days_tet(void **state)
{
	struct lc_calendar cal;
	(void)state;
	lc_calendar_init(&cal);
	tet_2025(&cal);
	assert_true(lc_is_working_day(&cal, D("2025-01-24")));  /* Friday */
	assert_false(lc_is_working_day(&cal, D("2025-01-27"))); /* Tết Mon */
	assert_false(lc_is_working_day(&cal, D("2025-01-25"))); /* Sat */
	/* the working day after Friday 24 Jan is Monday 3 Feb */
	assert_int_equal(lc_add_working_days(&cal, D("2025-01-24"), 1),
			 D("2025-02-03"));
	/* 30 working days from 20 Jan 2025 skip the 5 weekdays of Tết */
	assert_int_equal(lc_add_working_days(&cal, D("2025-01-20"), 30),
			 D("2025-03-10"));
	/* without the holiday it would be 5 working days earlier */
	lc_calendar_release(&cal);
	lc_calendar_init(&cal);
	assert_int_equal(lc_add_working_days(&cal, D("2025-01-20"), 30),
			 D("2025-03-03"));
	/* a working Saturday counts */
	lc_calendar_add(&cal, D("2025-01-25"), 1);
	assert_true(lc_is_working_day(&cal, D("2025-01-25")));
	assert_int_equal(lc_add_working_days(&cal, D("2025-01-24"), 1),
			 D("2025-01-25"));
	lc_calendar_release(&cal);
}

static void test_add_months(void **state)
{
	(void)state;
	assert_int_equal(lc_add_months(D("2025-01-31"), 1), D("2025-02-28"));
	assert_int_equal(lc_add_months(D("2024-01-31"), 1), D("2024-02-29"));
	assert_int_equal(lc_add_months(D("2025-11-05"), 12), D("2026-11-05"));
	assert_int_equal(lc_add_months(D("2025-12-15"), 1), D("2026-01-15"));
	assert_int_equal(lc_add_months(D("2021-07-30"), 36), D("2024-07-30"));
}

static struct lc_rule_set rs_years, rs_months;

static void setup_rules(void)
{
	memset(&rs_years, 0, sizeof(rs_years));
	rs_years.effective_from = D("2016-07-25");
	rs_years.admit_min_months = 216;
	rs_years.admit_max_months = 720;
	rs_years.age_by_months = 0;
	rs_years.ceremony_limit = 30;
	rs_months = rs_years;
	rs_months.effective_from = D("2021-07-30");
	rs_months.age_by_months = 1;
}

static void test_rules_pick(void **state)
{
	struct lc_rule_set sets[3];
	(void)state;
	setup_rules();
	sets[0] = rs_months; /* any order */
	sets[1] = rs_years;
	sets[2] = rs_years;
	sets[2].effective_from = D("1900-01-01");
	assert_ptr_equal(lc_rules_pick(sets, 3, D("2021-07-29")), &sets[1]);
	assert_ptr_equal(lc_rules_pick(sets, 3, D("2021-07-30")), &sets[0]);
	assert_ptr_equal(lc_rules_pick(sets, 3, D("2016-07-24")), &sets[2]);
	assert_null(lc_rules_pick(sets, 3, D("1899-12-31")));
}

static void test_admission_age(void **state)
{
	(void)state;
	setup_rules();
	/* 18 full years: the day before the 18th birthday is too young */
	assert_int_equal(lc_admission_age(&rs_months, D("2007-05-10"),
					  D("2025-05-09")), 1);
	assert_int_equal(lc_admission_age(&rs_months, D("2007-05-10"),
					  D("2025-05-10")), 0);
	/* 60 years and 5 months: 60 in full years, 725 months */
	assert_int_equal(lc_admission_age(&rs_years, D("1961-02-01"),
					  D("2021-07-01")), 0);
	assert_int_equal(lc_admission_age(&rs_months, D("1961-02-01"),
					  D("2021-07-01")), 2);
	/* exactly 60 years, 720 months: allowed by both */
	assert_int_equal(lc_admission_age(&rs_months, D("1961-07-01"),
					  D("2021-07-01")), 0);
	/* 61 full years: too old by both */
	assert_int_equal(lc_admission_age(&rs_years, D("1960-06-01"),
					  D("2021-07-01")), 2);
}

static void test_deadline_units(void **state)
{
	struct lc_calendar cal;
	(void)state;
	lc_calendar_init(&cal);
	assert_int_equal(lc_deadline(&cal, D("2016-01-04"), 1, 1),
			 D("2016-02-04"));
	assert_int_equal(lc_deadline(&cal, D("2016-01-04"), 30, 0),
			 D("2016-02-15"));
	lc_calendar_release(&cal);
}

static void test_badges(void **state)
{
	size_t n;
	const int *ys = lc_badge_years(&n);
	(void)state;
	assert_int_equal(n, 12);
	assert_int_equal(ys[0], 30);
	assert_int_equal(ys[2], 45);
	assert_int_equal(ys[11], 90);
	assert_true(lc_is_award_day(D("2026-02-03")));
	assert_true(lc_is_award_day(D("2026-05-19")));
	assert_true(lc_is_award_day(D("2026-09-02")));
	assert_true(lc_is_award_day(D("2026-11-07")));
	assert_false(lc_is_award_day(D("2026-11-08")));
	assert_int_equal(lc_prev_award_day(D("2026-02-03")), D("2025-11-07"));
	assert_int_equal(lc_prev_award_day(D("2026-05-19")), D("2026-02-03"));
	/* party age from the decision, minus a gap of 1000 days */
	assert_int_equal(lc_party_years(D("1990-03-01"), 0, D("2020-03-01")),
			 30);
	assert_int_equal(lc_party_years(D("1990-03-01"), 1000,
					D("2020-03-01")), 27);
	assert_int_equal(lc_party_anniversary(D("1990-03-01"), 10, 30),
			 D("2020-03-11"));
}

static void test_store_tables(void **state)
{
	char path[] = "/tmp/hoso-lc-unit-XXXXXX";
	int fd = mkstemp(path);
	struct hoso_error err;
	struct db *db;
	struct lc_rule_set *sets = NULL;
	struct lc_calendar cal;
	long n;
	(void)state;
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	db = db_open(path, DB_OPEN_CREATE, &err);
	assert_non_null(db);
	n = lc_rules_load(db, &sets, &err);
	assert_true(n >= 4);
	/* the admission age rule changed: years in 2016, months since 2021 */
	assert_int_equal(lc_rules_pick(sets, (size_t)n, D("2021-07-29"))
				 ->age_by_months, 0);
	assert_int_equal(lc_rules_pick(sets, (size_t)n, D("2021-07-30"))
				 ->age_by_months, 1);
	/* the ceremony limit: a month before 2016, 30 working days after */
	assert_int_equal(lc_rules_pick(sets, (size_t)n, D("2016-07-24"))
				 ->ceremony_in_months, 1);
	assert_int_equal(lc_rules_pick(sets, (size_t)n, D("2016-07-25"))
				 ->ceremony_in_months, 0);
	assert_non_null(strstr(lc_rules_pick(sets, (size_t)n, D("2025-07-01"))
				       ->source, "294"));
	lc_calendar_init(&cal);
	assert_int_equal(lc_calendar_load(db, &cal, &err), 0);
	assert_true(cal.n_off > 100);
	/* Tết Bính Ngọ 2026 (14-22 Feb) and Hùng Kings' day moved to Monday */
	assert_false(lc_is_working_day(&cal, D("2026-02-16")));
	assert_false(lc_is_working_day(&cal, D("2026-04-27")));
	assert_true(lc_is_working_day(&cal, D("2026-02-23")));
	assert_int_equal(lc_add_working_days(&cal, D("2026-02-02"), 30),
			 D("2026-03-23"));
	assert_int_equal(lc_add_working_days(&cal, D("2025-01-20"), 30),
			 D("2025-03-10"));
	lc_calendar_release(&cal);
	free(sets);
	db_close(db);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_working_days_tet),
		cmocka_unit_test(test_add_months),
		cmocka_unit_test(test_rules_pick),
		cmocka_unit_test(test_admission_age),
		cmocka_unit_test(test_deadline_units),
		cmocka_unit_test(test_badges),
		cmocka_unit_test(test_store_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
