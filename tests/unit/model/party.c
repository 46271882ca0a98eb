/* Unit tests of model/party*.c: the dated rule sets (minimum durations,
 * score mapping before and after 30 August 2025, the excellent cap) and
 * the meeting rules on a small store (short meeting, skipped month,
 * refusals that write nothing). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/party.h"
#include "model/party_int.h"
#include "model/reflist.h"
#include "model/registry.h"

static void test_rules_by_day(void **state)
{
	const struct party_rules *before = party_rules_on(day_from_ymd(2025, 8, 29));
	const struct party_rules *after = party_rules_on(day_from_ymd(2025, 8, 30));
	(void)state;
	assert_false(before->scored);
	assert_true(after->scored);
	assert_int_equal(before->min_minutes, 90);
	assert_int_equal(before->min_minutes_thematic, 120);
	assert_int_equal(party_level_of_score(after, 100), PARTY_EXCELLENT);
	assert_int_equal(party_level_of_score(after, 90), PARTY_EXCELLENT);
	assert_int_equal(party_level_of_score(after, 89), PARTY_GOOD);
	assert_int_equal(party_level_of_score(after, 70), PARTY_GOOD);
	assert_int_equal(party_level_of_score(after, 69), PARTY_DONE);
	assert_int_equal(party_level_of_score(after, 50), PARTY_DONE);
	assert_int_equal(party_level_of_score(after, 49), PARTY_FAILED);
	assert_int_equal(party_level_of_score(after, 0), PARTY_FAILED);
	/* excellent <= 20% of good */
	assert_int_equal(party_excellent_cap(after, 10), 2);
	assert_int_equal(party_excellent_cap(after, 9), 1);
	assert_int_equal(party_excellent_cap(after, 4), 0);
	/* NFC and NFD of the label are different bytes: stored as NFC */
	assert_string_equal(party_level_labels_vi[PARTY_EXCELLENT],
			    "Ho\xc3\xa0n th\xc3\xa0nh xu\xe1\xba\xa5t s\xe1\xba\xaf" "c nhi\xe1\xbb\x87m v\xe1\xbb\xa5");
}

static char path[64];

static struct registry *store(void)
{
	struct hoso_error err;
	struct registry *r;
	snprintf(path, sizeof(path), "/tmp/hoso-party-unit-%d.db", (int)getpid());
	unlink(path);
	r = registry_open(path, DB_OPEN_CREATE, &err);
	assert_non_null(r);
	assert_int_equal(db_exec(r->db,
		"INSERT INTO org_versions VALUES (1, NULL, 'party', 'TW', 'Trung \xc6\xb0\xc6\xa1ng', NULL, NULL);"
		"INSERT INTO org_versions VALUES (2, 1, 'grassroots', 'CS', '\xc4\x90\xe1\xba\xa3ng b\xe1\xbb\x99', NULL, NULL);"
		"INSERT INTO org_versions VALUES (3, 2, 'cell', 'CB', 'Chi b\xe1\xbb\x99', NULL, NULL);"
		"INSERT INTO members(id, card_no, full_name, sex, birth_date, ethnicity, admitted_on, official_on, status, org_id)"
		" VALUES (1, '1', 'Nguy\xe1\xbb\x85n V\xc4\x83n A', 'M', '1980-01-01', 'Kinh', '2005-01-01', '2006-01-01', 'official', 3);"
		"INSERT INTO members(id, card_no, full_name, sex, birth_date, ethnicity, admitted_on, official_on, status, org_id)"
		" VALUES (2, '2', 'Tr\xe1\xba\xa7n Th\xe1\xbb\x8b B', 'F', '1985-01-01', 'Kinh', '2010-01-01', '2011-01-01', 'official', 3);"
		"INSERT INTO placements VALUES (1, 3, '2005-01-01', NULL);"
		"INSERT INTO placements VALUES (2, 3, '2010-01-01', NULL);",
		&err), 0);
	return r;
}

static int do_action(struct registry *r, const char *action, const char *args,
		     json_t **answer, struct hoso_error *err)
{
	json_t *a = json_loads(args, 0, NULL);
	struct strbuf out;
	int rc;
	assert_non_null(a);
	strbuf_init(&out, 1 << 20);
	rc = party_do(r, action, a, NULL, &out, err);
	if (!rc && answer)
		*answer = json_loads(out.buf, 0, NULL);
	json_decref(a);
	strbuf_release(&out);
	return rc;
}

static int64_t count(struct registry *r, const char *sql)
{
	struct hoso_error err;
	struct db_stmt *st = db_prepare(r->db, sql, &err);
	int64_t n;
	assert_non_null(st);
	assert_int_equal(db_step(st, &err), 1);
	n = db_column_int(st, 0);
	db_finalize(st);
	return n;
}

static void test_meeting_rules(void **state)
{
	struct registry *r = store();
	struct hoso_error err;
	json_t *ans = NULL, *t;
	(void)state;
	assert_int_equal(do_action(r, "meeting.add",
		"{\"org\":3,\"date\":\"2025-01-10\",\"duration\":89,\"absent\":\"2\"}",
		&ans, &err), 0);
	assert_true(json_is_true(json_object_get(ans, "short")));
	assert_int_equal(json_integer_value(json_object_get(ans, "absent")), 1);
	json_decref(ans);
	assert_int_equal(do_action(r, "meeting.add",
		"{\"org\":\"CB\",\"date\":\"2025-03-10\",\"duration\":90}",
		&ans, &err), 0);
	assert_true(json_is_false(json_object_get(ans, "short")));
	json_decref(ans);
	/* refusals write nothing: a non-cell, a stranger in the list */
	assert_int_equal(do_action(r, "meeting.add",
		"{\"org\":2,\"date\":\"2025-02-10\",\"duration\":90}", NULL, &err), -1);
	assert_int_equal(err.code, HOSO_EREJECT);
	assert_int_equal(do_action(r, "meeting.add",
		"{\"org\":3,\"date\":\"2025-02-10\",\"duration\":90,\"excused\":\"9\"}",
		NULL, &err), -1);
	assert_int_equal(do_action(r, "meeting.add",
		"{\"org\":3,\"date\":\"2025-02-10\"}", NULL, &err), -1);
	assert_int_equal(err.code, HOSO_EUSAGE);
	assert_int_equal(count(r, "SELECT count(*) FROM party_meetings"), 2);
	assert_int_equal(count(r, "SELECT count(*) FROM operations WHERE kind = 'party.meeting'"), 2);
	assert_int_equal(count(r, "SELECT count(*) FROM party_attendance"), 4);
	/* February was skipped */
	assert_int_equal(do_action(r, "meeting.flags",
		"{\"org\":1,\"from\":\"2025-01-01\",\"to\":\"2025-04-01\"}", &ans, &err), 0);
	t = json_object_get(ans, "totals");
	assert_int_equal(json_integer_value(json_object_get(t, "months_due")), 3);
	assert_int_equal(json_integer_value(json_object_get(t, "months_skipped")), 1);
	assert_int_equal(json_integer_value(json_object_get(t, "short_meetings")), 1);
	assert_int_equal(json_integer_value(json_object_get(t, "quarters_without_thematic")), 1);
	assert_string_equal(json_string_value(json_object_get(
		json_array_get(json_object_get(ans, "skipped_months"), 0), "month")), "2025-02");
	json_decref(ans);
	/* a thematic meeting in March fills the quarter (the aggregate
	 * notices the new row) */
	assert_int_equal(do_action(r, "meeting.add",
		"{\"org\":3,\"date\":\"2025-03-20\",\"duration\":120,\"kind\":\"thematic\"}",
		NULL, &err), 0);
	assert_int_equal(do_action(r, "meeting.flags",
		"{\"org\":1,\"from\":\"2025-01-01\",\"to\":\"2025-04-01\"}", &ans, &err), 0);
	t = json_object_get(ans, "totals");
	assert_int_equal(json_integer_value(json_object_get(t, "quarters_without_thematic")), 0);
	json_decref(ans);
	registry_close(r);
	unlink(path);
}

/* The tree of a day (party_tree.c) against climbing parents
 * (party_child_toward) for every org, top and day, around a cell that
 * moves to another parent and after the read model changes. */
static void check_spans(const struct index *ix, const int32_t *days,
			size_t nd)
{
	for (size_t d = 0; d < nd; d++)
		for (int32_t top = 1; top <= 5; top++) {
			struct party_span sp;
			if (party_span_init(&sp, ix, top, days[d])) {
				assert_null(index_org_on(ix, top, days[d]));
				continue;
			}
			for (int32_t org = 1; org <= 6; org++) {
				int32_t ch = party_child_toward(ix, top, org,
								days[d]);
				long slot = party_span_slot(&sp, org);
				if (!ch)
					assert_int_equal(slot, -1);
				else if (ch == top)
					assert_int_equal(slot, 0);
				else
					assert_int_equal(sp.kids[slot - 1], ch);
			}
			party_span_release(&sp);
		}
}

static void test_tree_of_day(void **state)
{
	int32_t jul = day_from_ymd(2025, 7, 1);
	struct index_org_version v[] = {
		{1, 0, DAY_MIN, DAY_MAX, KIND_PARTY, "TW", "Trung \xc6\xb0\xc6\xa1ng"},
		{2, 1, DAY_MIN, DAY_MAX, KIND_GRASSROOTS, "A", "\xc4\x90\xe1\xba\xa3ng b\xe1\xbb\x99 A"},
		{3, 1, DAY_MIN, DAY_MAX, KIND_GRASSROOTS, "B", "\xc4\x90\xe1\xba\xa3ng b\xe1\xbb\x99 B"},
		{4, 2, DAY_MIN, jul, KIND_CELL, "C4", "Chi b\xe1\xbb\x99 4"},
		{4, 3, jul, DAY_MAX, KIND_CELL, "C4", "Chi b\xe1\xbb\x99 4"},
		{5, 3, DAY_MIN, DAY_MAX, KIND_CELL, "C5", "Chi b\xe1\xbb\x99 5"},
		{6, 5, DAY_MIN, jul, KIND_CELL, "C6", "Chi b\xe1\xbb\x99 6"},
	};
	struct index_input in = {v, sizeof(v) / sizeof(v[0]), NULL, 0, NULL, 0};
	struct index *ix = index_build(&in);
	int32_t days[] = {day_from_ymd(2025, 3, 1), jul - 1, jul,
			  day_from_ymd(2025, 9, 1)};
	struct party_span sp;
	uint64_t gen = index_org_generation(ix);
	(void)state;
	check_spans(ix, days, 4);
	/* cell 4 counts under A before July and under B from July */
	assert_int_equal(party_span_init(&sp, ix, 1, days[0]), 0);
	assert_int_equal(sp.nk, 2);
	assert_int_equal(party_span_slot(&sp, 4), 1);
	party_span_release(&sp);
	assert_int_equal(party_span_init(&sp, ix, 1, days[3]), 0);
	assert_int_equal(party_span_slot(&sp, 4), 2);
	assert_int_equal(party_span_slot(&sp, 6), -1); /* ended in June */
	party_span_release(&sp);
	/* the read model changes (cell 5 moves under A for good): the cached
	 * trees are not used any more */
	{
		struct index_org_version m = {5, 2, DAY_MIN, DAY_MAX, KIND_CELL,
					      "C5", "Chi b\xe1\xbb\x99 5"};
		index_put_org(ix, 5, &m, 1);
	}
	assert_true(index_org_generation(ix) != gen);
	assert_int_equal(party_span_init(&sp, ix, 1, days[3]), 0);
	assert_int_equal(party_span_slot(&sp, 5), 1);
	party_span_release(&sp);
	check_spans(ix, days, 4);
	party_trees_release();
	index_free(ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_by_day),
		cmocka_unit_test(test_meeting_rules),
		cmocka_unit_test(test_tree_of_day),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
