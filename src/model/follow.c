/* follow: a thread per node that reads the change log (operations.seq) and
 * brings the node's read model up to date: woken by notifications, never
 * skipping nor repeating an entry, catching up after a restart or a lost
 * connection. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "model/follow.h"
#include "model/reflist.h"
#include "core/banned.h"

#define FOLLOW_WAIT_MS 250      /* longest sleep between looks at the stop flag */
#define FOLLOW_POLL_MS 50       /* SQLite: polling period */
#define FOLLOW_GAP_SECONDS 1.0  /* a gap younger than this is waited for */
#define FOLLOW_DONE_MAX 4096    /* entries applied beyond an open gap */

struct follower {
	pthread_t thread;
	char *uri;
	struct registry *r;
	struct follow_hooks hooks;
	struct db *db;
	int is_pg;
	_Atomic int stop; /* set by follow_stop, read by the thread */
	pthread_mutex_t mu; /* guards last */
	int64_t last;
	/* entries applied after a gap at last + 1 (ascending) */
	int64_t done[FOLLOW_DONE_MAX];
	size_t n_done;
	double gap_since;
	int64_t gap_xmax;
};

struct follow_entry {
	int64_t seq;
	char *kind;
	char *payload;
};

static double now_monotonic(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int follow_head(struct db *db, int64_t *seq, struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		db, "SELECT coalesce(max(seq), 0) FROM operations", err);
	int rc;
	*seq = 0;
	if (!st)
		return -1;
	rc = db_step(st, err);
	if (rc == 1)
		*seq = db_column_int(st, 0);
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

static char *col_dup(struct db_stmt *st, int col)
{
	size_t len;
	const char *s = db_column_text(st, col, &len);
	char *c;
	if (!s)
		return NULL;
	c = xmalloc(len + 1);
	memcpy(c, s, len);
	c[len] = '\0';
	return c;
}

/* ---- what an entry touches ---- */
struct touched {
	int64_t *members;
	size_t n_mem, a_mem;
	int64_t *orgs;
	size_t n_org, a_org;
};

static void add_id(int64_t **v, size_t *n, size_t *a, int64_t id)
{
	if (id <= 0 || id > ID_MAX)
		return;
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i] == id)
			return;
	ALLOC_GROW(*v, *n + 1, *a);
	(*v)[(*n)++] = id;
}

static int key_names_org(const char *k)
{
	return strstr(k, "org") || strstr(k, "cell") || strstr(k, "parent") ||
	       !strcmp(k, "to") || !strcmp(k, "from") || !strcmp(k, "into") ||
	       !strcmp(k, "target");
}

/* Walks a payload: integers under keys naming members or organisations
 * ("member_id", "members", "from_org", "to_org", "cell", "parent"...). */
static void walk(json_t *v, const char *key, struct touched *t)
{
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x) walk(x, k, t);
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) walk(x, key, t);
	} else if (json_is_integer(v) && key) {
		if (strstr(key, "member"))
			add_id(&t->members, &t->n_mem, &t->a_mem,
			       json_integer_value(v));
		else if (key_names_org(key))
			add_id(&t->orgs, &t->n_org, &t->a_org,
			       json_integer_value(v));
	}
}

/* The members placed in an organisation at any time (a cell merged or
 * moved carries its members). */
static int org_members(struct db *db, int64_t org, struct touched *t,
		       struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		db, "SELECT DISTINCT member_id FROM placements WHERE org_id = ?",
		err);
	int step;
	if (!st)
		return -1;
	db_bind_int(st, 1, org);
	while ((step = db_step(st, err)) == 1)
		add_id(&t->members, &t->n_mem, &t->a_mem, db_column_int(st, 0));
	db_finalize(st);
	return step < 0 ? -1 : 0;
}

/* ---- reading rows into index inputs ---- */
struct loaded_org {
	int32_t id;
	struct index_org_version *v;
	size_t n;
};

struct loaded_member {
	struct index_member m;
	struct index_placement *pl;
	size_t n_pl;
	struct index_period *pe; /* earlier periods (readmission) */
	size_t n_pe;
};

static int load_org(struct db *db, int64_t id, struct loaded_org *o,
		    struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		db,
		"SELECT parent_id, kind, code, name, valid_from, valid_to"
		" FROM org_versions WHERE id = ?"
		" ORDER BY coalesce(valid_from, '')",
		err);
	size_t alloc = 0, len;
	int step;
	memset(o, 0, sizeof(*o));
	o->id = (int32_t)id;
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	while ((step = db_step(st, err)) == 1) {
		struct index_org_version v = {0};
		const char *s;
		v.id = (int32_t)id;
		v.parent_id = (int32_t)db_column_int(st, 0);
		s = db_column_text(st, 1, &len);
		v.kind = (uint8_t)enum_lookup(org_kind_names, KIND_COUNT, s, len);
		v.code = col_dup(st, 2);
		v.name = col_dup(st, 3);
		v.from = db_column_day(st, 4, DAY_MIN);
		v.to = db_column_day(st, 5, DAY_MAX);
		ALLOC_GROW(o->v, o->n + 1, alloc);
		o->v[o->n++] = v;
	}
	db_finalize(st);
	return step < 0 ? -1 : 0;
}

static void free_org(struct loaded_org *o)
{
	for (size_t i = 0; i < o->n; i++) {
		free((char *)o->v[i].code);
		free((char *)o->v[i].name);
	}
	free(o->v);
}

/* 1 when found, 0 when the member is not in the store, -1 on error. */
static int load_member(struct db *db, int64_t id, struct loaded_member *lm,
		       struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		db,
		"SELECT id, full_name, card_no, sex, birth_date,"
		" ethnicity = 'Kinh', religion IS NOT NULL, theory_level,"
		" expertise, admitted_on, official_on, status, ended_on"
		" FROM members WHERE id = ?",
		err);
	struct index_member *m = &lm->m;
	size_t alloc = 0, len;
	int step, k;
	const char *s;

	memset(lm, 0, sizeof(*lm));
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	step = db_step(st, err);
	if (step <= 0) {
		db_finalize(st);
		return step;
	}
	m->id = (int32_t)db_column_int(st, 0);
	m->full_name = col_dup(st, 1);
	m->card_no = col_dup(st, 2);
	s = db_column_text(st, 3, &len);
	m->sex = s && s[0] == 'F' ? SEX_F : SEX_M;
	m->birth = db_column_day(st, 4, 0);
	m->kinh = (uint8_t)db_column_int(st, 5);
	m->religion = (uint8_t)db_column_int(st, 6);
	s = db_column_text(st, 7, &len);
	k = s ? enum_lookup(theory_names, TH_COUNT, s, len) : 0;
	m->theory = (uint8_t)(k < 0 ? 0 : k);
	s = db_column_text(st, 8, &len);
	k = s ? enum_lookup(expertise_names, EXP_COUNT, s, len) : 0;
	m->expertise = (uint8_t)(k < 0 ? 0 : k);
	m->admitted = db_column_day(st, 9, 0);
	m->official = db_column_day(st, 10, DAY_MAX);
	s = db_column_text(st, 11, &len);
	k = s ? enum_lookup(status_names, ST_COUNT, s, len) : 0;
	m->status = (uint8_t)(k < 0 ? 0 : k);
	m->ended = db_column_day(st, 12, DAY_MAX);
	db_finalize(st);
	st = db_prepare(db,
			"SELECT org_id, valid_from, valid_to FROM placements"
			" WHERE member_id = ? ORDER BY valid_from",
			err);
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	while ((step = db_step(st, err)) == 1) {
		ALLOC_GROW(lm->pl, lm->n_pl + 1, alloc);
		lm->pl[lm->n_pl].member_id = (int32_t)id;
		lm->pl[lm->n_pl].org_id = (int32_t)db_column_int(st, 0);
		lm->pl[lm->n_pl].from = db_column_day(st, 1, DAY_MIN);
		lm->pl[lm->n_pl].to = db_column_day(st, 2, DAY_MAX);
		lm->n_pl++;
	}
	db_finalize(st);
	if (step < 0)
		return -1;
	long n_pe = registry_member_periods(db, id, &lm->pe, err);
	if (n_pe < 0)
		return -1;
	lm->n_pe = (size_t)n_pe;
	return 1;
}

static void free_member(struct loaded_member *lm)
{
	free((char *)lm->m.full_name);
	free((char *)lm->m.card_no);
	free(lm->pl);
	free(lm->pe);
}

static int same_text(const char *a, const char *b)
{
	if (!a || !*a || !b || !*b)
		return (!a || !*a) == (!b || !*b);
	return !strcmp(a, b);
}

/* Does the read model already hold exactly these versions? (Most entries
 * name organisations they do not change, e.g. a transfer's cells.) */
static int org_unchanged(const struct index *ix, const struct loaded_org *o)
{
	const struct index_org_version *cur;
	size_t n = index_org_versions(ix, o->id, &cur), k = 0;
	for (size_t i = 0; i < o->n; i++) {
		const struct index_org_version *v = &o->v[i];
		if (v->from >= v->to)
			continue; /* the index keeps no empty version */
		if (k >= n || cur[k].parent_id != v->parent_id ||
		    cur[k].kind != v->kind || cur[k].from != v->from ||
		    cur[k].to != v->to || !same_text(cur[k].code, v->code) ||
		    !same_text(cur[k].name, v->name))
			return 0;
		k++;
	}
	return k == n;
}

/* ---- applying entries ---- */
static int full_reload(struct follower *f, struct hoso_error *err)
{
	struct registry tmp = {f->db, NULL};
	struct index *old;
	if (registry_load_index(&tmp, 1, err))
		return -1;
	f->hooks.lock(f->hooks.arg);
	old = f->r->ix;
	f->r->ix = tmp.ix;
	f->hooks.unlock(f->hooks.arg);
	index_free(old);
	return 0;
}

/* Reads what one entry touched, in one snapshot, then applies it to the
 * read model under the request lock. */
static int apply_entry(struct follower *f, const struct follow_entry *e,
		       struct hoso_error *err)
{
	struct touched t = {0};
	struct loaded_org *orgs = NULL;
	struct loaded_member *mems = NULL;
	size_t n_mem = 0;
	json_t *js = NULL;
	int rc = -1, full = 0;

	if (!strcmp(e->kind, "import"))
		full = 1;
	else if (!(js = json_loads(e->payload, 0, NULL)))
		full = 1;
	else
		walk(js, NULL, &t);
	if (!full && !t.n_mem && !t.n_org)
		full = 1; /* an entry we cannot read: be safe */
	json_decref(js);
	if (full) {
		rc = full_reload(f, err);
		goto out;
	}
	if (db_begin(f->db, 0, err))
		goto out;
	orgs = xcalloc(t.n_org + 1, sizeof(*orgs));
	for (size_t i = 0; i < t.n_org; i++) {
		int same;
		if (load_org(f->db, t.orgs[i], &orgs[i], err))
			goto out_tx;
		/* the read model is read under the lock, briefly */
		f->hooks.lock(f->hooks.arg);
		same = !f->r->ix || org_unchanged(f->r->ix, &orgs[i]);
		f->hooks.unlock(f->hooks.arg);
		if (!same && org_members(f->db, t.orgs[i], &t, err))
			goto out_tx;
	}
	mems = xcalloc(t.n_mem + 1, sizeof(*mems));
	for (size_t i = 0; i < t.n_mem; i++) {
		int found = load_member(f->db, t.members[i], &mems[n_mem], err);
		if (found < 0)
			goto out_tx;
		if (found)
			n_mem++;
	}
	db_rollback(f->db);
	f->hooks.lock(f->hooks.arg);
	if (f->r->ix) {
		/* organisations first: a member may move into a new cell */
		for (size_t i = 0; i < t.n_org; i++)
			if (orgs[i].n && !org_unchanged(f->r->ix, &orgs[i]))
				index_put_org(f->r->ix, orgs[i].id, orgs[i].v,
					      orgs[i].n);
		for (size_t i = 0; i < n_mem; i++)
			index_put_member_periods(f->r->ix, &mems[i].m,
						 mems[i].pl, mems[i].n_pl,
						 mems[i].pe, mems[i].n_pe);
	}
	f->hooks.unlock(f->hooks.arg);
	rc = 0;
	goto out;
out_tx:
	db_rollback(f->db);
out:
	for (size_t i = 0; orgs && i < t.n_org; i++)
		free_org(&orgs[i]);
	for (size_t i = 0; i < n_mem; i++)
		free_member(&mems[i]);
	free(orgs);
	free(mems);
	free(t.members);
	free(t.orgs);
	return rc;
}

static int is_done(struct follower *f, int64_t seq)
{
	for (size_t i = 0; i < f->n_done; i++)
		if (f->done[i] == seq)
			return 1;
	return 0;
}

static void mark_done(struct follower *f, int64_t seq)
{
	size_t i = f->n_done;
	if (f->n_done == FOLLOW_DONE_MAX) {
		/* too many past a gap that will not close: give it up */
		f->last = f->done[0];
		memmove(f->done, f->done + 1, --f->n_done * sizeof(f->done[0]));
		i = f->n_done;
	}
	while (i > 0 && f->done[i - 1] > seq) {
		f->done[i] = f->done[i - 1];
		i--;
	}
	f->done[i] = seq;
	f->n_done++;
}

/* Moves the watermark over entries applied without a gap before them. */
static void advance(struct follower *f)
{
	size_t k = 0;
	int64_t last = f->last;
	while (k < f->n_done && f->done[k] <= last + 1) {
		if (f->done[k] == last + 1)
			last++;
		k++;
	}
	memmove(f->done, f->done + k, (f->n_done - k) * sizeof(f->done[0]));
	f->n_done -= k;
	pthread_mutex_lock(&f->mu);
	f->last = last;
	pthread_mutex_unlock(&f->mu);
}

/* PostgreSQL: the oldest transaction still running (xmin) and the next
 * transaction id to be given (xmax) of a fresh snapshot. */
static int pg_snapshot(struct db *db, int64_t *xmin, int64_t *xmax,
		       struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		db,
		"SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint,"
		" pg_snapshot_xmax(pg_current_snapshot())::text::bigint",
		err);
	int rc;
	if (!st)
		return -1;
	rc = db_step(st, err);
	if (rc == 1) {
		*xmin = db_column_int(st, 0);
		*xmax = db_column_int(st, 1);
	}
	db_finalize(st);
	return rc == 1 ? 0 : -1;
}

/* A sequence number is drawn when its INSERT runs and becomes visible at
 * commit, so entry N+1 can be seen before N. A gap is waited for until
 * every transaction that was running when it was seen has ended (then
 * it was rolled back: a hole for ever) and at least a second has passed. */
static int settle_gap(struct follower *f, struct hoso_error *err)
{
	int64_t xmin = 0, xmax = 0;
	double now = now_monotonic();
	if (!f->n_done) {
		f->gap_since = 0;
		return 0;
	}
	if (f->is_pg && pg_snapshot(f->db, &xmin, &xmax, err))
		return -1;
	if (!f->gap_since) {
		f->gap_since = now;
		f->gap_xmax = xmax;
		return 0;
	}
	if (now - f->gap_since < FOLLOW_GAP_SECONDS ||
	    (f->is_pg && xmin < f->gap_xmax))
		return 0;
	/* the hole will not fill: step over it */
	f->last = f->done[0] - 1;
	f->gap_since = 0;
	advance(f);
	return 0;
}

/* Applies every entry after the watermark not applied yet. */
static int catch_up(struct follower *f, struct hoso_error *err)
{
	struct db_stmt *st;
	struct follow_entry *e = NULL;
	size_t n = 0, alloc = 0;
	int step, rc = -1;

	st = db_prepare(f->db,
			"SELECT seq, kind, payload FROM operations"
			" WHERE seq > ? ORDER BY seq",
			err);
	if (!st)
		return -1;
	db_bind_int(st, 1, f->last);
	while ((step = db_step(st, err)) == 1) {
		int64_t seq = db_column_int(st, 0);
		if (is_done(f, seq))
			continue;
		ALLOC_GROW(e, n + 1, alloc);
		e[n].seq = seq;
		e[n].kind = col_dup(st, 1);
		e[n].payload = col_dup(st, 2);
		if (!e[n].kind)
			e[n].kind = xstrdup("");
		if (!e[n].payload)
			e[n].payload = xstrdup("");
		n++;
	}
	db_finalize(st);
	if (step < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		/* an import replaces everything: entries before it are moot */
		int later_import = 0;
		for (size_t j = i + 1; j < n; j++)
			if (!strcmp(e[j].kind, "import"))
				later_import = 1;
		if (!later_import && apply_entry(f, &e[i], err))
			goto out;
		mark_done(f, e[i].seq);
		advance(f);
	}
	rc = settle_gap(f, err);
out:
	for (size_t i = 0; i < n; i++) {
		free(e[i].kind);
		free(e[i].payload);
	}
	free(e);
	return rc;
}

static void *follow_main(void *arg)
{
	struct follower *f = arg;
	int listening = 0;

	while (!f->stop) {
		struct hoso_error err = {0};
		int w;
		if (!listening)
			listening = db_listen(f->db, &err) == 0;
		if (catch_up(f, &err)) {
			/* a lost connection: reopened by the next statement */
			listening = 0;
			db_wait_change(f->db, FOLLOW_WAIT_MS);
			continue;
		}
		w = db_wait_change(f->db, !f->is_pg  ? FOLLOW_POLL_MS
					  : f->n_done ? FOLLOW_POLL_MS
						      : FOLLOW_WAIT_MS);
		if (w < 0)
			listening = 0;
	}
	return NULL;
}

struct follower *follow_start(const char *uri, struct registry *r,
			      int64_t after_seq, const struct follow_hooks *h,
			      struct hoso_error *err)
{
	struct follower *f = xcalloc(1, sizeof(*f));
	f->db = db_open(uri, 0, err);
	if (!f->db) {
		free(f);
		return NULL;
	}
	f->uri = xstrdup(uri);
	f->r = r;
	f->hooks = *h;
	f->last = after_seq;
	f->is_pg = !strcmp(db_backend_name(f->db), "postgres");
	pthread_mutex_init(&f->mu, NULL);
	if (pthread_create(&f->thread, NULL, follow_main, f)) {
		hoso_err(err, HOSO_EIO, "%s",
			 TR("không tạo được luồng theo dõi nhật ký thay đổi",
			    "cannot start the change log follower"));
		db_close(f->db);
		pthread_mutex_destroy(&f->mu);
		free(f->uri);
		free(f);
		return NULL;
	}
	return f;
}

int64_t follow_applied(struct follower *f)
{
	int64_t v;
	pthread_mutex_lock(&f->mu);
	v = f->last;
	pthread_mutex_unlock(&f->mu);
	return v;
}

void follow_stop(struct follower *f)
{
	if (!f)
		return;
	f->stop = 1;
	pthread_join(f->thread, NULL);
	db_close(f->db);
	pthread_mutex_destroy(&f->mu);
	free(f->uri);
	free(f);
}
