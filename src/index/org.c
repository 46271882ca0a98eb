/* org: the organisation tree over time, subtree walks and the per-org step
 * functions that make counting a large subtree a binary search. */
#include <stdlib.h>
#include <string.h>

#include "index/index_int.h"
#include "model/reflist.h"

#include "core/banned.h"

/* ---- id map ---- */

static size_t hash_id(int32_t k, size_t cap)
{
	return (size_t)(((uint32_t)k * 2654435761u) & (uint32_t)(cap - 1));
}

void ix_idmap_init(struct ix_idmap *m, size_t hint)
{
	size_t cap = 64;
	(void)hint; /* dense ids go to the direct array, grown on demand */
	m->keys = xcalloc(cap, sizeof(*m->keys));
	m->vals = xmalloc(cap * sizeof(*m->vals));
	m->cap = cap;
	m->n = 0;
	m->direct = NULL;
	m->n_direct = m->n_dused = 0;
}

void ix_idmap_free(struct ix_idmap *m)
{
	FREE_AND_NULL(m->keys);
	FREE_AND_NULL(m->vals);
	FREE_AND_NULL(m->direct);
	m->cap = m->n = m->n_direct = m->n_dused = 0;
}

int32_t ix_idmap_get(const struct ix_idmap *m, int32_t key)
{
	if (key >= 0 && (size_t)key < m->n_direct)
		return m->direct[key];
	size_t i = hash_id(key, m->cap);
	while (m->keys[i]) {
		if (m->keys[i] == key)
			return m->vals[i];
		i = (i + 1) & (m->cap - 1);
	}
	return -1;
}

/* Ids up to this multiple of the entries (plus a margin) go to the direct
 * array: 4 bytes per possible id beats 16 per entry in the hash. */
#define DIRECT_SPREAD 2
#define DIRECT_MARGIN 4096

static void hash_put(struct ix_idmap *m, int32_t key, int32_t val)
{
	if ((m->n + 1) * 2 > m->cap) {
		struct ix_idmap bigger = {0};
		bigger.cap = m->cap * 2;
		bigger.keys = xcalloc(bigger.cap, sizeof(*bigger.keys));
		bigger.vals = xmalloc(bigger.cap * sizeof(*bigger.vals));
		for (size_t i = 0; i < m->cap; i++)
			if (m->keys[i])
				hash_put(&bigger, m->keys[i], m->vals[i]);
		free(m->keys);
		free(m->vals);
		m->keys = bigger.keys;
		m->vals = bigger.vals;
		m->cap = bigger.cap;
	}
	size_t i = hash_id(key, m->cap);
	while (m->keys[i]) {
		if (m->keys[i] == key) {
			m->vals[i] = val;
			return;
		}
		i = (i + 1) & (m->cap - 1);
	}
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
}

void ix_idmap_put(struct ix_idmap *m, int32_t key, int32_t val)
{
	if (key >= 0 && (size_t)key >= m->n_direct &&
	    (size_t)key < DIRECT_SPREAD * (m->n + m->n_dused + 1) + DIRECT_MARGIN) {
		size_t nd = m->n_direct ? m->n_direct : 1024;
		while (nd <= (size_t)key)
			nd *= 2;
		m->direct = xrealloc(m->direct, nd * sizeof(*m->direct));
		memset(m->direct + m->n_direct, 0xff,
		       (nd - m->n_direct) * sizeof(*m->direct));
		m->n_direct = nd;
		if (m->n) { /* hashed ids now in the direct range move there */
			int32_t *keys = m->keys, *vals = m->vals;
			size_t cap = m->cap;
			m->keys = xcalloc(cap, sizeof(*m->keys));
			m->vals = xmalloc(cap * sizeof(*m->vals));
			m->n = 0;
			for (size_t i = 0; i < cap; i++)
				if (keys[i])
					ix_idmap_put(m, keys[i], vals[i]);
			free(keys);
			free(vals);
		}
	}
	if (key >= 0 && (size_t)key < m->n_direct) {
		m->n_dused += m->direct[key] < 0;
		m->direct[key] = val;
	} else {
		hash_put(m, key, val);
	}
}

/* ---- organisations and versions ---- */

int32_t ix_org_slot(const struct index *ix, int32_t id)
{
	if (id <= 0)
		return -1;
	return ix_idmap_get(&ix->org_map, id);
}

int32_t ix_org_slot_make(struct index *ix, int32_t id)
{
	int32_t s = ix_org_slot(ix, id);
	if (s >= 0)
		return s;
	ALLOC_GROW(ix->orgs, ix->n_orgs + 1, ix->alloc_orgs);
	s = (int32_t)ix->n_orgs++;
	memset(&ix->orgs[s], 0, sizeof(ix->orgs[s]));
	ix->orgs[s].id = id;
	ix->orgs[s].pre = UINT32_MAX; /* ordered by the next ix_tree_order */
	ix_idmap_put(&ix->org_map, id, s);
	return s;
}

int ix_version_on(const struct ix_org *o, int32_t day)
{
	size_t lo = 0, hi = o->n_versions;
	while (lo < hi) { /* first version with from > day */
		size_t mid = (lo + hi) / 2;
		if (o->versions[mid].from <= day)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || day >= o->versions[lo - 1].to)
		return -1;
	return (int)lo - 1;
}

static int cmp_version(const void *a, const void *b)
{
	const struct index_org_version *x = a, *y = b;
	return (x->from > y->from) - (x->from < y->from);
}

static void links_remove_child(struct ix_org *p, int32_t child)
{
	size_t w = 0;
	for (size_t i = 0; i < p->n_links; i++)
		if (p->links[i].child != child)
			p->links[w++] = p->links[i];
	p->n_links = w;
}

static void versions_free(struct ix_org *o)
{
	for (uint32_t i = 0; i < o->n_versions; i++) {
		free((char *)o->versions[i].code);
		free((char *)o->versions[i].name);
	}
	FREE_AND_NULL(o->versions);
	FREE_AND_NULL(o->vparent);
	o->n_versions = 0;
}

void ix_org_set_versions(struct index *ix, int32_t slot,
			 const struct index_org_version *v, size_t n)
{
	struct ix_org *o = &ix->orgs[slot];
	for (uint32_t i = 0; i < o->n_versions; i++)
		if (o->vparent[i] >= 0)
			links_remove_child(&ix->orgs[o->vparent[i]], slot);
	versions_free(o);

	struct index_org_version *nv = xcalloc(n ? n : 1, sizeof(*nv));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i].from >= v[i].to)
			continue; /* an empty version holds on no day */
		nv[k] = v[i];
		nv[k].id = ix->orgs[slot].id;
		nv[k].code = v[i].code && v[i].code[0] ? xstrdup(v[i].code)
						       : NULL;
		nv[k].name = xstrdup(v[i].name ? v[i].name : "");
		k++;
	}
	qsort(nv, k, sizeof(*nv), cmp_version);
	int32_t *vp = xmalloc((k ? k : 1) * sizeof(*vp));
	for (size_t i = 0; i < k; i++) /* may grow ix->orgs */
		vp[i] = nv[i].parent_id > 0 ? ix_org_slot_make(ix, nv[i].parent_id)
					    : -1;
	o = &ix->orgs[slot];
	o->versions = nv;
	o->vparent = vp;
	o->n_versions = (uint32_t)k;
	for (size_t i = 0; i < k; i++) {
		if (vp[i] < 0)
			continue;
		struct ix_org *p = &ix->orgs[vp[i]];
		ALLOC_GROW(p->links, p->n_links + 1, p->alloc_links);
		p->links[p->n_links++] = (struct ix_link){slot, nv[i].from,
							  nv[i].to};
	}
}

void ix_org_release(struct ix_org *o)
{
	versions_free(o);
	FREE_AND_NULL(o->links);
	FREE_AND_NULL(o->recs);
	if (!o->precs_shared)
		free(o->precs);
	o->precs = NULL;
	ix_step_free(&o->step);
}

/* ---- step functions ---- */

void ix_step_free(struct ix_step *s)
{
	FREE_AND_NULL(s->days);
	FREE_AND_NULL(s->val);
	s->n = s->alloc = 0;
}

/* First index with days[i] > day. */
static size_t step_upper(const struct ix_step *s, int32_t day)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->days[mid] <= day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void step_value(const struct ix_step *s, int32_t day, int32_t out[3])
{
	size_t i = step_upper(s, day);
	if (i == 0) {
		out[0] = out[1] = out[2] = 0;
		return;
	}
	memcpy(out, s->val[i - 1], 3 * sizeof(int32_t));
}

static void step_push(struct ix_step *s, int32_t day, const int32_t v[3])
{
	if (s->n + 1 > s->alloc) {
		size_t na = s->alloc ? s->alloc * 2 : 8;
		s->days = xrealloc(s->days, na * sizeof(*s->days));
		s->val = xrealloc(s->val, na * sizeof(*s->val));
		s->alloc = na;
	}
	s->days[s->n] = day;
	memcpy(s->val[s->n], v, 3 * sizeof(int32_t));
	s->n++;
}

/* Makes day a breakpoint of s; returns its index. */
static size_t step_split(struct ix_step *s, int32_t day)
{
	size_t i = step_upper(s, day);
	if (i > 0 && s->days[i - 1] == day)
		return i - 1;
	int32_t v[3] = {0, 0, 0};
	if (i > 0)
		memcpy(v, s->val[i - 1], sizeof(v));
	step_push(s, day, v); /* grow, then move into place */
	memmove(s->days + i + 1, s->days + i, (s->n - 1 - i) * sizeof(*s->days));
	memmove(s->val + i + 1, s->val + i, (s->n - 1 - i) * sizeof(*s->val));
	s->days[i] = day;
	memcpy(s->val[i], v, sizeof(v));
	return i;
}

/* Drops breakpoint i when it repeats the value before it (0 before the
 * first): the function keeps the form a fresh computation gives it, so
 * updates that cancel out (a record removed and put back, a move between
 * two orgs under a common ancestor) leave nothing behind. */
static void step_merge(struct ix_step *s, size_t i)
{
	static const int32_t zero[3] = {0, 0, 0};
	if (i >= s->n || memcmp(i ? s->val[i - 1] : zero, s->val[i],
				sizeof(s->val[i])))
		return;
	memmove(s->days + i, s->days + i + 1, (s->n - i - 1) * sizeof(*s->days));
	memmove(s->val + i, s->val + i + 1, (s->n - i - 1) * sizeof(*s->val));
	s->n--;
}

struct ev3 {
	int32_t day;
	int32_t d[3];
};
struct evbuf {
	struct ev3 *e;
	size_t n, alloc;
};

static void emit(struct evbuf *b, int32_t day, int32_t d0, int32_t d1,
		 int32_t d2)
{
	if (day == DAY_MAX || (!d0 && !d1 && !d2))
		return; /* an end on DAY_MAX never comes */
	ALLOC_GROW(b->e, b->n + 1, b->alloc);
	b->e[b->n++] = (struct ev3){day, {d0, d1, d2}};
}

/* Emits the step function of s restricted to [f, t). */
static void emit_slice(struct evbuf *b, const struct ix_step *s, int32_t f,
		       int32_t t)
{
	int32_t v[3];
	step_value(s, f, v);
	emit(b, f, v[0], v[1], v[2]);
	for (size_t j = step_upper(s, f); j < s->n && s->days[j] < t; j++) {
		emit(b, s->days[j], s->val[j][0] - v[0], s->val[j][1] - v[1],
		     s->val[j][2] - v[2]);
		memcpy(v, s->val[j], sizeof(v));
	}
	emit(b, t, -v[0], -v[1], -v[2]);
}

static void collect(struct index *ix, int32_t slot, int32_t f, int32_t t,
		    struct evbuf *b, int depth, int32_t top)
{
	if (depth > IX_DEPTH_MAX || f >= t)
		return;
	if (slot != top && ix->orgs[slot].big &&
	    ix->orgs[slot].step_state == STEP_NONE)
		ix_step_compute(ix, slot);
	const struct ix_org *o = &ix->orgs[slot];
	if (slot != top && o->step_state == STEP_DONE) {
		emit_slice(b, &o->step, f, t);
		return;
	}
	for (uint32_t i = 0; i < o->n_versions; i++) {
		const struct index_org_version *v = &o->versions[i];
		int32_t a = v->from > f ? v->from : f;
		int32_t z = v->to < t ? v->to : t;
		int g = org_kind_is_grassroots(v->kind);
		int c = org_kind_holds_members(v->kind);
		if (a < z && (g || c)) {
			emit(b, a, 0, g, c);
			emit(b, z, 0, -g, -c);
		}
	}
	for (size_t i = 0; i < o->n_recs; i++) {
		const struct ix_rec *r = &o->recs[i];
		int32_t a = r->from > f ? r->from : f;
		int32_t z = r->to < t ? r->to : t;
		if (a < z) {
			emit(b, a, 1, 0, 0);
			emit(b, z, -1, 0, 0);
		}
	}
	for (size_t i = 0; i < o->n_precs; i++) {
		int32_t rf = ix_prec_day(o->precs[i].from);
		int32_t rt = ix_prec_day(o->precs[i].to);
		int32_t a = rf > f ? rf : f;
		int32_t z = rt < t ? rt : t;
		if (a < z) {
			emit(b, a, 1, 0, 0);
			emit(b, z, -1, 0, 0);
		}
	}
	for (size_t i = 0; i < o->n_links; i++) {
		/* o may move when a child's computation grows nothing, but
		 * re-read it anyway: ix->orgs is not reallocated here. */
		const struct ix_link *l = &ix->orgs[slot].links[i];
		int32_t a = l->from > f ? l->from : f;
		int32_t z = l->to < t ? l->to : t;
		collect(ix, l->child, a, z, b, depth + 1, top);
	}
}

static int cmp_ev3(const void *a, const void *b)
{
	const struct ev3 *x = a, *y = b;
	return (x->day > y->day) - (x->day < y->day);
}

/* Sorts events by day: radix sort (three passes of 11 bits) when many, as
 * the build sorts millions of them. Only the per-day sums matter, so the
 * order within a day is free. */
static void ev3_sort(struct ev3 *e, size_t n)
{
	if (n < 256) {
		qsort(e, n, sizeof(*e), cmp_ev3);
		return;
	}
	struct ev3 *tmp = xmalloc(n * sizeof(*tmp)), *src = e, *dst = tmp;
	for (int shift = 0; shift < 33; shift += 11) {
		size_t cnt[2048] = {0};
		for (size_t i = 0; i < n; i++)
			cnt[(((uint32_t)src[i].day ^ 0x80000000u) >> shift) & 2047]++;
		size_t sum = 0;
		for (int k = 0; k < 2048; k++) {
			size_t c = cnt[k];
			cnt[k] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[(((uint32_t)src[i].day ^ 0x80000000u) >> shift) &
				2047]++] = src[i];
		struct ev3 *t = src;
		src = dst;
		dst = t;
	}
	if (src != e) /* three passes: the result is in tmp */
		memcpy(e, src, n * sizeof(*e));
	free(tmp);
}

void ix_step_compute(struct index *ix, int32_t slot)
{
	struct ix_org *o = &ix->orgs[slot];
	struct evbuf b = {NULL, 0, 0};
	ix_step_free(&o->step);
	o->step_state = STEP_BUSY;
	for (uint32_t i = 0; i < ix->orgs[slot].n_versions; i++)
		collect(ix, slot, ix->orgs[slot].versions[i].from,
			ix->orgs[slot].versions[i].to, &b, 0, slot);
	ev3_sort(b.e, b.n);
	o = &ix->orgs[slot];
	int32_t cur[3] = {0, 0, 0};
	for (size_t i = 0; i < b.n;) {
		int32_t day = b.e[i].day;
		for (; i < b.n && b.e[i].day == day; i++)
			for (int k = 0; k < 3; k++)
				cur[k] += b.e[i].d[k];
		if (o->step.n &&
		    !memcmp(o->step.val[o->step.n - 1], cur, sizeof(cur)))
			continue;
		if (!o->step.n && !cur[0] && !cur[1] && !cur[2])
			continue;
		step_push(&o->step, day, cur);
	}
	free(b.e);
	o->step_state = STEP_DONE;
}

void ix_steps_compute_all(struct index *ix)
{
	for (size_t s = 0; s < ix->n_orgs; s++)
		if (ix->orgs[s].big && ix->orgs[s].step_state != STEP_DONE)
			ix_step_compute(ix, (int32_t)s);
}

void ix_step_add(struct index *ix, int32_t slot, int32_t from, int32_t to,
		 int k, int32_t delta, int depth)
{
	if (from >= to || depth > IX_DEPTH_MAX)
		return;
	struct ix_org *o = &ix->orgs[slot];
	if (o->step_state == STEP_DONE) {
		size_t i = step_split(&o->step, from);
		size_t end = to == DAY_MAX ? o->step.n : step_split(&o->step, to);
		for (size_t j = i; j < end; j++)
			o->step.val[j][k] += delta;
		/* the later one first: it does not move the earlier */
		step_merge(&o->step, end);
		step_merge(&o->step, i);
	}
	for (uint32_t i = 0; i < o->n_versions; i++) {
		if (o->vparent[i] < 0)
			continue;
		int32_t a = o->versions[i].from > from ? o->versions[i].from : from;
		int32_t z = o->versions[i].to < to ? o->versions[i].to : to;
		ix_step_add(ix, o->vparent[i], a, z, k, delta, depth + 1);
	}
}

/* An org is big when its subtree over all time weighs more than
 * IX_BIG_WEIGHT: 1 per org (each version under a parent) and 1 per 32
 * placements. The walk stops at the threshold, so marking is linear. */
void ix_mark_big(struct index *ix)
{
	int32_t *stack = NULL;
	size_t alloc = 0;
	for (size_t s = 0; s < ix->n_orgs; s++) {
		size_t n = 0, weight = 0;
		ALLOC_GROW(stack, 1, alloc);
		stack[n++] = (int32_t)s;
		while (n && weight <= IX_BIG_WEIGHT) {
			const struct ix_org *o = &ix->orgs[stack[--n]];
			weight += 1 + (o->n_recs + o->n_precs) / 32;
			for (size_t i = 0; i < o->n_links && n < 4 * IX_BIG_WEIGHT;
			     i++) {
				ALLOC_GROW(stack, n + 1, alloc);
				stack[n++] = o->links[i].child;
			}
		}
		ix->orgs[s].big = weight > IX_BIG_WEIGHT;
	}
	free(stack);
}

/* ---- subtree walks ---- */

static void subtree_sum(const struct index *ix, int32_t slot, int32_t day,
			int64_t out[3], int depth)
{
	if (depth > IX_DEPTH_MAX)
		return;
	const struct ix_org *o = &ix->orgs[slot];
	if (o->step_state == STEP_DONE) {
		int32_t v[3];
		step_value(&o->step, day, v);
		out[0] += v[0];
		out[1] += v[1];
		out[2] += v[2];
		return;
	}
	int vi = ix_version_on(o, day);
	if (vi < 0)
		return;
	out[1] += org_kind_is_grassroots(o->versions[vi].kind);
	out[2] += org_kind_holds_members(o->versions[vi].kind);
	for (size_t i = 0; i < o->n_recs; i++)
		out[0] += o->recs[i].from <= day && day < o->recs[i].to;
	uint16_t d = ix_p_clamp(day, 0xFFFE);
	for (size_t i = 0; i < o->n_precs; i++)
		out[0] += o->precs[i].from <= d && d < o->precs[i].to;
	for (size_t i = 0; i < o->n_links; i++)
		if (o->links[i].from <= day && day < o->links[i].to)
			subtree_sum(ix, o->links[i].child, day, out, depth + 1);
}

void ix_subtree_sum(const struct index *ix, int32_t slot, int32_t day,
		    int64_t out[3])
{
	out[0] = out[1] = out[2] = 0;
	subtree_sum(ix, slot, day, out, 0);
}

/* ---- preorder of the union of the trees, and subtree states ---- */

void ix_rseg_sync(struct index *ix, int32_t slot)
{
	const struct ix_org *o = &ix->orgs[slot];
	if (ix->rseg && o->pre < ix->n_pre)
		ix->rseg[o->pre] = (struct ix_rseg){
			o->precs, o->recs, (uint32_t)o->n_precs,
			(uint32_t)o->n_recs};
}

struct dfs_frame {
	int32_t slot;
	size_t link;
};

void ix_tree_order(struct index *ix)
{
	size_t n = ix->n_orgs, pos = 0, n_nodes = 0;
	free(ix->pre_org);
	free(ix->pre_end);
	free(ix->node_off);
	free(ix->nodes);
	free(ix->rseg);
	free(ix->moved);
	ix->pre_org = xmalloc((n ? n : 1) * sizeof(*ix->pre_org));
	ix->pre_end = xmalloc((n ? n : 1) * sizeof(*ix->pre_end));
	ix->node_off = xmalloc((n + 1) * sizeof(*ix->node_off));
	ix->rseg = xmalloc((n ? n : 1) * sizeof(*ix->rseg));
	ix->moved = NULL;
	ix->n_moved = 0;
	for (size_t s = 0; s < n; s++) {
		ix->orgs[s].pre = UINT32_MAX;
		n_nodes += ix->orgs[s].n_versions;
	}
	struct dfs_frame *stack = NULL;
	size_t alloc = 0;
	/* From the roots first, then whatever only cycles reach. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t s = 0; s < n; s++) {
			const struct ix_org *o = &ix->orgs[s];
			if (o->pre != UINT32_MAX)
				continue;
			int root = 0;
			for (uint32_t i = 0; i < o->n_versions && !root; i++)
				root = o->vparent[i] < 0;
			if (!pass && !root)
				continue;
			size_t k = 0;
			ALLOC_GROW(stack, 1, alloc);
			stack[k++] = (struct dfs_frame){(int32_t)s, 0};
			ix->orgs[s].pre = (uint32_t)pos;
			ix->pre_org[pos++] = (int32_t)s;
			while (k) {
				struct dfs_frame *f = &stack[k - 1];
				const struct ix_org *fo = &ix->orgs[f->slot];
				if (f->link < fo->n_links) {
					int32_t c = fo->links[f->link++].child;
					if (ix->orgs[c].pre != UINT32_MAX)
						continue;
					ix->orgs[c].pre = (uint32_t)pos;
					ix->pre_org[pos++] = c;
					ALLOC_GROW(stack, k + 1, alloc);
					stack[k++] = (struct dfs_frame){c, 0};
				} else {
					ix->pre_end[fo->pre] = (uint32_t)pos;
					k--;
				}
			}
		}
	}
	free(stack);
	ix->n_pre = pos;
	ix->nodes = xmalloc((n_nodes ? n_nodes : 1) * sizeof(*ix->nodes));
	size_t k = 0;
	for (size_t p = 0; p < pos; p++) {
		int32_t s = ix->pre_org[p];
		const struct ix_org *o = &ix->orgs[s];
		ix->node_off[p] = (uint32_t)k;
		for (uint32_t i = 0; i < o->n_versions; i++)
			ix->nodes[k++] = (struct ix_tnode){
				s, o->versions[i].from, o->versions[i].to,
				o->vparent[i]};
		ix->rseg[p] = (struct ix_rseg){o->precs, o->recs,
					       (uint32_t)o->n_precs,
					       (uint32_t)o->n_recs};
	}
	ix->node_off[pos] = (uint32_t)k;
	/* Moved: the versions outside their parent's range. */
	size_t alloc_moved = 0;
	for (size_t i = 0; i < k; i++) {
		const struct ix_tnode *nd = &ix->nodes[i];
		if (nd->parent < 0)
			continue;
		uint32_t pp = ix->orgs[nd->parent].pre, op = ix->orgs[nd->org].pre;
		if (pp < op && op < ix->pre_end[pp])
			continue;
		ALLOC_GROW(ix->moved, ix->n_moved + 1, alloc_moved);
		ix->moved[ix->n_moved++] = *nd;
	}
}

/* Decides slot by walking up on day (deciding the orgs on the way). */
static uint8_t resolve(const struct index *ix, int32_t top, int32_t day,
		       uint8_t *st, int32_t slot)
{
	int32_t path[IX_DEPTH_MAX];
	int n = 0;
	uint8_t res = SUB_OUT;
	int32_t cur = slot;
	while (n < IX_DEPTH_MAX) {
		if (st[cur]) {
			res = st[cur] == SUB_OUT ? SUB_OUT : SUB_IN;
			break;
		}
		path[n++] = cur;
		int vi = ix_version_on(&ix->orgs[cur], day);
		if (vi < 0)
			break;
		if (cur == top) {
			res = SUB_IN;
			break;
		}
		cur = ix->orgs[cur].vparent[vi];
		if (cur < 0)
			break;
	}
	for (int i = 0; i < n; i++)
		st[path[i]] = res;
	return res;
}

/* Decides the orgs alive on day at positions [p, q), parents first (a
 * parent later in the order, or outside, is resolved by walking). */
static void nodes_pass(const struct index *ix, int32_t top, int32_t day,
		       uint8_t *st, uint32_t p, uint32_t q)
{
	const struct ix_tnode *nd = ix->nodes + ix->node_off[p];
	const struct ix_tnode *end = ix->nodes + ix->node_off[q];
	for (; nd < end; nd++) {
		if (st[nd->org] || nd->from > day || day >= nd->to)
			continue;
		uint8_t ps = nd->parent < 0 ? SUB_OUT
			     : st[nd->parent] ? st[nd->parent]
					      : resolve(ix, top, day, st,
							nd->parent);
		st[nd->org] = ps == SUB_OUT ? SUB_OUT : SUB_IN;
	}
}

/* The same over the range of position p (the top's own subtree). */
static void range_pass(const struct index *ix, int32_t top, int32_t day,
		       uint8_t *st, uint32_t p)
{
	nodes_pass(ix, top, day, st, p, ix->pre_end[p]);
}

static void range_list(const struct index *ix, uint8_t *st, uint32_t p,
		       uint32_t **list, size_t *n, size_t *alloc)
{
	for (uint32_t q = p; q < ix->pre_end[p]; q++) {
		int32_t o = ix->pre_org[q];
		if (st[o] != SUB_IN)
			continue;
		st[o] = SUB_LISTED;
		ALLOC_GROW(*list, *n + 1, *alloc);
		(*list)[(*n)++] = q;
	}
}

void ix_subtree_prime(const struct index *ix, int32_t top, int32_t day,
		      uint8_t *st, int all)
{
	st[top] = SUB_IN;
	if (all)
		nodes_pass(ix, top, day, st, 0, (uint32_t)ix->n_pre);
	else if (ix->orgs[top].pre < ix->n_pre)
		range_pass(ix, top, day, st, ix->orgs[top].pre);
}

int ix_subtree_in(const struct index *ix, int32_t top, int32_t day,
		  uint8_t *st, int32_t org)
{
	if (org < 0)
		return 0;
	uint8_t s = st[org] ? st[org] : resolve(ix, top, day, st, org);
	return s != SUB_OUT;
}

void ix_subtree_states(const struct index *ix, int32_t top, int32_t day,
		       uint8_t *st, uint32_t **list, size_t *n,
		       size_t *alloc)
{
	uint32_t p = ix->orgs[top].pre;
	st[top] = SUB_IN;
	if (p >= ix->n_pre)
		return;
	range_pass(ix, top, day, st, p);
	range_list(ix, st, p, list, n, alloc);
	/* A moved version holding on day whose parent is in brings its org's
	 * range in; repeat until none does (moves under moves). */
	for (int more = 1; more;) {
		more = 0;
		for (size_t i = 0; i < ix->n_moved; i++) {
			const struct ix_tnode *e = &ix->moved[i];
			if (e->from > day || day >= e->to ||
			    st[e->org] == SUB_LISTED ||
			    (st[e->parent] != SUB_IN &&
			     st[e->parent] != SUB_LISTED))
				continue;
			uint32_t q = ix->orgs[e->org].pre;
			st[e->org] = SUB_IN;
			range_pass(ix, top, day, st, q);
			range_list(ix, st, q, list, n, alloc);
			more = 1;
		}
	}
}

/* ---- chain memo with validity intervals ---- */

void ix_cmemo_init(struct ix_cmemo *m, const struct index *ix, int32_t top)
{
	m->e = xcalloc(ix->n_orgs ? ix->n_orgs : 1, sizeof(*m->e));
	m->top = top;
}

void ix_cmemo_release(struct ix_cmemo *m)
{
	FREE_AND_NULL(m->e);
}

/* The days around day on which o has no version: [a, b). */
static void version_gap(const struct ix_org *o, int32_t day, int32_t *a,
			int32_t *b)
{
	*a = DAY_MIN;
	*b = DAY_MAX;
	for (uint32_t i = 0; i < o->n_versions; i++) {
		if (o->versions[i].to <= day && o->versions[i].to > *a)
			*a = o->versions[i].to;
		if (o->versions[i].from > day && o->versions[i].from < *b)
			*b = o->versions[i].from;
	}
}

int32_t ix_chain(const struct index *ix, struct ix_cmemo *m, int32_t org,
		 int32_t day)
{
	struct {
		int32_t slot, from, to;
	} path[IX_DEPTH_MAX];
	int n = 0;
	int32_t res = m->top >= 0 ? 0 : -1, a = DAY_MIN, b = DAY_MAX;
	int32_t cur = org;
	if (org < 0)
		return res;
	while (n < IX_DEPTH_MAX) {
		const struct ix_cmemo_ent *e = &m->e[cur];
		if (e->from <= day && day < e->to) {
			res = e->res;
			a = e->from;
			b = e->to;
			break;
		}
		const struct ix_org *o = &ix->orgs[cur];
		int vi = ix_version_on(o, day);
		path[n].slot = cur;
		if (vi < 0) { /* broken here: out, or no top */
			version_gap(o, day, &path[n].from, &path[n].to);
			n++;
			break;
		}
		path[n].from = o->versions[vi].from;
		path[n].to = o->versions[vi].to;
		n++;
		if (m->top >= 0 && cur == m->top) {
			res = 1;
			break;
		}
		int32_t p = o->vparent[vi];
		if (p < 0) {
			if (m->top < 0)
				res = cur;
			break;
		}
		cur = p;
	}
	for (int i = n - 1; i >= 0; i--) {
		if (path[i].from > a)
			a = path[i].from;
		if (path[i].to < b)
			b = path[i].to;
		m->e[path[i].slot] = (struct ix_cmemo_ent){res, a, b};
	}
	return res;
}
