/* lifecycle: the operations of a member's life. Each one is checked by the
 * rule set in force on its day, then written in one transaction with its
 * history rows, a snapshot of the member's rows before it (so that `undo`
 * can compensate it) and its operations record; the read model is
 * refreshed after the commit. The members row keeps the current state
 * that Q1-Q6 read (for a readmitted member: the current membership period,
 * the earlier ones being rows of lc_periods); the lc_ tables keep the
 * history. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "model/lifecycle.h"
#include "model/reflist.h"
#include "text/text.h"
#include "core/banned.h"

const char *const lc_kind_names[LC_KIND_COUNT] = {
	"recognise",  "transfer-out", "receive", "temp-transfer",
	"exempt",     "strike-off",   "discipline", "expel",
	"leave",      "death",        "readmit", "card-issue",
	"badge-award", "undo",
};

#define MAX_PL 256 /* placements of one member we handle in an operation */

struct lc_pl {
	int32_t org, from, to;
};

struct lc_member {
	int64_t id;
	int32_t admitted, official, ended, birth, org_id;
	int status; /* enum member_status */
	char sex;
	char card_no[64];
	int32_t decided, probation_from; /* DAY_MIN when unknown */
	int readmitted, has_info;
	struct lc_pl pl[MAX_PL];
	size_t n_pl;
};

struct lc_ctx {
	struct registry *r;
	struct lc_rule_set *sets;
	long n_sets;
	struct lc_calendar cal;
	const struct op_meta *meta;
	int64_t seq;
	struct strbuf extra; /* more result fields: ,"key":value */
};

/* ---- small helpers ---- */

static void bind_str(struct db_stmt *st, int idx, const char *s)
{
	if (s)
		db_bind_text(st, idx, s, strlen(s));
	else
		db_bind_null(st, idx);
}

static const char *fmt_day(int32_t d, char b[11])
{
	day_format(d, b);
	return b;
}

static void json_day_field(struct strbuf *sb, const char *key, int32_t d)
{
	char b[11];
	if (d == DAY_MIN || d == DAY_MAX)
		strbuf_addf(sb, ",\"%s\":null", key);
	else
		strbuf_addf(sb, ",\"%s\":\"%s\"", key, fmt_day(d, b));
}

static int reject(struct hoso_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int reject(struct hoso_error *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->code = HOSO_EREJECT;
	return -1;
}

/* Runs one statement with its parameters already bound; finalizes it. */
static int run(struct db_stmt *st, struct hoso_error *err)
{
	int rc;
	if (!st)
		return -1;
	rc = db_step(st, err) < 0 ? -1 : 0;
	db_finalize(st);
	return rc;
}

static const struct lc_rule_set *rules_at(struct lc_ctx *c, int32_t day)
{
	const struct lc_rule_set *rs = lc_rules_pick(c->sets, (size_t)c->n_sets,
						     day);
	return rs ? rs : &c->sets[0];
}

static int ctx_load(struct lc_ctx *c, struct registry *r,
		    const struct op_meta *meta, struct hoso_error *err)
{
	memset(c, 0, sizeof(*c));
	c->r = r;
	c->meta = meta;
	strbuf_init(&c->extra, 1 << 16);
	lc_calendar_init(&c->cal);
	c->n_sets = lc_rules_load(r->db, &c->sets, err);
	if (c->n_sets < 0)
		return -1;
	if (c->n_sets == 0)
		return hoso_err(err, HOSO_EIO, "%s",
				TR("bảng quy định (lc_rule_sets) trống",
				   "the rule-set table (lc_rule_sets) is empty"));
	return lc_calendar_load(r->db, &c->cal, err);
}

static void ctx_release(struct lc_ctx *c)
{
	free(c->sets);
	lc_calendar_release(&c->cal);
	strbuf_release(&c->extra);
}

static int write_op(struct lc_ctx *c, const char *kind, int32_t effective,
		    const char *payload, struct hoso_error *err)
{
	return registry_write_op(c->r->db, kind, effective, payload, c->meta,
				 &c->seq, err);
}

/* ---- the member's rows ---- */

static int load_member(struct db *db, int64_t id, struct lc_member *m,
		       struct hoso_error *err)
{
	struct db_stmt *st;
	int step, k;
	size_t len;
	const char *s;
	memset(m, 0, sizeof(*m));
	m->id = id;
	st = db_prepare(db,
			"SELECT admitted_on, official_on, ended_on, birth_date,"
			" org_id, status, sex, card_no FROM members WHERE id = ?",
			err);
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	step = db_step(st, err);
	if (step <= 0) {
		db_finalize(st);
		if (step == 0)
			hoso_err(err, HOSO_ENOTFOUND,
				 TR("không tìm thấy đảng viên %lld",
				    "member %lld not found"),
				 (long long)id);
		return -1;
	}
	m->admitted = db_column_day(st, 0, DAY_MIN);
	m->official = db_column_day(st, 1, DAY_MAX);
	m->ended = db_column_day(st, 2, DAY_MAX);
	m->birth = db_column_day(st, 3, 0);
	m->org_id = (int32_t)db_column_int(st, 4);
	s = db_column_text(st, 5, &len);
	k = s ? enum_lookup(status_names, ST_COUNT, s, len) : 0;
	m->status = k < 0 ? 0 : k;
	s = db_column_text(st, 6, &len);
	m->sex = s && s[0] == 'F' ? 'F' : 'M';
	s = db_column_text(st, 7, &len);
	if (s && len < sizeof(m->card_no))
		memcpy(m->card_no, s, len);
	db_finalize(st);
	m->decided = m->probation_from = DAY_MIN;
	st = db_prepare(db,
			"SELECT decided_on, probation_from, readmitted"
			" FROM lc_member_info WHERE member_id = ?",
			err);
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	step = db_step(st, err);
	if (step == 1) {
		m->has_info = 1;
		m->decided = db_column_day(st, 0, DAY_MIN);
		m->probation_from = db_column_day(st, 1, DAY_MIN);
		m->readmitted = (int)db_column_int(st, 2);
	}
	db_finalize(st);
	if (step < 0)
		return -1;
	st = db_prepare(db,
			"SELECT org_id, valid_from, valid_to FROM placements"
			" WHERE member_id = ? ORDER BY valid_from",
			err);
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	while ((step = db_step(st, err)) == 1 && m->n_pl < MAX_PL) {
		m->pl[m->n_pl].org = (int32_t)db_column_int(st, 0);
		m->pl[m->n_pl].from = db_column_day(st, 1, DAY_MIN);
		m->pl[m->n_pl].to = db_column_day(st, 2, DAY_MAX);
		m->n_pl++;
	}
	db_finalize(st);
	return step < 0 ? -1 : 0;
}

/* Index of the placement holding on day, or -1. */
static int place_on(const struct lc_member *m, int32_t day)
{
	for (size_t i = 0; i < m->n_pl; i++)
		if (m->pl[i].from <= day && day < m->pl[i].to)
			return (int)i;
	return -1;
}

static int active_on(const struct lc_member *m, int32_t day)
{
	return m->admitted <= day && day < m->ended;
}

static int official_on(const struct lc_member *m, int32_t day)
{
	return m->official != DAY_MAX && m->official <= day;
}

int lc_cell_alive(struct db *db, int32_t org, int32_t day,
		      struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		db,
		"SELECT kind FROM org_versions WHERE id = ?"
		" AND (valid_from IS NULL OR valid_from <= ?)"
		" AND (valid_to IS NULL OR valid_to > ?)",
		err);
	int step, ok = 0;
	if (!st)
		return -1;
	db_bind_int(st, 1, org);
	db_bind_day(st, 2, day);
	db_bind_day(st, 3, day);
	step = db_step(st, err);
	if (step == 1) {
		size_t len;
		const char *k = db_column_text(st, 0, &len);
		ok = org_kind_holds_members(
			enum_lookup(org_kind_names, KIND_COUNT, k, len));
	}
	db_finalize(st);
	return step < 0 ? -1 : ok;
}

static int need_cell(struct lc_ctx *c, int32_t org, int32_t day,
		     struct hoso_error *err)
{
	char b[11];
	int ok = lc_cell_alive(c->r->db, org, day, err);
	if (ok < 0)
		return -1;
	if (!ok)
		return reject(err,
			      TR("tổ chức %d không phải là chi bộ đang hoạt động vào ngày %s (đảng viên chỉ sinh hoạt ở chi bộ)",
				 "organisation %d is not a live cell on %s (members are placed only in cells)"),
			      org, fmt_day(day, b));
	return 0;
}

static int set_member(struct lc_ctx *c, int64_t id, const char *status,
		      int32_t official, int32_t ended, struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		c->r->db,
		"UPDATE members SET status = ?, official_on = ?, ended_on = ?"
		" WHERE id = ?",
		err);
	if (!st)
		return -1;
	bind_str(st, 1, status);
	db_bind_day(st, 2, official);
	db_bind_day(st, 3, ended);
	db_bind_int(st, 4, id);
	return run(st, err);
}

static int add_event(struct lc_ctx *c, int64_t id, const char *kind,
		     int32_t day, const char *status, const char *detail,
		     struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		c->r->db,
		"INSERT INTO lc_events(member_id, seq, kind, effective_on,"
		" status_after, detail) VALUES (?, ?, ?, ?, ?, ?)",
		err);
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, c->seq);
	bind_str(st, 3, kind);
	db_bind_day(st, 4, day);
	bind_str(st, 5, status);
	bind_str(st, 6, detail);
	return run(st, err);
}

static int close_placement(struct lc_ctx *c, int64_t id, int32_t from,
			   int32_t day, struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		c->r->db,
		"UPDATE placements SET valid_to = ? WHERE member_id = ?"
		" AND valid_from = ?",
		err);
	if (!st)
		return -1;
	db_bind_day(st, 1, day);
	db_bind_int(st, 2, id);
	db_bind_day(st, 3, from);
	return run(st, err);
}

static int open_placement(struct lc_ctx *c, int64_t id, int32_t org,
			  int32_t day, struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		c->r->db,
		"INSERT INTO placements(member_id, org_id, valid_from, valid_to)"
		" VALUES (?, ?, ?, NULL)",
		err);
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, org);
	db_bind_day(st, 3, day);
	if (run(st, err))
		return -1;
	st = db_prepare(c->r->db, "UPDATE members SET org_id = ? WHERE id = ?",
			err);
	if (!st)
		return -1;
	db_bind_int(st, 1, org);
	db_bind_int(st, 2, id);
	return run(st, err);
}

/* ---- snapshots: every row of a member, as JSON, for undo ---- */

struct lc_table {
	const char *name, *key, *cols, *types; /* types: i integer, t text */
};
static const struct lc_table lc_tables[] = {
	{"members", "id",
	 "id, card_no, full_name, sex, birth_date, ethnicity, religion,"
	 " hometown, education, expertise, theory_level, admitted_on,"
	 " official_on, status, ended_on, org_id",
	 "itttttttttttttti"},
	{"placements", "member_id", "member_id, org_id, valid_from, valid_to",
	 "iitt"},
	{"lc_member_info", "member_id",
	 "member_id, decided_on, probation_from, readmitted", "itti"},
	{"lc_events", "member_id",
	 "id, member_id, seq, kind, effective_on, status_after, detail",
	 "iiitttt"},
	{"lc_transfers", "member_id",
	 "id, member_id, kind, from_org, to_org, cause_on, letter_on,"
	 " received_on, until_on, seq",
	 "iitiitttti"},
	{"lc_exemptions", "member_id",
	 "id, member_id, kind, valid_from, valid_to, seq", "iittti"},
	{"lc_discipline", "member_id", "id, member_id, form, decided_on, seq",
	 "iitti"},
	{"lc_cards", "member_id", "card_no, member_id, issued_on, valid_to, seq",
	 "titti"},
	{"lc_badges", "member_id",
	 "member_id, years, awarded_on, returned_on, seq", "iitti"},
	{"lc_gaps", "member_id", "member_id, valid_from, valid_to, why, seq",
	 "ittti"},
	{"lc_periods", "member_id",
	 "member_id, admitted_on, official_on, ended_on, status, seq",
	 "itttti"},
};
#define N_TABLES (sizeof(lc_tables) / sizeof(lc_tables[0]))

static int snapshot_take(struct db *db, int64_t id, char **out,
			 struct hoso_error *err)
{
	json_t *doc = json_object();
	struct strbuf sql;
	int rc = -1;
	strbuf_init(&sql, 1024);
	for (size_t t = 0; t < N_TABLES; t++) {
		const struct lc_table *T = &lc_tables[t];
		json_t *rows = json_array();
		struct db_stmt *st;
		int step;
		strbuf_reset(&sql);
		strbuf_addf(&sql, "SELECT %s FROM %s WHERE %s = ?", T->cols,
			    T->name, T->key);
		json_object_set_new(doc, T->name, rows);
		st = db_prepare(db, sql.buf, err);
		if (!st)
			goto out;
		db_bind_int(st, 1, id);
		while ((step = db_step(st, err)) == 1) {
			json_t *row = json_array();
			for (int i = 0; T->types[i]; i++) {
				size_t len;
				const char *s;
				if (db_column_is_null(st, i)) {
					json_array_append_new(row, json_null());
				} else if (T->types[i] == 'i') {
					json_array_append_new(
						row, json_integer(
							     db_column_int(st, i)));
				} else {
					s = db_column_text(st, i, &len);
					json_array_append_new(
						row, json_stringn(s, len));
				}
			}
			json_array_append_new(rows, row);
		}
		db_finalize(st);
		if (step < 0)
			goto out;
	}
	*out = json_dumps(doc, JSON_COMPACT);
	rc = *out ? 0 : hoso_err(err, HOSO_EIO, "snapshot");
out:
	json_decref(doc);
	strbuf_release(&sql);
	return rc;
}

static int snapshot_restore(struct db *db, int64_t id, const char *text,
			    struct hoso_error *err)
{
	json_t *doc = json_loads(text, 0, NULL);
	struct strbuf sql;
	int rc = -1;
	if (!doc)
		return hoso_err(err, HOSO_EIO, "snapshot of %lld unreadable",
				(long long)id);
	strbuf_init(&sql, 1024);
	for (size_t t = 0; t < N_TABLES; t++) {
		const struct lc_table *T = &lc_tables[t];
		json_t *rows = json_object_get(doc, T->name), *row;
		size_t ncol = strlen(T->types), i;
		struct db_stmt *st;
		strbuf_reset(&sql);
		strbuf_addf(&sql, "DELETE FROM %s WHERE %s = ?", T->name,
			    T->key);
		st = db_prepare(db, sql.buf, err);
		if (!st)
			goto out;
		db_bind_int(st, 1, id);
		if (run(st, err))
			goto out;
		strbuf_reset(&sql);
		strbuf_addf(&sql, "INSERT INTO %s(%s) VALUES (?", T->name,
			    T->cols);
		for (i = 1; i < ncol; i++)
			strbuf_adds(&sql, ", ?");
		strbuf_addc(&sql, ')');
		json_array_foreach(rows, i, row)
		{
			st = db_prepare(db, sql.buf, err);
			if (!st)
				goto out;
			for (size_t k = 0; k < ncol; k++) {
				json_t *v = json_array_get(row, k);
				if (!v || json_is_null(v))
					db_bind_null(st, (int)k + 1);
				else if (json_is_integer(v))
					db_bind_int(st, (int)k + 1,
						    json_integer_value(v));
				else
					db_bind_text(st, (int)k + 1,
						     json_string_value(v),
						     json_string_length(v));
			}
			if (run(st, err))
				goto out;
		}
	}
	rc = 0;
out:
	json_decref(doc);
	strbuf_release(&sql);
	return rc;
}

static int snapshot_save(struct lc_ctx *c, int64_t id, const char *kind,
			 int64_t candidate, const char *before,
			 struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		c->r->db,
		"INSERT INTO lc_snapshots(seq, member_id, kind, candidate_id,"
		" state_before) VALUES (?, ?, ?, ?, ?)",
		err);
	if (!st)
		return -1;
	db_bind_int(st, 1, c->seq);
	db_bind_int(st, 2, id);
	bind_str(st, 3, kind);
	if (candidate)
		db_bind_int(st, 4, candidate);
	else
		db_bind_null(st, 4);
	bind_str(st, 5, before);
	return run(st, err);
}

/* ---- read model ---- */

static int lc_refresh(struct registry *r, int64_t id, struct hoso_error *err)
{
	struct db_stmt *st;
	struct index_member m = {0};
	struct index_placement *pl = NULL;
	struct index_period *pe = NULL;
	long n_pe = 0;
	size_t n = 0, alloc = 0, len;
	char *name = NULL, *card = NULL;
	const char *s;
	int step, k, rc = -1;
	if (!r->ix)
		return 0;
	n_pe = registry_member_periods(r->db, id, &pe, err);
	if (n_pe < 0)
		return -1;
	st = db_prepare(r->db,
			"SELECT full_name, card_no, sex, birth_date,"
			" ethnicity = 'Kinh', religion IS NOT NULL, theory_level,"
			" expertise, admitted_on, official_on, status, ended_on"
			" FROM members WHERE id = ?",
			err);
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	step = db_step(st, err);
	if (step < 0)
		goto out;
	if (step == 0) {
		/* an undone admission: the index cannot forget a member, so
		 * it keeps one that is never active and placed nowhere */
		const struct index_member *old = index_member(r->ix, (int32_t)id);
		if (old) {
			m = *old;
			m.ended = m.admitted;
			index_put_member_periods(r->ix, &m, NULL, 0, NULL, 0);
		}
		rc = 0;
		goto out;
	}
	m.id = (int32_t)id;
	s = db_column_text(st, 0, &len);
	name = xstrndup(s ? s : "", s ? len : 0);
	s = db_column_text(st, 1, &len);
	card = s ? xstrndup(s, len) : NULL;
	s = db_column_text(st, 2, &len);
	m.sex = s && s[0] == 'F' ? SEX_F : SEX_M;
	m.birth = db_column_day(st, 3, 0);
	m.kinh = (uint8_t)db_column_int(st, 4);
	m.religion = (uint8_t)db_column_int(st, 5);
	s = db_column_text(st, 6, &len);
	k = s ? enum_lookup(theory_names, TH_COUNT, s, len) : 0;
	m.theory = (uint8_t)(k < 0 ? 0 : k);
	s = db_column_text(st, 7, &len);
	k = s ? enum_lookup(expertise_names, EXP_COUNT, s, len) : 0;
	m.expertise = (uint8_t)(k < 0 ? 0 : k);
	m.admitted = db_column_day(st, 8, 0);
	m.official = db_column_day(st, 9, DAY_MAX);
	s = db_column_text(st, 10, &len);
	k = s ? enum_lookup(status_names, ST_COUNT, s, len) : 0;
	m.status = (uint8_t)(k < 0 ? 0 : k);
	m.ended = db_column_day(st, 11, DAY_MAX);
	m.full_name = name;
	m.card_no = card;
	db_finalize(st);
	st = db_prepare(r->db,
			"SELECT org_id, valid_from, valid_to FROM placements"
			" WHERE member_id = ? ORDER BY valid_from",
			err);
	if (!st)
		goto out;
	db_bind_int(st, 1, id);
	while ((step = db_step(st, err)) == 1) {
		ALLOC_GROW(pl, n + 1, alloc);
		pl[n].member_id = (int32_t)id;
		pl[n].org_id = (int32_t)db_column_int(st, 0);
		pl[n].from = db_column_day(st, 1, DAY_MIN);
		pl[n].to = db_column_day(st, 2, DAY_MAX);
		n++;
	}
	if (step < 0)
		goto out;
	index_put_member_periods(r->ix, &m, pl, n, pe, (size_t)n_pe);
	rc = 0;
out:
	db_finalize(st);
	free(pl);
	free(pe);
	free(name);
	free(card);
	return rc;
}

/* ---- payload: the arguments as JSON (also the start of the result) ---- */

static void args_json(struct strbuf *sb, const struct lc_args *a,
		      int64_t member)
{
	strbuf_addf(sb, "\"member_id\":%lld", (long long)member);
	json_day_field(sb, "effective", a->day);
	if (a->since != DAY_MIN)
		json_day_field(sb, "since", a->since);
	if (a->until != DAY_MIN)
		json_day_field(sb, "until", a->until);
	if (a->org_id)
		strbuf_addf(sb, ",\"org_id\":%d", a->org_id);
	if (a->what) {
		strbuf_adds(sb, ",\"what\":");
		strbuf_add_json_str(sb, a->what);
	}
	if (a->years)
		strbuf_addf(sb, ",\"years\":%d", a->years);
	if (a->unfit)
		strbuf_adds(sb, ",\"unfit\":true");
	if (a->undo_seq)
		strbuf_addf(sb, ",\"undo\":%lld", (long long)a->undo_seq);
	if (a->approval) {
		strbuf_adds(sb, ",\"approval\":");
		strbuf_add_json_str(sb, a->approval);
	}
}

/* ---- the operations ---- */

/* Ends membership on day with status (left, expelled, deceased). */
static int end_membership(struct lc_ctx *c, struct lc_member *m, int32_t day,
			  const char *status, const char *event,
			  const char *detail, struct hoso_error *err)
{
	char b[11];
	int p = place_on(m, day);
	struct db_stmt *st;
	if (p >= 0) {
		if (close_placement(c, m->id, m->pl[p].from, day, err))
			return -1;
	}
	if (set_member(c, m->id, status,
		       official_on(m, day) ? m->official : DAY_MAX, day, err))
		return -1;
	/* open exemptions end with the membership */
	st = db_prepare(c->r->db,
			"UPDATE lc_exemptions SET valid_to = ? WHERE member_id = ?"
			" AND (valid_to IS NULL OR valid_to > ?)",
			err);
	if (!st)
		return -1;
	db_bind_day(st, 1, day);
	db_bind_int(st, 2, m->id);
	db_bind_text(st, 3, fmt_day(day, b), 10);
	if (run(st, err))
		return -1;
	return add_event(c, m->id, event, day, status, detail, err);
}

/* Checks common to every ending: a member on day, nothing placed after. */
static int check_end(struct lc_ctx *c, const struct lc_member *m, int32_t day,
		     struct hoso_error *err)
{
	char b[11];
	int p;
	(void)c;
	fmt_day(day, b);
	if (!active_on(m, day) || day == m->admitted)
		return reject(err,
			      TR("đảng viên %lld không còn là đảng viên vào ngày %s (hoặc đó là ngày vào Đảng)",
				 "member %lld is not a member on %s (or it is the admission day)"),
			      (long long)m->id, fmt_day(day, b));
	for (size_t i = 0; i < m->n_pl; i++)
		if (m->pl[i].from > day)
			return reject(err,
				      TR("đảng viên %lld có nơi sinh hoạt từ ngày %s, sau ngày %s: hãy hủy nghiệp vụ sau đó trước",
					 "member %lld has a placement from %s, after %s: undo that later operation first"),
				      (long long)m->id,
				      fmt_day(m->pl[i].from, (char[11]){0}), b);
	p = place_on(m, day);
	if (p >= 0 && m->pl[p].from == day)
		return reject(err,
			      TR("đảng viên %lld vừa chuyển đến chi bộ %d đúng ngày %s",
				 "member %lld moved into cell %d on that very day %s"),
			      (long long)m->id, m->pl[p].org, b);
	if (m->official != DAY_MAX && m->official > day)
		return reject(err,
			      TR("ngày %s trước ngày công nhận chính thức %s đã ghi",
				 "%s is before the recorded official day %s"),
			      b, fmt_day(m->official, (char[11]){0}));
	return 0;
}

static int op_recognise(struct lc_ctx *c, struct lc_member *m,
			const struct lc_args *a, int32_t *effective,
			struct hoso_error *err)
{
	char b[11], e[11], dl[11];
	int32_t from = m->probation_from != DAY_MIN ? m->probation_from
						     : m->admitted;
	const struct lc_rule_set *rs = rules_at(c, from);
	int32_t end = lc_add_months(from, rs->probation_months);
	int32_t deadline;
	const struct lc_rule_set *rd = rules_at(c, end);
	if (m->status != ST_PROBATIONARY || m->ended != DAY_MAX)
		return reject(err,
			      TR("đảng viên %lld không phải đảng viên dự bị (đang là %s)",
				 "member %lld is not a probationary member (status %s)"),
			      (long long)m->id, status_names[m->status]);
	if (a->unfit) {
		/* an unfit probationer is struck off (Điều lệ, Điều 5) */
		if (check_end(c, m, a->day, err))
			return -1;
		*effective = a->day;
		strbuf_adds(&c->extra, ",\"status\":\"left\"");
		return end_membership(c, m, a->day, "left", "struck_off_unfit",
				      a->approval, err);
	}
	if (a->day < end)
		return reject(err,
			      TR("chưa hết 12 tháng dự bị: đảng viên %lld hết thời gian dự bị ngày %s, không thể xét công nhận ngày %s (quy định: dự bị %d tháng kể từ lễ kết nạp)",
				 "probation not over: member %lld's 12 months end on %s, cannot be recognised on %s (rule: %d months' probation from the ceremony)"),
			      (long long)m->id, fmt_day(end, e),
			      fmt_day(a->day, b), rs->probation_months);
	deadline = lc_deadline(&c->cal, end, rd->recognise_limit,
			       rd->recognise_in_months);
	if (a->day > deadline && !a->approval)
		return reject(err,
			      TR("quá hạn xét công nhận đảng viên chính thức: phải xét trong %d %s sau khi hết 12 tháng dự bị (%s), tức chậm nhất ngày %s (%s); cần ý kiến cấp trên (--approval)",
				 "recognition overdue: it must be considered within %d %s after the 12 months (%s), by %s (%s); needs the higher level's approval (--approval)"),
			      rd->recognise_limit,
			      rd->recognise_in_months
				      ? TR("tháng", "months")
				      : TR("ngày làm việc", "working days"),
			      fmt_day(end, e), fmt_day(deadline, dl),
			      rd->source);
	if (set_member(c, m->id, "official", end, DAY_MAX, err))
		return -1;
	*effective = end;
	json_day_field(&c->extra, "official_on", end);
	json_day_field(&c->extra, "deadline", deadline);
	return add_event(c, m->id, "recognised", end, "official", a->approval,
			 err);
}

static int pending_transfer(struct db *db, int64_t id, int64_t *tid,
			    int32_t *letter, int32_t *from_org,
			    struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		db,
		"SELECT id, letter_on, from_org FROM lc_transfers"
		" WHERE member_id = ? AND kind = 'official'"
		" AND received_on IS NULL ORDER BY letter_on DESC",
		err);
	int step;
	*tid = 0;
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	step = db_step(st, err);
	if (step == 1) {
		*tid = db_column_int(st, 0);
		*letter = db_column_day(st, 1, DAY_MIN);
		*from_org = (int32_t)db_column_int(st, 2);
	}
	db_finalize(st);
	return step < 0 ? -1 : 0;
}

static int op_transfer_out(struct lc_ctx *c, struct lc_member *m,
			   const struct lc_args *a, struct hoso_error *err)
{
	char b[11], s[11], dl[11];
	const struct lc_rule_set *rs = rules_at(c, a->day);
	int p = place_on(m, a->day);
	int64_t tid;
	int32_t letter, from_org;
	struct db_stmt *st;
	if (pending_transfer(c->r->db, m->id, &tid, &letter, &from_org, err))
		return -1;
	if (tid)
		return reject(err,
			      TR("đảng viên %lld đang chuyển sinh hoạt (giấy giới thiệu ngày %s chưa được nhận)",
				 "member %lld is already in transit (letter of %s not yet received)"),
			      (long long)m->id, fmt_day(letter, b));
	if (!active_on(m, a->day) || p < 0)
		return reject(err,
			      TR("đảng viên %lld không sinh hoạt ở chi bộ nào vào ngày %s",
				 "member %lld has no placement on %s"),
			      (long long)m->id, fmt_day(a->day, b));
	if ((size_t)p + 1 != m->n_pl || m->pl[p].to != DAY_MAX)
		return reject(err,
			      TR("đảng viên %lld có nơi sinh hoạt sau ngày %s: hãy hủy nghiệp vụ sau đó trước",
				 "member %lld has placements after %s: undo those later operations first"),
			      (long long)m->id, fmt_day(a->day, b));
	if (m->pl[p].from == a->day)
		return reject(err,
			      TR("đảng viên %lld vừa chuyển đến chi bộ %d đúng ngày %s",
				 "member %lld moved into cell %d on that very day %s"),
			      (long long)m->id, m->pl[p].org, fmt_day(a->day, b));
	if (a->since != DAY_MIN) {
		int32_t deadline = lc_add_working_days(&c->cal, a->since,
						       rs->transfer_out_wd);
		if (a->since > a->day)
			return reject(err,
				      TR("ngày phát sinh %s sau ngày giới thiệu %s",
					 "the posting day %s is after the letter %s"),
				      fmt_day(a->since, s), fmt_day(a->day, b));
		if (a->day > deadline && !a->approval)
			return reject(err,
				      TR("quá hạn giới thiệu chuyển sinh hoạt đảng chính thức: trong %d ngày làm việc kể từ ngày %s, tức chậm nhất ngày %s (%s); cần ý kiến cấp trên (--approval)",
					 "official transfer letter overdue: within %d working days of %s, by %s (%s); needs the higher level's approval (--approval)"),
				      rs->transfer_out_wd, fmt_day(a->since, s),
				      fmt_day(deadline, dl), rs->source);
	}
	if (a->org_id) {
		if (a->org_id == m->pl[p].org)
			return reject(err,
				      TR("chi bộ nhận %d trùng chi bộ đang sinh hoạt",
					 "receiving cell %d is the current cell"),
				      a->org_id);
		if (need_cell(c, a->org_id, a->day, err))
			return -1;
	}
	if (close_placement(c, m->id, m->pl[p].from, a->day, err))
		return -1;
	st = db_prepare(c->r->db,
			"INSERT INTO lc_transfers(member_id, kind, from_org,"
			" to_org, cause_on, letter_on, seq)"
			" VALUES (?, 'official', ?, ?, ?, ?, ?)",
			err);
	if (!st)
		return -1;
	db_bind_int(st, 1, m->id);
	db_bind_int(st, 2, m->pl[p].org);
	if (a->org_id)
		db_bind_int(st, 3, a->org_id);
	else
		db_bind_null(st, 3);
	db_bind_day(st, 4, a->since);
	db_bind_day(st, 5, a->day);
	db_bind_int(st, 6, c->seq);
	if (run(st, err))
		return -1;
	strbuf_addf(&c->extra, ",\"from_org\":%d", m->pl[p].org);
	json_day_field(&c->extra, "receive_by",
		       lc_add_working_days(&c->cal, a->day,
					   rs->transfer_receive_wd));
	return add_event(c, m->id, "transfer_out", a->day,
			 status_names[m->status], NULL, err);
}

static int op_receive(struct lc_ctx *c, struct lc_member *m,
		      const struct lc_args *a, struct hoso_error *err)
{
	char b[11], l[11], dl[11];
	int64_t tid;
	int32_t letter = DAY_MIN, from_org = 0, deadline;
	const struct lc_rule_set *rs;
	struct db_stmt *st;
	if (pending_transfer(c->r->db, m->id, &tid, &letter, &from_org, err))
		return -1;
	if (!tid)
		return reject(err,
			      TR("đảng viên %lld không có giấy giới thiệu sinh hoạt đảng chính thức đang chờ nhận",
				 "member %lld has no official transfer letter waiting to be received"),
			      (long long)m->id);
	if (!a->org_id)
		return hoso_err(err, HOSO_EUSAGE, "%s",
				TR("thiếu chi bộ nhận (--to)",
				   "missing the receiving cell (--to)"));
	if (a->day < letter)
		return reject(err,
			      TR("ngày nhận %s trước ngày giới thiệu %s",
				 "receipt %s is before the letter of %s"),
			      fmt_day(a->day, b), fmt_day(letter, l));
	if (!active_on(m, a->day))
		return reject(err,
			      TR("đảng viên %lld không còn là đảng viên vào ngày %s",
				 "member %lld is not a member on %s"),
			      (long long)m->id, fmt_day(a->day, b));
	rs = rules_at(c, letter);
	deadline = lc_add_working_days(&c->cal, letter, rs->transfer_receive_wd);
	if (a->day > deadline && !a->approval)
		return reject(err,
			      TR("quá hạn nộp giấy giới thiệu sinh hoạt đảng: đảng viên phải xuất trình trong %d ngày làm việc kể từ ngày %s, tức chậm nhất ngày %s (%s); cần ý kiến cấp trên (--approval)",
				 "transfer letter presented late: within %d working days of %s, by %s (%s); needs the higher level's approval (--approval)"),
			      rs->transfer_receive_wd, fmt_day(letter, l),
			      fmt_day(deadline, dl), rs->source);
	if (need_cell(c, a->org_id, a->day, err))
		return -1;
	if (open_placement(c, m->id, a->org_id, a->day, err))
		return -1;
	st = db_prepare(c->r->db,
			"UPDATE lc_transfers SET received_on = ?, to_org = ?"
			" WHERE id = ?",
			err);
	if (!st)
		return -1;
	db_bind_day(st, 1, a->day);
	db_bind_int(st, 2, a->org_id);
	db_bind_int(st, 3, tid);
	if (run(st, err))
		return -1;
	strbuf_addf(&c->extra, ",\"from_org\":%d", from_org);
	return add_event(c, m->id, "received", a->day, status_names[m->status],
			 NULL, err);
}

static int overlapping(struct db *db, const char *sql, int64_t id,
		       int32_t from, int32_t to, struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(db, sql, err);
	int step;
	int64_t n = 0;
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	db_bind_day(st, 2, to);
	db_bind_day(st, 3, from);
	step = db_step(st, err);
	if (step == 1)
		n = db_column_int(st, 0);
	db_finalize(st);
	return step < 0 ? -1 : n > 0;
}

static int op_temp_transfer(struct lc_ctx *c, struct lc_member *m,
			    const struct lc_args *a, struct hoso_error *err)
{
	char b[11], u[11];
	const struct lc_rule_set *rs = rules_at(c, a->day);
	const char *kind = a->what ? a->what : "work";
	int study = !strcmp(kind, "study"), months, ov;
	int p = place_on(m, a->day);
	struct db_stmt *st;
	if (!study && strcmp(kind, "work"))
		return hoso_err(err, HOSO_EUSAGE,
				TR("loại chuyển tạm thời phải là work hoặc study, không phải \"%s\"",
				   "temporary transfer kind must be work or study, not \"%s\""),
				kind);
	if (!a->org_id || a->until == DAY_MIN)
		return hoso_err(err, HOSO_EUSAGE, "%s",
				TR("thiếu chi bộ nơi đến (--to) hoặc ngày kết thúc (--until)",
				   "missing the host cell (--to) or the end day (--until)"));
	if (!active_on(m, a->day) || p < 0)
		return reject(err,
			      TR("đảng viên %lld không sinh hoạt ở chi bộ nào vào ngày %s",
				 "member %lld has no placement on %s"),
			      (long long)m->id, fmt_day(a->day, b));
	if (a->org_id == m->pl[p].org)
		return reject(err,
			      TR("chi bộ nơi đến %d là chi bộ đang sinh hoạt chính thức",
				 "host cell %d is the member's own cell"),
			      a->org_id);
	months = a->until > a->day ? full_months(a->day, a->until) : -1;
	if (months < rs->temp_min_months ||
	    (study ? months > rs->temp_study_months
		   : months >= rs->temp_max_months))
		return reject(err,
			      TR("thời gian sinh hoạt tạm thời từ %s đến %s không hợp lệ: từ %d tháng đến dưới %d tháng (đi học: đến %d tháng) (%s)",
				 "temporary transfer from %s to %s is not allowed: %d months to under %d (study: up to %d) (%s)"),
			      fmt_day(a->day, b), fmt_day(a->until, u),
			      rs->temp_min_months, rs->temp_max_months,
			      rs->temp_study_months, rs->source);
	ov = overlapping(c->r->db,
			 "SELECT count(*) FROM lc_transfers WHERE member_id = ?"
			 " AND kind <> 'official' AND letter_on < ?"
			 " AND until_on > ?",
			 m->id, a->day, a->until, err);
	if (ov < 0)
		return -1;
	if (ov)
		return reject(err,
			      TR("đảng viên %lld đã có một đợt sinh hoạt tạm thời trùng thời gian",
				 "member %lld already has an overlapping temporary transfer"),
			      (long long)m->id);
	if (need_cell(c, a->org_id, a->day, err))
		return -1;
	st = db_prepare(c->r->db,
			"INSERT INTO lc_transfers(member_id, kind, from_org,"
			" to_org, letter_on, until_on, seq)"
			" VALUES (?, ?, ?, ?, ?, ?, ?)",
			err);
	if (!st)
		return -1;
	db_bind_int(st, 1, m->id);
	bind_str(st, 2, kind);
	db_bind_int(st, 3, m->pl[p].org);
	db_bind_int(st, 4, a->org_id);
	db_bind_day(st, 5, a->day);
	db_bind_day(st, 6, a->until);
	db_bind_int(st, 7, c->seq);
	if (run(st, err))
		return -1;
	strbuf_addf(&c->extra, ",\"home_org\":%d", m->pl[p].org);
	return add_event(c, m->id, "temp_transfer", a->day,
			 status_names[m->status], kind, err);
}

static int op_exempt(struct lc_ctx *c, struct lc_member *m,
		     const struct lc_args *a, struct hoso_error *err)
{
	char b[11], u[11];
	const struct lc_rule_set *rs = rules_at(c, a->day);
	const char *kind = a->what ? a->what : "";
	int ov;
	struct db_stmt *st;
	if (strcmp(kind, "age") && strcmp(kind, "health"))
		return hoso_err(err, HOSO_EUSAGE, "%s",
				TR("lý do miễn phải là age (tuổi cao) hoặc health (sức khỏe)",
				   "exemption reason must be age or health"));
	if (!active_on(m, a->day))
		return reject(err,
			      TR("đảng viên %lld không còn là đảng viên vào ngày %s",
				 "member %lld is not a member on %s"),
			      (long long)m->id, fmt_day(a->day, b));
	if (a->until != DAY_MIN && a->until <= a->day)
		return hoso_err(err, HOSO_EUSAGE, "%s",
				TR("--until phải sau ngày hiệu lực",
				   "--until must be after the effective day"));
	if (!strcmp(kind, "age")) {
		int need = m->sex == 'F' ? rs->exempt_age_f : rs->exempt_age_m;
		if (full_years(m->birth, a->day) < need)
			return reject(err,
				      TR("chưa đến tuổi được miễn công tác và sinh hoạt đảng vì tuổi cao: cần đủ %d tuổi vào ngày %s (%s)",
					 "not old enough for an age exemption: %d full years needed on %s (%s)"),
				      need, fmt_day(a->day, b), rs->source);
	} else if (a->until == DAY_MIN ||
		   full_months(a->day, a->until) < rs->health_min_months) {
		return reject(err,
			      TR("miễn vì sức khỏe cần thời gian điều trị từ %d tháng trở lên (--until), từ ngày %s đến %s là chưa đủ (%s)",
				 "a health exemption needs %d months' treatment or more (--until); %s to %s is not enough (%s)"),
			      rs->health_min_months, fmt_day(a->day, b),
			      a->until == DAY_MIN ? "?" : fmt_day(a->until, u),
			      rs->source);
	}
	ov = overlapping(c->r->db,
			 "SELECT count(*) FROM lc_exemptions WHERE member_id = ?"
			 " AND valid_from < coalesce(?, '9999-12-31')"
			 " AND coalesce(valid_to, '9999-12-31') > ?",
			 m->id, a->day,
			 a->until == DAY_MIN ? DAY_MAX : a->until, err);
	if (ov < 0)
		return -1;
	if (ov)
		return reject(err,
			      TR("đảng viên %lld đã được miễn trong thời gian này",
				 "member %lld is already exempt over that time"),
			      (long long)m->id);
	st = db_prepare(c->r->db,
			"INSERT INTO lc_exemptions(member_id, kind, valid_from,"
			" valid_to, seq) VALUES (?, ?, ?, ?, ?)",
			err);
	if (!st)
		return -1;
	db_bind_int(st, 1, m->id);
	bind_str(st, 2, kind);
	db_bind_day(st, 3, a->day);
	db_bind_day(st, 4, a->until == DAY_MIN ? DAY_MAX : a->until);
	db_bind_int(st, 5, c->seq);
	if (run(st, err))
		return -1;
	return add_event(c, m->id, "exempt", a->day, status_names[m->status],
			 kind, err);
}

static int return_badges(struct lc_ctx *c, int64_t id, int32_t day,
			 struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		c->r->db,
		"UPDATE lc_badges SET returned_on = ? WHERE member_id = ?"
		" AND returned_on IS NULL",
		err);
	if (!st)
		return -1;
	db_bind_day(st, 1, day);
	db_bind_int(st, 2, id);
	return run(st, err);
}

static const char *const discipline_forms[] = {"reprimand", "warning",
					       "removal", "expulsion"};
static const char *const discipline_vi[] = {"khiển trách", "cảnh cáo",
					    "cách chức", "khai trừ"};

static int op_discipline(struct lc_ctx *c, struct lc_member *m,
			 const struct lc_args *a, int expel,
			 struct hoso_error *err)
{
	char b[11];
	const char *form = expel ? "expulsion" : (a->what ? a->what : "");
	int f = -1, official;
	struct db_stmt *st;
	for (int i = 0; i < 4; i++)
		if (!strcmp(form, discipline_forms[i]))
			f = i;
	if (f < 0)
		return hoso_err(err, HOSO_EUSAGE,
				TR("hình thức kỷ luật không rõ \"%s\" (reprimand, warning, removal, expulsion)",
				   "unknown discipline form \"%s\" (reprimand, warning, removal, expulsion)"),
				form);
	if (!active_on(m, a->day))
		return reject(err,
			      TR("đảng viên %lld không còn là đảng viên vào ngày %s",
				 "member %lld is not a member on %s"),
			      (long long)m->id, fmt_day(a->day, b));
	official = official_on(m, a->day);
	if (!official && f >= 2)
		return reject(err,
			      TR("đảng viên dự bị chỉ bị kỷ luật khiển trách hoặc cảnh cáo (Điều lệ Đảng, Điều 35): không thể %s đảng viên dự bị %lld",
				 "a probationary member may only be reprimanded or warned (Party Charter, art. 35): cannot apply %s to probationary member %lld"),
			      TR(discipline_vi[f], discipline_forms[f]),
			      (long long)m->id);
	if (f == 3 && check_end(c, m, a->day, err))
		return -1;
	st = db_prepare(c->r->db,
			"INSERT INTO lc_discipline(member_id, form, decided_on,"
			" seq) VALUES (?, ?, ?, ?)",
			err);
	if (!st)
		return -1;
	db_bind_int(st, 1, m->id);
	bind_str(st, 2, discipline_forms[f]);
	db_bind_day(st, 3, a->day);
	db_bind_int(st, 4, c->seq);
	if (run(st, err))
		return -1;
	if (f == 3) {
		/* expulsion ends membership and the badges are returned */
		if (return_badges(c, m->id, a->day, err))
			return -1;
		return end_membership(c, m, a->day, "expelled", "expelled",
				      NULL, err);
	}
	return add_event(c, m->id, "discipline", a->day,
			 status_names[m->status], discipline_forms[f], err);
}

static int seed_card(struct lc_ctx *c, struct lc_member *m, int32_t to,
		     struct hoso_error *err)
{
	/* the card imported in members.card_no becomes the first row of the
	 * member's card history, so `member --card` still finds it */
	struct db_stmt *st;
	if (!m->card_no[0])
		return 0;
	st = db_prepare(c->r->db,
			"INSERT INTO lc_cards(card_no, member_id, issued_on,"
			" valid_to, seq) SELECT ?, ?, NULL, ?, NULL"
			" WHERE NOT EXISTS (SELECT 1 FROM lc_cards WHERE card_no = ?)",
			err);
	if (!st)
		return -1;
	bind_str(st, 1, m->card_no);
	db_bind_int(st, 2, m->id);
	db_bind_day(st, 3, to);
	bind_str(st, 4, m->card_no);
	return run(st, err);
}

static int op_readmit(struct lc_ctx *c, struct lc_member *m,
		      const struct lc_args *a, struct hoso_error *err)
{
	char b[11], e[11], dl[11];
	int32_t decided = a->since != DAY_MIN ? a->since : a->day;
	const struct lc_rule_set *rs = rules_at(c, decided);
	int32_t earliest, deadline;
	struct db_stmt *st;
	if (m->ended == DAY_MAX ||
	    (m->status != ST_LEFT && m->status != ST_EXPELLED))
		return reject(err,
			      TR("chỉ kết nạp lại người đã ra khỏi Đảng; đảng viên %lld đang ở trạng thái %s",
				 "only a former member can be readmitted; member %lld is %s"),
			      (long long)m->id, status_names[m->status]);
	if (m->readmitted)
		return reject(err,
			      TR("đảng viên %lld đã được kết nạp lại một lần; chỉ được kết nạp lại một lần",
				 "member %lld was readmitted before; readmission is allowed once"),
			      (long long)m->id);
	if (!a->org_id)
		return hoso_err(err, HOSO_EUSAGE, "%s",
				TR("thiếu chi bộ kết nạp lại (--to)",
				   "missing the cell (--to)"));
	earliest = lc_add_months(m->ended, rs->readmit_after_months);
	if (decided < m->ended)
		return reject(err,
			      TR("quyết định kết nạp lại ngày %s trước ngày ra khỏi Đảng %s",
				 "the readmission decision of %s comes before leaving on %s"),
			      fmt_day(decided, b), fmt_day(m->ended, e));
	if (decided < earliest && !a->approval)
		return reject(err,
			      TR("chưa đủ %d tháng kể từ khi ra khỏi Đảng (%s): chỉ xét kết nạp lại từ ngày %s (%s)",
				 "less than %d months since leaving (%s): readmission only from %s (%s)"),
			      rs->readmit_after_months, fmt_day(m->ended, e),
			      fmt_day(earliest, dl), rs->source);
	deadline = lc_deadline(&c->cal, decided, rs->ceremony_limit,
			       rs->ceremony_in_months);
	if (a->day < decided || (a->day > deadline && !a->approval))
		return reject(err,
			      TR("lễ kết nạp lại ngày %s phải trong %d %s kể từ quyết định %s, tức chậm nhất ngày %s (%s)",
				 "the readmission ceremony on %s must be within %d %s of the decision of %s, by %s (%s)"),
			      fmt_day(a->day, b), rs->ceremony_limit,
			      rs->ceremony_in_months
				      ? TR("tháng", "months")
				      : TR("ngày làm việc", "working days"),
			      fmt_day(decided, e), fmt_day(deadline, dl),
			      rs->source);
	if (need_cell(c, a->org_id, a->day, err))
		return -1;
	if (seed_card(c, m, m->ended, err))
		return -1;
	st = db_prepare(c->r->db,
			"UPDATE lc_cards SET valid_to = ? WHERE member_id = ?"
			" AND valid_to IS NULL",
			err);
	if (!st)
		return -1;
	db_bind_day(st, 1, m->ended);
	db_bind_int(st, 2, m->id);
	if (run(st, err))
		return -1;
	/* the period that ended is kept whole in lc_periods; the members row
	 * becomes the new period, on probation from the ceremony */
	st = db_prepare(c->r->db,
			"INSERT INTO lc_periods(member_id, admitted_on,"
			" official_on, ended_on, status, seq)"
			" VALUES (?, ?, ?, ?, ?, ?)",
			err);
	if (!st)
		return -1;
	db_bind_int(st, 1, m->id);
	db_bind_day(st, 2, m->admitted);
	db_bind_day(st, 3, m->official);
	db_bind_day(st, 4, m->ended);
	bind_str(st, 5, status_names[m->status]);
	db_bind_int(st, 6, c->seq);
	if (run(st, err))
		return -1;
	st = db_prepare(c->r->db,
			"UPDATE members SET status = 'probationary',"
			" admitted_on = ?, official_on = NULL, ended_on = NULL,"
			" card_no = NULL WHERE id = ?",
			err);
	if (!st)
		return -1;
	db_bind_day(st, 1, a->day);
	db_bind_int(st, 2, m->id);
	if (run(st, err))
		return -1;
	if (open_placement(c, m->id, a->org_id, a->day, err))
		return -1;
	/* party age: from the first admission minus the time out */
	st = db_prepare(c->r->db,
			"INSERT INTO lc_gaps(member_id, valid_from, valid_to, why,"
			" seq) VALUES (?, ?, ?, 'out_of_party', ?)",
			err);
	if (!st)
		return -1;
	db_bind_int(st, 1, m->id);
	db_bind_day(st, 2, m->ended);
	db_bind_day(st, 3, decided);
	db_bind_int(st, 4, c->seq);
	if (run(st, err))
		return -1;
	/* party age counts from the first admission: keep its day in
	 * decided_on, since admitted_on now holds the readmission */
	st = db_prepare(c->r->db,
			m->has_info
				? "UPDATE lc_member_info SET probation_from = ?,"
				  " readmitted = 1,"
				  " decided_on = coalesce(decided_on, ?)"
				  " WHERE member_id = ?"
				: "INSERT INTO lc_member_info(probation_from,"
				  " decided_on, member_id, readmitted)"
				  " VALUES (?, ?, ?, 1)",
			err);
	if (!st)
		return -1;
	db_bind_day(st, 1, a->day);
	db_bind_day(st, 2, m->decided != DAY_MIN ? m->decided : m->admitted);
	db_bind_int(st, 3, m->id);
	if (run(st, err))
		return -1;
	json_day_field(&c->extra, "probation_ends",
		       lc_add_months(a->day, rs->probation_months));
	return add_event(c, m->id, "readmitted", a->day, "probationary",
			 a->approval, err);
}

static int card_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 32)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= 'a' && s[i] <= 'z') || s[i] == '-'))
			return 0;
	return 1;
}

static int op_card_issue(struct lc_ctx *c, struct lc_member *m,
			 const struct lc_args *a, struct hoso_error *err)
{
	char b[11], l[11];
	struct db_stmt *st;
	int step;
	int64_t owner = 0;
	int32_t last = DAY_MIN;
	if (!card_ok(a->what))
		return hoso_err(err, HOSO_EUSAGE,
				TR("số thẻ đảng không hợp lệ \"%s\" (chữ số, chữ cái, '-', tối đa 32 ký tự)",
				   "invalid party card number \"%s\" (digits, letters, '-', at most 32)"),
				a->what ? a->what : "");
	if (!active_on(m, a->day) || !official_on(m, a->day))
		return reject(err,
			      TR("thẻ đảng chỉ phát cho đảng viên chính thức: đảng viên %lld không phải đảng viên chính thức vào ngày %s",
				 "party cards go to official members only: member %lld is not official on %s"),
			      (long long)m->id, fmt_day(a->day, b));
	st = db_prepare(c->r->db,
			"SELECT id FROM members WHERE card_no = ?1 UNION ALL"
			" SELECT member_id FROM lc_cards WHERE card_no = ?1",
			err);
	if (!st)
		return -1;
	bind_str(st, 1, a->what);
	step = db_step(st, err);
	if (step == 1)
		owner = db_column_int(st, 0);
	db_finalize(st);
	if (step < 0)
		return -1;
	if (step == 1)
		return reject(err,
			      TR("số thẻ đảng %s đã cấp cho đảng viên %lld (mỗi số thẻ chỉ thuộc một đảng viên)",
				 "party card %s was issued to member %lld (a card number belongs to one member)"),
			      a->what, (long long)owner);
	st = db_prepare(c->r->db,
			"SELECT max(issued_on) FROM lc_cards WHERE member_id = ?",
			err);
	if (!st)
		return -1;
	db_bind_int(st, 1, m->id);
	if (db_step(st, err) == 1)
		last = db_column_day(st, 0, DAY_MIN);
	db_finalize(st);
	if (last != DAY_MIN && a->day <= last)
		return reject(err,
			      TR("đã có thẻ cấp ngày %s; thẻ mới phải cấp sau ngày đó",
				 "a card was issued on %s; a new one must come later"),
			      fmt_day(last, l));
	if (seed_card(c, m, a->day, err))
		return -1;
	st = db_prepare(c->r->db,
			"UPDATE lc_cards SET valid_to = ? WHERE member_id = ?"
			" AND valid_to IS NULL",
			err);
	if (!st)
		return -1;
	db_bind_day(st, 1, a->day);
	db_bind_int(st, 2, m->id);
	if (run(st, err))
		return -1;
	st = db_prepare(c->r->db,
			"INSERT INTO lc_cards(card_no, member_id, issued_on,"
			" valid_to, seq) VALUES (?, ?, ?, NULL, ?)",
			err);
	if (!st)
		return -1;
	bind_str(st, 1, a->what);
	db_bind_int(st, 2, m->id);
	db_bind_day(st, 3, a->day);
	db_bind_int(st, 4, c->seq);
	if (run(st, err))
		return -1;
	st = db_prepare(c->r->db, "UPDATE members SET card_no = ? WHERE id = ?",
			err);
	if (!st)
		return -1;
	bind_str(st, 1, a->what);
	db_bind_int(st, 2, m->id);
	if (run(st, err))
		return -1;
	if (m->card_no[0]) {
		strbuf_adds(&c->extra, ",\"replaces\":");
		strbuf_add_json_str(&c->extra, m->card_no);
	}
	return add_event(c, m->id, "card_issued", a->day,
			 status_names[m->status], a->what, err);
}

static int gap_days(struct db *db, int64_t id, int64_t *out,
		    struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		db, "SELECT valid_from, valid_to FROM lc_gaps WHERE member_id = ?",
		err);
	int step;
	*out = 0;
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	while ((step = db_step(st, err)) == 1) {
		int32_t f = db_column_day(st, 0, 0), t = db_column_day(st, 1, 0);
		if (t > f)
			*out += t - f;
	}
	db_finalize(st);
	return step < 0 ? -1 : 0;
}

static int op_badge(struct lc_ctx *c, struct lc_member *m,
		    const struct lc_args *a, struct hoso_error *err)
{
	char b[11], an[11];
	size_t n;
	const int *ys = lc_badge_years(&n);
	int ok = 0, early = 0, ex;
	int64_t gaps;
	int32_t start, anniv;
	struct db_stmt *st;
	for (size_t i = 0; i < n; i++)
		ok |= ys[i] == a->years;
	if (!ok)
		return hoso_err(err, HOSO_EUSAGE,
				TR("không có Huy hiệu %d năm tuổi Đảng (30, 40, 45, ... 90)",
				   "there is no %d-year badge (30, 40, 45, ... 90)"),
				a->years);
	if (!lc_is_award_day(a->day))
		return reject(err,
			      TR("Huy hiệu Đảng trao vào các ngày 3/2, 19/5, 2/9, 7/11; ngày %s không phải ngày trao",
				 "badges are awarded on 3 Feb, 19 May, 2 Sep, 7 Nov; %s is not one"),
			      fmt_day(a->day, b));
	if (!active_on(m, a->day))
		return reject(err,
			      TR("đảng viên %lld không còn là đảng viên vào ngày %s",
				 "member %lld is not a member on %s"),
			      (long long)m->id, fmt_day(a->day, b));
	if (gap_days(c->r->db, m->id, &gaps, err))
		return -1;
	start = m->decided != DAY_MIN ? m->decided : m->admitted;
	anniv = lc_party_anniversary(start, gaps, a->years);
	if (anniv > a->day) {
		/* early for the seriously ill: we read that as a health
		 * exemption holding on the award day */
		int limit = a->years >= 70 ? 24 : 12;
		ex = overlapping(c->r->db,
				 "SELECT count(*) FROM lc_exemptions WHERE"
				 " member_id = ? AND kind = 'health'"
				 " AND valid_from < ?"
				 " AND coalesce(valid_to, '9999-12-31') > ?",
				 m->id, a->day, a->day + 1, err);
		if (ex < 0)
			return -1;
		if (!ex || anniv > lc_add_months(a->day, limit))
			return reject(err,
				      TR("chưa đủ %d năm tuổi Đảng: đủ vào ngày %s (xét sớm tối đa %d tháng chỉ cho đảng viên ốm nặng)",
					 "not yet %d years of party age: reached on %s (early by up to %d months only for the seriously ill)"),
				      a->years, fmt_day(anniv, an), limit);
		early = 1;
	}
	st = db_prepare(c->r->db,
			"SELECT count(*) FROM lc_badges WHERE member_id = ?"
			" AND years = ?",
			err);
	if (!st)
		return -1;
	db_bind_int(st, 1, m->id);
	db_bind_int(st, 2, a->years);
	ok = db_step(st, err) == 1 ? (int)db_column_int(st, 0) : -1;
	db_finalize(st);
	if (ok < 0)
		return -1;
	if (ok)
		return reject(err,
			      TR("đảng viên %lld đã được trao Huy hiệu %d năm tuổi Đảng",
				 "member %lld already has the %d-year badge"),
			      (long long)m->id, a->years);
	st = db_prepare(c->r->db,
			"INSERT INTO lc_badges(member_id, years, awarded_on, seq)"
			" VALUES (?, ?, ?, ?)",
			err);
	if (!st)
		return -1;
	db_bind_int(st, 1, m->id);
	db_bind_int(st, 2, a->years);
	db_bind_day(st, 3, a->day);
	db_bind_int(st, 4, c->seq);
	if (run(st, err))
		return -1;
	json_day_field(&c->extra, "reached_on", anniv);
	strbuf_addf(&c->extra, ",\"early\":%s", early ? "true" : "false");
	return add_event(c, m->id, "badge", a->day, status_names[m->status],
			 early ? "early" : NULL, err);
}

/* Undo: restores the member's rows as they were before operation seq,
 * when nothing later touched the member. Written as its own operation. */
static int undo_check(struct lc_ctx *c, int64_t seq, int64_t *member,
		      int64_t *candidate, char **before, int32_t *effective,
		      struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		c->r->db,
		"SELECT s.member_id, s.kind, s.candidate_id, s.state_before,"
		" s.undone_by, o.effective_on FROM lc_snapshots s"
		" JOIN operations o ON o.seq = s.seq WHERE s.seq = ?",
		err);
	int step;
	int64_t later = 0, undone = 0;
	char kind[32] = "";
	char like[64];
	if (!st)
		return -1;
	db_bind_int(st, 1, seq);
	step = db_step(st, err);
	if (step == 1) {
		size_t len;
		const char *s = db_column_text(st, 1, &len);
		*member = db_column_int(st, 0);
		if (s && len < sizeof(kind))
			memcpy(kind, s, len);
		*candidate = db_column_is_null(st, 2) ? 0 : db_column_int(st, 2);
		s = db_column_text(st, 3, &len);
		*before = xstrndup(s ? s : "{}", s ? len : 2);
		undone = db_column_is_null(st, 4) ? 0 : db_column_int(st, 4);
		*effective = db_column_day(st, 5, DAY_MIN);
	}
	db_finalize(st);
	if (step < 0)
		return -1;
	if (step == 0)
		return hoso_err(err, HOSO_ENOTFOUND,
				TR("không có nghiệp vụ %lld nào của vòng đời đảng viên để hủy",
				   "no member lifecycle operation %lld to undo"),
				(long long)seq);
	if (!strcmp(kind, "undo"))
		return reject(err,
			      TR("nghiệp vụ %lld là một lần hủy; không hủy một lần hủy",
				 "operation %lld is an undo; an undo is not undone"),
			      (long long)seq);
	if (undone)
		return reject(err,
			      TR("nghiệp vụ %lld đã được hủy bởi nghiệp vụ %lld",
				 "operation %lld was already undone by %lld"),
			      (long long)seq, (long long)undone);
	st = db_prepare(c->r->db,
			"SELECT max(seq) FROM lc_snapshots WHERE member_id = ?"
			" AND seq > ? AND undone_by IS NULL AND kind <> 'undo'",
			err);
	if (!st)
		return -1;
	db_bind_int(st, 1, *member);
	db_bind_int(st, 2, seq);
	if (db_step(st, err) == 1)
		later = db_column_int(st, 0);
	db_finalize(st);
	if (!later) {
		/* a plain transfer (ops.c) has no snapshot: look for one */
		snprintf(like, sizeof(like), "%%\"member_id\":%lld,%%",
			 (long long)*member);
		st = db_prepare(c->r->db,
				"SELECT max(seq) FROM operations WHERE seq > ?"
				" AND kind = 'transfer' AND payload LIKE ?",
				err);
		if (!st)
			return -1;
		db_bind_int(st, 1, seq);
		bind_str(st, 2, like);
		if (db_step(st, err) == 1)
			later = db_column_int(st, 0);
		db_finalize(st);
	}
	if (later)
		return reject(err,
			      TR("không thể hủy nghiệp vụ %lld: nghiệp vụ %lld sau đó cũng thay đổi đảng viên %lld, hãy hủy nó trước",
				 "cannot undo operation %lld: the later operation %lld changed member %lld too; undo it first"),
			      (long long)seq, (long long)later,
			      (long long)*member);
	return 0;
}

int64_t lifecycle_apply(struct registry *r, const struct lc_args *a,
			const struct op_meta *meta, struct strbuf *out,
			struct hoso_error *err)
{
	struct lc_ctx c;
	struct lc_member *m = xcalloc(1, sizeof(*m));
	struct strbuf payload;
	char *before = NULL, *undo_before = NULL;
	int64_t member = a->member_id, candidate = 0, rc = -1;
	int32_t effective = a->day;
	int began = 0, k;
	struct db_stmt *st;

	strbuf_init(&payload, 1 << 16);
	if ((unsigned)a->kind >= LC_KIND_COUNT) {
		hoso_err(err, HOSO_EUSAGE, "lifecycle kind %d", (int)a->kind);
		goto out_nobegin;
	}
	if (a->kind != LC_UNDO && a->day == DAY_MIN) {
		hoso_err(err, HOSO_EUSAGE, "%s",
			 TR("thiếu ngày hiệu lực (--effective)",
			    "missing the effective day (--effective)"));
		goto out_nobegin;
	}
	if (db_begin(r->db, 1, err))
		goto out_nobegin;
	began = 1;
	if (ctx_load(&c, r, meta, err))
		goto out;
	if (a->kind == LC_UNDO) {
		int64_t want = member;
		if (undo_check(&c, a->undo_seq, &member, &candidate,
			       &undo_before, &effective, err))
			goto out;
		if (want && want != member) {
			hoso_err(err, HOSO_EREJECT,
				 TR("nghiệp vụ %lld không thuộc đảng viên %lld",
				    "operation %lld is not about member %lld"),
				 (long long)a->undo_seq, (long long)want);
			goto out;
		}
	} else if (load_member(r->db, member, m, err)) {
		goto out;
	}
	if (snapshot_take(r->db, member, &before, err))
		goto out;
	/* checks come first inside each op; write_op gives the seq the
	 * history rows carry, and a rejection rolls everything back */
	{
		struct lc_args shown = *a;
		if (a->kind == LC_UNDO)
			shown.day = effective;
		args_json(&payload, &shown, member);
	}
	if (write_op(&c, lc_kind_names[a->kind],
		     a->kind == LC_UNDO ? effective : a->day, "{}", err))
		goto out;
	switch (a->kind) {
	case LC_RECOGNISE:
		k = op_recognise(&c, m, a, &effective, err);
		break;
	case LC_TRANSFER_OUT:
		k = op_transfer_out(&c, m, a, err);
		break;
	case LC_RECEIVE:
		k = op_receive(&c, m, a, err);
		break;
	case LC_TEMP_TRANSFER:
		k = op_temp_transfer(&c, m, a, err);
		break;
	case LC_EXEMPT:
		k = op_exempt(&c, m, a, err);
		break;
	case LC_STRIKE_OFF:
		k = check_end(&c, m, a->day, err) ||
		    end_membership(&c, m, a->day, "left", "struck_off",
				   a->what, err);
		break;
	case LC_DISCIPLINE:
		k = op_discipline(&c, m, a, 0, err);
		break;
	case LC_EXPEL:
		k = op_discipline(&c, m, a, 1, err);
		break;
	case LC_LEAVE:
		k = check_end(&c, m, a->day, err) ||
		    end_membership(&c, m, a->day, "left", "left", NULL, err);
		break;
	case LC_DEATH:
		k = check_end(&c, m, a->day, err) ||
		    end_membership(&c, m, a->day, "deceased", "died", NULL,
				   err);
		break;
	case LC_READMIT:
		k = op_readmit(&c, m, a, err);
		break;
	case LC_CARD_ISSUE:
		k = op_card_issue(&c, m, a, err);
		break;
	case LC_BADGE_AWARD:
		k = op_badge(&c, m, a, err);
		break;
	case LC_UNDO:
		k = snapshot_restore(r->db, member, undo_before, err);
		if (!k && candidate) {
			st = db_prepare(r->db,
					"UPDATE lc_candidates SET member_id = NULL,"
					" admitted_on = NULL WHERE id = ?",
					err);
			if (st)
				db_bind_int(st, 1, candidate);
			k = run(st, err);
		}
		if (!k) {
			st = db_prepare(r->db,
					"UPDATE lc_snapshots SET undone_by = ?"
					" WHERE seq = ?",
					err);
			if (st) {
				db_bind_int(st, 1, c.seq);
				db_bind_int(st, 2, a->undo_seq);
			}
			k = run(st, err);
		}
		candidate = 0;
		break;
	default:
		k = hoso_err(err, HOSO_EUSAGE, "kind");
	}
	if (k)
		goto out;
	if (effective != a->day && a->kind != LC_UNDO)
		json_day_field(&payload, "effective_on", effective);
	strbuf_adds(&payload, c.extra.buf ? c.extra.buf : "");
	/* the payload is known only now (results of the checks) */
	{
		struct strbuf p2;
		strbuf_init(&p2, 1 << 16);
		strbuf_addc(&p2, '{');
		strbuf_adds(&p2, payload.buf);
		strbuf_addc(&p2, '}');
		st = db_prepare(r->db,
				"UPDATE operations SET payload = ?, effective_on = ?"
				" WHERE seq = ?",
				err);
		if (st) {
			bind_str(st, 1, p2.buf);
			db_bind_day(st, 2, effective);
			db_bind_int(st, 3, c.seq);
		}
		strbuf_release(&p2);
		if (run(st, err))
			goto out;
	}
	if (snapshot_save(&c, member, lc_kind_names[a->kind], candidate, before,
			  err))
		goto out;
	if (db_commit(r->db, err))
		goto out;
	began = 0;
	if (lc_refresh(r, member, err))
		goto out;
	strbuf_addf(out, "{\"seq\":%lld,\"kind\":\"%s\",", (long long)c.seq,
		    lc_kind_names[a->kind]);
	strbuf_adds(out, payload.buf);
	strbuf_addc(out, '}');
	rc = c.seq;
out:
	if (began)
		db_rollback(r->db);
	ctx_release(&c);
out_nobegin:
	strbuf_release(&payload);
	free(before);
	free(undo_before);
	free(m);
	return rc;
}
