/* party_meeting: cell meetings and attendance: recording a meeting, the
 * flags of the meeting rules (skipped month, quarter without a thematic
 * meeting, short meeting), attendance rates and striking-off candidates.
 * Roll-ups read a per-(cell, month) aggregate kept in memory. */
#include <stdlib.h>
#include <string.h>

#include "model/party_int.h"
#include "model/reflist.h"
#include "core/banned.h"

static const char *const meeting_kinds[] = {"regular", "thematic"};
static const char *const attendance_names[] = {"present", "excused",
					       "absent"};

/* ---- the monthly aggregate ----
 * One row per (cell, month) with meetings: counts of meetings, of those
 * with a thematic part, of short ones, and attendance sums. Built from one
 * GROUP BY over party_meetings, rebuilt when max(seq) changed (a write by
 * this process or another one); a roll-up then reads a few rows per cell
 * of the subtree instead of every meeting. */
struct magg {
	int32_t org;
	int32_t month;
	uint32_t meetings, thematic, shorts;
	uint32_t present, excused, absent;
};

static struct {
	const struct registry *owner;
	const struct db *db;
	int64_t stamp;
	int valid;
	struct magg *rows; /* by org, month */
	size_t n;
	struct party_imap first; /* org -> index of its first row */
} mcache;

static void mcache_drop(void)
{
	free(mcache.rows);
	party_imap_release(&mcache.first);
	memset(&mcache, 0, sizeof(mcache));
}

static int64_t meetings_stamp(struct db *db, struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		db, "SELECT coalesce(max(seq), 0), coalesce(max(id), 0)"
		    " FROM party_meetings",
		err);
	int64_t stamp = -1;

	if (!st)
		return -1;
	if (db_step(st, err) == 1)
		stamp = db_column_int(st, 0) * 4096 + db_column_int(st, 1);
	db_finalize(st);
	return stamp;
}

static int mcache_load(struct party_ctx *c)
{
	struct db_stmt *st;
	size_t alloc = 0;
	int64_t stamp = meetings_stamp(c->r->db, c->err);
	int step;

	if (stamp < 0)
		return -1;
	if (mcache.valid && mcache.owner == c->r && mcache.db == c->r->db &&
	    mcache.stamp == stamp)
		return 0;
	mcache_drop();
	st = db_prepare(c->r->db,
			"SELECT org_id, month, count(*),"
			" sum(CASE WHEN kind = 'thematic' OR thematic_part = 1"
			" THEN 1 ELSE 0 END), sum(short_), sum(n_present),"
			" sum(n_excused), sum(n_absent) FROM party_meetings"
			" GROUP BY org_id, month ORDER BY org_id, month",
			c->err);
	if (!st)
		return -1;
	while ((step = db_step(st, c->err)) == 1) {
		struct magg *a;
		size_t len;
		const char *m = db_column_text(st, 1, &len);
		int64_t y, mo;
		if (!m || len != 7 || parse_pos_int(m, 4, 9999, &y) ||
		    parse_pos_int(m + 5, 2, 12, &mo))
			continue;
		ALLOC_GROW(mcache.rows, mcache.n + 1, alloc);
		a = &mcache.rows[mcache.n];
		a->org = (int32_t)db_column_int(st, 0);
		a->month = (int32_t)(y * 12 + mo - 1);
		a->meetings = (uint32_t)db_column_int(st, 2);
		a->thematic = (uint32_t)db_column_int(st, 3);
		a->shorts = (uint32_t)db_column_int(st, 4);
		a->present = (uint32_t)db_column_int(st, 5);
		a->excused = (uint32_t)db_column_int(st, 6);
		a->absent = (uint32_t)db_column_int(st, 7);
		if (!party_imap_find(&mcache.first, a->org))
			*party_imap_get(&mcache.first, a->org, 0) =
				(int64_t)mcache.n;
		mcache.n++;
	}
	db_finalize(st);
	if (step < 0) {
		mcache_drop();
		return -1;
	}
	mcache.owner = c->r;
	mcache.db = c->r->db;
	mcache.stamp = stamp;
	mcache.valid = 1;
	return 0;
}

/* Sums the aggregate of org over months [m0, m1) into sum. */
static void magg_sum(int32_t org, int m0, int m1, struct magg *sum)
{
	int64_t *first = party_imap_find(&mcache.first, org);

	memset(sum, 0, sizeof(*sum));
	if (!first)
		return;
	for (size_t i = (size_t)*first;
	     i < mcache.n && mcache.rows[i].org == org; i++) {
		const struct magg *a = &mcache.rows[i];
		if (a->month < m0 || a->month >= m1)
			continue;
		sum->meetings += a->meetings;
		sum->thematic += a->thematic;
		sum->shorts += a->shorts;
		sum->present += a->present;
		sum->excused += a->excused;
		sum->absent += a->absent;
	}
}

/* ---- recording a meeting ---- */

/* The active members placed in cell on day, by id; *out malloc'd. */
static int cell_members(struct party_ctx *c, int32_t cell, int32_t day,
			int32_t **out, size_t *n)
{
	struct db_stmt *st = db_prepare(
		c->r->db,
		"SELECT p.member_id FROM placements p"
		" JOIN members m ON m.id = p.member_id"
		" WHERE p.org_id = ? AND p.valid_from <= ?"
		" AND (p.valid_to IS NULL OR p.valid_to > ?)"
		" AND m.admitted_on <= ? AND (m.ended_on IS NULL OR"
		" m.ended_on > ?) ORDER BY p.member_id",
		c->err);
	size_t alloc = 0;
	int step;

	*out = NULL;
	*n = 0;
	if (!st)
		return -1;
	db_bind_int(st, 1, cell);
	for (int i = 2; i <= 5; i++)
		party_bind_day(st, i, day);
	while ((step = db_step(st, c->err)) == 1) {
		ALLOC_GROW(*out, *n + 1, alloc);
		(*out)[(*n)++] = (int32_t)db_column_int(st, 0);
	}
	db_finalize(st);
	if (step < 0) {
		FREE_AND_NULL(*out);
		return -1;
	}
	return 0;
}

static int has_id(const int32_t *ids, size_t n, int32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

static int parse_bool(const char *s)
{
	if (!s)
		return 0;
	if (!strcmp(s, "yes") || !strcmp(s, "1") || !strcmp(s, "true") ||
	    !strcmp(s, "có"))
		return 1;
	if (!strcmp(s, "no") || !strcmp(s, "0") || !strcmp(s, "false") ||
	    !strcmp(s, "không"))
		return 0;
	return -1;
}

/* Checks ids against the cell's members; each named once overall. */
static int check_listed(struct party_ctx *c, const char *what,
			const int32_t *ids, size_t n, const int32_t *mem,
			size_t nm, const int32_t *other, size_t no,
			int32_t cell, const char *dbuf)
{
	for (size_t i = 0; i < n; i++) {
		if (!has_id(mem, nm, ids[i]))
			return hoso_err(c->err, HOSO_EREJECT,
					TR("%s: đảng viên %d không sinh hoạt ở chi bộ %d vào ngày %s",
					   "%s: member %d is not in cell %d on %s"),
					what, ids[i], cell, dbuf);
		if (has_id(ids, i, ids[i]) || has_id(other, no, ids[i]))
			return hoso_err(c->err, HOSO_EREJECT,
					TR("%s: đảng viên %d được ghi hai lần",
					   "%s: member %d is listed twice"),
					what, ids[i]);
	}
	return 0;
}

int party_meeting_add(struct party_ctx *c)
{
	int32_t day = 0, org = 0, *absent = NULL, *excused = NULL, *mem = NULL;
	size_t na = 0, ne = 0, nm = 0;
	int64_t duration = 0, seq = 0, id;
	int kind = 0, tpart, is_short, rc = -1, began = 0, step;
	const char *topics = NULL, *minutes = NULL, *mfile = NULL, *tp = NULL;
	const struct index_org_version *v;
	const struct party_rules *rules;
	struct db_stmt *st = NULL;
	char dbuf[11], month[8];
	int minimum;

	if (party_arg_day(c, "date", 1, &day) ||
	    party_arg_org(c, "org", 1, day, &org) ||
	    party_arg_int(c, "duration", 1, 1, 24 * 60, &duration) ||
	    party_arg_enum(c, "kind", 0, meeting_kinds, 2, &kind) ||
	    party_arg_str(c, "thematic_part", 0, &tp) ||
	    party_arg_str(c, "topics", 0, &topics) ||
	    party_arg_str(c, "minutes", 0, &minutes) ||
	    party_arg_str(c, "minutes_file", 0, &mfile) ||
	    party_arg_ids(c, "absent", &absent, &na) ||
	    party_arg_ids(c, "excused", &excused, &ne))
		goto out;
	day_format(day, dbuf);
	tpart = parse_bool(tp);
	if (tpart < 0) {
		hoso_err(c->err, HOSO_EUSAGE, "%s",
			 TR("thematic_part phải là yes hoặc no",
			    "thematic_part must be yes or no"));
		goto out;
	}
	if (kind == 1)
		tpart = 1;
	v = index_org_on(c->ix, org, day);
	if (!v || !org_kind_holds_members(v->kind)) {
		hoso_err(c->err, HOSO_EREJECT,
			 TR("tổ chức %d không phải là chi bộ vào ngày %s (chỉ chi bộ sinh hoạt)",
			    "organisation %d is not a cell on %s (only cells hold meetings)"),
			 org, dbuf);
		goto out;
	}
	if (day > c->today) {
		hoso_err(c->err, HOSO_EREJECT,
			 TR("ngày họp %s ở tương lai", "meeting day %s is in the future"),
			 dbuf);
		goto out;
	}
	rules = party_rules_on(day);
	minimum = tpart ? rules->min_minutes_thematic : rules->min_minutes;
	is_short = duration < minimum;
	if (party_begin(c))
		goto out;
	began = 1;
	if (cell_members(c, org, day, &mem, &nm) ||
	    check_listed(c, "absent", absent, na, mem, nm, NULL, 0, org,
			 dbuf) ||
	    check_listed(c, "excused", excused, ne, mem, nm, absent, na, org,
			 dbuf))
		goto out;
	st = db_prepare(c->r->db,
			"SELECT id FROM party_meetings WHERE org_id = ? AND"
			" held_on = ?",
			c->err);
	if (!st)
		goto out;
	db_bind_int(st, 1, org);
	party_bind_day(st, 2, day);
	step = db_step(st, c->err);
	db_finalize(st);
	st = NULL;
	if (step < 0)
		goto out;
	if (step == 1) {
		hoso_err(c->err, HOSO_EREJECT,
			 TR("chi bộ %d đã có cuộc họp ngày %s (sửa bằng một thao tác khác, không ghi hai lần)",
			    "cell %d already has a meeting on %s (not recorded twice)"),
			 org, dbuf);
		goto out;
	}
	if (party_write_op(c, "party.meeting", day, &seq))
		goto out;
	party_month_format(party_month_of(day), month);
	st = db_prepare(c->r->db,
			"INSERT INTO party_meetings(org_id, held_on, month, kind,"
			" thematic_part, duration, short_, topics, minutes,"
			" minutes_file, n_present, n_excused, n_absent, seq)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			c->err);
	if (!st)
		goto out;
	db_bind_int(st, 1, org);
	party_bind_day(st, 2, day);
	party_bind_str(st, 3, month);
	party_bind_str(st, 4, meeting_kinds[kind]);
	db_bind_int(st, 5, tpart);
	db_bind_int(st, 6, duration);
	db_bind_int(st, 7, is_short);
	party_bind_str(st, 8, topics);
	party_bind_str(st, 9, minutes);
	party_bind_str(st, 10, mfile);
	db_bind_int(st, 11, (int64_t)(nm - na - ne));
	db_bind_int(st, 12, (int64_t)ne);
	db_bind_int(st, 13, (int64_t)na);
	db_bind_int(st, 14, seq);
	step = party_exec(st, c->err);
	st = NULL;
	if (step)
		goto out;
	id = db_last_insert_id(c->r->db);
	st = db_prepare(c->r->db,
			"INSERT INTO party_attendance(meeting_id, member_id,"
			" held_on, status) VALUES (?, ?, ?, ?)",
			c->err);
	if (!st)
		goto out;
	for (size_t i = 0; i < nm; i++) {
		int s = has_id(absent, na, mem[i])    ? 2
			: has_id(excused, ne, mem[i]) ? 1
						      : 0;
		db_reset(st);
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, mem[i]);
		party_bind_day(st, 3, day);
		party_bind_str(st, 4, attendance_names[s]);
		if (db_step(st, c->err) < 0)
			goto out;
	}
	db_finalize(st);
	st = NULL;
	if (party_commit(c)) {
		began = 0;
		goto out;
	}
	began = 0;
	{
		json_t *warn = json_array();
		if (is_short)
			json_array_append_new(
				warn,
				json_pack("{s:s,s:s}", "code", "short_meeting",
					  "message",
					  TR("cuộc họp ngắn hơn thời lượng tối thiểu",
					     "the meeting is shorter than the minimum")));
		rc = party_reply(
			c, json_pack("{s:I,s:I,s:i,s:o,s:s,s:b,s:I,s:b,s:i,"
				     "s:I,s:I,s:I,s:o}",
				     "seq", (json_int_t)seq, "id",
				     (json_int_t)id, "org", org, "date",
				     party_json_day(day), "kind",
				     meeting_kinds[kind], "thematic_part", tpart,
				     "duration", (json_int_t)duration, "short",
				     is_short, "minimum", minimum, "present",
				     (json_int_t)(nm - na - ne), "excused",
				     (json_int_t)ne, "absent", (json_int_t)na,
				     "warnings", warn));
	}
out:
	db_finalize(st);
	if (began)
		party_rollback(c);
	free(absent);
	free(excused);
	free(mem);
	return rc;
}

/* ---- listing ---- */

/* The day the tree is read on: ?on=, else the last day of the period
 * (or today when earlier). */
static int tree_day(struct party_ctx *c, int32_t to, int32_t *on)
{
	*on = to == DAY_MAX || to - 1 > c->today ? c->today : to - 1;
	return party_arg_day(c, "on", 0, on);
}

int party_meeting_list(struct party_ctx *c)
{
	int32_t from = DAY_MIN, to = DAY_MAX, on, org = 0, *cells = NULL;
	size_t n;
	struct db_stmt *st = NULL;
	json_t *rows = NULL;
	int64_t total = 0;
	int rc = -1, step;

	if (party_arg_day(c, "from", 0, &from) ||
	    party_arg_day(c, "to", 0, &to) || tree_day(c, to, &on) ||
	    party_arg_org(c, "org", 1, on, &org))
		goto out;
	n = party_subtree(c->ix, org, on, &cells);
	st = db_prepare(c->r->db,
			"SELECT id, held_on, kind, thematic_part, duration,"
			" short_, topics, n_present, n_excused, n_absent,"
			" minutes, minutes_file FROM party_meetings"
			" WHERE org_id = ? AND held_on >= ? AND held_on < ?"
			" ORDER BY held_on",
			c->err);
	if (!st)
		goto out;
	rows = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct index_org_version *v = index_org_on(c->ix, cells[i],
								 on);
		if (!v || !org_kind_holds_members(v->kind))
			continue;
		db_reset(st);
		db_bind_int(st, 1, cells[i]);
		party_bind_day(st, 2, from == DAY_MIN ? day_from_ymd(1, 1, 1)
						      : from);
		party_bind_day(st, 3, to == DAY_MAX ? day_from_ymd(9999, 12, 31)
						    : to);
		while ((step = db_step(st, c->err)) == 1) {
			total++;
			if (json_array_size(rows) >= PARTY_LIST_MAX)
				continue;
			json_array_append_new(
				rows,
				json_pack("{s:I,s:i,s:o,s:o,s:b,s:I,s:b,s:o,s:I,"
					  "s:I,s:I,s:o,s:o}",
					  "id", (json_int_t)db_column_int(st, 0),
					  "org", cells[i], "date",
					  party_col_json_text(st, 1), "kind",
					  party_col_json_text(st, 2),
					  "thematic_part",
					  (int)db_column_int(st, 3), "duration",
					  (json_int_t)db_column_int(st, 4),
					  "short", (int)db_column_int(st, 5),
					  "topics", party_col_json_text(st, 6),
					  "present",
					  (json_int_t)db_column_int(st, 7),
					  "excused",
					  (json_int_t)db_column_int(st, 8),
					  "absent",
					  (json_int_t)db_column_int(st, 9),
					  "minutes", party_col_json_text(st, 10),
					  "minutes_file",
					  party_col_json_text(st, 11)));
		}
		if (step < 0)
			goto out;
	}
	rc = party_reply(c, json_pack("{s:i,s:o,s:o,s:o,s:I,s:b,s:O}", "org",
				      org, "from", party_json_day(from), "to",
				      party_json_day(to), "on",
				      party_json_day(on), "total",
				      (json_int_t)total, "truncated",
				      total > PARTY_LIST_MAX, "meetings",
				      rows));
out:
	json_decref(rows);
	db_finalize(st);
	free(cells);
	return rc;
}

/* ---- flags ---- */

/* Whole months inside [from, to) that have ended by today: [*m0, *m1). */
static void period_months(struct party_ctx *c, int32_t from, int32_t to,
			  int *m0, int *m1)
{
	int a = party_month_of(from), b = party_month_of(to);

	if (party_month_first(a) < from)
		a++;
	/* month b starts on or before to; it is whole only when to is past
	 * its end, which party_month_of(to) excludes by construction */
	while (b > a && party_month_first(b) > c->today)
		b--;
	*m0 = a;
	*m1 = b > a ? b : a;
}

/* Was cell a live cell over the whole month? */
static int alive_month(const struct index *ix, int32_t cell, int m)
{
	const struct index_org_version *a = index_org_on(ix, cell,
						 party_month_first(m));
	const struct index_org_version *b = index_org_on(ix, cell,
						 party_month_first(m + 1) - 1);
	return a && b && org_kind_holds_members(a->kind) &&
	       org_kind_holds_members(b->kind);
}

struct flag_row {
	int64_t cells, months, skipped, cells_skipping, quarters,
		no_thematic, shorts;
};

int party_meeting_flags(struct party_ctx *c)
{
	int32_t from = 0, to = 0, on, org = 0, *orgs = NULL;
	size_t n;
	int m0, m1, rc = -1, step;
	json_t *skipped = NULL, *quarters = NULL, *shorts = NULL, *by = NULL;
	struct flag_row total = {0}, *rows = NULL;
	struct party_imap child_row;
	int32_t *kids = NULL;
	size_t nk;
	struct db_stmt *st = NULL;
	char mbuf[8];

	party_imap_init(&child_row);
	if (party_arg_day(c, "from", 1, &from) ||
	    party_arg_day(c, "to", 1, &to) || tree_day(c, to, &on) ||
	    party_arg_org(c, "org", 1, on, &org) || mcache_load(c))
		goto out;
	if (from >= to) {
		hoso_err(c->err, HOSO_EUSAGE, "%s",
			 TR("from phải trước to", "from must be before to"));
		goto out;
	}
	period_months(c, from, to, &m0, &m1);
	nk = index_children(c->ix, org, on, &kids);
	rows = xcalloc(nk + 1, sizeof(*rows));
	for (size_t i = 0; i < nk; i++)
		*party_imap_get(&child_row, kids[i], 0) = (int64_t)i + 1;
	skipped = json_array();
	quarters = json_array();
	shorts = json_array();
	n = party_subtree(c->ix, org, on, &orgs);
	for (size_t i = 0; i < n; i++) {
		const struct index_org_version *v = index_org_on(c->ix, orgs[i],
								 on);
		int32_t child = party_child_toward(c->ix, org, orgs[i], on);
		int64_t *slot = party_imap_find(&child_row, child);
		struct flag_row *fr = &rows[slot ? *slot : 0];
		int skipping = 0;
		if (!v || !org_kind_holds_members(v->kind))
			continue;
		fr->cells++;
		total.cells++;
		for (int m = m0; m < m1; m++) {
			struct magg a;
			if (!alive_month(c->ix, orgs[i], m))
				continue;
			fr->months++;
			total.months++;
			magg_sum(orgs[i], m, m + 1, &a);
			if (a.meetings)
				continue;
			fr->skipped++;
			total.skipped++;
			skipping = 1;
			if (json_array_size(skipped) < PARTY_LIST_MAX) {
				party_month_format(m, mbuf);
				json_array_append_new(
					skipped,
					json_pack("{s:o,s:s}", "org",
						  party_org_brief(c->ix, orgs[i],
								  on),
						  "month", mbuf));
			}
		}
		fr->cells_skipping += skipping;
		total.cells_skipping += skipping;
		/* quarters wholly inside the period, the cell alive through */
		for (int q = (m0 + 2) / 3 * 3; q + 3 <= m1; q += 3) {
			struct magg a;
			if (!alive_month(c->ix, orgs[i], q) ||
			    !alive_month(c->ix, orgs[i], q + 1) ||
			    !alive_month(c->ix, orgs[i], q + 2))
				continue;
			fr->quarters++;
			total.quarters++;
			magg_sum(orgs[i], q, q + 3, &a);
			if (a.thematic)
				continue;
			fr->no_thematic++;
			total.no_thematic++;
			if (json_array_size(quarters) < PARTY_LIST_MAX) {
				char qb[16];
				snprintf(qb, sizeof(qb), "%04d-Q%d",
					 (q / 12) % 10000, q % 12 / 3 + 1);
				json_array_append_new(
					quarters,
					json_pack("{s:o,s:s}", "org",
						  party_org_brief(c->ix, orgs[i],
								  on),
						  "quarter", qb));
			}
		}
	}
	/* short meetings are few: read them by the (short_, held_on) index
	 * and keep those held in the subtree (tree of `on`) */
	st = db_prepare(c->r->db,
			"SELECT id, org_id, held_on, duration, thematic_part,"
			" kind FROM party_meetings WHERE short_ = 1"
			" AND held_on >= ? AND held_on < ? ORDER BY held_on, id",
			c->err);
	if (!st)
		goto out;
	party_bind_day(st, 1, from);
	party_bind_day(st, 2, to);
	while ((step = db_step(st, c->err)) == 1) {
		int32_t cell = (int32_t)db_column_int(st, 1);
		int32_t held = party_col_day(st, 2, 0);
		int32_t child = party_child_toward(c->ix, org, cell, on);
		int64_t *slot;
		const struct party_rules *rules = party_rules_on(held);
		if (!child)
			continue;
		slot = party_imap_find(&child_row, child);
		rows[slot ? *slot : 0].shorts++;
		total.shorts++;
		if (json_array_size(shorts) < PARTY_LIST_MAX)
			json_array_append_new(
				shorts,
				json_pack("{s:I,s:o,s:o,s:I,s:i}", "id",
					  (json_int_t)db_column_int(st, 0),
					  "org",
					  party_org_brief(c->ix, cell, on),
					  "date", party_col_json_text(st, 2),
					  "duration",
					  (json_int_t)db_column_int(st, 3),
					  "minimum",
					  db_column_int(st, 4)
						  ? rules->min_minutes_thematic
						  : rules->min_minutes));
	}
	if (step < 0)
		goto out;
	by = json_array();
	for (size_t i = 0; i < nk; i++) {
		struct flag_row *fr = &rows[i + 1];
		json_array_append_new(
			by, json_pack("{s:o,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "org",
				      party_org_brief(c->ix, kids[i], on),
				      "cells", (json_int_t)fr->cells,
				      "months_due", (json_int_t)fr->months,
				      "months_skipped", (json_int_t)fr->skipped,
				      "cells_skipping",
				      (json_int_t)fr->cells_skipping,
				      "quarters_due", (json_int_t)fr->quarters,
				      "quarters_without_thematic",
				      (json_int_t)fr->no_thematic,
				      "short_meetings", (json_int_t)fr->shorts));
	}
	{
		char a[8], b[8];
		party_month_format(m0, a);
		party_month_format(m1 > m0 ? m1 - 1 : m0, b);
		rc = party_reply(
			c,
			json_pack("{s:i,s:o,s:o,s:o,s:s,s:s,s:{s:I,s:I,s:I,s:I,"
				  "s:I,s:I,s:I},s:O,s:O,s:O,s:O}",
				  "org", org, "from", party_json_day(from), "to",
				  party_json_day(to), "on", party_json_day(on),
				  "first_month", a, "last_month",
				  m1 > m0 ? b : "", "totals", "cells",
				  (json_int_t)total.cells, "months_due",
				  (json_int_t)total.months, "months_skipped",
				  (json_int_t)total.skipped, "cells_skipping",
				  (json_int_t)total.cells_skipping,
				  "quarters_due", (json_int_t)total.quarters,
				  "quarters_without_thematic",
				  (json_int_t)total.no_thematic,
				  "short_meetings", (json_int_t)total.shorts,
				  "skipped_months", skipped,
				  "quarters_without_thematic", quarters,
				  "short_meetings", shorts, "by_child", by));
	}
out:
	json_decref(skipped);
	json_decref(quarters);
	json_decref(shorts);
	json_decref(by);
	db_finalize(st);
	party_imap_release(&child_row);
	free(rows);
	free(kids);
	free(orgs);
	return rc;
}

/* ---- attendance ---- */

static json_t *rate_obj(json_t *o, int64_t p, int64_t e, int64_t a)
{
	int64_t t = p + e + a;

	json_object_set_new(o, "present", json_integer(p));
	json_object_set_new(o, "excused", json_integer(e));
	json_object_set_new(o, "absent", json_integer(a));
	json_object_set_new(o, "rate",
			    t ? json_real((double)p / (double)t) : json_null());
	return o;
}

/* Per-member attendance counts with the where clause given; appends
 * objects {member, full_name, present, excused, absent, rate}. */
static int member_rates(struct party_ctx *c, const char *sql, int64_t key,
			int32_t from, int32_t to, json_t *arr)
{
	struct db_stmt *st = db_prepare(c->r->db, sql, c->err);
	int step;
	int64_t cur = 0, cnt[3] = {0};

	if (!st)
		return -1;
	db_bind_int(st, 1, key);
	party_bind_day(st, 2, from);
	party_bind_day(st, 3, to);
	for (;;) {
		int64_t mid = 0;
		step = db_step(st, c->err);
		if (step < 0)
			break;
		if (step == 1)
			mid = db_column_int(st, 0);
		if (cur && (step == 0 || mid != cur)) {
			const struct index_member *m =
				index_member(c->ix, (int32_t)cur);
			json_array_append_new(
				arr, rate_obj(json_pack("{s:I,s:s?}", "member",
							(json_int_t)cur,
							"full_name",
							m ? m->full_name : NULL),
					      cnt[0], cnt[1], cnt[2]));
			memset(cnt, 0, sizeof(cnt));
		}
		if (step == 0)
			break;
		cur = mid;
		{
			size_t len;
			const char *s = db_column_text(st, 1, &len);
			int k = enum_lookup(attendance_names, 3, s, len);
			if (k >= 0)
				cnt[k] += db_column_int(st, 2);
		}
	}
	db_finalize(st);
	return step < 0 ? -1 : 0;
}

int party_attendance(struct party_ctx *c)
{
	int32_t from = 0, to = 0, on, org = 0, *orgs = NULL, *kids = NULL;
	int64_t member = 0, tot[3] = {0}, *rows = NULL;
	size_t n, nk;
	int m0, m1, rc = -1;
	struct party_imap child_row;
	json_t *by = NULL, *members = NULL, *res;
	const struct index_org_version *top;

	party_imap_init(&child_row);
	if (party_arg_day(c, "from", 1, &from) ||
	    party_arg_day(c, "to", 1, &to) || tree_day(c, to, &on) ||
	    party_arg_org(c, "org", 1, on, &org) ||
	    party_arg_int(c, "member", 0, 1, ID_MAX, &member) || mcache_load(c))
		goto out;
	if (from >= to) {
		hoso_err(c->err, HOSO_EUSAGE, "%s",
			 TR("from phải trước to", "from must be before to"));
		goto out;
	}
	period_months(c, from, to, &m0, &m1);
	nk = index_children(c->ix, org, on, &kids);
	rows = xcalloc(3 * (nk + 1), sizeof(*rows));
	for (size_t i = 0; i < nk; i++)
		*party_imap_get(&child_row, kids[i], 0) = (int64_t)i + 1;
	n = party_subtree(c->ix, org, on, &orgs);
	for (size_t i = 0; i < n; i++) {
		struct magg a;
		int32_t child;
		int64_t *slot, *r3;
		const struct index_org_version *v = index_org_on(c->ix, orgs[i],
								 on);
		if (!v || !org_kind_holds_members(v->kind))
			continue;
		magg_sum(orgs[i], m0, m1, &a);
		child = party_child_toward(c->ix, org, orgs[i], on);
		slot = party_imap_find(&child_row, child);
		r3 = &rows[3 * (slot ? *slot : 0)];
		r3[0] += a.present;
		r3[1] += a.excused;
		r3[2] += a.absent;
		tot[0] += a.present;
		tot[1] += a.excused;
		tot[2] += a.absent;
	}
	by = json_array();
	for (size_t i = 0; i < nk; i++)
		json_array_append_new(
			by, rate_obj(json_pack("{s:o}", "org",
					       party_org_brief(c->ix, kids[i],
							       on)),
				     rows[3 * (i + 1)], rows[3 * (i + 1) + 1],
				     rows[3 * (i + 1) + 2]));
	members = json_array();
	top = index_org_on(c->ix, org, on);
	if (member) {
		if (member_rates(c,
				 "SELECT member_id, status, count(*) FROM"
				 " party_attendance WHERE member_id = ? AND"
				 " held_on >= ? AND held_on < ?"
				 " GROUP BY member_id, status",
				 member, party_month_first(m0),
				 party_month_first(m1), members))
			goto out;
	} else if (top && org_kind_holds_members(top->kind)) {
		if (member_rates(c,
				 "SELECT a.member_id, a.status, count(*) FROM"
				 " party_attendance a JOIN party_meetings m"
				 " ON m.id = a.meeting_id WHERE m.org_id = ?"
				 " AND m.held_on >= ? AND m.held_on < ?"
				 " GROUP BY a.member_id, a.status"
				 " ORDER BY a.member_id",
				 org, party_month_first(m0),
				 party_month_first(m1), members))
			goto out;
	}
	res = json_pack("{s:i,s:o,s:o,s:o}", "org", org, "from",
			party_json_day(party_month_first(m0)), "to",
			party_json_day(party_month_first(m1)), "on",
			party_json_day(on));
	rate_obj(res, tot[0], tot[1], tot[2]);
	json_object_set(res, "by_child", by);
	json_object_set(res, "members", members);
	rc = party_reply(c, res);
out:
	json_decref(by);
	json_decref(members);
	party_imap_release(&child_row);
	free(rows);
	free(kids);
	free(orgs);
	return rc;
}

/* ---- striking-off candidates ---- */

int party_strike_candidates(struct party_ctx *c)
{
	int64_t year = 0;
	int32_t org = 0, on, y0, y1;
	struct db_stmt *st = NULL;
	json_t *arr = NULL;
	int rc = -1, step;

	if (party_arg_int(c, "year", 1, 1900, 9999, &year))
		goto out;
	y0 = day_from_ymd((int)year, 1, 1);
	y1 = day_from_ymd((int)year + 1, 1, 1);
	on = y1 - 1 > c->today ? c->today : y1 - 1;
	if (party_arg_day(c, "on", 0, &on) ||
	    party_arg_org(c, "org", 1, on, &org))
		goto out;
	/* absences without reason are few: the (status, held_on) index */
	st = db_prepare(c->r->db,
			"SELECT member_id, count(DISTINCT substr(held_on, 1, 7))"
			" FROM party_attendance WHERE status = 'absent'"
			" AND held_on >= ? AND held_on < ? GROUP BY member_id"
			" HAVING count(DISTINCT substr(held_on, 1, 7)) >= 3"
			" ORDER BY member_id",
			c->err);
	if (!st)
		goto out;
	party_bind_day(st, 1, y0);
	party_bind_day(st, 2, y1);
	arr = json_array();
	while ((step = db_step(st, c->err)) == 1) {
		int32_t mid = (int32_t)db_column_int(st, 0);
		int32_t place = index_member_place(c->ix, mid, on);
		const struct index_member *m = index_member(c->ix, mid);
		if (!place || !m || m->ended <= on ||
		    !party_child_toward(c->ix, org, place, on))
			continue;
		json_array_append_new(
			arr,
			json_pack("{s:i,s:s,s:o,s:I,s:{s:s,s:i}}", "member", mid,
				  "full_name", m->full_name, "org",
				  party_org_brief(c->ix, place, on),
				  "months_absent",
				  (json_int_t)db_column_int(st, 1), "operation",
				  "name", "strike-off", "member", mid));
	}
	if (step < 0)
		goto out;
	rc = party_reply(
		c, json_pack("{s:i,s:I,s:o,s:s,s:O}", "org", org, "year",
			     (json_int_t)year, "on", party_json_day(on), "rule",
			     TR("vắng mặt không lý do 3 tháng trong năm: đề nghị xóa tên (hoso op strike-off)",
				"absent without reason 3 months in a year: propose striking off (hoso op strike-off)"),
			     "candidates", arr));
out:
	json_decref(arr);
	db_finalize(st);
	return rc;
}
