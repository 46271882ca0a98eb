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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_by_day),
		cmocka_unit_test(test_meeting_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
