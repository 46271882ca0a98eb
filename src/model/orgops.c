/* orgops: operations on the organisation tree; the working set, the tree
 * rules, the writes with their operation record and the read model update
 * (see orgops.h). Plans are parsed in orgops_plan.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "model/orgops.h"
#include "model/reflist.h"
#include "text/text.h"
#include "core/banned.h"

const char *const orgop_names[ORGOP_COUNT] = {
	"create", "rename", "recode", "move", "merge",
	"split",  "dissolve", "kind", "undo",
};

int orgop_lookup(const char *s)
{
	if (!s)
		return -1;
	if (!strncmp(s, "org-", 4))
		s += 4;
	for (int i = 0; i < ORGOP_COUNT; i++)
		if (!strcmp(s, orgop_names[i]))
			return i;
	return -1;
}

/* Past this many members moved in one transaction the read model is
 * rebuilt instead of updated member by member: each index_put_member
 * touches the step functions of every ancestor, and a rebuild of the seed
 * scale takes about as long as 50 k such updates. */
#define ORGOPS_REBUILD_MEMBERS 50000
/* ... and past this many organisations changed: each index_put_org
 * recomputes the step functions of all orgs ever above it, about 30 ms at
 * the seed scale (measured: 200 renames through `hoso batch`), when a
 * rebuild takes 1.7 s. */
#define ORGOPS_REBUILD_ORGS 50
/* Depth of the tree: 8 kinds, so a walk up deeper than this is a cycle. */
#define ORGOPS_DEPTH_MAX 64

/* ---- the working set ---- */

struct ov { /* an organisation version */
	int32_t parent, from, to;
	int kind;
	char *code, *name; /* owned; code NULL when none */
};

struct oc { /* an organisation as loaded, and as changed */
	int32_t id;
	struct ov *before, *v;
	size_t nb, n, alloc;
	int changed;
};

struct pl { /* a placement */
	int32_t org, from, to;
};

struct mc { /* a member as loaded, and as changed */
	int32_t id;
	int32_t admitted, ended, org_before, org;
	struct pl *before, *p;
	size_t nb, n, alloc;
	int changed;
};

struct idmap {
	int32_t *keys;
	size_t *vals;
	size_t cap, n;
};

struct idset {
	int32_t *ids;
	size_t n, alloc;
	struct idmap map;
};

struct counts {
	int32_t *ids;
	int64_t *before;
	size_t n;
};

struct otx {
	struct registry *r;
	struct db *db;
	struct hoso_error *err;
	/* per operation */
	struct oc **orgs;
	size_t n_orgs, a_orgs;
	struct idmap org_map;
	struct mc **mems;
	size_t n_mems, a_mems;
	struct idmap mem_map;
	int32_t created;
	int32_t undo_day; /* org-undo: the compensated operation's day */
	struct counts hc; /* deferred headcounts (use_index) */
	int32_t hc_day;
	int in_plan;      /* plan rows count their parents once per plan */
	int use_index;    /* headcounts from the read model (single op with
			     the read model loaded): before it is updated,
			     and after (orgops_apply finishes the reply) */
	long moved;
	struct strbuf warnings;
	/* over the transaction: what the read model must reload */
	struct idset dirty_orgs, dirty_mems;
};

static void idmap_free(struct idmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

static size_t idmap_slot(const struct idmap *m, int32_t k)
{
	size_t h = ((uint32_t)k * 2654435761u) & (m->cap - 1);
	while (m->keys[h] && m->keys[h] != k)
		h = (h + 1) & (m->cap - 1);
	return h;
}

/* The value of key k, or (size_t)-1. */
static size_t idmap_get(const struct idmap *m, int32_t k)
{
	if (!m->cap)
		return (size_t)-1;
	size_t h = idmap_slot(m, k);
	return m->keys[h] ? m->vals[h] : (size_t)-1;
}

static void idmap_put(struct idmap *m, int32_t k, size_t v)
{
	if (2 * (m->n + 1) > m->cap) {
		struct idmap g = {0};
		g.cap = m->cap ? 2 * m->cap : 64;
		g.keys = xcalloc(g.cap, sizeof(*g.keys));
		g.vals = xcalloc(g.cap, sizeof(*g.vals));
		for (size_t i = 0; i < m->cap; i++)
			if (m->keys[i]) {
				size_t h = idmap_slot(&g, m->keys[i]);
				g.keys[h] = m->keys[i];
				g.vals[h] = m->vals[i];
				g.n++;
			}
		idmap_free(m);
		*m = g;
	}
	size_t h = idmap_slot(m, k);
	if (!m->keys[h])
		m->n++;
	m->keys[h] = k;
	m->vals[h] = v;
}

static void idset_add(struct idset *s, int32_t id)
{
	if (idmap_get(&s->map, id) != (size_t)-1)
		return;
	ALLOC_GROW(s->ids, s->n + 1, s->alloc);
	s->ids[s->n] = id;
	idmap_put(&s->map, id, s->n++);
}

static void idset_free(struct idset *s)
{
	free(s->ids);
	idmap_free(&s->map);
	memset(s, 0, sizeof(*s));
}

static void ov_free(struct ov *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].code);
		free(v[i].name);
	}
	free(v);
}

static struct ov ov_copy(const struct ov *s)
{
	struct ov d = *s;
	d.code = s->code ? xstrdup(s->code) : NULL;
	d.name = s->name ? xstrdup(s->name) : NULL;
	return d;
}

static int str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

static int ov_same_attrs(const struct ov *a, const struct ov *b)
{
	return a->parent == b->parent && a->kind == b->kind &&
	       str_eq(a->code, b->code) && str_eq(a->name, b->name);
}

static int ov_list_eq(const struct ov *a, size_t na, const struct ov *b,
		      size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (a[i].from != b[i].from || a[i].to != b[i].to ||
		    !ov_same_attrs(&a[i], &b[i]))
			return 0;
	return 1;
}

static int pl_list_eq(const struct pl *a, size_t na, const struct pl *b,
		      size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (a[i].org != b[i].org || a[i].from != b[i].from ||
		    a[i].to != b[i].to)
			return 0;
	return 1;
}

static void otx_reset(struct otx *t)
{
	for (size_t i = 0; i < t->n_orgs; i++) {
		ov_free(t->orgs[i]->before, t->orgs[i]->nb);
		ov_free(t->orgs[i]->v, t->orgs[i]->n);
		free(t->orgs[i]);
	}
	for (size_t i = 0; i < t->n_mems; i++) {
		free(t->mems[i]->before);
		free(t->mems[i]->p);
		free(t->mems[i]);
	}
	t->n_orgs = t->n_mems = 0;
	idmap_free(&t->org_map);
	idmap_free(&t->mem_map);
	t->created = 0;
	t->undo_day = 0;
	t->moved = 0;
	strbuf_reset(&t->warnings);
}

static void otx_free(struct otx *t)
{
	otx_reset(t);
	free(t->hc.ids);
	free(t->hc.before);
	free(t->orgs);
	free(t->mems);
	strbuf_release(&t->warnings);
	idset_free(&t->dirty_orgs);
	idset_free(&t->dirty_mems);
}

/* "YYYY-MM-DD", or "…" for an open end, for messages. */
static const char *fmt_day(int32_t d, char b[11])
{
	if (d == DAY_MIN || d == DAY_MAX) {
		b[0] = '-';
		b[1] = '\0';
		return b;
	}
	day_format(d, b);
	return b;
}

static char *col_dup(struct db_stmt *st, int col)
{
	size_t len;
	const char *s = db_column_text(st, col, &len);
	return s && len ? xstrndup(s, len) : NULL;
}

/* The organisation id in the working set, loaded from the store when
 * first asked; NULL on a store error. An id the store does not know gives
 * an entry without versions. */
static struct oc *org_get(struct otx *t, int32_t id)
{
	size_t i = idmap_get(&t->org_map, id);
	struct db_stmt *st;
	struct oc *o;
	int step;
	if (i != (size_t)-1)
		return t->orgs[i];
	st = db_prepare(t->db,
			"SELECT parent_id, kind, code, name, valid_from, valid_to"
			" FROM org_versions WHERE id = ?"
			" ORDER BY coalesce(valid_from, '')",
			t->err);
	if (!st)
		return NULL;
	o = xcalloc(1, sizeof(*o));
	o->id = id;
	db_bind_int(st, 1, id);
	while ((step = db_step(st, t->err)) == 1) {
		struct ov v = {0};
		size_t len;
		const char *k = db_column_text(st, 1, &len);
		v.parent = (int32_t)db_column_int(st, 0);
		v.kind = enum_lookup(org_kind_names, KIND_COUNT, k, len);
		v.code = col_dup(st, 2);
		v.name = col_dup(st, 3);
		v.from = db_column_day(st, 4, DAY_MIN);
		v.to = db_column_day(st, 5, DAY_MAX);
		ALLOC_GROW(o->v, o->n + 1, o->alloc);
		o->v[o->n++] = v;
	}
	db_finalize(st);
	if (step < 0) {
		ov_free(o->v, o->n);
		free(o);
		return NULL;
	}
	o->nb = o->n;
	o->before = xcalloc(o->n ? o->n : 1, sizeof(*o->before));
	for (size_t k = 0; k < o->n; k++)
		o->before[k] = ov_copy(&o->v[k]);
	ALLOC_GROW(t->orgs, t->n_orgs + 1, t->a_orgs);
	t->orgs[t->n_orgs] = o;
	idmap_put(&t->org_map, id, t->n_orgs++);
	return o;
}

static struct mc *mem_get(struct otx *t, int32_t id)
{
	size_t i = idmap_get(&t->mem_map, id);
	struct db_stmt *st;
	struct mc *m;
	int step;
	if (i != (size_t)-1)
		return t->mems[i];
	st = db_prepare(t->db,
			"SELECT admitted_on, ended_on, org_id FROM members"
			" WHERE id = ?",
			t->err);
	if (!st)
		return NULL;
	db_bind_int(st, 1, id);
	step = db_step(st, t->err);
	if (step <= 0) {
		db_finalize(st);
		if (step == 0)
			hoso_err(t->err, HOSO_ENOTFOUND,
				 TR("không tìm thấy đảng viên %d",
				    "member %d not found"),
				 id);
		return NULL;
	}
	m = xcalloc(1, sizeof(*m));
	m->id = id;
	m->admitted = db_column_day(st, 0, DAY_MIN);
	m->ended = db_column_day(st, 1, DAY_MAX);
	m->org = m->org_before = (int32_t)db_column_int(st, 2);
	db_finalize(st);
	st = db_prepare(t->db,
			"SELECT org_id, valid_from, valid_to FROM placements"
			" WHERE member_id = ? ORDER BY valid_from",
			t->err);
	if (!st) {
		free(m);
		return NULL;
	}
	db_bind_int(st, 1, id);
	while ((step = db_step(st, t->err)) == 1) {
		ALLOC_GROW(m->p, m->n + 1, m->alloc);
		m->p[m->n].org = (int32_t)db_column_int(st, 0);
		m->p[m->n].from = db_column_day(st, 1, DAY_MIN);
		m->p[m->n].to = db_column_day(st, 2, DAY_MAX);
		m->n++;
	}
	db_finalize(st);
	if (step < 0) {
		free(m->p);
		free(m);
		return NULL;
	}
	m->nb = m->n;
	m->before = xcalloc(m->n ? m->n : 1, sizeof(*m->before));
	memcpy(m->before, m->p, m->n * sizeof(*m->p));
	ALLOC_GROW(t->mems, t->n_mems + 1, t->a_mems);
	t->mems[t->n_mems] = m;
	idmap_put(&t->mem_map, id, t->n_mems++);
	return m;
}

/* Ids returned by a one-column query with an id and a day bound. */
static int query_ids(struct otx *t, const char *sql, int64_t a, int32_t day,
		     int with_day, const char *text, int32_t **ids, size_t *n)
{
	struct db_stmt *st = db_prepare(t->db, sql, t->err);
	size_t alloc = 0;
	int step;
	*ids = NULL;
	*n = 0;
	if (!st)
		return -1;
	if (text)
		db_bind_text(st, 1, text, strlen(text));
	else
		db_bind_int(st, 1, a);
	if (with_day)
		db_bind_day(st, 2, day);
	while ((step = db_step(st, t->err)) == 1) {
		ALLOC_GROW(*ids, *n + 1, alloc);
		(*ids)[(*n)++] = (int32_t)db_column_int(st, 0);
	}
	db_finalize(st);
	return step < 0 ? -1 : 0;
}

static const char *org_label(const struct oc *o, int32_t day)
{
	const struct ov *best = NULL;
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].from <= day && day < o->v[i].to)
			return o->v[i].name;
	for (size_t i = 0; i < o->nb; i++)
		best = &o->before[i];
	for (size_t i = 0; i < o->n; i++)
		best = &o->v[i];
	return best && best->name ? best->name : "?";
}

static const char *kind_vi(int k)
{
	return k >= 0 && k < KIND_COUNT
		       ? TR(org_kind_labels_vi[k], org_kind_names[k])
		       : "?";
}

/* The index of the version of o holding on day, or -1. */
static long ov_on(const struct oc *o, int32_t day)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].from <= day && day < o->v[i].to)
			return (long)i;
	return -1;
}

static int reject_not_alive(struct otx *t, int32_t id, int32_t day)
{
	char b[11];
	return hoso_err(t->err, HOSO_EREJECT,
			TR("[tồn-tại-ngày-D] tổ chức %d không hoạt động vào ngày %s",
			   "[alive-on-day] organisation %d is not alive on %s"),
			id, fmt_day(day, b));
}

/* ---- the tree rules ---- */

/* Does walking up from org over [from, to) reach target? */
static int reaches(struct otx *t, int32_t org, int32_t target, int32_t from,
		   int32_t to, int depth)
{
	struct oc *o;
	if (org == target)
		return 1;
	if (!org || depth > ORGOPS_DEPTH_MAX)
		return depth > ORGOPS_DEPTH_MAX;
	o = org_get(t, org);
	if (!o)
		return -1;
	for (size_t i = 0; i < o->n; i++) {
		int32_t f = o->v[i].from > from ? o->v[i].from : from;
		int32_t e = o->v[i].to < to ? o->v[i].to : to;
		int rc;
		if (f >= e)
			continue;
		rc = reaches(t, o->v[i].parent, target, f, e, depth + 1);
		if (rc)
			return rc;
	}
	return 0;
}

/* Version v of org child must sit under a parent alive over all of it,
 * of a kind that allows v's kind, without a cycle. */
static int check_under(struct otx *t, int32_t child, const struct ov *v)
{
	char b1[11], b2[11];
	struct oc *p;
	int32_t cur = v->from;
	int rc;
	if (v->kind == KIND_PARTY) {
		if (v->parent)
			return hoso_err(t->err, HOSO_EREJECT,
					TR("[đúng-cấp] tổ chức %d loại %s là gốc, không có cấp trên",
					   "[kind-under-parent] organisation %d of kind %s is a root and has no parent"),
					child, kind_vi(v->kind));
		return 0;
	}
	if (!v->parent)
		return hoso_err(t->err, HOSO_EREJECT,
				TR("[đúng-cấp] tổ chức %d (%s) phải có cấp trên",
				   "[kind-under-parent] organisation %d (%s) needs a parent"),
				child, kind_vi(v->kind));
	p = org_get(t, v->parent);
	if (!p)
		return -1;
	for (size_t i = 0; i < p->n && cur < v->to; i++) {
		const struct ov *pv = &p->v[i];
		if (pv->to <= cur)
			continue;
		if (pv->from > cur)
			break;
		if (!org_kind_allowed_under(v->kind, pv->kind))
			return hoso_err(t->err, HOSO_EREJECT,
					TR("[đúng-cấp] %s (tổ chức %d) không được đặt dưới %s (tổ chức %d, %s) vào ngày %s",
					   "[kind-under-parent] a %s (organisation %d) may not sit under a %s (organisation %d, %s) on %s"),
					kind_vi(v->kind), child, kind_vi(pv->kind),
					v->parent, pv->name ? pv->name : "?",
					fmt_day(cur, b1));
		cur = pv->to;
	}
	if (cur < v->to)
		return hoso_err(t->err, HOSO_EREJECT,
				TR("[cấp-trên-tồn-tại] cấp trên %d của tổ chức %d không hoạt động vào ngày %s (tổ chức %d hoạt động từ %s đến %s)",
				   "[parent-alive] parent %d of organisation %d is not alive on %s (organisation %d lives from %s to %s)"),
				v->parent, child, fmt_day(cur, b1), child,
				fmt_day(v->from, b2), fmt_day(v->to, b1));
	rc = reaches(t, v->parent, child, v->from, v->to, 0);
	if (rc < 0)
		return -1;
	if (rc)
		return hoso_err(t->err, HOSO_EREJECT,
				TR("[không-vòng] đặt tổ chức %d dưới %d tạo thành vòng (%d là cấp dưới của %d)",
				   "[no-cycle] putting organisation %d under %d makes a cycle (%d is below %d)"),
				child, v->parent, v->parent, child);
	return 0;
}

/* Placement p of a member must lie in o, a cell alive over all of it. */
static int check_placement(struct otx *t, int32_t member, const struct pl *p)
{
	char b1[11], b2[11];
	struct oc *o = org_get(t, p->org);
	int32_t cur = p->from;
	if (!o)
		return -1;
	for (size_t i = 0; i < o->n && cur < p->to; i++) {
		if (o->v[i].to <= cur)
			continue;
		if (o->v[i].from > cur || !org_kind_holds_members(o->v[i].kind))
			break;
		cur = o->v[i].to;
	}
	if (cur < p->to)
		return hoso_err(t->err, HOSO_EREJECT,
				TR("[chỉ-chi-bộ] đảng viên %d sinh hoạt ở tổ chức %d từ %s, nhưng ngày %s tổ chức %d không phải là chi bộ đang hoạt động (hãy chuyển đảng viên trong cùng nghiệp vụ)",
				   "[members-in-cells] member %d is placed in organisation %d from %s, but on %s organisation %d is not a live cell (move the members in the same operation)"),
				member, p->org, fmt_day(p->from, b1),
				fmt_day(cur, b2), p->org);
	return 0;
}

static int check_org_shape(struct otx *t, struct oc *o)
{
	char b[11];
	for (size_t i = 0; i < o->n; i++) {
		if (o->v[i].from >= o->v[i].to ||
		    (i && o->v[i - 1].to > o->v[i].from))
			return hoso_err(t->err, HOSO_EREJECT,
					TR("[phiên-bản-sau] các phiên bản của tổ chức %d chồng nhau ở ngày %s",
					   "[later-versions] versions of organisation %d overlap on %s"),
					o->id, fmt_day(o->v[i].from, b));
		if (!o->v[i].name || !o->v[i].name[0])
			return hoso_err(t->err, HOSO_EREJECT,
					TR("tổ chức %d phải có tên",
					   "organisation %d needs a name"),
					o->id);
		if (o->v[i].kind < 0)
			return hoso_err(t->err, HOSO_EREJECT,
					TR("tổ chức %d có loại không hợp lệ",
					   "organisation %d has an invalid kind"),
					o->id);
	}
	return 0;
}

static int check_codes(struct otx *t, struct oc *o)
{
	char b[11];
	for (size_t i = 0; i < o->n; i++) {
		int32_t *ids = NULL;
		size_t n = 0;
		const struct ov *v = &o->v[i];
		if (!v->code)
			continue;
		if (query_ids(t,
			      "SELECT DISTINCT id FROM org_versions WHERE code = ?",
			      0, 0, 0, v->code, &ids, &n))
			return -1;
		for (size_t k = 0; k < n; k++)
			if (!org_get(t, ids[k])) {
				free(ids);
				return -1;
			}
		free(ids);
		/* The working set holds the store's holders (as changed) and
		 * every unit created or changed by this operation. */
		for (size_t j = 0; j < t->n_orgs; j++) {
			const struct oc *q = t->orgs[j];
			if (q->id == o->id)
				continue;
			for (size_t k = 0; k < q->n; k++) {
				const struct ov *w = &q->v[k];
				int32_t f = w->from > v->from ? w->from : v->from;
				if (!w->code || strcmp(w->code, v->code))
					continue;
				if (f < (w->to < v->to ? w->to : v->to))
					return hoso_err(
						t->err, HOSO_EREJECT,
						TR("[mã-duy-nhất] mã %s đã thuộc tổ chức %d (%s) vào ngày %s",
						   "[unique-code] code %s already belongs to organisation %d (%s) on %s"),
						v->code, q->id,
						w->name ? w->name : "?",
						fmt_day(f, b));
			}
		}
	}
	return 0;
}

/* Checks a changed organisation: shape, parent, children, codes and the
 * members placed in it. */
static int check_org(struct otx *t, struct oc *o)
{
	int32_t *ids = NULL;
	size_t n = 0;
	int rc = -1;
	if (check_org_shape(t, o))
		return -1;
	for (size_t i = 0; i < o->n; i++)
		if (check_under(t, o->id, &o->v[i]))
			return -1;
	/* children: in the store, and in the working set (as changed) */
	if (query_ids(t,
		      "SELECT DISTINCT id FROM org_versions WHERE parent_id = ?",
		      o->id, 0, 0, NULL, &ids, &n))
		return -1;
	for (size_t k = 0; k < n; k++)
		if (!org_get(t, ids[k]))
			goto out;
	for (size_t j = 0; j < t->n_orgs; j++) {
		struct oc *c = t->orgs[j];
		for (size_t k = 0; k < c->n; k++)
			if (c->v[k].parent == o->id && c->id != o->id &&
			    check_under(t, c->id, &c->v[k]))
				goto out;
	}
	if (check_codes(t, o))
		goto out;
	free(ids);
	ids = NULL;
	if (query_ids(t,
		      "SELECT DISTINCT member_id FROM placements WHERE org_id = ?",
		      o->id, 0, 0, NULL, &ids, &n))
		return -1;
	for (size_t k = 0; k < n; k++)
		if (!mem_get(t, ids[k]))
			goto out;
	for (size_t j = 0; j < t->n_mems; j++) {
		struct mc *m = t->mems[j];
		for (size_t k = 0; k < m->n; k++)
			if (m->p[k].org == o->id &&
			    check_placement(t, m->id, &m->p[k]))
				goto out;
	}
	rc = 0;
out:
	free(ids);
	return rc;
}

static int check_member(struct otx *t, struct mc *m)
{
	char b[11];
	for (size_t i = 0; i < m->n; i++) {
		if (m->p[i].from >= m->p[i].to ||
		    (i && m->p[i - 1].to > m->p[i].from) ||
		    m->p[i].from < m->admitted || m->p[i].to > m->ended)
			return hoso_err(t->err, HOSO_EREJECT,
					TR("nơi sinh hoạt của đảng viên %d không hợp lệ từ ngày %s",
					   "placements of member %d are invalid from %s"),
					m->id, fmt_day(m->p[i].from, b));
		if (check_placement(t, m->id, &m->p[i]))
			return -1;
	}
	return 0;
}

/* ---- changes in the working set ---- */

static void org_coalesce(struct oc *o)
{
	size_t k = 0;
	for (size_t i = 0; i < o->n; i++) {
		if (k && o->v[k - 1].to == o->v[i].from &&
		    ov_same_attrs(&o->v[k - 1], &o->v[i])) {
			o->v[k - 1].to = o->v[i].to;
			free(o->v[i].code);
			free(o->v[i].name);
			continue;
		}
		o->v[k++] = o->v[i];
	}
	o->n = k;
}

enum attr { A_PARENT = 1, A_KIND = 2, A_CODE = 4, A_NAME = 8 };

/* From day on, o takes the attributes of nv named in mask. Later versions
 * keep their own changes: an attribute follows while it still had the
 * value it had on day, and stops at its next recorded change. */
static int org_set(struct otx *t, struct oc *o, int32_t day, unsigned mask,
		   const struct ov *nv)
{
	long i = ov_on(o, day);
	struct ov old;
	unsigned follow = mask, changed = 0;
	if (i < 0)
		return reject_not_alive(t, o->id, day);
	if (o->v[i].from < day) {
		ALLOC_GROW(o->v, o->n + 1, o->alloc);
		memmove(&o->v[i + 2], &o->v[i + 1],
			(o->n - (size_t)i - 1) * sizeof(*o->v));
		o->v[i + 1] = ov_copy(&o->v[i]);
		o->v[i].to = day;
		o->v[i + 1].from = day;
		o->n++;
		i++;
	}
	old = ov_copy(&o->v[i]);
	for (size_t j = (size_t)i; j < o->n && follow; j++) {
		struct ov *v = &o->v[j];
		if (j > (size_t)i && v->from != o->v[j - 1].to)
			break;
		if ((follow & A_PARENT) && v->parent == old.parent) {
			changed |= v->parent != nv->parent;
			v->parent = nv->parent;
		} else
			follow &= ~(unsigned)A_PARENT;
		if ((follow & A_KIND) && v->kind == old.kind) {
			changed |= v->kind != nv->kind;
			v->kind = nv->kind;
		} else
			follow &= ~(unsigned)A_KIND;
		if ((follow & A_CODE) && str_eq(v->code, old.code)) {
			changed |= !str_eq(v->code, nv->code);
			free(v->code);
			v->code = nv->code ? xstrdup(nv->code) : NULL;
		} else
			follow &= ~(unsigned)A_CODE;
		if ((follow & A_NAME) && str_eq(v->name, old.name)) {
			changed |= !str_eq(v->name, nv->name);
			free(v->name);
			v->name = xstrdup(nv->name);
		} else
			follow &= ~(unsigned)A_NAME;
	}
	free(old.code);
	free(old.name);
	org_coalesce(o);
	o->changed = 1;
	if (!changed) {
		char b[11];
		return hoso_err(t->err, HOSO_EREJECT,
				TR("không có gì thay đổi: tổ chức %d đã như vậy vào ngày %s",
				   "nothing changes: organisation %d is already so on %s"),
				o->id, fmt_day(day, b));
	}
	return 0;
}

/* o ends on day (its last version ends there). */
static int org_end(struct otx *t, struct oc *o, int32_t day)
{
	char b1[11], b2[11];
	long i = ov_on(o, day);
	if (i < 0)
		return reject_not_alive(t, o->id, day);
	for (size_t j = (size_t)i + 1; j < o->n; j++)
		if (o->v[j].from > day)
			return hoso_err(t->err, HOSO_EREJECT,
					TR("[phiên-bản-sau] tổ chức %d có thay đổi ghi nhận từ ngày %s, sau ngày kết thúc %s: hãy hoàn tác thay đổi đó trước",
					   "[later-versions] organisation %d has a change recorded from %s, after its end on %s: undo that change first"),
					o->id, fmt_day(o->v[j].from, b1),
					fmt_day(day, b2));
	if (o->v[i].from == day) {
		/* a version starting that day never holds */
		free(o->v[i].code);
		free(o->v[i].name);
		o->n = (size_t)i;
	} else {
		o->v[i].to = day;
		o->n = (size_t)i + 1;
	}
	o->changed = 1;
	return 0;
}

static void mem_coalesce(struct mc *m)
{
	size_t k = 0;
	for (size_t i = 1; i < m->n; i++)
		for (size_t j = i; j > 0 && m->p[j - 1].from > m->p[j].from; j--) {
			struct pl x = m->p[j];
			m->p[j] = m->p[j - 1];
			m->p[j - 1] = x;
		}
	for (size_t i = 0; i < m->n; i++) {
		if (k && m->p[k - 1].to == m->p[i].from &&
		    m->p[k - 1].org == m->p[i].org) {
			m->p[k - 1].to = m->p[i].to;
			continue;
		}
		m->p[k++] = m->p[i];
	}
	m->n = k;
	if (k)
		m->org = m->p[k - 1].org;
}

/* Moves m's placements in org from day on into to. Returns how many
 * placements moved (0: none). */
static int mem_move(struct mc *m, int32_t org, int32_t to, int32_t day)
{
	int moved = 0;
	size_t n = m->n;
	for (size_t i = 0; i < n; i++) {
		if (m->p[i].org != org || m->p[i].to <= day)
			continue;
		if (m->p[i].from < day) {
			ALLOC_GROW(m->p, m->n + 1, m->alloc);
			m->p[m->n].org = to;
			m->p[m->n].from = day;
			m->p[m->n].to = m->p[i].to;
			m->n++;
			m->p[i].to = day;
		} else {
			m->p[i].org = to;
		}
		moved++;
	}
	if (moved) {
		mem_coalesce(m);
		m->changed = 1;
	}
	return moved;
}

/* Members placed in org on day or later go to cell to (0: refused, they
 * must be placed elsewhere first). */
static int move_members(struct otx *t, int32_t org, int32_t to, int32_t day)
{
	int32_t *ids = NULL;
	size_t n = 0;
	int rc = -1;
	char b[11];
	if (query_ids(t,
		      "SELECT DISTINCT member_id FROM placements WHERE org_id = ?"
		      " AND (valid_to IS NULL OR valid_to > ?)",
		      org, day, 1, NULL, &ids, &n))
		return -1;
	for (size_t k = 0; k < n; k++)
		if (!mem_get(t, ids[k]))
			goto out;
	for (size_t j = 0; j < t->n_mems; j++) {
		struct mc *m = t->mems[j];
		int has = 0;
		for (size_t k = 0; k < m->n; k++)
			has |= m->p[k].org == org && m->p[k].to > day;
		if (!has)
			continue;
		if (!to) {
			hoso_err(t->err, HOSO_EREJECT,
				 TR("[chuyển-trước] tổ chức %d còn đảng viên sinh hoạt từ ngày %s (ví dụ đảng viên %d): hãy chuyển họ trước hoặc chỉ định chi bộ nhận (--members-to)",
				    "[move-first] organisation %d still has members placed from %s (e.g. member %d): move them first or name the receiving cell (--members-to)"),
				 org, fmt_day(day, b), m->id);
			goto out;
		}
		t->moved += mem_move(m, org, to, day) ? 1 : 0;
	}
	rc = 0;
out:
	free(ids);
	return rc;
}

/* Children of org alive on day or later go under to from day. */
static int move_children(struct otx *t, int32_t org, int32_t to, int32_t day,
			 const char *flag)
{
	int32_t *ids = NULL;
	size_t n = 0;
	int rc = -1;
	char b[11];
	if (query_ids(t,
		      "SELECT DISTINCT id FROM org_versions WHERE parent_id = ?"
		      " AND (valid_to IS NULL OR valid_to > ?)",
		      org, day, 1, NULL, &ids, &n))
		return -1;
	for (size_t k = 0; k < n; k++) {
		struct oc *c = org_get(t, ids[k]);
		long i;
		struct ov nv;
		if (!c)
			goto out;
		if (c->id == org)
			continue;
		i = ov_on(c, day);
		if (i < 0 || c->v[i].parent != org) {
			/* maybe only later, or no longer under org in the
			 * working set */
			int later = 0;
			for (size_t j = 0; j < c->n; j++)
				later |= c->v[j].parent == org &&
					 c->v[j].to > day;
			if (!later)
				continue;
			hoso_err(t->err, HOSO_EREJECT,
				 TR("[phiên-bản-sau] tổ chức %d nằm dưới %d sau ngày %s theo một thay đổi ghi nhận sau: hãy hoàn tác thay đổi đó trước",
				    "[later-versions] organisation %d sits under %d after %s by a later recorded change: undo that change first"),
				 c->id, org, fmt_day(day, b));
			goto out;
		}
		if (!to) {
			hoso_err(t->err, HOSO_EREJECT,
				 TR("[chuyển-trước] tổ chức %d còn tổ chức trực thuộc %d (%s) vào ngày %s: hãy chuyển trước hoặc chỉ định nơi nhận (%s)",
				    "[move-first] organisation %d still has a child %d (%s) on %s: move it first or name where children go (%s)"),
				 org, c->id, org_label(c, day), fmt_day(day, b),
				 flag);
			goto out;
		}
		nv = c->v[i];
		nv.parent = to;
		if (org_set(t, c, day, A_PARENT, &nv))
			goto out;
	}
	rc = 0;
out:
	free(ids);
	return rc;
}

/* ---- resolving names ---- */

/* ORG as an id, or a code alive on day; 0 with err when unknown. */
static int32_t resolve(struct otx *t, const char *s, size_t len, int32_t day)
{
	int64_t id;
	char b[11], buf[256];
	struct db_stmt *st;
	int step;
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (!parse_pos_int(buf, len, ID_MAX, &id)) {
		struct oc *o = org_get(t, (int32_t)id);
		if (!o)
			return 0;
		if (o->n)
			return (int32_t)id;
	} else {
		st = db_prepare(t->db,
				"SELECT id FROM org_versions WHERE code = ?"
				" AND (valid_from IS NULL OR valid_from <= ?)"
				" AND (valid_to IS NULL OR valid_to > ?)",
				t->err);
		if (!st)
			return 0;
		db_bind_text(st, 1, buf, len);
		db_bind_day(st, 2, day);
		db_bind_day(st, 3, day);
		step = db_step(st, t->err);
		id = step == 1 ? db_column_int(st, 0) : 0;
		db_finalize(st);
		if (step < 0)
			return 0;
		if (id)
			return (int32_t)id;
	}
	hoso_err(t->err, HOSO_ENOTFOUND,
		 TR("không tìm thấy tổ chức %s vào ngày %s",
		    "organisation %s not found on %s"),
		 buf, fmt_day(day, b));
	return 0;
}

static int32_t resolve_str(struct otx *t, const char *s, int32_t day)
{
	return resolve(t, s, strlen(s), day);
}

/* Splits a list "a;b,c" into its items; calls fn for each. */
static int each_item(const char *list,
		     int (*fn)(struct otx *, const char *, size_t, void *),
		     struct otx *t, void *ctx)
{
	const char *p = list;
	while (p && *p) {
		size_t n = strcspn(p, ";, ");
		if (n && fn(t, p, n, ctx))
			return -1;
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

static int usage(struct otx *t, const char *vi, const char *en)
{
	return hoso_err(t->err, HOSO_EUSAGE, "%s", TR(vi, en));
}

/* NFC text of a name or code; NULL with err when not valid UTF-8 or too
 * long. */
static char *clean_text(struct otx *t, const char *s, const char *what)
{
	size_t len = strlen(s);
	char *c;
	if (len > ORG_NAME_MAX_BYTES || !(c = text_nfc(s, len))) {
		hoso_err(t->err, HOSO_EUSAGE,
			 TR("%s không hợp lệ (UTF-8, tối đa %d byte)",
			    "invalid %s (UTF-8, at most %d bytes)"),
			 what, ORG_NAME_MAX_BYTES);
		return NULL;
	}
	return c;
}

static int parse_kind(struct otx *t, const char *s)
{
	int k = s ? enum_lookup(org_kind_names, KIND_COUNT, s, strlen(s)) : -1;
	if (k < 0)
		hoso_err(t->err, HOSO_EUSAGE,
			 TR("loại tổ chức không hợp lệ: %s (party, province, bloc, upper, grassroots, grassroots_cell, sub_committee, cell)",
			    "invalid kind: %s (party, province, bloc, upper, grassroots, grassroots_cell, sub_committee, cell)"),
			 s ? s : "");
	return k;
}

static int32_t next_id(struct otx *t)
{
	struct db_stmt *st = db_prepare(t->db,
					"SELECT max(id) FROM org_versions",
					t->err);
	int64_t id = 0;
	if (!st)
		return 0;
	if (db_step(st, t->err) == 1)
		id = db_column_int(st, 0);
	db_finalize(st);
	for (size_t i = 0; i < t->n_orgs; i++)
		if (t->orgs[i]->id > id)
			id = t->orgs[i]->id;
	return (int32_t)(id + 1);
}

/* A new unit from day with attributes nv; id 0 takes the next free id. */
static struct oc *org_create(struct otx *t, int32_t id, int32_t day,
			     const struct ov *nv)
{
	struct oc *o;
	if (!id && !(id = next_id(t)))
		return NULL;
	o = org_get(t, id);
	if (!o)
		return NULL;
	if (o->n) {
		hoso_err(t->err, HOSO_EREJECT,
			 TR("mã số tổ chức %d đã được dùng",
			    "organisation id %d is already used"),
			 id);
		return NULL;
	}
	ALLOC_GROW(o->v, 1, o->alloc);
	o->v[0] = ov_copy(nv);
	o->v[0].from = day;
	o->v[0].to = DAY_MAX;
	o->n = 1;
	o->changed = 1;
	t->created = id;
	return o;
}

/* ---- the operations ---- */

struct op_ctx {
	const struct orgop *op;
	int32_t target, parent, day;
	struct oc *unit;
};

static int merge_one(struct otx *t, const char *s, size_t len, void *vctx)
{
	struct op_ctx *c = vctx;
	int32_t id = resolve(t, s, len, c->day);
	struct oc *o;
	if (!id)
		return -1;
	if (id == c->target)
		return hoso_err(t->err, HOSO_EREJECT,
				TR("không thể hợp nhất tổ chức %d vào chính nó",
				   "cannot merge organisation %d into itself"),
				id);
	o = org_get(t, id);
	if (!o)
		return -1;
	if (ov_on(o, c->day) < 0)
		return reject_not_alive(t, id, c->day);
	if (move_children(t, id, c->target, c->day, "--into") ||
	    move_members(t, id, c->target, c->day))
		return -1;
	return org_end(t, o, c->day);
}

static int split_member(struct otx *t, const char *s, size_t len, void *vctx)
{
	struct op_ctx *c = vctx;
	int64_t id;
	char b[11], buf[32];
	struct mc *m;
	int on = 0;
	if (len >= sizeof(buf) || (memcpy(buf, s, len), buf[len] = '\0',
				   parse_pos_int(buf, len, ID_MAX, &id)))
		return hoso_err(t->err, HOSO_EUSAGE,
				TR("mã đảng viên không hợp lệ: %.*s",
				   "invalid member id: %.*s"),
				(int)(len > 30 ? 30 : len), s);
	m = mem_get(t, (int32_t)id);
	if (!m)
		return -1;
	for (size_t k = 0; k < m->n; k++)
		on |= m->p[k].org == c->unit->id && m->p[k].from <= c->day &&
		      c->day < m->p[k].to;
	if (!on)
		return hoso_err(t->err, HOSO_EREJECT,
				TR("đảng viên %lld không sinh hoạt ở tổ chức %d vào ngày %s",
				   "member %lld is not placed in organisation %d on %s"),
				(long long)id, c->unit->id, fmt_day(c->day, b));
	t->moved += mem_move(m, c->unit->id, c->target, c->day) ? 1 : 0;
	return 0;
}

static int split_child(struct otx *t, const char *s, size_t len, void *vctx)
{
	struct op_ctx *c = vctx;
	int32_t id = resolve(t, s, len, c->day);
	struct oc *o;
	long i;
	char b[11];
	struct ov nv;
	if (!id || !(o = org_get(t, id)))
		return -1;
	i = ov_on(o, c->day);
	if (i < 0 || o->v[i].parent != c->unit->id)
		return hoso_err(t->err, HOSO_EREJECT,
				TR("tổ chức %d không trực thuộc tổ chức %d vào ngày %s",
				   "organisation %d is not directly under %d on %s"),
				id, c->unit->id, fmt_day(c->day, b));
	nv = o->v[i];
	nv.parent = c->target;
	return org_set(t, o, c->day, A_PARENT, &nv);
}

/* Applies op to the working set (nothing written yet). */
static int op_run(struct otx *t, const struct orgop *op)
{
	struct op_ctx c = {.op = op, .day = op->day};
	struct ov nv = {0};
	struct oc *o = NULL;
	unsigned mask = 0;
	int rc = -1;
	long i;

	if (op->kind != ORGOP_CREATE && op->kind != ORGOP_MERGE &&
	    (!op->org || !*op->org))
		return usage(t, "thiếu tổ chức", "missing the organisation");
	if (op->name && !(nv.name = clean_text(t, op->name, TR("tên", "name"))))
		goto out;
	if (op->code && *op->code &&
	    !(nv.code = clean_text(t, op->code, TR("mã", "code"))))
		goto out;
	if (op->kind != ORGOP_CREATE && op->kind != ORGOP_MERGE) {
		int32_t id = resolve_str(t, op->org, op->day);
		if (!id || !(o = org_get(t, id)))
			goto out;
		c.unit = o;
		i = ov_on(o, op->day);
		if (i < 0) {
			reject_not_alive(t, id, op->day);
			goto out;
		}
	}
	if (op->parent && *op->parent &&
	    !(c.parent = resolve_str(t, op->parent, op->day)))
		goto out;
	if (op->target && *op->target &&
	    !(c.target = resolve_str(t, op->target, op->day)))
		goto out;
	switch (op->kind) {
	case ORGOP_CREATE:
		if (!nv.name || !*nv.name) {
			usage(t, "thiếu tên (--name)", "missing --name");
			goto out;
		}
		if (!c.parent) {
			usage(t, "thiếu cấp trên (--parent)",
			      "missing --parent");
			goto out;
		}
		if ((nv.kind = parse_kind(t, op->new_kind)) < 0)
			goto out;
		nv.parent = c.parent;
		if (!org_create(t, op->new_id, op->day, &nv))
			goto out;
		break;
	case ORGOP_RENAME:
	case ORGOP_RECODE:
	case ORGOP_MOVE:
	case ORGOP_KIND:
		i = ov_on(o, op->day);
		nv.parent = o->v[i].parent;
		nv.kind = o->v[i].kind;
		if (op->kind == ORGOP_RENAME) {
			if (!nv.name || !*nv.name) {
				usage(t, "thiếu tên mới (--name)",
				      "missing --name");
				goto out;
			}
			mask = A_NAME;
		} else if (op->kind == ORGOP_RECODE) {
			if (!op->code) {
				usage(t, "thiếu mã mới (--code)",
				      "missing --code");
				goto out;
			}
			mask = A_CODE;
		} else if (op->kind == ORGOP_MOVE) {
			if (!c.parent) {
				usage(t, "thiếu cấp trên mới (--parent)",
				      "missing --parent");
				goto out;
			}
			nv.parent = c.parent;
			mask = A_PARENT;
		} else {
			if ((nv.kind = parse_kind(t, op->new_kind)) < 0)
				goto out;
			mask = A_KIND;
			if (c.parent) {
				nv.parent = c.parent;
				mask |= A_PARENT;
			}
		}
		if (org_set(t, o, op->day, mask, &nv))
			goto out;
		break;
	case ORGOP_MERGE:
		if (!c.target) {
			usage(t, "thiếu tổ chức nhận (--into)", "missing --into");
			goto out;
		}
		if (!op->org || !*op->org) {
			usage(t, "thiếu các tổ chức hợp nhất",
			      "missing the organisations to merge");
			goto out;
		}
		if (each_item(op->org, merge_one, t, &c))
			goto out;
		break;
	case ORGOP_DISSOLVE:
		if (move_children(t, o->id, c.parent, op->day,
				  "--children-to") ||
		    move_members(t, o->id, c.target, op->day) ||
		    org_end(t, o, op->day))
			goto out;
		break;
	case ORGOP_SPLIT: {
		struct oc *n;
		i = ov_on(o, op->day);
		if (!nv.name || !*nv.name) {
			usage(t, "thiếu tên của đơn vị mới (--name)",
			      "missing the new unit's --name");
			goto out;
		}
		nv.parent = c.parent ? c.parent : o->v[i].parent;
		nv.kind = o->v[i].kind;
		if (op->new_kind && (nv.kind = parse_kind(t, op->new_kind)) < 0)
			goto out;
		if (!(n = org_create(t, op->new_id, op->day, &nv)))
			goto out;
		c.target = n->id;
		if (each_item(op->members, split_member, t, &c) ||
		    each_item(op->children, split_child, t, &c))
			goto out;
		break;
	}
	case ORGOP_UNDO:
	case ORGOP_COUNT:
		usage(t, "nghiệp vụ không hợp lệ", "invalid operation");
		goto out;
	}
	rc = 0;
out:
	free(nv.name);
	free(nv.code);
	return rc;
}

/* ---- checks, writes, payload ---- */

static int otx_check(struct otx *t)
{
	/* the working set grows while checking; changed entries come first
	 * in load order and do not move */
	size_t no = t->n_orgs, nm = t->n_mems;
	for (size_t i = 0; i < no; i++)
		if (t->orgs[i]->changed && check_org(t, t->orgs[i]))
			return -1;
	for (size_t i = 0; i < nm; i++)
		if (t->mems[i]->changed && check_member(t, t->mems[i]))
			return -1;
	return 0;
}

static void json_ov(struct strbuf *sb, const struct ov *v, size_t n)
{
	char b[11];
	strbuf_addc(sb, '[');
	for (size_t i = 0; i < n; i++) {
		strbuf_adds(sb, i ? ",{\"parent\":" : "{\"parent\":");
		if (v[i].parent)
			strbuf_addf(sb, "%d", v[i].parent);
		else
			strbuf_adds(sb, "null");
		strbuf_addf(sb, ",\"kind\":\"%s\",\"code\":",
			    org_kind_names[v[i].kind]);
		strbuf_add_json_str(sb, v[i].code);
		strbuf_adds(sb, ",\"name\":");
		strbuf_add_json_str(sb, v[i].name);
		strbuf_adds(sb, ",\"from\":");
		if (v[i].from == DAY_MIN)
			strbuf_adds(sb, "null");
		else
			strbuf_addf(sb, "\"%s\"", fmt_day(v[i].from, b));
		strbuf_adds(sb, ",\"to\":");
		if (v[i].to == DAY_MAX)
			strbuf_adds(sb, "null}");
		else
			strbuf_addf(sb, "\"%s\"}", fmt_day(v[i].to, b));
	}
	strbuf_addc(sb, ']');
}

static void json_pl(struct strbuf *sb, const struct pl *p, size_t n)
{
	char b1[11], b2[11];
	strbuf_addc(sb, '[');
	for (size_t i = 0; i < n; i++) {
		strbuf_addf(sb, "%s[%d,\"%s\",", i ? "," : "", p[i].org,
			    fmt_day(p[i].from, b1));
		if (p[i].to == DAY_MAX)
			strbuf_adds(sb, "null]");
		else
			strbuf_addf(sb, "\"%s\"]", fmt_day(p[i].to, b2));
	}
	strbuf_addc(sb, ']');
}

static int org_really_changed(const struct oc *o)
{
	return o->changed && !ov_list_eq(o->before, o->nb, o->v, o->n);
}

static int mem_really_changed(const struct mc *m)
{
	return m->changed && (!pl_list_eq(m->before, m->nb, m->p, m->n) ||
			      m->org != m->org_before);
}

static int otx_write(struct otx *t)
{
	struct db_stmt *del = NULL, *ins = NULL;
	int rc = -1;
	del = db_prepare(t->db, "DELETE FROM org_versions WHERE id = ?", t->err);
	ins = db_prepare(t->db,
			 "INSERT INTO org_versions(id, parent_id, kind, code,"
			 " name, valid_from, valid_to)"
			 " VALUES (?, ?, ?, ?, ?, ?, ?)",
			 t->err);
	if (!del || !ins)
		goto out;
	for (size_t i = 0; i < t->n_orgs; i++) {
		struct oc *o = t->orgs[i];
		if (!org_really_changed(o))
			continue;
		idset_add(&t->dirty_orgs, o->id);
		db_reset(del);
		db_bind_int(del, 1, o->id);
		if (db_step(del, t->err) < 0)
			goto out;
		for (size_t k = 0; k < o->n; k++) {
			const struct ov *v = &o->v[k];
			const char *kn = org_kind_names[v->kind];
			db_reset(ins);
			db_bind_int(ins, 1, o->id);
			if (v->parent)
				db_bind_int(ins, 2, v->parent);
			else
				db_bind_null(ins, 2);
			db_bind_text(ins, 3, kn, strlen(kn));
			db_bind_text(ins, 4, v->code,
				     v->code ? strlen(v->code) : 0);
			db_bind_text(ins, 5, v->name, strlen(v->name));
			db_bind_day(ins, 6, v->from);
			db_bind_day(ins, 7, v->to);
			if (db_step(ins, t->err) < 0)
				goto out;
		}
	}
	db_finalize(del);
	db_finalize(ins);
	del = db_prepare(t->db, "DELETE FROM placements WHERE member_id = ?",
			 t->err);
	ins = db_prepare(t->db,
			 "INSERT INTO placements(member_id, org_id, valid_from,"
			 " valid_to) VALUES (?, ?, ?, ?)",
			 t->err);
	if (!del || !ins)
		goto out;
	for (size_t i = 0; i < t->n_mems; i++) {
		struct mc *m = t->mems[i];
		struct db_stmt *up;
		if (!mem_really_changed(m))
			continue;
		idset_add(&t->dirty_mems, m->id);
		db_reset(del);
		db_bind_int(del, 1, m->id);
		if (db_step(del, t->err) < 0)
			goto out;
		for (size_t k = 0; k < m->n; k++) {
			db_reset(ins);
			db_bind_int(ins, 1, m->id);
			db_bind_int(ins, 2, m->p[k].org);
			db_bind_day(ins, 3, m->p[k].from);
			db_bind_day(ins, 4, m->p[k].to);
			if (db_step(ins, t->err) < 0)
				goto out;
		}
		if (m->org != m->org_before) {
			up = db_prepare(t->db,
					"UPDATE members SET org_id = ? WHERE id = ?",
					t->err);
			if (!up)
				goto out;
			db_bind_int(up, 1, m->org);
			db_bind_int(up, 2, m->id);
			rc = db_step(up, t->err) < 0 ? -1 : 0;
			db_finalize(up);
			if (rc)
				goto out;
			rc = -1;
		}
	}
	rc = 0;
out:
	db_finalize(del);
	db_finalize(ins);
	return rc;
}

/* The JSON arguments of op, as given (resolved ids are in the changes). */
static void json_args(struct strbuf *sb, const struct orgop *op)
{
	static const char *const names[] = {"org",  "parent", "target",
					    "name", "code",   "kind",
					    "members", "children"};
	const char *vals[] = {op->org,  op->parent, op->target,
			      op->name, op->code,   op->new_kind,
			      op->members, op->children};
	int first = 1;
	strbuf_addc(sb, '{');
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!vals[i])
			continue;
		strbuf_addf(sb, "%s\"%s\":", first ? "" : ",", names[i]);
		strbuf_add_json_str(sb, vals[i]);
		first = 0;
	}
	if (op->new_id) {
		strbuf_addf(sb, "%s\"id\":%d", first ? "" : ",", op->new_id);
		first = 0;
	}
	if (op->undo_seq)
		strbuf_addf(sb, "%s\"undoes\":%lld", first ? "" : ",",
			    (long long)op->undo_seq);
	strbuf_addc(sb, '}');
}

static int write_op(struct otx *t, const struct orgop *op,
		    const struct op_meta *meta, const char *reason, long line,
		    int64_t *seq)
{
	struct strbuf p;
	char kind[32];
	const char *actor = meta && meta->actor ? meta->actor : "cli";
	const char *source = meta && meta->source ? meta->source : "cli";
	int rc = -1, first = 1;

	strbuf_init(&p, (size_t)1 << 30);
	strbuf_addf(&p, "{\"action\":\"%s\",\"args\":",
		    orgop_names[op->kind]);
	json_args(&p, op);
	if (line)
		strbuf_addf(&p, ",\"plan_line\":%ld", line);
	strbuf_adds(&p, ",\"orgs\":[");
	for (size_t i = 0; i < t->n_orgs; i++) {
		const struct oc *o = t->orgs[i];
		if (!org_really_changed(o))
			continue;
		strbuf_addf(&p, "%s{\"id\":%d,\"before\":", first ? "" : ",",
			    o->id);
		json_ov(&p, o->before, o->nb);
		strbuf_adds(&p, ",\"after\":");
		json_ov(&p, o->v, o->n);
		strbuf_addc(&p, '}');
		first = 0;
	}
	strbuf_adds(&p, "],\"members\":[");
	first = 1;
	for (size_t i = 0; i < t->n_mems; i++) {
		const struct mc *m = t->mems[i];
		if (!mem_really_changed(m))
			continue;
		strbuf_addf(&p,
			    "%s{\"id\":%d,\"org_before\":%d,\"org_after\":%d,"
			    "\"before\":",
			    first ? "" : ",", m->id, m->org_before, m->org);
		json_pl(&p, m->before, m->nb);
		strbuf_adds(&p, ",\"after\":");
		json_pl(&p, m->p, m->n);
		strbuf_addc(&p, '}');
		first = 0;
	}
	if (strbuf_adds(&p, "]}")) {
		hoso_err(t->err, HOSO_EREJECT, "%s",
			 TR("nghiệp vụ quá lớn", "operation too large"));
		goto out;
	}
	snprintf(kind, sizeof(kind), "org-%s", orgop_names[op->kind]);
	/* the plan's or the call's reason stands for the meta's */
	struct op_meta m = {actor, reason, source};
	if (registry_write_op(t->db, kind, op->day, p.buf, &m, seq, t->err))
		goto out;
	rc = 0;
out:
	strbuf_release(&p);
	return rc;
}

/* Headcount of subtree(org, day) in the store as it is in the transaction:
 * members active on day placed in it; also the official ones. -1 in
 * *total when org is not alive that day. */
static int subtree_count(struct otx *t, int32_t org, int32_t day,
			 int64_t *total, int64_t *official)
{
	struct db_stmt *st;
	char b[11];
	int step;
	*total = -1;
	*official = 0;
	st = db_prepare(t->db,
			"SELECT count(*) FROM org_versions WHERE id = ?1"
			" AND (valid_from IS NULL OR valid_from <= ?2)"
			" AND (valid_to IS NULL OR valid_to > ?2)",
			t->err);
	if (!st)
		return -1;
	day_format(day, b);
	db_bind_int(st, 1, org);
	db_bind_text(st, 2, b, 10);
	step = db_step(st, t->err);
	if (step < 0 || !db_column_int(st, 0)) {
		db_finalize(st);
		return step < 0 ? -1 : 0;
	}
	db_finalize(st);
	st = db_prepare(
		t->db,
		"WITH RECURSIVE sub(id) AS (SELECT CAST(?1 AS INTEGER) UNION"
		" SELECT o.id FROM org_versions o JOIN sub ON o.parent_id = sub.id"
		" WHERE (o.valid_from IS NULL OR o.valid_from <= ?2)"
		" AND (o.valid_to IS NULL OR o.valid_to > ?2))"
		" SELECT count(*), coalesce(sum(CASE WHEN m.official_on IS NOT"
		" NULL AND m.official_on <= ?2 THEN 1 ELSE 0 END), 0)"
		" FROM placements p JOIN members m ON m.id = p.member_id"
		" WHERE p.org_id IN (SELECT id FROM sub) AND p.valid_from <= ?2"
		" AND (p.valid_to IS NULL OR p.valid_to > ?2)"
		" AND m.admitted_on <= ?2"
		" AND (m.ended_on IS NULL OR m.ended_on > ?2)",
		t->err);
	if (!st)
		return -1;
	db_bind_int(st, 1, org);
	db_bind_text(st, 2, b, 10);
	step = db_step(st, t->err);
	if (step == 1) {
		*total = db_column_int(st, 0);
		*official = db_column_int(st, 1);
	}
	db_finalize(st);
	return step < 0 ? -1 : 0;
}

/* The organisations whose headcounts an operation reports: the changed
 * ones, the cells members left or joined, and (single operations) the
 * parents on day before and after; a plan reports the parents once for
 * the whole plan, as counting a province's subtree for each of thousands
 * of rows would dominate its run. */
static void counted_orgs(struct otx *t, int32_t day, struct idset *s)
{
	for (size_t i = 0; i < t->n_mems; i++) {
		const struct mc *m = t->mems[i];
		if (!mem_really_changed(m))
			continue;
		for (size_t k = 0; k < m->nb; k++)
			if (m->before[k].from <= day && day < m->before[k].to)
				idset_add(s, m->before[k].org);
		for (size_t k = 0; k < m->n; k++)
			if (m->p[k].from <= day && day < m->p[k].to)
				idset_add(s, m->p[k].org);
	}
	for (size_t i = 0; i < t->n_orgs; i++) {
		const struct oc *o = t->orgs[i];
		if (!org_really_changed(o))
			continue;
		idset_add(s, o->id);
		if (t->in_plan)
			continue;
		for (size_t k = 0; k < o->nb; k++)
			if (o->before[k].from <= day && day < o->before[k].to &&
			    o->before[k].parent)
				idset_add(s, o->before[k].parent);
		for (size_t k = 0; k < o->n; k++)
			if (o->v[k].from <= day && day < o->v[k].to &&
			    o->v[k].parent)
				idset_add(s, o->v[k].parent);
	}
}

static void warn(struct otx *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void warn(struct otx *t, const char *fmt, ...)
{
	char msg[HOSO_ERRMSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (t->warnings.len)
		strbuf_addc(&t->warnings, ',');
	strbuf_add_json_str(&t->warnings, msg);
}

/* The rules of domain.md that need approval from above: warnings. */
static int warnings_after(struct otx *t, int32_t day)
{
	for (size_t i = 0; i < t->n_orgs; i++) {
		const struct oc *o = t->orgs[i];
		long k;
		int64_t total, official;
		if (!org_really_changed(o) || (k = ov_on(o, day)) < 0)
			continue;
		int kind = o->v[k].kind;
		if (kind != KIND_GRASSROOTS && kind != KIND_GRASSROOTS_CELL &&
		    kind != KIND_CELL)
			continue;
		if (subtree_count(t, o->id, day, &total, &official))
			return -1;
		if (kind == KIND_GRASSROOTS_CELL && total >= 30)
			warn(t,
			     TR("chi bộ cơ sở %d (%s) có %lld đảng viên (từ 30 trở lên nên là đảng bộ cơ sở; cần cấp trên đồng ý)",
				"grassroots cell %d (%s) has %lld members (30 or more should be a grassroots committee; needs approval from above)"),
			     o->id, o->v[k].name, (long long)total);
		if (kind == KIND_GRASSROOTS && total < 30)
			warn(t,
			     TR("đảng bộ cơ sở %d (%s) có %lld đảng viên (dưới 30 nên là chi bộ cơ sở; cần cấp trên đồng ý)",
				"grassroots committee %d (%s) has %lld members (under 30 should be a grassroots cell; needs approval from above)"),
			     o->id, o->v[k].name, (long long)total);
		if (org_kind_holds_members(kind) && official < 3)
			warn(t,
			     TR("chi bộ %d (%s) có %lld đảng viên chính thức (cần ít nhất 3 để lập chi bộ)",
				"cell %d (%s) has %lld official members (at least 3 are needed to form a cell)"),
			     o->id, o->v[k].name, (long long)official);
	}
	return 0;
}

/* The headcounts before the operation is written. */
static int counts_take(struct otx *t, int32_t day, struct counts *c)
{
	struct idset s = {0};
	counted_orgs(t, day, &s);
	c->ids = s.ids;
	c->n = s.n;
	s.ids = NULL;
	idset_free(&s);
	c->before = xcalloc(c->n ? c->n : 1, sizeof(*c->before));
	for (size_t i = 0; i < c->n; i++) {
		int64_t official;
		if (t->use_index) {
			if (index_count(t->r->ix, c->ids[i], day, &c->before[i]))
				c->before[i] = -1;
		} else if (subtree_count(t, c->ids[i], day, &c->before[i],
					 &official))
			return -1;
	}
	return 0;
}

/* Members active on day placed anywhere: the root's headcount, as every
 * placement lies in a live cell. */
static int total_count(struct otx *t, int32_t day, int64_t *total)
{
	struct db_stmt *st = db_prepare(
		t->db,
		"SELECT count(*) FROM placements p JOIN members m"
		" ON m.id = p.member_id WHERE p.valid_from <= ?1"
		" AND (p.valid_to IS NULL OR p.valid_to > ?1)"
		" AND m.admitted_on <= ?1"
		" AND (m.ended_on IS NULL OR m.ended_on > ?1)",
		t->err);
	int step;
	if (!st)
		return -1;
	db_bind_day(st, 1, day);
	step = db_step(st, t->err);
	*total = step == 1 ? db_column_int(st, 0) : -1;
	db_finalize(st);
	return step < 0 ? -1 : 0;
}

static void json_count(struct strbuf *out, int64_t v)
{
	if (v < 0)
		strbuf_adds(out, "null");
	else
		strbuf_addf(out, "%lld", (long long)v);
}

/* Runs one operation inside the open transaction: apply, check, count,
 * write, record. Appends its result to out. */
static int64_t otx_one(struct otx *t, const struct orgop *op,
		       const struct op_meta *meta, const char *reason,
		       long line, struct strbuf *out);

/* ---- undo ---- */

static int parse_ov_list(json_t *a, struct ov **out, size_t *n)
{
	size_t i, alloc = 0;
	json_t *e;
	*out = NULL;
	*n = 0;
	if (!json_is_array(a))
		return -1;
	json_array_foreach(a, i, e) {
		struct ov v = {0};
		json_t *f = json_object_get(e, "from"),
		       *to = json_object_get(e, "to");
		const char *k = json_string_value(json_object_get(e, "kind"));
		const char *code = json_string_value(json_object_get(e, "code"));
		const char *name = json_string_value(json_object_get(e, "name"));
		v.parent = (int32_t)json_integer_value(
			json_object_get(e, "parent"));
		v.kind = k ? enum_lookup(org_kind_names, KIND_COUNT, k,
					 strlen(k))
			   : -1;
		v.from = DAY_MIN;
		v.to = DAY_MAX;
		if (json_is_string(f) &&
		    day_parse(json_string_value(f), json_string_length(f),
			      &v.from))
			return -1;
		if (json_is_string(to) &&
		    day_parse(json_string_value(to), json_string_length(to),
			      &v.to))
			return -1;
		if (v.kind < 0 || !name)
			return -1;
		v.code = code ? xstrdup(code) : NULL;
		v.name = xstrdup(name);
		ALLOC_GROW(*out, *n + 1, alloc);
		(*out)[(*n)++] = v;
	}
	return 0;
}

static int parse_pl_list(json_t *a, struct pl **out, size_t *n)
{
	size_t i, alloc = 0;
	json_t *e;
	*out = NULL;
	*n = 0;
	if (!json_is_array(a))
		return -1;
	json_array_foreach(a, i, e) {
		struct pl p = {0};
		json_t *f = json_array_get(e, 1), *to = json_array_get(e, 2);
		p.org = (int32_t)json_integer_value(json_array_get(e, 0));
		p.to = DAY_MAX;
		if (!json_is_string(f) ||
		    day_parse(json_string_value(f), json_string_length(f),
			      &p.from))
			return -1;
		if (json_is_string(to) &&
		    day_parse(json_string_value(to), json_string_length(to),
			      &p.to))
			return -1;
		ALLOC_GROW(*out, *n + 1, alloc);
		(*out)[(*n)++] = p;
	}
	return 0;
}

static int undo_load(struct otx *t, int64_t seq, json_t **payload)
{
	struct db_stmt *st;
	const char *kind, *text;
	size_t klen, len;
	int step, rc = -1;
	json_error_t jerr;
	st = db_prepare(t->db,
			"SELECT kind, payload, effective_on FROM operations"
			" WHERE seq = ?",
			t->err);
	if (!st)
		return -1;
	db_bind_int(st, 1, seq);
	step = db_step(st, t->err);
	if (step == 0)
		hoso_err(t->err, HOSO_ENOTFOUND,
			 TR("không có nghiệp vụ số %lld",
			    "no operation number %lld"),
			 (long long)seq);
	if (step != 1)
		goto out;
	kind = db_column_text(st, 0, &klen);
	if (!kind || klen < 4 || strncmp(kind, "org-", 4)) {
		hoso_err(t->err, HOSO_EREJECT,
			 TR("nghiệp vụ %lld (%.*s) không phải nghiệp vụ tổ chức; org-undo chỉ hoàn tác nghiệp vụ tổ chức",
			    "operation %lld (%.*s) is not an organisation operation; org-undo only compensates those"),
			 (long long)seq, (int)(klen > 40 ? 40 : klen),
			 kind ? kind : "");
		goto out;
	}
	t->undo_day = db_column_day(st, 2, 0);
	text = db_column_text(st, 1, &len);
	*payload = json_loadb(text ? text : "", len, 0, &jerr);
	if (!*payload) {
		hoso_err(t->err, HOSO_EIO,
			 TR("nội dung nghiệp vụ %lld hỏng",
			    "payload of operation %lld is corrupt"),
			 (long long)seq);
		goto out;
	}
	rc = 0;
out:
	db_finalize(st);
	return rc;
}

static int undo_run(struct otx *t, const struct orgop *op)
{
	json_t *payload = NULL, *e;
	struct db_stmt *st;
	size_t i;
	int rc = -1, step;
	st = db_prepare(t->db,
			"SELECT undone_by FROM orgop_undone WHERE op_seq = ?",
			t->err);
	if (!st)
		return -1;
	db_bind_int(st, 1, op->undo_seq);
	step = db_step(st, t->err);
	if (step == 1)
		hoso_err(t->err, HOSO_EREJECT,
			 TR("nghiệp vụ %lld đã được hoàn tác bởi nghiệp vụ %lld",
			    "operation %lld was already undone by operation %lld"),
			 (long long)op->undo_seq,
			 (long long)db_column_int(st, 0));
	db_finalize(st);
	if (step != 0)
		return -1;
	if (undo_load(t, op->undo_seq, &payload))
		return -1;
	json_array_foreach(json_object_get(payload, "orgs"), i, e) {
		int32_t id = (int32_t)json_integer_value(json_object_get(e, "id"));
		struct ov *before = NULL, *after = NULL;
		size_t nb = 0, na = 0;
		struct oc *o = org_get(t, id);
		int ok;
		if (!o)
			goto out;
		ok = !parse_ov_list(json_object_get(e, "before"), &before,
				    &nb) &&
		     !parse_ov_list(json_object_get(e, "after"), &after, &na);
		if (ok && !ov_list_eq(o->v, o->n, after, na)) {
			hoso_err(t->err, HOSO_EREJECT,
				 TR("[phiên-bản-sau] tổ chức %d đã thay đổi sau nghiệp vụ %lld: hãy hoàn tác các nghiệp vụ sau trước",
				    "[later-versions] organisation %d changed after operation %lld: undo the later operations first"),
				 id, (long long)op->undo_seq);
			ok = -1;
		} else if (!ok) {
			hoso_err(t->err, HOSO_EIO,
				 TR("nội dung nghiệp vụ %lld hỏng",
				    "payload of operation %lld is corrupt"),
				 (long long)op->undo_seq);
		}
		ov_free(after, na);
		if (ok != 1) {
			ov_free(before, nb);
			goto out;
		}
		ov_free(o->v, o->n);
		o->v = before;
		o->n = o->alloc = nb;
		o->changed = 1;
	}
	json_array_foreach(json_object_get(payload, "members"), i, e) {
		int32_t id = (int32_t)json_integer_value(json_object_get(e, "id"));
		struct pl *before = NULL, *after = NULL;
		size_t nb = 0, na = 0;
		struct mc *m = mem_get(t, id);
		int ok;
		if (!m)
			goto out;
		ok = !parse_pl_list(json_object_get(e, "before"), &before,
				    &nb) &&
		     !parse_pl_list(json_object_get(e, "after"), &after, &na);
		if (ok && !pl_list_eq(m->p, m->n, after, na)) {
			hoso_err(t->err, HOSO_EREJECT,
				 TR("[phiên-bản-sau] nơi sinh hoạt của đảng viên %d đã thay đổi sau nghiệp vụ %lld: hãy hoàn tác các nghiệp vụ sau trước",
				    "[later-versions] placements of member %d changed after operation %lld: undo the later operations first"),
				 id, (long long)op->undo_seq);
			ok = -1;
		} else if (!ok) {
			hoso_err(t->err, HOSO_EIO,
				 TR("nội dung nghiệp vụ %lld hỏng",
				    "payload of operation %lld is corrupt"),
				 (long long)op->undo_seq);
		}
		free(after);
		if (ok != 1) {
			free(before);
			goto out;
		}
		free(m->p);
		m->p = before;
		m->n = m->alloc = nb;
		m->org = (int32_t)json_integer_value(
			json_object_get(e, "org_before"));
		m->changed = 1;
		t->moved++;
	}
	rc = 0;
out:
	json_decref(payload);
	return rc;
}

static int64_t otx_one(struct otx *t, const struct orgop *given,
		       const struct op_meta *meta, const char *reason,
		       long line, struct strbuf *out)
{
	struct counts c = {0};
	struct orgop undo, *op = &undo;
	free(t->hc.ids);
	free(t->hc.before);
	memset(&t->hc, 0, sizeof(t->hc));
	int64_t seq = -1;
	char b[11];
	int first = 1;

	otx_reset(t);
	undo = *given;
	if (op->kind == ORGOP_UNDO ? undo_run(t, op) : op_run(t, op))
		goto out;
	if (op->kind == ORGOP_UNDO && t->undo_day)
		undo.day = t->undo_day; /* it takes effect when the
					   compensated one did */
	if (otx_check(t) || counts_take(t, op->day, &c))
		goto out;
	if (otx_write(t) ||
	    write_op(t, op, meta, reason, line, &seq))
		goto out;
	if (op->kind == ORGOP_UNDO) {
		struct db_stmt *st = db_prepare(
			t->db,
			"INSERT INTO orgop_undone(op_seq, undone_by) VALUES (?, ?)",
			t->err);
		int rc;
		if (!st)
			goto fail;
		db_bind_int(st, 1, op->undo_seq);
		db_bind_int(st, 2, seq);
		rc = db_step(st, t->err);
		db_finalize(st);
		if (rc < 0)
			goto fail;
	}
	if (warnings_after(t, op->day))
		goto fail;
	strbuf_addf(out, "{\"seq\":%lld,\"action\":\"%s\",\"effective\":\"%s\"",
		    (long long)seq, orgop_names[op->kind], fmt_day(op->day, b));
	if (line)
		strbuf_addf(out, ",\"line\":%ld", line);
	strbuf_adds(out, ",\"orgs\":[");
	for (size_t i = 0; i < t->n_orgs; i++)
		if (org_really_changed(t->orgs[i])) {
			strbuf_addf(out, "%s%d", first ? "" : ",",
				    t->orgs[i]->id);
			first = 0;
		}
	strbuf_adds(out, "],\"created\":");
	if (t->created)
		strbuf_addf(out, "%d", t->created);
	else
		strbuf_adds(out, "null");
	strbuf_addf(out, ",\"members_moved\":%ld,\"warnings\":[%s],"
		    "\"headcounts\":[",
		    t->moved, t->warnings.buf ? t->warnings.buf : "");
	if (t->use_index) {
		/* finished after the read model is updated */
		t->hc = c;
		t->hc_day = op->day;
		memset(&c, 0, sizeof(c));
		goto out;
	}
	for (size_t i = 0; i < c.n; i++) {
		int64_t total, official;
		if (subtree_count(t, c.ids[i], op->day, &total, &official))
			goto fail;
		strbuf_addf(out, "%s{\"org\":%d,\"before\":", i ? "," : "",
			    c.ids[i]);
		json_count(out, c.before[i]);
		strbuf_adds(out, ",\"after\":");
		json_count(out, total);
		strbuf_addc(out, '}');
	}
	strbuf_adds(out, "]}");
	goto out;
fail:
	seq = -1;
out:
	free(c.ids);
	free(c.before);
	if (seq < 0 && line) {
		/* name the plan's row in the message */
		char msg[HOSO_ERRMSG_MAX];
		snprintf(msg, sizeof(msg), TR("dòng %ld: %s", "line %ld: %s"),
			 line, t->err->msg);
		memcpy(t->err->msg, msg, sizeof(msg));
	}
	return seq;
}

/* ---- the read model ---- */

static int refresh_org(struct registry *r, int32_t id, struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		r->db,
		"SELECT parent_id, kind, code, name, valid_from, valid_to"
		" FROM org_versions WHERE id = ? ORDER BY coalesce(valid_from, '')",
		err);
	struct index_org_version *v = NULL;
	size_t n = 0, alloc = 0;
	int step;
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	while ((step = db_step(st, err)) == 1) {
		size_t len;
		const char *k = db_column_text(st, 1, &len);
		ALLOC_GROW(v, n + 1, alloc);
		v[n].id = id;
		v[n].parent_id = (int32_t)db_column_int(st, 0);
		v[n].kind = (uint8_t)enum_lookup(org_kind_names, KIND_COUNT, k,
						 len);
		v[n].code = col_dup(st, 2);
		v[n].name = col_dup(st, 3);
		v[n].from = db_column_day(st, 4, DAY_MIN);
		v[n].to = db_column_day(st, 5, DAY_MAX);
		n++;
	}
	db_finalize(st);
	if (step == 0)
		index_put_org(r->ix, id, v, n);
	for (size_t i = 0; i < n; i++) {
		free((char *)v[i].code);
		free((char *)v[i].name);
	}
	free(v);
	return step < 0 ? -1 : 0;
}

static int refresh_member(struct registry *r, int32_t id,
			  struct hoso_error *err)
{
	const struct index_member *old = index_member(r->ix, id);
	struct index_member m;
	struct index_placement *pl = NULL;
	size_t n = 0, alloc = 0;
	char *name, *card;
	struct db_stmt *st;
	int step;
	if (!old)
		return hoso_err(err, HOSO_EIO, "read model: member %d missing",
				id);
	m = *old;
	name = m.full_name ? xstrdup(m.full_name) : NULL;
	card = m.card_no ? xstrdup(m.card_no) : NULL;
	m.full_name = name;
	m.card_no = card;
	st = db_prepare(r->db,
			"SELECT org_id, valid_from, valid_to FROM placements"
			" WHERE member_id = ? ORDER BY valid_from",
			err);
	if (!st) {
		free(name);
		free(card);
		return -1;
	}
	db_bind_int(st, 1, id);
	while ((step = db_step(st, err)) == 1) {
		ALLOC_GROW(pl, n + 1, alloc);
		pl[n].member_id = id;
		pl[n].org_id = (int32_t)db_column_int(st, 0);
		pl[n].from = db_column_day(st, 1, DAY_MIN);
		pl[n].to = db_column_day(st, 2, DAY_MAX);
		n++;
	}
	db_finalize(st);
	if (step == 0)
		index_put_member(r->ix, &m, pl, n);
	free(pl);
	free(name);
	free(card);
	return step < 0 ? -1 : 0;
}

static int refresh_index(struct registry *r, struct otx *t,
			 struct hoso_error *err)
{
	if (!r->ix)
		return 0;
	if (t->dirty_mems.n > ORGOPS_REBUILD_MEMBERS ||
	    t->dirty_orgs.n > ORGOPS_REBUILD_ORGS) {
		index_free(r->ix);
		r->ix = NULL;
		return registry_load_index(r, 1, err);
	}
	for (size_t i = 0; i < t->dirty_orgs.n; i++)
		if (refresh_org(r, t->dirty_orgs.ids[i], err))
			return -1;
	for (size_t i = 0; i < t->dirty_mems.n; i++)
		if (refresh_member(r, t->dirty_mems.ids[i], err))
			return -1;
	return 0;
}

/* ---- public ---- */

int64_t orgops_apply(struct registry *r, const struct orgop *op,
		     const struct op_meta *meta, struct strbuf *out,
		     struct hoso_error *err)
{
	struct otx t = {.r = r, .db = r->db, .err = err, .use_index = !!r->ix};
	int64_t seq = -1;
	strbuf_init(&t.warnings, 1 << 20);
	if (db_begin(r->db, 1, err))
		goto done;
	seq = otx_one(&t, op, meta, meta ? meta->reason : NULL, 0, out);
	if (seq < 0) {
		db_rollback(r->db);
		goto done;
	}
	if (db_commit(r->db, err)) {
		db_rollback(r->db);
		seq = -1;
		goto done;
	}
	if (refresh_index(r, &t, err)) {
		seq = -1;
		goto done;
	}
	for (size_t i = 0; t.use_index && i < t.hc.n; i++) {
		int64_t total;
		if (index_count(r->ix, t.hc.ids[i], t.hc_day, &total))
			total = -1;
		strbuf_addf(out, "%s{\"org\":%d,\"before\":", i ? "," : "",
			    t.hc.ids[i]);
		json_count(out, t.hc.before[i]);
		strbuf_adds(out, ",\"after\":");
		json_count(out, total);
		strbuf_addc(out, '}');
	}
	if (t.use_index)
		strbuf_adds(out, "]}");
done:
	otx_free(&t);
	return seq;
}

/* The units a plan row names (its unit, target and parent, ids or codes
 * resolved on its day, before the plan) and their parents that day. */
static int plan_units(struct otx *t, const struct orgops_plan *plan,
		      struct idset *units)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct orgop *op = &plan->rows[i].op;
		const char *lists[3] = {op->org, op->target, op->parent};
		for (int l = 0; l < 3; l++) {
			const char *p = lists[l];
			while (p && *p) {
				size_t n = strcspn(p, ";, ");
				struct hoso_error saved = *t->err;
				int32_t id = n ? resolve(t, p, n, op->day) : 0;
				/* a unit created by an earlier row: not yet */
				*t->err = saved;
				if (id) {
					struct oc *o = org_get(t, id);
					long k = o ? ov_on(o, op->day) : -1;
					if (!o)
						return -1;
					idset_add(units, id);
					if (k >= 0 && o->v[k].parent)
						idset_add(units, o->v[k].parent);
				}
				p += n;
				if (*p)
					p++;
			}
		}
		otx_reset(t);
	}
	return 0;
}

int orgops_plan_run(struct registry *r, const struct orgops_plan *plan,
		    int dry_run, const struct op_meta *meta, struct strbuf *out,
		    struct hoso_error *err)
{
	struct otx t = {.r = r, .db = r->db, .err = err, .in_plan = 1};
	struct idset units = {0};
	int32_t *days = NULL, last = DAY_MIN;
	int64_t *before = NULL, *ubefore = NULL;
	size_t nd = 0, ad = 0;
	int rc = -1;
	char b[11];
	strbuf_init(&t.warnings, 1 << 20);
	/* the distinct effective days, for the whole party's totals */
	for (size_t i = 0; i < plan->n; i++) {
		size_t k;
		int32_t d = plan->rows[i].op.day;
		for (k = 0; k < nd && days[k] != d; k++)
			;
		if (k == nd) {
			ALLOC_GROW(days, nd + 1, ad);
			days[nd++] = d;
		}
		if (d > last)
			last = d;
	}
	before = xcalloc(nd ? nd : 1, sizeof(*before));
	if (db_begin(r->db, 1, err))
		goto done;
	for (size_t k = 0; k < nd; k++)
		if (total_count(&t, days[k], &before[k]))
			goto fail;
	if (plan_units(&t, plan, &units))
		goto fail;
	ubefore = xcalloc(units.n ? units.n : 1, sizeof(*ubefore));
	for (size_t k = 0; k < units.n; k++) {
		int64_t official;
		if (subtree_count(&t, units.ids[k], last, &ubefore[k], &official))
			goto fail;
	}
	strbuf_addf(out, "{\"dry_run\":%s,\"rows\":%zu,\"operations\":[",
		    dry_run ? "true" : "false", plan->n);
	for (size_t i = 0; i < plan->n; i++) {
		const struct orgops_plan_row *row = &plan->rows[i];
		if (i)
			strbuf_addc(out, ',');
		if (otx_one(&t, &row->op, meta,
			    row->reason ? row->reason : (meta ? meta->reason : NULL),
			    row->line ? row->line : (long)i + 2, out) < 0)
			goto fail;
	}
	strbuf_adds(out, "],\"units\":[");
	for (size_t k = 0; k < units.n; k++) {
		int64_t total, official;
		if (subtree_count(&t, units.ids[k], last, &total, &official))
			goto fail;
		strbuf_addf(out, "%s{\"org\":%d,\"on\":\"%s\",\"before\":",
			    k ? "," : "", units.ids[k], fmt_day(last, b));
		json_count(out, ubefore[k]);
		strbuf_adds(out, ",\"after\":");
		json_count(out, total);
		strbuf_addc(out, '}');
	}
	strbuf_adds(out, "],\"totals\":[");
	for (size_t k = 0; k < nd; k++) {
		int64_t total = -1;
		if (total_count(&t, days[k], &total))
			goto fail;
		strbuf_addf(out, "%s{\"on\":\"%s\",\"before\":", k ? "," : "",
			    fmt_day(days[k], b));
		json_count(out, before[k]);
		strbuf_adds(out, ",\"after\":");
		json_count(out, total);
		strbuf_addc(out, '}');
	}
	strbuf_adds(out, "]}");
	if (dry_run) {
		db_rollback(r->db);
		rc = 0;
		goto done;
	}
	if (db_commit(r->db, err))
		goto fail;
	rc = refresh_index(r, &t, err);
	goto done;
fail:
	db_rollback(r->db);
done:
	free(days);
	free(before);
	free(ubefore);
	idset_free(&units);
	otx_free(&t);
	return rc;
}
