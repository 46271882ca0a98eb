/* Unit tests of src/index/period.c: a readmitted member's earlier period
 * counts on its own days with its own admission and official days (Q1-Q5),
 * both when built from the store's rows and when set by an update, and
 * removing the period gives back the answers of a member never readmitted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"
#include "index/index.h"
#include "model/reflist.h"

static int32_t D(const char *s)
{
	int32_t d = 0;
	assert_int_equal(day_parse(s, strlen(s), &d), 0);
	return d;
}

/* root 1 > grassroots cells 2 and 3 */
static const struct index_org_version orgs[] = {
	{1, 0, DAY_MIN, DAY_MAX, KIND_PARTY, "P", "Toàn Đảng"},
	{2, 1, DAY_MIN, DAY_MAX, KIND_GRASSROOTS_CELL, "A", "Chi bộ A"},
	{3, 1, DAY_MIN, DAY_MAX, KIND_GRASSROOTS_CELL, "B", "Chi bộ B"},
};

/* Member 7: admitted 2000-06-01 in A, official 2001-06-01, left
 * 2020-03-01; readmitted 2023-03-20 in B, official 2024-03-20. */
static struct index_member member7(void)
{
	struct index_member m = {0};
	m.id = 7;
	m.birth = D("1975-05-06");
	m.admitted = D("2023-03-20");
	m.official = D("2024-03-20");
	m.ended = DAY_MAX;
	m.status = ST_OFFICIAL;
	m.full_name = "Trần Văn An";
	return m;
}

static struct index *build(int with_period)
{
	struct index_builder *b = index_builder_new(0, 0);
	struct index_member m = member7();
	struct index_placement pl[] = {{7, 2, D("2000-06-01"), D("2020-03-01")},
				       {7, 3, D("2023-03-20"), DAY_MAX}};
	struct index_period p = {7, D("2000-06-01"), D("2001-06-01"),
				 D("2020-03-01"), ST_LEFT};
	for (size_t i = 0; i < 3; i++)
		index_builder_org(b, &orgs[i]);
	index_builder_member(b, &m);
	for (size_t i = 0; i < 2; i++)
		index_builder_placement(b, &pl[i]);
	if (with_period)
		index_builder_period(b, &p);
	return index_builder_finish(b);
}

static int64_t count(struct index *ix, int32_t org, const char *day)
{
	int64_t n = -1;
	assert_int_equal(index_count(ix, org, D(day), &n), 0);
	return n;
}

static void check_periods(struct index *ix)
{
	struct index_breakdown b;
	struct index_changes c;
	struct index_search_hit hit;
	int64_t total;
	assert_int_equal(count(ix, 2, "2010-12-31"), 1); /* first period */
	assert_int_equal(count(ix, 1, "2021-12-31"), 0); /* the gap */
	assert_int_equal(count(ix, 3, "2023-03-19"), 0);
	assert_int_equal(count(ix, 3, "2023-03-20"), 1); /* second period */
	assert_int_equal(index_breakdown(ix, 1, D("2000-12-31"), &b), 0);
	assert_int_equal(b.status[0], 1); /* probationary then */
	assert_int_equal(index_breakdown(ix, 1, D("2010-12-31"), &b), 0);
	assert_int_equal(b.status[1], 1); /* official then */
	assert_int_equal(b.membership_years[0], 0);
	assert_int_equal(b.membership_years[1], 1); /* 10 years */
	assert_int_equal(index_breakdown(ix, 1, D("2023-12-31"), &b), 0);
	assert_int_equal(b.status[0], 1); /* probation again */
	assert_int_equal(b.membership_years[0], 1);
	assert_int_equal(index_changes(ix, 1, D("2000-01-01"), D("2030-01-01"),
				       &c), 0);
	assert_int_equal(c.admitted, 2);
	assert_int_equal(c.made_official, 2);
	assert_int_equal(c.left, 1);
	assert_int_equal(c.moved_in + c.moved_out, 0);
	assert_int_equal(index_changes(ix, 3, D("2023-01-01"), D("2024-01-01"),
				       &c), 0);
	assert_int_equal(c.admitted, 1);
	assert_int_equal(c.moved_in, 0); /* an admission, not a move */
	assert_int_equal(index_search(ix, "tran", 1, D("2010-12-31"), 1, &hit,
				      &total), 1);
	assert_int_equal(hit.org_id, 2);
	assert_int_equal(index_search(ix, "tran", 1, D("2021-12-31"), 1, &hit,
				      &total), 0);
	const struct index_period *pe;
	assert_int_equal(index_member_periods(ix, 7, &pe), 1);
	assert_int_equal(pe[0].ended, D("2020-03-01"));
}

static void test_built(void **state)
{
	(void)state;
	struct index *ix = build(1);
	check_periods(ix);
	index_free(ix);
}

static void test_updated(void **state)
{
	(void)state;
	struct index *ix = build(0);
	struct index_member m = member7();
	struct index_placement pl[] = {{7, 2, D("2000-06-01"), D("2020-03-01")},
				       {7, 3, D("2023-03-20"), DAY_MAX}};
	struct index_period p = {7, D("2000-06-01"), D("2001-06-01"),
				 D("2020-03-01"), ST_LEFT};
	struct index_changes c;
	/* without the period the first placement lies before admission */
	assert_int_equal(count(ix, 2, "2010-12-31"), 0);
	index_put_member_periods(ix, &m, pl, 2, &p, 1);
	check_periods(ix);
	/* an update keeping the periods (a plain transfer) */
	index_put_member(ix, &m, pl, 2);
	check_periods(ix);
	/* the readmission undone: one period, ended in 2020 */
	m.admitted = D("2000-06-01");
	m.official = D("2001-06-01");
	m.ended = D("2020-03-01");
	m.status = ST_LEFT;
	index_put_member_periods(ix, &m, pl, 1, NULL, 0);
	assert_int_equal(count(ix, 2, "2010-12-31"), 1);
	assert_int_equal(count(ix, 3, "2023-03-20"), 0);
	assert_int_equal(index_changes(ix, 1, D("2000-01-01"), D("2030-01-01"),
				       &c), 0);
	assert_int_equal(c.admitted, 1);
	assert_int_equal(c.left, 1);
	const struct index_period *pe;
	assert_int_equal(index_member_periods(ix, 7, &pe), 0);
	index_free(ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_built),
		cmocka_unit_test(test_updated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
