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
	/* the store, known by its read model: the server's reading threads
	 * each have a connection but share the model (party_store_id) */
	uint64_t store;
	int64_t stamp;
	int valid;
	uint64_t loads; /* rebuilds so far: keys the per-position offsets */
	struct magg *rows; /* by org, month */
	size_t n;
	struct party_imap first; /* org -> index of its first row */
} mcache;

static void mcache_drop(void)
{
	uint64_t loads = mcache.loads;

	free(mcache.rows);
	party_imap_release(&mcache.first);
	memset(&mcache, 0, sizeof(mcache));
	mcache.loads = loads + 1;
}

/* The rows of each position of a tree: off[i], cnt[i] into mcache.rows,
 * so that a roll-up over a subtree reads them without a hash look-up per
 * cell. Rebuilt when the tree or the aggregate changed. */
static struct {
	uint64_t serial, loads;
	uint32_t *off, *cnt;
} pcache;

static void pcache_for(const struct party_tree *t)
{
	if (pcache.off && pcache.serial == t->serial &&
	    pcache.loads == mcache.loads)
		return;
	free(pcache.off);
	free(pcache.cnt);
	pcache.off = xcalloc(t->n + 1, sizeof(*pcache.off));
	pcache.cnt = xcalloc(t->n + 1, sizeof(*pcache.cnt));
	for (size_t i = 0; i < t->n; i++) {
		int64_t *first;
		size_t j;
		first = party_imap_find(&mcache.first, t->id[i]);
		if (!first)
			continue;
		for (j = (size_t)*first;
		     j < mcache.n && mcache.rows[j].org == t->id[i]; j++)
			;
		pcache.off[i] = (uint32_t)*first;
		pcache.cnt[i] = (uint32_t)(j - (size_t)*first);
	}
	pcache.serial = t->serial;
	pcache.loads = mcache.loads;
}

static int64_t meetings_stamp(struct db *db, struct hoso_error *err)
{
	/* two sub-queries: SQLite answers a lone max() from the end of an
	 * index, but scans the table for two aggregates in one query */
	struct db_stmt *st = db_prepare(
		db, "SELECT coalesce((SELECT max(seq) FROM party_meetings), 0),"
		    " coalesce((SELECT max(id) FROM party_meetings), 0)",
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
	if (mcache.valid && mcache.store == party_store_id(c) &&
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
	mcache.store = party_store_id(c);
	mcache.stamp = stamp;
	mcache.valid = 1;
	return 0;
}

/* Sums rows (of one org, by month) over months [m0, m1) into sum. */
static void magg_sum_rows(const struct magg *rows, size_t n, int m0, int m1,
			  struct magg *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (size_t i = 0; i < n; i++) {
		const struct magg *a = &rows[i];
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
		db_bind_day(st, i, day);
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
	db_bind_day(st, 2, day);
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
	db_bind_day(st, 2, day);
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
		db_bind_day(st, 3, day);
		party_bind_str(st, 4, attendance_names[s]);
		if (db_step(st, c->err) < 0)
			goto out;
	}
	db_finalize(st);
	st = NULL;
	if (party_sum_absent(c, absent, na, day))
		goto out;
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
		db_bind_day(st, 2, from == DAY_MIN ? day_from_ymd(1, 1, 1)
						      : from);
		db_bind_day(st, 3, to == DAY_MAX ? day_from_ymd(9999, 12, 31)
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

struct flag_row {
	int64_t cells, months, skipped, cells_skipping, quarters,
		no_thematic, shorts;
};

/* alive[k] = 1 when the cell at position i of t was a live cell over the
 * whole k-th month of the period: the versions holding on its first and
 * on its last day are both of a kind that holds members (mfirst[k] is
 * the first day of that month, k <= nm). When the version of the tree's
 * day spans the period (nearly always) it decides alone. */
static void alive_months(const struct party_tree *t, size_t i, int nm,
			 const int32_t *mfirst, uint8_t *alive)
{
	int ok = org_kind_holds_members(t->kind[i]);
	int32_t from = t->from[i], to = t->to[i];

	const struct index_org_version *v;
	size_t nv, j = 0;

	if (from <= mfirst[0] && mfirst[nm] - 1 < to) {
		memset(alive, ok, (size_t)nm);
		return;
	}
	/* the versions and the months both in time order: one walk */
	nv = index_org_versions(t->ix, t->id[i], &v);
	for (int k = 0; k < nm; k++) {
		int32_t d0 = mfirst[k], d1 = mfirst[k + 1] - 1;
		int a;
		while (j < nv && v[j].to <= d0)
			j++;
		a = j < nv && v[j].from <= d0 &&
		    org_kind_holds_members(v[j].kind);
		if (a) {
			size_t e = j;
			while (e < nv && v[e].to <= d1)
				e++;
			a = e < nv && v[e].from <= d1 &&
			    org_kind_holds_members(v[e].kind);
		}
		alive[k] = (uint8_t)a;
	}
}

static void list_month(json_t *arr, const struct index *ix, int32_t cell,
		       int32_t on, int m)
{
	char mbuf[8];

	party_month_format(m, mbuf);
	json_array_append_new(arr, json_pack("{s:o,s:s}", "org",
					     party_org_brief(ix, cell, on),
					     "month", mbuf));
}

static void list_quarter(json_t *arr, const struct index *ix, int32_t cell,
			 int32_t on, int q)
{
	char qb[16];

	snprintf(qb, sizeof(qb), "%04d-Q%d", (q / 12) % 10000, q % 12 / 3 + 1);
	json_array_append_new(arr, json_pack("{s:o,s:s}", "org",
					     party_org_brief(ix, cell, on),
					     "quarter", qb));
}

/* The flags of the cell at position i for a period of at most 64 months,
 * as bit masks over the months: alive, held a meeting, held a thematic
 * one. The same figures as the month-by-month loop, in a few word
 * operations for the cells that live through the period. */
static void flags_cell_masks(struct party_ctx *c, const struct party_span *sp,
			     size_t i, const struct magg *ra, size_t nr,
			     int m0, int m1, const int32_t *mfirst,
			     uint8_t *alive, struct flag_row *fr,
			     struct flag_row *total, json_t *skipped,
			     json_t *quarters, int32_t on)
{
	int nm = m1 - m0;
	uint64_t full = nm == 64 ? ~(uint64_t)0 : ((uint64_t)1 << nm) - 1;
	uint64_t am = 0, hm = 0, tm = 0, skip;
	int32_t cell = sp->t->id[i];

	if (sp->t->from[i] <= mfirst[0] && mfirst[nm] - 1 < sp->t->to[i]) {
		am = full;
	} else {
		alive_months(sp->t, i, nm, mfirst, alive);
		for (int k = 0; k < nm; k++)
			if (alive[k])
				am |= (uint64_t)1 << k;
	}
	for (size_t r = 0; r < nr; r++) {
		int k = ra[r].month - m0;
		if (k < 0 || k >= nm)
			continue;
		if (ra[r].meetings)
			hm |= (uint64_t)1 << k;
		if (ra[r].thematic)
			tm |= (uint64_t)1 << k;
	}
	skip = am & ~hm;
	fr->months += __builtin_popcountll(am);
	total->months += __builtin_popcountll(am);
	fr->skipped += __builtin_popcountll(skip);
	total->skipped += __builtin_popcountll(skip);
	fr->cells_skipping += skip != 0;
	total->cells_skipping += skip != 0;
	for (uint64_t b = skip;
	     b && json_array_size(skipped) < PARTY_LIST_MAX; b &= b - 1)
		list_month(skipped, c->ix, cell, on, m0 + __builtin_ctzll(b));
	/* quarters wholly inside the period, the cell alive through */
	for (int q = (m0 + 2) / 3 * 3; q + 3 <= m1; q += 3) {
		uint64_t three = (uint64_t)7 << (q - m0);
		if ((am & three) != three)
			continue;
		fr->quarters++;
		total->quarters++;
		if (tm & three)
			continue;
		fr->no_thematic++;
		total->no_thematic++;
		if (json_array_size(quarters) < PARTY_LIST_MAX)
			list_quarter(quarters, c->ix, cell, on, q);
	}
}

/* One entry of the list of short meetings. */
static json_t *short_entry(const struct index *ix, int32_t on, int64_t id,
			   int32_t cell, int32_t held, int64_t duration,
			   int thematic_part)
{
	const struct party_rules *rules = party_rules_on(held);

	return json_pack("{s:I,s:o,s:o,s:I,s:i}", "id", (json_int_t)id, "org",
			 party_org_brief(ix, cell, on), "date",
			 party_json_day(held), "duration",
			 (json_int_t)duration, "minimum",
			 thematic_part ? rules->min_minutes_thematic
				       : rules->min_minutes);
}

/* The short meetings of [from, to) held in the subtree (tree of `on`), in
 * (held_on, id) order, by the (short_, held_on) index: all of them when
 * counting (count = 1: into rows and total), else until the list is
 * full. */
static int shorts_scan(struct party_ctx *c, const struct party_span *sp,
		       int32_t from, int32_t to, int32_t on, int count,
		       struct flag_row *rows, struct flag_row *total,
		       json_t *shorts)
{
	struct db_stmt *st = db_prepare(
		c->r->db,
		"SELECT id, org_id, held_on, duration, thematic_part"
		" FROM party_meetings WHERE short_ = 1"
		" AND held_on >= ? AND held_on < ? ORDER BY held_on, id",
		c->err);
	int step;

	if (!st)
		return -1;
	db_bind_day(st, 1, from);
	db_bind_day(st, 2, to);
	while ((step = db_step(st, c->err)) == 1) {
		int32_t cell = (int32_t)db_column_int(st, 1);
		long k = party_span_slot(sp, cell);
		int full = json_array_size(shorts) >= PARTY_LIST_MAX;
		if (k < 0)
			continue;
		if (count) {
			rows[k].shorts++;
			total->shorts++;
		} else if (full) {
			break;
		}
		if (!full)
			json_array_append_new(
				shorts,
				short_entry(c->ix, on, db_column_int(st, 0),
					    cell, party_col_day(st, 2, 0),
					    db_column_int(st, 3),
					    (int)db_column_int(st, 4)));
	}
	db_finalize(st);
	return step < 0 ? -1 : 0;
}

struct short_row {
	int64_t id, duration;
	int32_t cell, held;
	int thematic_part;
};

static int cmp_short(const void *a, const void *b)
{
	const struct short_row *x = a, *y = b;

	if (x->held != y->held)
		return x->held < y->held ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* The short meetings of [from, to) of the n cells given, listed in
 * (held_on, id) order. (+short_: by the (org_id, held_on) index, not the
 * (short_, held_on) one, which would read the whole period per cell.) */
static int shorts_of_cells(struct party_ctx *c, const int32_t *cells,
			   size_t n, int32_t from, int32_t to, int32_t on,
			   json_t *shorts)
{
	struct db_stmt *st;
	struct short_row *all = NULL;
	size_t na = 0, alloc = 0;
	int step = 0;

	if (!n)
		return 0;
	st = db_prepare(c->r->db,
			"SELECT id, held_on, duration, thematic_part"
			" FROM party_meetings WHERE org_id = ?"
			" AND held_on >= ? AND held_on < ? AND +short_ = 1",
			c->err);
	if (!st)
		return -1;
	for (size_t i = 0; i < n && step >= 0; i++) {
		db_reset(st);
		db_bind_int(st, 1, cells[i]);
		db_bind_day(st, 2, from);
		db_bind_day(st, 3, to);
		while ((step = db_step(st, c->err)) == 1) {
			ALLOC_GROW(all, na + 1, alloc);
			all[na].id = db_column_int(st, 0);
			all[na].held = party_col_day(st, 1, 0);
			all[na].duration = db_column_int(st, 2);
			all[na].thematic_part = (int)db_column_int(st, 3);
			all[na].cell = cells[i];
			na++;
		}
	}
	db_finalize(st);
	if (step < 0) {
		free(all);
		return -1;
	}
	qsort(all, na, sizeof(*all), cmp_short);
	for (size_t i = 0; i < na && i < PARTY_LIST_MAX; i++)
		json_array_append_new(
			shorts, short_entry(c->ix, on, all[i].id, all[i].cell,
					    all[i].held, all[i].duration,
					    all[i].thematic_part));
	free(all);
	return 0;
}

int party_meeting_flags(struct party_ctx *c)
{
	int32_t from = 0, to = 0, on, org = 0, *mfirst = NULL;
	int m0, m1, nm, rc = -1;
	json_t *skipped = NULL, *quarters = NULL, *shorts = NULL, *by = NULL;
	struct flag_row total = {0}, *rows = NULL;
	struct party_span sp = {0};
	uint8_t *alive = NULL;
	size_t slot = 0, cur_end, nscells = 0, scalloc = 0;
	int32_t *scells = NULL;
	int whole, ma, mb;

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
	nm = m1 - m0;
	/* short meetings count by days of [from, to): the aggregate serves
	 * when both ends are first days of months */
	ma = party_month_of(from);
	mb = party_month_of(to);
	whole = party_month_first(ma) == from && party_month_first(mb) == to;
	mfirst = xmalloc((size_t)(nm + 1) * sizeof(*mfirst));
	alive = xmalloc((size_t)nm + 1);
	for (int k = 0; k <= nm; k++)
		mfirst[k] = party_month_first(m0 + k);
	if (party_span_init(&sp, c->ix, org, on))
		goto out;
	pcache_for(sp.t);
	rows = xcalloc(sp.nk + 1, sizeof(*rows));
	skipped = json_array();
	quarters = json_array();
	shorts = json_array();
	/* positions of subtree(org, on) in preorder: top, then each child's
	 * range in turn, so the child slot steps as the ranges end */
	cur_end = sp.top + 1;
	for (size_t i = sp.top; i < sp.t->end[sp.top]; i++) {
		int32_t cell = sp.t->id[i];
		struct flag_row *fr;
		const struct magg *ra;
		size_t nr, r = 0;
		int skipping = 0, months = 0;
		if (i == cur_end) {
			slot++;
			cur_end = sp.t->end[i];
		}
		nr = pcache.cnt[i];
		ra = nr ? &mcache.rows[pcache.off[i]] : NULL;
		if (whole && nr) {
			/* short meetings of whole months: from the aggregate,
			 * by the org that held them (a cell then) */
			int64_t ns = 0;
			for (size_t j = 0; j < nr; j++)
				if (ra[j].month >= ma && ra[j].month < mb)
					ns += ra[j].shorts;
			rows[slot].shorts += ns;
			total.shorts += ns;
			if (ns && nscells <= 4 * PARTY_LIST_MAX) {
				ALLOC_GROW(scells, nscells + 1, scalloc);
				scells[nscells++] = cell;
			}
		}
		if (!org_kind_holds_members(sp.t->kind[i]))
			continue;
		fr = &rows[slot];
		fr->cells++;
		total.cells++;
		if (nm <= 64) {
			flags_cell_masks(c, &sp, i, ra, nr, m0, m1, mfirst,
					 alive, fr, &total, skipped, quarters,
					 on);
			continue;
		}
		alive_months(sp.t, i, nm, mfirst, alive);
		for (int k = 0; k < nm; k++) {
			int m = m0 + k;
			if (!alive[k])
				continue;
			months++;
			while (r < nr && ra[r].month < m)
				r++;
			if (r < nr && ra[r].month == m && ra[r].meetings)
				continue;
			fr->skipped++;
			total.skipped++;
			skipping = 1;
			if (json_array_size(skipped) < PARTY_LIST_MAX)
				list_month(skipped, c->ix, cell, on, m);
		}
		fr->months += months;
		total.months += months;
		fr->cells_skipping += skipping;
		total.cells_skipping += skipping;
		/* quarters wholly inside the period, the cell alive through */
		for (int q = (m0 + 2) / 3 * 3; q + 3 <= m1; q += 3) {
			struct magg a;
			if (!alive[q - m0] || !alive[q - m0 + 1] ||
			    !alive[q - m0 + 2])
				continue;
			fr->quarters++;
			total.quarters++;
			magg_sum_rows(ra, nr, q, q + 3, &a);
			if (a.thematic)
				continue;
			fr->no_thematic++;
			total.no_thematic++;
			if (json_array_size(quarters) < PARTY_LIST_MAX)
				list_quarter(quarters, c->ix, cell, on, q);
		}
	}
	if (!whole) {
		/* a period cut inside a month: count and list by days */
		if (shorts_scan(c, &sp, from, to, on, 1, rows, &total, shorts))
			goto out;
	} else if (total.shorts <= 4 * PARTY_LIST_MAX) {
		/* few in the subtree: the meetings of the cells that held
		 * them, by the (org_id, held_on) index */
		if (shorts_of_cells(c, scells, nscells, from, to, on, shorts))
			goto out;
	} else if (shorts_scan(c, &sp, from, to, on, 0, rows, &total,
			       shorts)) {
		/* many: the first ones of the period are soon found */
		goto out;
	}
	by = json_array();
	for (size_t i = 0; i < sp.nk; i++) {
		struct flag_row *fr = &rows[i + 1];
		json_array_append_new(
			by, json_pack("{s:o,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "org",
				      party_org_brief(c->ix, sp.kids[i], on),
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
	party_span_release(&sp);
	free(rows);
	free(mfirst);
	free(alive);
	free(scells);
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
	db_bind_day(st, 2, from);
	db_bind_day(st, 3, to);
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
	int32_t from = 0, to = 0, on, org = 0;
	int64_t member = 0, tot[3] = {0}, *rows = NULL;
	size_t nk, slot = 0, cur_end;
	int m0, m1, rc = -1;
	struct party_span sp = {0};
	json_t *by = NULL, *members = NULL, *res;
	const struct index_org_version *top;

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
	if (party_span_init(&sp, c->ix, org, on))
		goto out;
	pcache_for(sp.t);
	nk = sp.nk;
	rows = xcalloc(3 * (nk + 1), sizeof(*rows));
	cur_end = sp.top + 1;
	for (size_t i = sp.top; i < sp.t->end[sp.top]; i++) {
		struct magg a;
		const struct magg *ra;
		size_t nr;
		int64_t *r3;
		if (i == cur_end) {
			slot++;
			cur_end = sp.t->end[i];
		}
		if (!org_kind_holds_members(sp.t->kind[i]))
			continue;
		nr = pcache.cnt[i];
		if (!nr)
			continue;
		ra = &mcache.rows[pcache.off[i]];
		magg_sum_rows(ra, nr, m0, m1, &a);
		r3 = &rows[3 * slot];
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
					       party_org_brief(c->ix, sp.kids[i],
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
	party_span_release(&sp);
	free(rows);
	return rc;
}

/* ---- striking-off candidates ---- */

/* {"id","code","name","kind"} as party_org_brief, written straight into
 * sb: a national list of candidates holds thousands of them. */
static int org_brief_sb(struct strbuf *sb, const struct index *ix, int32_t org,
			int32_t day)
{
	const struct index_org_version *v = index_org_on(ix, org, day);

	if (!v) {
		const struct index_org_version *all;
		size_t n = index_org_versions(ix, org, &all);
		if (!n)
			return strbuf_adds(sb, "null");
		v = &all[n - 1];
	}
	return strbuf_addf(sb, "{\"id\":%d,\"code\":", (int)org) ||
	       strbuf_add_json_str(sb, v->code) ||
	       strbuf_adds(sb, ",\"name\":") ||
	       strbuf_add_json_str(sb, v->name) ||
	       strbuf_adds(sb, ",\"kind\":") ||
	       strbuf_add_json_str(sb, org_kind_names[v->kind]) ||
	       strbuf_addc(sb, '}');
}

int party_strike_candidates(struct party_ctx *c)
{
	int64_t year = 0;
	int32_t org = 0, on, y1;
	struct db_stmt *st = NULL;
	int rc = -1, step, bad = 0;
	struct party_span sp = {0};
	struct strbuf sb;
	char dbuf[11];
	size_t n = 0;

	strbuf_init(&sb, c->out->max);
	if (party_arg_int(c, "year", 1, 1900, 9999, &year))
		goto out;
	y1 = day_from_ymd((int)year + 1, 1, 1);
	on = y1 - 1 > c->today ? c->today : y1 - 1;
	if (party_arg_day(c, "on", 0, &on) ||
	    party_arg_org(c, "org", 1, on, &org) ||
	    party_span_init(&sp, c->ix, org, on))
		goto out;
	/* the months absent per member and year are kept with each meeting
	 * (party_sum.c): the candidates are one range of an index */
	st = db_prepare(c->r->db,
			"SELECT member_id, n_months FROM party_absence_months"
			" WHERE year = ? AND n_months >= 3 ORDER BY member_id",
			c->err);
	if (!st)
		goto out;
	db_bind_int(st, 1, year);
	day_format(on, dbuf);
	bad |= strbuf_addf(&sb, "{\"org\":%d,\"year\":%lld,\"on\":\"%s\","
				"\"rule\":",
			   (int)org, (long long)year, dbuf) ||
	       strbuf_add_json_str(
		       &sb,
		       TR("vắng mặt không lý do 3 tháng trong năm: đề nghị xóa tên (hoso op strike-off)",
			  "absent without reason 3 months in a year: propose striking off (hoso op strike-off)")) ||
	       strbuf_adds(&sb, ",\"candidates\":[");
	/* the answer is written as it is read, not built as a JSON tree:
	 * the whole Party's list runs to thousands of members */
	while ((step = db_step(st, c->err)) == 1) {
		int32_t mid = (int32_t)db_column_int(st, 0);
		int32_t place = index_member_place(c->ix, mid, on);
		const struct index_member *m = index_member(c->ix, mid);
		if (!place || !m || m->ended <= on ||
		    party_span_slot(&sp, place) < 0)
			continue;
		bad |= strbuf_addf(&sb, "%s{\"member\":%d,\"full_name\":",
				   n++ ? "," : "", (int)mid) ||
		       strbuf_add_json_str(&sb, m->full_name) ||
		       strbuf_adds(&sb, ",\"org\":") ||
		       org_brief_sb(&sb, c->ix, place, on) ||
		       strbuf_addf(&sb, ",\"months_absent\":%lld,"
					"\"operation\":{\"name\":\"strike-off\","
					"\"member\":%d}}",
				   (long long)db_column_int(st, 1), (int)mid);
	}
	if (step < 0)
		goto out;
	bad |= strbuf_adds(&sb, "]}") || strbuf_add(c->out, sb.buf, sb.len);
	if (bad) {
		hoso_err(c->err, HOSO_EIO, "%s",
			 TR("câu trả lời quá lớn", "answer too large"));
		goto out;
	}
	rc = 0;
out:
	db_finalize(st);
	party_span_release(&sp);
	strbuf_release(&sb);
	return rc;
}
