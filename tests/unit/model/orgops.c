/* Unit tests of src/model/orgops.c and orgops_plan.c: every operation's
 * happy path on a small store, each rule violated (message naming the rule,
 * nothing written), backdating, undo, the operations row, the read model
 * after each change, and plans (parsing, all or nothing, dry run). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/core.h"
#include "index/index.h"
#include "model/orgops.h"
#include "model/reflist.h"
#include "model/registry.h"

/* 1 TW > 2 province P1 > 10 grassroots G10 > 11 cell C11 (members 1-3),
 * 12 cell C12 (member 4, renamed on 2018-01-01); 3 province P2 > 20
 * grassroots cell GC20 (member 5). Everyone official since 2001. */
static const char *const SETUP =
	"INSERT INTO org_versions VALUES"
	" (1, NULL, 'party', 'TW', 'Ban Chấp hành Trung ương', NULL, NULL),"
	" (2, 1, 'province', 'P1', 'Tỉnh ủy Một', NULL, NULL),"
	" (3, 1, 'province', 'P2', 'Tỉnh ủy Hai', NULL, NULL),"
	" (10, 2, 'grassroots', 'G10', 'Đảng bộ Mười', NULL, NULL),"
	" (11, 10, 'cell', 'C11', 'Chi bộ Mười một', NULL, NULL),"
	" (12, 10, 'cell', 'C12', 'Chi bộ A', NULL, '2018-01-01'),"
	" (12, 10, 'cell', 'C12', 'Chi bộ B', '2018-01-01', NULL),"
	" (20, 3, 'grassroots_cell', 'GC20', 'Chi bộ cơ sở Hai mươi', NULL, NULL);";

static char path[64];
static struct registry *reg;

static void add_member(int id, int org)
{
	char sql[512];
	struct hoso_error err;
	snprintf(sql, sizeof(sql),
		 "INSERT INTO members(id, full_name, sex, birth_date, ethnicity,"
		 " admitted_on, official_on, status, org_id) VALUES (%d,"
		 " 'Nguyễn Văn %d', 'M', '1970-01-01', 'Kinh', '2000-01-01',"
		 " '2001-01-01', 'official', %d);"
		 "INSERT INTO placements VALUES (%d, %d, '2000-01-01', NULL);",
		 id, id, org, id, org);
	assert_int_equal(db_exec(reg->db, sql, &err), 0);
}

static int setup(void **state)
{
	struct hoso_error err;
	(void)state;
	snprintf(path, sizeof(path), "/tmp/hoso-orgops-unit-%d.db", (int)getpid());
	unlink(path);
	reg = registry_open(path, DB_OPEN_CREATE, &err);
	assert_non_null(reg);
	assert_int_equal(db_exec(reg->db, SETUP, &err), 0);
	add_member(1, 11);
	add_member(2, 11);
	add_member(3, 11);
	add_member(4, 12);
	add_member(5, 20);
	assert_int_equal(registry_load_index(reg, 1, &err), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	registry_close(reg);
	reg = NULL;
	unlink(path);
	return 0;
}

static int32_t D(const char *s)
{
	int32_t d;
	assert_int_equal(day_parse(s, strlen(s), &d), 0);
	return d;
}

static int64_t sql_int(const char *sql)
{
	struct hoso_error err;
	struct db_stmt *st = db_prepare(reg->db, sql, &err);
	int64_t v = -1;
	assert_non_null(st);
	if (db_step(st, &err) == 1)
		v = db_column_int(st, 0);
	db_finalize(st);
	return v;
}

/* A fingerprint of everything an operation may write. */
static void fingerprint(char *out, size_t max)
{
	struct hoso_error err;
	struct db_stmt *st = db_prepare(
		reg->db,
		"SELECT (SELECT group_concat(id || parent_id || kind || coalesce(code,'')"
		" || name || coalesce(valid_from,'') || coalesce(valid_to,''), '|')"
		" FROM org_versions) || '#' || (SELECT group_concat(member_id ||"
		" org_id || valid_from || coalesce(valid_to,''), '|') FROM"
		" placements) || '#' || (SELECT group_concat(org_id, '|') FROM"
		" members) || '#' || (SELECT count(*) FROM operations)",
		&err);
	size_t len;
	const char *s;
	assert_non_null(st);
	assert_int_equal(db_step(st, &err), 1);
	s = db_column_text(st, 0, &len);
	snprintf(out, max, "%.*s", (int)len, s ? s : "");
	db_finalize(st);
}

static int64_t count_on(int32_t org, const char *day)
{
	int64_t n = -1;
	assert_int_equal(index_count(reg->ix, org, D(day), &n), 0);
	return n;
}

static int64_t apply(struct orgop *op, const char *day, struct strbuf *out,
		     struct hoso_error *err)
{
	struct op_meta meta = {"unit", "vì kiểm thử", "test"};
	op->day = D(day);
	return orgops_apply(reg, op, &meta, out, err);
}

/* The operation must be refused naming rule, and write nothing. */
static void refused(struct orgop *op, const char *day, const char *rule)
{
	char before[8192], after[8192];
	struct strbuf out;
	struct hoso_error err = {0};
	fingerprint(before, sizeof(before));
	strbuf_init(&out, 1 << 20);
	assert_int_equal(apply(op, day, &out, &err), -1);
	if (!strstr(err.msg, rule))
		fail_msg("expected %s in \"%s\"", rule, err.msg);
	fingerprint(after, sizeof(after));
	assert_string_equal(before, after);
	strbuf_release(&out);
}

static void test_rename_backdated(void **state)
{
	struct orgop op = {.kind = ORGOP_RENAME, .org = "C11",
			   /* NFD input, stored NFC */
			   .name = "Chi bo\xcc\x82\xcc\xa3 Mu\xcc\x9bo\xcc\x9b\xcc\x80i mo\xcc\x9b\xcc\x81i"};
	struct strbuf out;
	struct hoso_error err;
	const struct index_org_version *v;
	int64_t seq;
	(void)state;
	strbuf_init(&out, 1 << 20);
	seq = apply(&op, "2015-03-01", &out, &err);
	assert_true(seq > 0);
	v = index_org_on(reg->ix, 11, D("2015-02-28"));
	assert_string_equal(v->name, "Chi bộ Mười một");
	v = index_org_on(reg->ix, 11, D("2015-03-01"));
	assert_string_equal(v->name, "Chi bộ Mười mới");
	assert_int_equal(sql_int("SELECT count(*) FROM org_versions WHERE id = 11"), 2);
	assert_int_equal(sql_int("SELECT count(*) FROM operations WHERE kind ="
				 " 'org-rename' AND actor = 'unit' AND reason ="
				 " 'vì kiểm thử' AND effective_on = '2015-03-01'"
				 " AND payload LIKE '%\"before\"%\"after\"%'"),
			 1);
	assert_non_null(strstr(out.buf, "\"action\":\"rename\""));
	strbuf_release(&out);
}

/* A backdated rename stops at the next recorded rename. */
static void test_rename_keeps_later_change(void **state)
{
	struct orgop op = {.kind = ORGOP_RENAME, .org = "12", .name = "Chi bộ C"};
	struct strbuf out;
	struct hoso_error err;
	(void)state;
	strbuf_init(&out, 1 << 20);
	assert_true(apply(&op, "2010-01-01", &out, &err) > 0);
	assert_string_equal(index_org_on(reg->ix, 12, D("2009-12-31"))->name, "Chi bộ A");
	assert_string_equal(index_org_on(reg->ix, 12, D("2012-01-01"))->name, "Chi bộ C");
	assert_string_equal(index_org_on(reg->ix, 12, D("2019-01-01"))->name, "Chi bộ B");
	strbuf_release(&out);
}

static void test_merge_members_follow(void **state)
{
	struct orgop op = {.kind = ORGOP_MERGE, .org = "12", .target = "11"};
	struct strbuf out;
	struct hoso_error err;
	(void)state;
	strbuf_init(&out, 1 << 20);
	assert_true(apply(&op, "2020-01-01", &out, &err) > 0);
	assert_int_equal(count_on(11, "2019-12-31"), 3);
	assert_int_equal(count_on(11, "2020-01-01"), 4);
	assert_int_equal(count_on(10, "2019-12-31"), 4);
	assert_int_equal(count_on(10, "2020-01-01"), 4);
	assert_null(index_org_on(reg->ix, 12, D("2020-01-01")));
	assert_int_equal(sql_int("SELECT org_id FROM members WHERE id = 4"), 11);
	assert_int_equal(sql_int("SELECT count(*) FROM placements WHERE member_id = 4"), 2);
	assert_int_equal(index_member_place(reg->ix, 4, D("2019-06-01")), 12);
	assert_int_equal(index_member_place(reg->ix, 4, D("2020-06-01")), 11);
	assert_non_null(strstr(out.buf, "\"members_moved\":1"));
	strbuf_release(&out);
}

static void test_dissolve(void **state)
{
	struct orgop op = {.kind = ORGOP_DISSOLVE, .org = "12"};
	struct strbuf out;
	struct hoso_error err;
	(void)state;
	refused(&op, "2020-01-01", "[chuyển-trước]"); /* member 4 */
	op.target = "10"; /* not a cell */
	refused(&op, "2020-01-01", "[chỉ-chi-bộ]");
	op.target = "20"; /* a cell elsewhere: fine */
	strbuf_init(&out, 1 << 20);
	assert_true(apply(&op, "2020-01-01", &out, &err) > 0);
	assert_int_equal(count_on(3, "2020-01-01"), 2);
	assert_int_equal(count_on(2, "2020-01-01"), 3);
	assert_int_equal(count_on(2, "2019-12-31"), 4);
	/* a unit with children needs where they go */
	struct orgop g = {.kind = ORGOP_DISSOLVE, .org = "10"};
	refused(&g, "2021-01-01", "[chuyển-trước]");
	strbuf_release(&out);
}

static void test_tree_rules(void **state)
{
	struct orgop move = {.kind = ORGOP_MOVE, .org = "11", .parent = "2"};
	struct orgop code = {.kind = ORGOP_RECODE, .org = "11", .code = "C12"};
	struct orgop kind = {.kind = ORGOP_KIND, .org = "11", .new_kind = "sub_committee"};
	struct orgop gone = {.kind = ORGOP_RENAME, .org = "12", .name = "X"};
	struct orgop same = {.kind = ORGOP_RENAME, .org = "11", .name = "Chi bộ Mười một"};
	struct orgop dead = {.kind = ORGOP_CREATE, .parent = "12", .new_kind = "cell",
			     .name = "Chi bộ con"};
	struct orgop bad = {.kind = ORGOP_CREATE, .parent = "10", .new_kind = "bloc",
			    .name = "Khối"};
	struct strbuf out;
	struct hoso_error err;
	(void)state;
	refused(&move, "2020-01-01", "[đúng-cấp]");
	refused(&code, "2020-01-01", "[mã-duy-nhất]");
	refused(&kind, "2020-01-01", "[chỉ-chi-bộ]");
	refused(&same, "2020-01-01", "không có gì thay đổi");
	refused(&bad, "2020-01-01", "[đúng-cấp]");
	/* 12 ends on 2020-01-01 (merged), then: */
	struct orgop merge = {.kind = ORGOP_MERGE, .org = "12", .target = "11"};
	strbuf_init(&out, 1 << 20);
	assert_true(apply(&merge, "2020-01-01", &out, &err) > 0);
	refused(&gone, "2021-01-01", "[tồn-tại-ngày-D]");
	refused(&dead, "2021-01-01", "[cấp-trên-tồn-tại]");
	/* the code of an ended unit can be taken after its end, not before */
	refused(&code, "2019-01-01", "[mã-duy-nhất]");
	assert_true(apply(&code, "2020-01-01", &out, &err) > 0);
	strbuf_release(&out);
}

static void test_backdated_conflict(void **state)
{
	/* 12 has a version from 2018: ending it earlier is refused */
	struct orgop op = {.kind = ORGOP_MERGE, .org = "12", .target = "11"};
	(void)state;
	refused(&op, "2017-01-01", "[phiên-bản-sau]");
}

static void test_split_create_kind_warnings(void **state)
{
	struct orgop split = {.kind = ORGOP_SPLIT, .org = "11", .name = "Chi bộ Tách",
			      .code = "C13", .members = "1;2"};
	struct orgop create = {.kind = ORGOP_CREATE, .parent = "10", .new_kind = "cell",
			       .name = "Chi bộ Mới", .code = "C14", .new_id = 14};
	struct orgop kind = {.kind = ORGOP_KIND, .org = "20", .new_kind = "grassroots"};
	struct orgop badm = {.kind = ORGOP_SPLIT, .org = "11", .name = "X", .members = "5"};
	struct strbuf out;
	struct hoso_error err;
	(void)state;
	strbuf_init(&out, 1 << 20);
	assert_true(apply(&split, "2022-01-01", &out, &err) > 0);
	assert_int_equal(count_on(11, "2022-01-01"), 1);
	assert_int_equal(count_on(10, "2022-01-01"), 4);
	int32_t made = (int32_t)sql_int("SELECT id FROM org_versions WHERE code = 'C13'");
	assert_true(made > 20);
	assert_int_equal(count_on(made, "2022-01-01"), 2);
	/* both halves have fewer than 3 official members: warned, not refused */
	assert_non_null(strstr(out.buf, "cần ít nhất 3"));
	strbuf_reset(&out);
	int64_t seq = apply(&create, "2022-02-01", &out, &err);
	assert_int_equal(seq, sql_int("SELECT max(seq) FROM operations"));
	assert_non_null(index_org_on(reg->ix, 14, D("2022-02-01")));
	assert_null(index_org_on(reg->ix, 14, D("2022-01-31")));
	assert_non_null(strstr(out.buf, "\"created\":14"));
	strbuf_reset(&out);
	/* a grassroots committee cannot hold members */
	refused(&kind, "2022-03-01", "[chỉ-chi-bộ]");
	/* a grassroots cell of 31 members: warned on any change */
	for (int i = 100; i < 130; i++)
		add_member(i, 20);
	struct orgop ren = {.kind = ORGOP_RENAME, .org = "20", .name = "Chi bộ cơ sở Lớn"};
	assert_true(apply(&ren, "2022-03-01", &out, &err) > 0);
	assert_non_null(strstr(out.buf, "có 31 đảng viên"));
	/* grassroots cell -> cell under a grassroots committee */
	struct orgop tocell = {.kind = ORGOP_KIND, .org = "20", .new_kind = "cell",
			       .parent = "G10"};
	strbuf_reset(&out);
	assert_true(apply(&tocell, "2022-04-01", &out, &err) > 0);
	assert_int_equal(index_org_on(reg->ix, 20, D("2022-04-01"))->kind, KIND_CELL);
	assert_int_equal(index_org_on(reg->ix, 20, D("2022-04-01"))->parent_id, 10);
	assert_int_equal(index_org_on(reg->ix, 20, D("2022-03-31"))->parent_id, 3);
	refused(&badm, "2022-04-01", "không sinh hoạt");
	strbuf_release(&out);
}

static void test_undo(void **state)
{
	struct orgop merge = {.kind = ORGOP_MERGE, .org = "12", .target = "11"};
	struct orgop undo = {.kind = ORGOP_UNDO};
	struct orgop rename = {.kind = ORGOP_RENAME, .org = "11", .name = "Chi bộ Sau"};
	char before[8192], after[8192];
	struct strbuf out;
	struct hoso_error err;
	int64_t seq;
	(void)state;
	strbuf_init(&out, 1 << 20);
	fingerprint(before, sizeof(before));
	seq = apply(&merge, "2020-01-01", &out, &err);
	assert_true(seq > 0);
	undo.undo_seq = seq;
	assert_true(apply(&undo, "2026-01-01", &out, &err) > seq);
	fingerprint(after, sizeof(after));
	/* the same rows but for the two operation records */
	assert_int_equal(sql_int("SELECT count(*) FROM operations"), 2);
	assert_int_equal(count_on(11, "2021-01-01"), 3);
	assert_int_equal(count_on(12, "2021-01-01"), 1);
	assert_int_equal(sql_int("SELECT org_id FROM members WHERE id = 4"), 12);
	assert_int_equal(sql_int("SELECT count(*) FROM placements WHERE member_id = 4"), 1);
	assert_int_equal(sql_int("SELECT effective_on = '2020-01-01' FROM operations"
				 " WHERE kind = 'org-undo'"), 1);
	refused(&undo, "2026-01-01", "đã được hoàn tác");
	/* a later change to the same unit or member blocks the undo */
	seq = apply(&merge, "2020-01-01", &out, &err);
	assert_true(apply(&rename, "2021-01-01", &out, &err) > 0);
	undo.undo_seq = seq + 1;
	assert_true(apply(&undo, "2026-01-01", &out, &err) > 0); /* the rename */
	struct op_meta meta = {"unit", NULL, "test"};
	assert_true(registry_op_transfer(reg, 4, 20, D("2021-01-01"), &meta, &err) > 0);
	undo.undo_seq = seq;
	refused(&undo, "2026-01-01", "[phiên-bản-sau]");
	undo.undo_seq = 999;
	struct hoso_error e2;
	assert_int_equal(apply(&undo, "2026-01-01", &out, &e2), -1);
	assert_int_equal(e2.code, HOSO_ENOTFOUND);
	(void)before;
	strbuf_release(&out);
}

static void test_plan_parse(void **state)
{
	static const char text[] =
		"\xEF\xBB\xBF" "action,org,new_name,effective,reason,extra\n"
		"rename,11,\"Chi bộ \"\"Mới\"\", số 1\",2020-01-01,vì sao,x\r\n"
		"\n"
		"#note,,,,\n"
		"rename,12,Chi bo\xcc\xa3\xcc\x82 B,2020-01-01,,\n";
	static const char bad[] =
		"action,org,effective\n"
		"rename,11,2020-01-01\n"
		"explode,11,2020-01-01\n"
		"move,11,2020-02-30\n";
	struct orgops_plan plan;
	struct hoso_error err;
	(void)state;
	assert_int_equal(orgops_plan_parse(text, sizeof(text) - 1, &plan, &err), 0);
	assert_int_equal(plan.n, 2);
	assert_int_equal(plan.rows[0].op.kind, ORGOP_RENAME);
	assert_string_equal(plan.rows[0].op.name, "Chi bộ \"Mới\", số 1");
	assert_string_equal(plan.rows[0].reason, "vì sao");
	assert_int_equal(plan.rows[0].line, 2);
	assert_int_equal(plan.rows[1].line, 5);
	assert_null(plan.rows[1].reason);
	orgops_plan_release(&plan);
	assert_int_equal(orgops_plan_parse(bad, sizeof(bad) - 1, &plan, &err), -1);
	assert_int_equal(err.code, HOSO_EUSAGE);
	assert_non_null(strstr(err.msg, "3: action"));
	assert_non_null(strstr(err.msg, "4: effective"));
	assert_int_equal(orgops_plan_parse("x,y\n", 4, &plan, &err), -1);
	assert_int_equal(orgops_plan_parse("action,effective\n", 17, &plan, &err), -1);
	assert_int_equal(orgops_plan_parse("action,effective\n\"rename,", 25, &plan, &err), -1);
}

static void test_plan_all_or_nothing(void **state)
{
	static const char good[] =
		"action,org,new_parent,new_name,new_code,new_kind,target,new_id,effective\n"
		"create,,10,Chi bộ Mới,C15,cell,,15,2021-01-01\n"
		"merge,12,,,,,C15,,2021-06-01\n"
		"rename,C15,,Chi bộ Hợp nhất,,,,,2021-06-01\n";
	static const char bad[] =
		"action,org,new_parent,new_name,effective\n"
		"rename,11,,Chi bộ X,2021-01-01\n"
		"move,11,3,,2021-01-01\n";
	char before[8192], after[8192];
	struct orgops_plan plan;
	struct strbuf out;
	struct hoso_error err;
	struct op_meta meta = {"unit", NULL, "test"};
	(void)state;
	strbuf_init(&out, 1 << 20);
	fingerprint(before, sizeof(before));
	assert_int_equal(orgops_plan_parse(good, sizeof(good) - 1, &plan, &err), 0);
	assert_int_equal(orgops_plan_run(reg, &plan, 1, &meta, &out, &err), 0);
	fingerprint(after, sizeof(after));
	assert_string_equal(before, after);
	assert_non_null(strstr(out.buf, "\"dry_run\":true"));
	assert_non_null(strstr(out.buf, "{\"org\":15,\"before\":0,\"after\":1}"));
	strbuf_reset(&out);
	assert_int_equal(orgops_plan_run(reg, &plan, 0, &meta, &out, &err), 0);
	orgops_plan_release(&plan);
	assert_int_equal(sql_int("SELECT count(*) FROM operations"), 3);
	assert_string_equal(index_org_on(reg->ix, 15, D("2021-06-01"))->name, "Chi bộ Hợp nhất");
	assert_int_equal(count_on(15, "2021-06-01"), 1);
	assert_int_equal(count_on(15, "2021-05-31"), 0);
	assert_non_null(strstr(out.buf, "\"totals\":[{\"on\":\"2021-01-01\",\"before\":5,\"after\":5}"));
	/* a bad row: nothing of the plan is written, the row is named */
	fingerprint(before, sizeof(before));
	assert_int_equal(orgops_plan_parse(bad, sizeof(bad) - 1, &plan, &err), 0);
	strbuf_reset(&out);
	assert_int_equal(orgops_plan_run(reg, &plan, 0, &meta, &out, &err), -1);
	assert_non_null(strstr(err.msg, "dòng 3"));
	assert_non_null(strstr(err.msg, "[đúng-cấp]"));
	orgops_plan_release(&plan);
	fingerprint(after, sizeof(after));
	assert_string_equal(before, after);
	assert_string_equal(index_org_on(reg->ix, 11, D("2021-01-01"))->name, "Chi bộ Mười một");
	strbuf_release(&out);
}

/* Past many members a plan rebuilds the read model; the answers are the
 * same as with the incremental update (checked here on the small store
 * by comparing with a fresh load). */
static void test_index_matches_fresh_load(void **state)
{
	struct orgop m = {.kind = ORGOP_MERGE, .org = "12;20", .target = "11"};
	struct strbuf out;
	struct hoso_error err;
	struct registry *fresh;
	static const char *const days[] = {"1999-12-31", "2005-01-01", "2019-12-31",
					   "2020-01-01", "2030-01-01"};
	(void)state;
	strbuf_init(&out, 1 << 20);
	assert_true(apply(&m, "2020-01-01", &out, &err) > 0);
	fresh = registry_open(path, 0, &err);
	assert_non_null(fresh);
	assert_int_equal(registry_load_index(fresh, 1, &err), 0);
	for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++)
		for (int32_t org = 1; org <= 20; org++) {
			int64_t a = -2, b = -2;
			int ra = index_count(reg->ix, org, D(days[i]), &a);
			int rb = index_count(fresh->ix, org, D(days[i]), &b);
			assert_int_equal(ra, rb);
			assert_int_equal(a, b);
		}
	registry_close(fresh);
	strbuf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rename_backdated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename_keeps_later_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_merge_members_follow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dissolve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tree_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backdated_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_create_kind_warnings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_undo, setup, teardown),
		cmocka_unit_test(test_plan_parse),
		cmocka_unit_test_setup_teardown(test_plan_all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_matches_fresh_load, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
