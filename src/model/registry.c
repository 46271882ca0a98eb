/* registry: the store plus its read model; answers questions (Q1-Q6) as the
 * JSON of spec/queries.md and applies operations. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/registry.h"
#include "model/lifecycle.h"
#include "model/reflist.h"
#include "text/text.h"
#include "core/banned.h"

struct registry *registry_open(const char *uri, unsigned flags,
			       struct hoso_error *err)
{
	struct db *db = db_open(uri, flags, err);
	if (!db)
		return NULL;
	struct registry *r = xcalloc(1, sizeof(*r));
	r->db = db;
	return r;
}

void registry_close(struct registry *r)
{
	if (!r)
		return;
	index_free(r->ix);
	db_close(r->db);
	free(r);
}

/* One row of lc_periods (member_id, admitted_on, official_on, ended_on,
 * status) as an index period. */
static void period_row(struct db_stmt *st, struct index_period *p)
{
	size_t len;
	const char *s;
	int k;
	p->member_id = (int32_t)db_column_int(st, 0);
	p->admitted = db_column_day(st, 1, DAY_MIN);
	p->official = db_column_day(st, 2, DAY_MAX);
	p->ended = db_column_day(st, 3, DAY_MAX);
	s = db_column_text(st, 4, &len);
	k = s ? enum_lookup(status_names, ST_COUNT, s, len) : -1;
	p->status = (uint8_t)(k < 0 ? ST_LEFT : k);
}

long registry_member_periods(struct db *db, int64_t id,
			     struct index_period **out, struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		db,
		"SELECT member_id, admitted_on, official_on, ended_on, status"
		" FROM lc_periods WHERE member_id = ? ORDER BY admitted_on",
		err);
	size_t n = 0, alloc = 0;
	int step;
	*out = NULL;
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	while ((step = db_step(st, err)) == 1) {
		ALLOC_GROW(*out, n + 1, alloc);
		period_row(st, &(*out)[n++]);
	}
	db_finalize(st);
	if (step < 0) {
		FREE_AND_NULL(*out);
		return -1;
	}
	return (long)n;
}

/* The largest member id (0 when none): a size hint, found by the primary
 * key without a scan. */
static size_t max_id(struct registry *r, struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(r->db, "SELECT max(id) FROM members",
					err);
	size_t n = 0;
	if (st && db_step(st, err) == 1) {
		int64_t v = db_column_int(st, 0);
		n = v > 0 && v < (int64_t)1 << 31 ? (size_t)v : 0;
	}
	db_finalize(st);
	return n;
}

/* Loading is a pipeline of two threads: this one steps the store and copies
 * batches of raw rows, a second one parses them into the index builder. */
#define LOAD_BATCH 4096
#define LOAD_COLS 13

enum load_kind { LOAD_MEMBERS, LOAD_PLACEMENTS };

struct load_row {
	int64_t iv[LOAD_COLS];  /* integer columns */
	uint32_t off[LOAD_COLS]; /* text columns: offset in text, */
	uint32_t len[LOAD_COLS]; /* UINT32_MAX for NULL */
};

struct load_batch {
	enum load_kind kind;
	int last; /* no batch follows */
	size_t n;
	struct load_row rows[LOAD_BATCH];
	char *text;
	size_t text_len, text_alloc;
};

struct load_pipe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int full[2]; /* batch i holds rows for the worker */
	struct load_batch *b[2];
	struct index_builder *builder;
};

/* Column types of each query: i integer, t text. */
static const char *const load_cols[] = {"itttt" "ii" "tttttt", "iitt"};

static const char *row_text(const struct load_batch *b,
			    const struct load_row *r, int c, size_t *len)
{
	if (r->len[c] == UINT32_MAX)
		return NULL;
	*len = r->len[c];
	return b->text + r->off[c];
}

static int32_t row_day(const struct load_batch *b, const struct load_row *r,
		       int c, int32_t dflt)
{
	size_t len;
	const char *s = row_text(b, r, c, &len);
	int32_t d;
	if (!s || day_parse(s, len, &d))
		return dflt;
	return d;
}

static void load_batch_apply(struct index_builder *ib,
			     const struct load_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct load_row *r = &b->rows[i];
		size_t len = 0;
		const char *s;
		int k;
		if (b->kind == LOAD_PLACEMENTS) {
			struct index_placement p;
			p.member_id = (int32_t)r->iv[0];
			p.org_id = (int32_t)r->iv[1];
			p.from = row_day(b, r, 2, DAY_MIN);
			p.to = row_day(b, r, 3, DAY_MAX);
			index_builder_placement(ib, &p);
			continue;
		}
		struct index_member m = {0};
		m.id = (int32_t)r->iv[0];
		m.full_name = row_text(b, r, 1, &len);
		m.card_no = row_text(b, r, 2, &len);
		s = row_text(b, r, 3, &len);
		m.sex = s && s[0] == 'F' ? SEX_F : SEX_M;
		m.birth = row_day(b, r, 4, 0);
		m.kinh = (uint8_t)r->iv[5];
		m.religion = (uint8_t)r->iv[6];
		s = row_text(b, r, 7, &len);
		k = s ? enum_lookup(theory_names, TH_COUNT, s, len) : 0;
		m.theory = (uint8_t)(k < 0 ? 0 : k);
		s = row_text(b, r, 8, &len);
		k = s ? enum_lookup(expertise_names, EXP_COUNT, s, len) : 0;
		m.expertise = (uint8_t)(k < 0 ? 0 : k);
		m.admitted = row_day(b, r, 9, 0);
		m.official = row_day(b, r, 10, DAY_MAX);
		s = row_text(b, r, 11, &len);
		k = s ? enum_lookup(status_names, ST_COUNT, s, len) : -1;
		m.status = (uint8_t)(k < 0 ? 0 : k);
		m.ended = row_day(b, r, 12, DAY_MAX);
		index_builder_member(ib, &m);
	}
}

static void *load_worker(void *arg)
{
	struct load_pipe *p = arg;
	for (int i = 0;; i ^= 1) {
		pthread_mutex_lock(&p->mu);
		while (!p->full[i])
			pthread_cond_wait(&p->cv, &p->mu);
		pthread_mutex_unlock(&p->mu);
		load_batch_apply(p->builder, p->b[i]);
		int last = p->b[i]->last;
		pthread_mutex_lock(&p->mu);
		p->full[i] = 0;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		if (last)
			return NULL;
	}
}

/* Copies one row of st into b. */
static void load_copy_row(struct load_batch *b, struct db_stmt *st)
{
	const char *cols = load_cols[b->kind];
	struct load_row *r = &b->rows[b->n++];
	for (int c = 0; cols[c]; c++) {
		if (cols[c] == 'i') {
			r->iv[c] = db_column_int(st, c);
			continue;
		}
		size_t len;
		const char *s = db_column_text(st, c, &len);
		if (!s) {
			r->len[c] = UINT32_MAX;
			continue;
		}
		ALLOC_GROW(b->text, b->text_len + len + 1, b->text_alloc);
		memcpy(b->text + b->text_len, s, len);
		b->text[b->text_len + len] = '\0';
		r->off[c] = (uint32_t)b->text_len;
		r->len[c] = (uint32_t)len;
		b->text_len += len + 1;
	}
}

/* Takes batch i for filling (waits until the worker is done with it). */
static struct load_batch *load_take(struct load_pipe *p, int i,
				    enum load_kind kind)
{
	pthread_mutex_lock(&p->mu);
	while (p->full[i])
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
	struct load_batch *b = p->b[i];
	b->kind = kind;
	b->n = b->text_len = 0;
	b->last = 0;
	return b;
}

static void load_give(struct load_pipe *p, int i)
{
	pthread_mutex_lock(&p->mu);
	p->full[i] = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* Rows go straight into the index builder (strings copied there): the
 * loader keeps no copy of the store, so peak memory is the read model's. */
int registry_load_index(struct registry *r, int quiet, struct hoso_error *err)
{
	struct index_builder *b = NULL;
	struct db_stmt *st = NULL;
	int rc = -1, step = 0, bi = 0, started = 0;
	size_t n = 0;
	struct progress prog;
	char *buf = NULL;
	size_t buf_alloc = 0;
	struct load_pipe pipe = {.mu = PTHREAD_MUTEX_INITIALIZER,
				 .cv = PTHREAD_COND_INITIALIZER};
	pthread_t worker;
	static const char *const sql[] = {
		"SELECT id, full_name, card_no, sex, birth_date,"
		" ethnicity = 'Kinh', religion IS NOT NULL, theory_level,"
		" expertise, admitted_on, official_on, status, ended_on"
		" FROM members",
		"SELECT member_id, org_id, valid_from, valid_to FROM placements",
	};

	if (r->ix)
		return 0;
	progress_start(&prog, TR("Dựng mô hình đọc", "Building the read model"),
		       0, quiet);
	if (db_begin(r->db, 0, err))
		return -1;
	b = index_builder_new(max_id(r, err), 0);
	st = db_prepare(r->db,
			"SELECT id, parent_id, kind, code, name, valid_from,"
			" valid_to FROM org_versions",
			err);
	if (!st)
		goto out;
	while ((step = db_step(st, err)) == 1) {
		struct index_org_version v = {0};
		size_t len, len2;
		const char *s, *s2;
		v.id = (int32_t)db_column_int(st, 0);
		v.parent_id = (int32_t)db_column_int(st, 1);
		s = db_column_text(st, 2, &len);
		v.kind = (uint8_t)enum_lookup(org_kind_names, KIND_COUNT, s, len);
		v.from = db_column_day(st, 5, DAY_MIN);
		v.to = db_column_day(st, 6, DAY_MAX);
		/* code and name stay valid until the next step: copy both
		 * NUL-terminated into one buffer */
		s = db_column_text(st, 3, &len);
		s2 = db_column_text(st, 4, &len2);
		ALLOC_GROW(buf, len + len2 + 2, buf_alloc);
		if (s) {
			memcpy(buf, s, len);
			buf[len] = '\0';
			v.code = buf;
		}
		if (s2) {
			memcpy(buf + len + 1, s2, len2);
			buf[len + 1 + len2] = '\0';
			v.name = buf + len + 1;
		}
		index_builder_org(b, &v);
	}
	if (step < 0)
		goto out;
	db_finalize(st);
	st = NULL;

	pipe.builder = b;
	pipe.b[0] = xcalloc(1, sizeof(*pipe.b[0]));
	pipe.b[1] = xcalloc(1, sizeof(*pipe.b[1]));
	started = !pthread_create(&worker, NULL, load_worker, &pipe);
	for (int q = 0; q < 2 && step >= 0; q++) {
		st = db_prepare(r->db, sql[q], err);
		if (!st) { /* tell the worker there is nothing more */
			step = -1;
			struct load_batch *lb = load_take(&pipe, bi, LOAD_MEMBERS);
			lb->last = 1;
			if (started)
				load_give(&pipe, bi);
			break;
		}
		struct load_batch *lb = load_take(&pipe, bi, (enum load_kind)q);
		while ((step = db_step(st, err)) == 1) {
			load_copy_row(lb, st);
			if (lb->n < LOAD_BATCH)
				continue;
			n += lb->n;
			if (started)
				load_give(&pipe, bi);
			else
				load_batch_apply(b, lb);
			bi ^= 1;
			lb = load_take(&pipe, bi, (enum load_kind)q);
			if ((n & 0xffff) == 0)
				progress_update(&prog, n);
		}
		/* the rows left (maybe none), and the end after the last query */
		n += lb->n;
		lb->last = q == 1 || step < 0;
		if (started)
			load_give(&pipe, bi);
		else
			load_batch_apply(b, lb);
		bi ^= 1;
		db_finalize(st);
		st = NULL;
	}
	if (started)
		pthread_join(worker, NULL);
	started = 0;
	free(pipe.b[0]->text);
	free(pipe.b[1]->text);
	free(pipe.b[0]);
	free(pipe.b[1]);
	if (step < 0)
		goto out;
	/* earlier periods of readmitted members: a few rows */
	st = db_prepare(r->db,
			"SELECT member_id, admitted_on, official_on, ended_on,"
			" status FROM lc_periods",
			err);
	if (!st)
		goto out;
	while ((step = db_step(st, err)) == 1) {
		struct index_period p;
		period_row(st, &p);
		index_builder_period(b, &p);
	}
	if (step < 0)
		goto out;
	db_finalize(st);
	st = NULL;
	r->ix = index_builder_finish(b);
	b = NULL;
	prog.done = n;
	progress_end(&prog);
	rc = 0;
out:
	db_finalize(st);
	db_rollback(r->db);
	if (b) /* an error midway: finish to free what was built */
		index_free(index_builder_finish(b));
	free(buf);
	return rc;
}

int32_t registry_resolve_org(struct registry *r, const char *org, int32_t day,
			     struct hoso_error *err)
{
	char dbuf[11];
	int64_t id;
	day_format(day, dbuf);
	if (!org) {
		int32_t root = index_root_on(r->ix, day);
		if (!root)
			hoso_err(err, HOSO_ENOTFOUND,
				 TR("không có tổ chức gốc vào ngày %s",
				    "no root organisation on %s"),
				 dbuf);
		return root;
	}
	if (parse_pos_int(org, strlen(org), ID_MAX, &id) == 0) {
		if (index_org_on(r->ix, (int32_t)id, day))
			return (int32_t)id;
	} else {
		int32_t found = index_org_by_code(r->ix, org, day);
		if (found)
			return found;
	}
	hoso_err(err, HOSO_ENOTFOUND,
		 TR("không tìm thấy tổ chức %s vào ngày %s",
		    "organisation %s not found on %s"),
		 org, dbuf);
	return 0;
}

static void json_day(struct strbuf *out, int32_t d)
{
	char b[11];
	if (d == DAY_MIN || d == DAY_MAX) {
		strbuf_adds(out, "null");
		return;
	}
	day_format(d, b);
	strbuf_addf(out, "\"%s\"", b);
}

static void json_counts(struct strbuf *out, const char *key,
			const char *const *names, const int64_t *v, int n)
{
	strbuf_addf(out, ",\"%s\":{", key);
	for (int i = 0; i < n; i++)
		strbuf_addf(out, "%s\"%s\":%lld", i ? "," : "", names[i],
			    (long long)v[i]);
	strbuf_addc(out, '}');
}

static int answer_breakdown(struct registry *r, int32_t org, int32_t on,
			    struct strbuf *out)
{
	static const char *const sex[] = {"M", "F"};
	static const char *const age[] = {"le30", "31_40", "41_50", "51_60",
					  "gt60"};
	static const char *const eth[] = {"kinh", "minority"};
	static const char *const rel[] = {"none", "some"};
	static const char *const years[] = {"lt10", "10_29", "ge30"};
	static const char *const status[] = {"probationary", "official"};
	struct index_breakdown b;
	if (index_breakdown(r->ix, org, on, &b))
		return -1;
	strbuf_addf(out, "{\"org\":%d,\"on\":", org);
	json_day(out, on);
	strbuf_addf(out, ",\"total\":%lld", (long long)b.total);
	json_counts(out, "sex", sex, b.sex, 2);
	json_counts(out, "age", age, b.age, 5);
	json_counts(out, "ethnicity", eth, b.ethnicity, 2);
	json_counts(out, "religion", rel, b.religion, 2);
	json_counts(out, "theory_level", theory_names, b.theory, TH_COUNT);
	json_counts(out, "expertise", expertise_names, b.expertise, EXP_COUNT);
	json_counts(out, "membership_years", years, b.membership_years, 3);
	json_counts(out, "status", status, b.status, 2);
	strbuf_addc(out, '}');
	return 0;
}

static int answer_summary(struct registry *r, int32_t org, int32_t on,
			  struct strbuf *out)
{
	struct index_summary_row *rows = NULL;
	long n = index_summary(r->ix, org, on, &rows);
	if (n < 0)
		return -1;
	strbuf_addf(out, "{\"org\":%d,\"on\":", org);
	json_day(out, on);
	strbuf_adds(out, ",\"rows\":[");
	for (long i = 0; i < n; i++) {
		strbuf_addf(out, "%s{\"id\":%d,\"code\":", i ? "," : "",
			    rows[i].id);
		strbuf_add_json_str(out, rows[i].code);
		strbuf_adds(out, ",\"name\":");
		strbuf_add_json_str(out, rows[i].name);
		strbuf_addf(out,
			    ",\"grassroots\":%lld,\"cells\":%lld,\"members\":%lld}",
			    (long long)rows[i].grassroots,
			    (long long)rows[i].cells,
			    (long long)rows[i].members);
	}
	strbuf_adds(out, "]}");
	free(rows);
	return 0;
}

static int answer_search(struct registry *r, const struct question *q,
			 int32_t org, struct strbuf *out,
			 struct hoso_error *err)
{
	long limit = q->limit > 0 ? q->limit : 20;
	int64_t total = 0;
	char *typed;
	if (limit > SEARCH_LIMIT_MAX)
		limit = SEARCH_LIMIT_MAX;
	typed = text_nfc(q->query, strlen(q->query));
	if (!typed)
		return hoso_err(err, HOSO_EUSAGE, "%s",
				TR("từ khóa tìm kiếm không phải UTF-8 hợp lệ",
				   "the search query is not valid UTF-8"));
	struct index_search_hit *hits = xmalloc((size_t)limit * sizeof(*hits));
	long n = index_search(r->ix, typed, org, q->on, (size_t)limit, hits,
			      &total);
	if (n < 0) {
		free(hits);
		free(typed);
		return -1;
	}
	strbuf_adds(out, "{\"query\":");
	strbuf_add_json_str(out, typed);
	strbuf_addf(out, ",\"org\":%d,\"on\":", org);
	json_day(out, q->on);
	strbuf_addf(out, ",\"total\":%lld,\"rows\":[", (long long)total);
	for (long i = 0; i < n; i++) {
		const struct index_member *m = index_member(r->ix, hits[i].member_id);
		strbuf_addf(out, "%s{\"id\":%d,\"full_name\":", i ? "," : "",
			    hits[i].member_id);
		strbuf_add_json_str(out, m ? m->full_name : NULL);
		strbuf_adds(out, ",\"card_no\":");
		strbuf_add_json_str(out, m ? m->card_no : NULL);
		strbuf_adds(out, ",\"birth_date\":");
		json_day(out, m ? m->birth : DAY_MIN);
		strbuf_addf(out, ",\"org_id\":%d}", hits[i].org_id);
	}
	strbuf_adds(out, "]}");
	free(hits);
	free(typed);
	return 0;
}

static int answer_changes(struct registry *r, const struct question *q,
			  struct strbuf *out, struct hoso_error *err)
{
	struct index_changes c;
	int64_t id;
	int32_t org = 0;
	char fb[11], tb[11];
	day_format(q->from, fb);
	day_format(q->to, tb);
	if (q->to <= q->from)
		return hoso_err(err, HOSO_EUSAGE,
				TR("--to (%s) phải sau --from (%s)",
				   "--to (%s) must be after --from (%s)"),
				tb, fb);
	if (q->org && parse_pos_int(q->org, strlen(q->org), ID_MAX, &id) == 0)
		org = (int32_t)id;
	else if (q->org) {
		org = index_org_by_code(r->ix, q->org, q->from);
		if (!org)
			org = index_org_by_code(r->ix, q->org, q->to - 1);
	} else {
		org = index_root_on(r->ix, q->from);
	}
	if (!org || index_changes(r->ix, org, q->from, q->to, &c))
		return hoso_err(err, HOSO_ENOTFOUND,
				TR("không tìm thấy tổ chức %s trong khoảng [%s, %s)",
				   "organisation %s not found in [%s, %s)"),
				q->org ? q->org : "", fb, tb);
	strbuf_addf(out, "{\"org\":%d,\"from\":\"%s\",\"to\":\"%s\"", org, fb,
		    tb);
	strbuf_addf(out,
		    ",\"admitted\":%lld,\"made_official\":%lld,\"moved_in\":%lld,"
		    "\"moved_out\":%lld,\"left\":%lld,\"expelled\":%lld,"
		    "\"died\":%lld}",
		    (long long)c.admitted, (long long)c.made_official,
		    (long long)c.moved_in, (long long)c.moved_out,
		    (long long)c.left, (long long)c.expelled, (long long)c.died);
	return 0;
}

/* A readmitted member's dossier lists every membership period in time
 * order, the earlier ones (lc_periods) then the current one (the members
 * row): "periods":[{admitted_on, official_on, status, ended_on}]. Members
 * never readmitted have one period, the row itself, and no such key, so
 * their answer stays the one of spec/queries.md. */
/* cur: the current period's admitted_on, official_on, status, ended_on as
 * read from the members row (NULL when empty). Most members were never
 * readmitted: one look-up in lc_periods' key finds none and adds nothing. */
static int member_periods_json(struct registry *r, int64_t id,
			       const char *const *cols, char cur[4][24],
			       struct strbuf *out, struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		r->db,
		"SELECT admitted_on, official_on, status, ended_on"
		" FROM lc_periods WHERE member_id = ? ORDER BY admitted_on",
		err);
	int step, n = 0;
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	while ((step = db_step(st, err)) == 1) {
		strbuf_adds(out, n++ ? ",{" : ",\"periods\":[{");
		for (int i = 0; i < 4; i++) {
			strbuf_addf(out, "%s\"%s\":", i ? "," : "",
				    cols[11 + i]);
			strbuf_add_json_str(out, db_column_text(st, i, NULL));
		}
		strbuf_addc(out, '}');
	}
	db_finalize(st);
	if (step < 0)
		return -1;
	if (!n)
		return 0; /* never readmitted */
	strbuf_adds(out, ",{");
	for (int i = 0; i < 4; i++) {
		strbuf_addf(out, "%s\"%s\":", i ? "," : "", cols[11 + i]);
		strbuf_add_json_str(out, cur[i][0] ? cur[i] : NULL);
	}
	strbuf_adds(out, "}]");
	return 0;
}

/* Q6 comes from the store: it is one member's whole record. */
static int answer_member(struct registry *r, const struct question *q,
			 struct strbuf *out, struct hoso_error *err)
{
	static const char *const cols[] = {
		"id", "card_no", "full_name", "sex", "birth_date", "ethnicity",
		"religion", "hometown", "education", "expertise",
		"theory_level", "admitted_on", "official_on", "status",
		"ended_on", "org_id"};
	struct db_stmt *st;
	int rc = -1, step;
	int64_t id = 0;
	char cur[4][24]; /* the current period, for "periods" */
	if (db_begin(r->db, 0, err))
		return -1;
	st = db_prepare(r->db,
			q->member_id
				? "SELECT id, card_no, full_name, sex, birth_date,"
				  " ethnicity, religion, hometown, education,"
				  " expertise, theory_level, admitted_on,"
				  " official_on, status, ended_on, org_id"
				  " FROM members WHERE id = ?"
				: "SELECT id, card_no, full_name, sex, birth_date,"
				  " ethnicity, religion, hometown, education,"
				  " expertise, theory_level, admitted_on,"
				  " official_on, status, ended_on, org_id"
				  " FROM members WHERE card_no = ?",
			err);
	if (!st)
		goto out;
	if (q->member_id)
		db_bind_int(st, 1, q->member_id);
	else
		db_bind_text(st, 1, q->card_no ? q->card_no : "",
			     q->card_no ? strlen(q->card_no) : 0);
	step = db_step(st, err);
	if (step < 0)
		goto out;
	if (step == 0 && !q->member_id) {
		/* a card replaced since (2003, 2025 renewals): lc_cards */
		int64_t by_card = lifecycle_member_by_card(r->db, q->card_no,
							   err);
		if (by_card < 0)
			goto out;
		if (by_card > 0) {
			db_finalize(st);
			st = db_prepare(r->db,
					"SELECT id, card_no, full_name, sex,"
					" birth_date, ethnicity, religion,"
					" hometown, education, expertise,"
					" theory_level, admitted_on, official_on,"
					" status, ended_on, org_id"
					" FROM members WHERE id = ?",
					err);
			if (!st)
				goto out;
			db_bind_int(st, 1, by_card);
			step = db_step(st, err);
			if (step < 0)
				goto out;
		}
	}
	if (step == 0) {
		if (q->member_id)
			hoso_err(err, HOSO_ENOTFOUND,
				 TR("không tìm thấy đảng viên %lld",
				    "member %lld not found"),
				 (long long)q->member_id);
		else
			hoso_err(err, HOSO_ENOTFOUND,
				 TR("không tìm thấy thẻ đảng %s",
				    "party card %s not found"),
				 q->card_no ? q->card_no : "");
		goto out;
	}
	id = db_column_int(st, 0);
	strbuf_addf(out, "{\"id\":%lld", (long long)id);
	for (int i = 1; i < 16; i++) {
		strbuf_addf(out, ",\"%s\":", cols[i]);
		if (i == 15)
			strbuf_addf(out, "%lld", (long long)db_column_int(st, i));
		else
			strbuf_add_json_str(out, db_column_text(st, i, NULL));
		if (i >= 11 && i <= 14) {
			const char *v = db_column_text(st, i, NULL);
			snprintf(cur[i - 11], sizeof(cur[0]), "%s",
				 v ? v : "");
		}
	}
	db_finalize(st);
	/* Each placement names its unit as it was called on the placement's
	 * first day: from the read model when it is loaded (the server),
	 * else by a look-up in org_versions. */
	st = db_prepare(r->db,
			r->ix ? "SELECT p.org_id, NULL, p.valid_from, p.valid_to"
				" FROM placements p WHERE p.member_id = ?"
				" ORDER BY p.valid_from"
			      : "SELECT p.org_id, (SELECT o.name FROM org_versions o"
				"  WHERE o.id = p.org_id"
				"  AND (o.valid_from IS NULL OR o.valid_from <= p.valid_from)"
				"  AND (o.valid_to IS NULL OR o.valid_to > p.valid_from)"
				"  LIMIT 1),"
				" p.valid_from, p.valid_to FROM placements p"
				" WHERE p.member_id = ? ORDER BY p.valid_from",
			err);
	if (!st)
		goto out;
	db_bind_int(st, 1, id);
	strbuf_adds(out, ",\"placements\":[");
	int first = 1;
	while ((step = db_step(st, err)) == 1) {
		int64_t org = db_column_int(st, 0);
		const char *name = db_column_text(st, 1, NULL);
		if (r->ix) {
			const struct index_org_version *v = index_org_on(
				r->ix, (int32_t)org, db_column_day(st, 2, DAY_MIN));
			name = v ? v->name : NULL;
		}
		strbuf_addf(out, "%s{\"org_id\":%lld,\"org_name\":",
			    first ? "" : ",", (long long)org);
		strbuf_add_json_str(out, name);
		strbuf_adds(out, ",\"valid_from\":");
		strbuf_add_json_str(out, db_column_text(st, 2, NULL));
		strbuf_adds(out, ",\"valid_to\":");
		strbuf_add_json_str(out, db_column_text(st, 3, NULL));
		strbuf_addc(out, '}');
		first = 0;
	}
	if (step < 0)
		goto out;
	strbuf_addc(out, ']');
	if (member_periods_json(r, id, cols, cur, out, err))
		goto out;
	strbuf_addc(out, '}');
	rc = 0;
out:
	db_finalize(st);
	db_rollback(r->db);
	return rc;
}

int registry_answer(struct registry *r, const struct question *q,
		    struct strbuf *out, struct hoso_error *err)
{
	int32_t org;
	int64_t count;
	char dbuf[11];
	if (q->kind == Q_MEMBER)
		return answer_member(r, q, out, err);
	if (registry_load_index(r, 1, err))
		return -1;
	if (q->kind == Q_CHANGES)
		return answer_changes(r, q, out, err);
	org = registry_resolve_org(r, q->org, q->on, err);
	if (!org)
		return -1;
	day_format(q->on, dbuf);
	switch (q->kind) {
	case Q_COUNT:
		if (index_count(r->ix, org, q->on, &count))
			break;
		strbuf_addf(out, "{\"org\":%d,\"on\":\"%s\",\"count\":%lld}",
			    org, dbuf, (long long)count);
		return 0;
	case Q_BREAKDOWN:
		if (answer_breakdown(r, org, q->on, out))
			break;
		return 0;
	case Q_SUMMARY:
		if (answer_summary(r, org, q->on, out))
			break;
		return 0;
	case Q_SEARCH:
		if (!q->query)
			return hoso_err(err, HOSO_EUSAGE, "%s",
					TR("thiếu từ khóa tìm kiếm",
					   "missing search query"));
		if (answer_search(r, q, org, out, err)) {
			if (err && err->code == HOSO_EUSAGE)
				return -1;
			break;
		}
		return 0;
	default:
		return hoso_err(err, HOSO_EUSAGE, "unknown question");
	}
	return hoso_err(err, HOSO_ENOTFOUND,
			TR("không tìm thấy tổ chức %s vào ngày %s",
			   "organisation %s not found on %s"),
			q->org ? q->org : "", dbuf);
}
