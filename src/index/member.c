/* member: members and their places, the placements packed per org for
 * counting, and the day-bucketed events of Q5 (built in bulk, then kept up
 * to date one member at a time). */
#include <stdlib.h>
#include <string.h>

#include "index/index_int.h"
#include "model/reflist.h"

#include "core/banned.h"

int32_t ix_member_slot(const struct index *ix, int32_t id)
{
	if (id <= 0)
		return -1;
	return ix_idmap_get(&ix->member_map, id);
}

uint8_t ix_attr_code(const struct index_member *m)
{
	unsigned th = m->theory < TH_COUNT ? m->theory : 0;
	unsigned ex = m->expertise < EXP_COUNT ? m->expertise : 0;
	unsigned c = (unsigned)(m->sex ? 1 : 0);
	c = c * 2 + (m->kinh ? 1 : 0);
	c = c * 2 + (m->religion ? 1 : 0);
	c = c * TH_COUNT + th;
	c = c * EXP_COUNT + ex;
	return (uint8_t)c;
}

int32_t ix_place_on(const struct index *ix, const struct ix_member *mb,
		    int32_t day)
{
	const struct ix_place *p = ix_places(ix, mb);
	for (uint32_t i = 0; i < mb->n_places; i++)
		if (p[i].from <= day && day < p[i].to)
			return p[i].org;
	return -1;
}

/* ---- strings that never move ---- */

/* Chunks of this size hold many short strings (card numbers). */
#define ARENA_CHUNK ((size_t)1 << 20)

char *ix_arena_dup(struct ix_arena *a, const char *s, size_t n)
{
	size_t need = n + 1;
	char *p;
	if (need > a->left) {
		size_t sz = need > ARENA_CHUNK / 4 ? need : ARENA_CHUNK;
		char *c = xmalloc(sz);
		ALLOC_GROW(a->chunks, a->n_chunks + 1, a->alloc_chunks);
		a->chunks[a->n_chunks++] = c;
		a->bytes += sz;
		if (sz == need) { /* a long string: its own chunk */
			memcpy(c, s, n);
			c[n] = '\0';
			return c;
		}
		a->cur = c;
		a->left = sz;
	}
	p = a->cur;
	memcpy(p, s, n);
	p[n] = '\0';
	a->cur += need;
	a->left -= need;
	return p;
}

void ix_arena_free(struct ix_arena *a)
{
	for (size_t i = 0; i < a->n_chunks; i++)
		free(a->chunks[i]);
	FREE_AND_NULL(a->chunks);
	a->n_chunks = a->alloc_chunks = a->left = a->bytes = 0;
	a->cur = NULL;
}

/* ---- Q5 events by day ---- */

static size_t day_lower(const struct index *ix, int32_t day)
{
	size_t lo = 0, hi = ix->n_days;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ix->days[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The bucket of day; made when absent (after the build: a new day is rare
 * and the array holds tens of thousands of days, so a shift is cheap). */
static struct ix_day *day_get(struct index *ix, int32_t day, int make)
{
	size_t i = day_lower(ix, day);
	if (i < ix->n_days && ix->days[i].day == day)
		return &ix->days[i];
	if (!make)
		return NULL;
	ALLOC_GROW(ix->days, ix->n_days + 1, ix->alloc_days);
	memmove(ix->days + i + 1, ix->days + i,
		(ix->n_days - i) * sizeof(*ix->days));
	ix->n_days++;
	memset(&ix->days[i], 0, sizeof(ix->days[i]));
	ix->days[i].day = day;
	ix->days[i].root = -1;
	return &ix->days[i];
}

/* One event of a member: a plain event (type < EV_MOVE) or a move. */
struct mev {
	int32_t day;
	int type;
	struct ix_event ev;
	struct ix_move mv;
};

/* Calls fn for every Q5 event of member slot s (events without a place on
 * their day are counted nowhere, so they are not made). */
static void span_events(const struct index *ix, int32_t s,
			const struct ix_span *m,
			void (*fn)(void *, const struct mev *), void *arg);

static void member_events_each(const struct index *ix, int32_t s,
			       void (*fn)(void *, const struct mev *),
			       void *arg)
{
	const struct ix_member *mb = &ix->members[s];
	const struct index_member *m = &mb->m;
	const struct ix_place *pl = ix_places(ix, mb);
	struct ix_span cur = {m->admitted, m->official, m->ended, m->status};
	size_t n_pe;
	const struct index_period *pe = ix_periods_of(ix, m->id, &n_pe);
	struct mev e;
	for (size_t i = 0; i < n_pe; i++) {
		struct ix_span sp = {pe[i].admitted, pe[i].official,
				     pe[i].ended, pe[i].status};
		span_events(ix, s, &sp, fn, arg);
	}
	span_events(ix, s, &cur, fn, arg);
	memset(&e, 0, sizeof(e));
	for (uint32_t i = 1; i < mb->n_places; i++) {
		/* a readmission is an admission, not a move: a move joins
		 * two places of the same period */
		if (n_pe) {
			struct ix_span a, b;
			ix_span_of(ix, m, pl[i - 1].from, &a);
			ix_span_of(ix, m, pl[i].from, &b);
			if (a.admitted != b.admitted)
				continue;
		}
		e.day = pl[i].from;
		e.type = EV_MOVE;
		e.mv = (struct ix_move){s, pl[i].org, pl[i - 1].org,
					pl[i - 1].to - 1};
		fn(arg, &e);
	}
}

/* The admission, recognition and ending of one membership period. */
static void span_events(const struct index *ix, int32_t s,
			const struct ix_span *m,
			void (*fn)(void *, const struct mev *), void *arg)
{
	const struct ix_member *mb = &ix->members[s];
	struct mev e;
	int32_t org;
	memset(&e, 0, sizeof(e));
	if (m->admitted != DAY_MIN && m->admitted != DAY_MAX &&
	    (org = ix_place_on(ix, mb, m->admitted)) >= 0) {
		e.day = m->admitted;
		e.type = EV_ADMITTED;
		e.ev = (struct ix_event){s | (int32_t)((uint32_t)EV_ADMITTED << 28),
					 org};
		fn(arg, &e);
	}
	if (m->official != DAY_MIN && m->official != DAY_MAX &&
	    (org = ix_place_on(ix, mb, m->official)) >= 0) {
		e.day = m->official;
		e.type = EV_OFFICIAL;
		e.ev = (struct ix_event){s | (int32_t)((uint32_t)EV_OFFICIAL << 28),
					 org};
		fn(arg, &e);
	}
	int type = m->status == ST_LEFT ? EV_LEFT
		   : m->status == ST_EXPELLED ? EV_EXPELLED
		   : m->status == ST_DECEASED ? EV_DIED : -1;
	if (type >= 0 && m->ended != DAY_MAX && m->ended != DAY_MIN &&
	    (org = ix_place_on(ix, mb, m->ended - 1)) >= 0) {
		e.day = m->ended;
		e.type = type;
		e.ev = (struct ix_event){s | (int32_t)((uint32_t)type << 28), org};
		fn(arg, &e);
	}
}

/* The top of org's chain on day (-1: broken), by walking up. */
static int32_t chain_top(const struct index *ix, int32_t org, int32_t day)
{
	for (int depth = 0; depth < IX_DEPTH_MAX && org >= 0; depth++) {
		const struct ix_org *o = &ix->orgs[org];
		int vi = ix_version_on(o, day);
		if (vi < 0)
			return -1;
		if (o->vparent[vi] < 0)
			return org;
		org = o->vparent[vi];
	}
	return -1;
}

/* Adds sign x event e to the root answer of its bucket d, the tops of its
 * chains given (t1: the place on the day, t0: the previous place). */
static void root_count(struct ix_day *d, const struct mev *e, int32_t t1,
		       int32_t t0, int sign)
{
	if (d->root == -2)
		return;
	int32_t tops[2] = {t1, e->type == EV_MOVE ? t0 : -1};
	for (int i = 0; i < 2; i++) {
		if (tops[i] < 0 || tops[i] == d->root)
			continue;
		if (d->root == -1 && sign > 0) {
			d->root = tops[i];
			continue;
		}
		d->root = -2; /* two roots, or a removal that does not fit */
		return;
	}
	if (e->type != EV_MOVE) {
		if (t1 >= 0)
			d->cnt[e->type] += sign;
		return;
	}
	int was = t0 >= 0 && t0 == d->root, is = t1 >= 0 && t1 == d->root;
	d->cnt[5] += sign * (!was && is);
	d->cnt[6] += sign * (was && !is);
}

static void root_event(const struct index *ix, struct ix_day *d,
		       const struct mev *e, int sign)
{
	if (d->root == -2)
		return;
	if (e->type == EV_MOVE)
		root_count(d, e, chain_top(ix, e->mv.org, e->day),
			   chain_top(ix, e->mv.prev_org, e->mv.prev_last), sign);
	else
		root_count(d, e,
			   chain_top(ix, e->ev.org,
				     e->type <= EV_OFFICIAL ? e->day : e->day - 1),
			   -1, sign);
}

/* A day's event arrays start at one entry and double: most days made by
 * updates hold a few events, and ALLOC_GROW's first 16 would be most of
 * their size. */
#define GROW_SMALL(arr, n, alloc)                                            \
	do {                                                                 \
		if ((size_t)(n) > (alloc)) {                                 \
			size_t na_ = (alloc) ? 2 * (alloc) : 1;              \
			if (na_ < (size_t)(n))                               \
				na_ = (size_t)(n);                           \
			(arr) = xrealloc((arr), na_ * sizeof(*(arr)));       \
			(alloc) = na_;                                       \
		}                                                            \
	} while (0)

static void event_add(void *arg, const struct mev *e)
{
	struct index *ix = arg;
	struct ix_day *d = day_get(ix, e->day, 1);
	root_event(ix, d, e, 1);
	if (e->type == EV_MOVE) {
		GROW_SMALL(d->mv, d->n_mv + 1, d->alloc_mv);
		d->mv[d->n_mv++] = e->mv;
	} else {
		GROW_SMALL(d->ev, d->n_ev + 1, d->alloc_ev);
		d->ev[d->n_ev++] = e->ev;
	}
}

/* A bucket left without events goes, as a fresh build would not make it
 * (updates on ever new days would otherwise leave a trail of them). */
static void day_drop_if_empty(struct index *ix, struct ix_day *d)
{
	if (d->n_ev || d->n_mv)
		return;
	size_t i = (size_t)(d - ix->days);
	free(d->ev);
	free(d->mv);
	memmove(ix->days + i, ix->days + i + 1,
		(ix->n_days - i - 1) * sizeof(*ix->days));
	ix->n_days--;
}

static void event_remove(void *arg, const struct mev *e)
{
	struct index *ix = arg;
	struct ix_day *d = day_get(ix, e->day, 0);
	if (!d)
		return;
	if (e->type == EV_MOVE) {
		for (size_t i = 0; i < d->n_mv; i++)
			if (!memcmp(&d->mv[i], &e->mv, sizeof(e->mv))) {
				d->mv[i] = d->mv[--d->n_mv];
				root_event(ix, d, e, -1);
				day_drop_if_empty(ix, d);
				return;
			}
	} else {
		for (size_t i = 0; i < d->n_ev; i++)
			if (d->ev[i].member == e->ev.member &&
			    d->ev[i].org == e->ev.org) {
				d->ev[i] = d->ev[--d->n_ev];
				root_event(ix, d, e, -1);
				day_drop_if_empty(ix, d);
				return;
			}
	}
}

/* Bulk build: a hash from day to a counter slot, then exact buckets. */
struct dayhash {
	int32_t *day;
	uint32_t *slot; /* UINT32_MAX: empty */
	size_t cap, n;
	size_t *n_ev, *n_mv;
};

static size_t dayhash_find(struct dayhash *h, int32_t day)
{
	size_t i = ((uint32_t)day * 2654435761u) & (h->cap - 1);
	while (h->slot[i] != UINT32_MAX && h->day[i] != day)
		i = (i + 1) & (h->cap - 1);
	return i;
}

static void dayhash_grow(struct dayhash *h)
{
	struct dayhash b = *h;
	b.cap = h->cap ? h->cap * 2 : 4096;
	b.day = xmalloc(b.cap * sizeof(*b.day));
	b.slot = xmalloc(b.cap * sizeof(*b.slot));
	memset(b.slot, 0xff, b.cap * sizeof(*b.slot));
	for (size_t i = 0; i < h->cap; i++)
		if (h->slot[i] != UINT32_MAX) {
			size_t j = dayhash_find(&b, h->day[i]);
			b.day[j] = h->day[i];
			b.slot[j] = h->slot[i];
		}
	b.n_ev = xrealloc(h->n_ev, b.cap * sizeof(*b.n_ev));
	b.n_mv = xrealloc(h->n_mv, b.cap * sizeof(*b.n_mv));
	free(h->day);
	free(h->slot);
	*h = b;
}

static void event_count(void *arg, const struct mev *e)
{
	struct dayhash *h = arg;
	if ((h->n + 1) * 2 > h->cap)
		dayhash_grow(h);
	size_t i = dayhash_find(h, e->day);
	if (h->slot[i] == UINT32_MAX) {
		h->day[i] = e->day;
		h->slot[i] = (uint32_t)h->n;
		h->n_ev[h->n] = h->n_mv[h->n] = 0;
		h->n++;
	}
	if (e->type == EV_MOVE)
		h->n_mv[h->slot[i]]++;
	else
		h->n_ev[h->slot[i]]++;
}

struct event_fill {
	struct index *ix;
	struct dayhash *h;
	uint32_t *rank; /* counter slot -> index in ix->days */
};

static void event_fill(void *arg, const struct mev *e)
{
	struct event_fill *f = arg;
	size_t i = dayhash_find(f->h, e->day);
	struct ix_day *d = &f->ix->days[f->rank[f->h->slot[i]]];
	if (e->type == EV_MOVE)
		d->mv[d->n_mv++] = e->mv;
	else
		d->ev[d->n_ev++] = e->ev;
}

static int cmp_day(const void *a, const void *b)
{
	const struct ix_day *x = a, *y = b;
	return (x->day > y->day) - (x->day < y->day);
}

void ix_events_build(struct index *ix)
{
	struct dayhash h = {0};
	dayhash_grow(&h);
	for (size_t s = 0; s < ix->n_members; s++)
		member_events_each(ix, (int32_t)s, event_count, &h);
	ix->days = xcalloc(h.n ? h.n : 1, sizeof(*ix->days));
	ix->n_days = ix->alloc_days = h.n;
	for (size_t i = 0; i < h.cap; i++) {
		if (h.slot[i] == UINT32_MAX)
			continue;
		struct ix_day *d = &ix->days[h.slot[i]];
		d->day = h.day[i];
		/* the bucket's slot is kept in n_ev until sorted */
		d->alloc_ev = h.n_ev[h.slot[i]];
		d->alloc_mv = h.n_mv[h.slot[i]];
		d->n_ev = h.slot[i];
	}
	qsort(ix->days, ix->n_days, sizeof(*ix->days), cmp_day);
	uint32_t *rank = xmalloc((h.n ? h.n : 1) * sizeof(*rank));
	for (size_t i = 0; i < ix->n_days; i++) {
		struct ix_day *d = &ix->days[i];
		rank[d->n_ev] = (uint32_t)i;
		d->n_ev = 0;
		d->ev = d->alloc_ev ? xmalloc(d->alloc_ev * sizeof(*d->ev)) : NULL;
		d->mv = d->alloc_mv ? xmalloc(d->alloc_mv * sizeof(*d->mv)) : NULL;
	}
	struct event_fill f = {ix, &h, rank};
	for (size_t s = 0; s < ix->n_members; s++)
		member_events_each(ix, (int32_t)s, event_fill, &f);
	free(rank);
	ix_days_roots(ix, DAY_MIN);
	free(h.day);
	free(h.slot);
	free(h.n_ev);
	free(h.n_mv);
}

void ix_days_roots(struct index *ix, int32_t from)
{
	struct ix_cmemo m;
	ix_cmemo_init(&m, ix, -1);
	for (size_t i = day_lower(ix, from); i < ix->n_days; i++) {
		struct ix_day *d = &ix->days[i];
		int32_t t = d->day;
		d->root = -1;
		memset(d->cnt, 0, sizeof(d->cnt));
		for (size_t k = 0; k < d->n_ev && d->root != -2; k++) {
			struct mev e;
			e.type = (int)((uint32_t)d->ev[k].member >> 28);
			root_count(d, &e,
				   ix_chain(ix, &m, d->ev[k].org,
					    e.type <= EV_OFFICIAL ? t : t - 1),
				   -1, 1);
		}
		for (size_t k = 0; k < d->n_mv && d->root != -2; k++) {
			struct mev e;
			e.type = EV_MOVE;
			root_count(d, &e, ix_chain(ix, &m, d->mv[k].org, t),
				   ix_chain(ix, &m, d->mv[k].prev_org,
					    d->mv[k].prev_last),
				   1);
		}
	}
	ix_cmemo_release(&m);
}

/* ---- packed placements ---- */

/* The record of place p: the place clipped to its membership period. */
static struct ix_rec rec_of(const struct index *ix,
			    const struct index_member *m, uint8_t attr,
			    const struct ix_place *p)
{
	struct ix_span sp;
	ix_span_of(ix, m, p->from, &sp);
	int32_t a = p->from > sp.admitted ? p->from : sp.admitted;
	int32_t z = p->to < sp.ended ? p->to : sp.ended;
	return (struct ix_rec){a, z, m->birth, sp.admitted, sp.official, attr};
}

/* A day in [1, 0xFFFE] of the packed scale, or open (DAY_MAX) when
 * open_ok: comparisons then agree with the real days for any query day and
 * threshold clamped by ix_p_clamp. */
static int pack_day(int32_t day, int open_ok, uint16_t *out)
{
	if (open_ok && day == DAY_MAX) {
		*out = IX_P_OPEN;
		return 1;
	}
	int64_t v = (int64_t)day - IX_DAY_BASE;
	if (v < 1 || v > 0xFFFE)
		return 0;
	*out = (uint16_t)v;
	return 1;
}

int ix_rec_pack(const struct ix_rec *r, struct ix_prec *p)
{
	p->attr = r->attr;
	return pack_day(r->from, 0, &p->from) && pack_day(r->to, 1, &p->to) &&
	       pack_day(r->birth, 0, &p->birth) &&
	       pack_day(r->admitted, 0, &p->admitted) &&
	       pack_day(r->official, 1, &p->official);
}

static void recs_apply(struct index *ix, int32_t s, int add)
{
	const struct ix_member *mb = &ix->members[s];
	const struct index_member *m = &mb->m;
	const struct ix_place *pl = ix_places(ix, mb);
	uint8_t attr = ix_attr_code(m);
	for (uint32_t i = 0; i < mb->n_places; i++) {
		struct ix_rec r = rec_of(ix, m, attr, &pl[i]);
		struct ix_prec pr;
		if (r.from >= r.to)
			continue;
		struct ix_org *o = &ix->orgs[pl[i].org];
		int packed = ix_rec_pack(&r, &pr);
		if (add && packed) {
			if (o->precs_shared && o->n_precs == o->alloc_precs) {
				/* leave the build's block for an own array */
				struct ix_prec *np = xmalloc(
					(2 * o->alloc_precs + 4) * sizeof(*np));
				if (o->n_precs)
					memcpy(np, o->precs,
					       o->n_precs * sizeof(*np));
				ix->prec_block_lost += o->alloc_precs;
				o->precs = np;
				o->alloc_precs = 2 * o->alloc_precs + 4;
				o->precs_shared = 0;
			}
			ALLOC_GROW(o->precs, o->n_precs + 1, o->alloc_precs);
			o->precs[o->n_precs++] = pr;
		} else if (add) {
			ALLOC_GROW(o->recs, o->n_recs + 1, o->alloc_recs);
			o->recs[o->n_recs++] = r;
		} else if (packed) {
			/* equal records are interchangeable: remove any */
			for (size_t j = 0; j < o->n_precs; j++) {
				const struct ix_prec *q = &o->precs[j];
				if (q->from == pr.from && q->to == pr.to &&
				    q->birth == pr.birth &&
				    q->admitted == pr.admitted &&
				    q->official == pr.official &&
				    q->attr == pr.attr) {
					o->precs[j] = o->precs[--o->n_precs];
					break;
				}
			}
		} else {
			for (size_t j = 0; j < o->n_recs; j++) {
				const struct ix_rec *q = &o->recs[j];
				if (q->from == r.from && q->to == r.to &&
				    q->birth == r.birth &&
				    q->admitted == r.admitted &&
				    q->official == r.official &&
				    q->attr == r.attr) {
					o->recs[j] = o->recs[--o->n_recs];
					break;
				}
			}
		}
		ix_rseg_sync(ix, pl[i].org);
		ix_step_add(ix, pl[i].org, r.from, r.to, 0, add ? 1 : -1, 0);
	}
}

/* Room for n packed records of one org in the block: a little slack, so
 * that a few arrivals do not move the org out of it. */
static size_t prec_room(size_t n)
{
	return n ? n + n / 16 + 1 : 0;
}

static void prec_move_in(struct index *ix, int32_t slot, size_t *off)
{
	struct ix_org *o = &ix->orgs[slot];
	struct ix_prec *p = ix->prec_block + *off;
	if (o->n_precs)
		memcpy(p, o->precs, o->n_precs * sizeof(*p));
	if (!o->precs_shared)
		free(o->precs);
	o->precs = p;
	o->alloc_precs = prec_room(o->n_precs);
	o->precs_shared = 1;
	*off += o->alloc_precs;
}

/* Lays every org's packed records out again in one block, in preorder,
 * once the orgs that outgrew their room have left a quarter of the old
 * block unused: the block stays close to the live records (O(records) per
 * quarter of the block moved out: amortised O(1) per record moved) and
 * breakdowns read them in memory order again. */
static void precs_repack(struct index *ix)
{
	size_t total = 0, off = 0;
	for (size_t s = 0; s < ix->n_orgs; s++)
		total += prec_room(ix->orgs[s].n_precs);
	struct ix_prec *old = ix->prec_block;
	ix->prec_block = xmalloc((total ? total : 1) * sizeof(*ix->prec_block));
	for (size_t p = 0; p < ix->n_pre; p++)
		prec_move_in(ix, ix->pre_org[p], &off);
	for (size_t s = 0; s < ix->n_orgs; s++)
		if (ix->orgs[s].pre >= ix->n_pre)
			prec_move_in(ix, (int32_t)s, &off);
	free(old);
	ix->n_prec_block = total;
	ix->prec_block_lost = 0;
	for (size_t s = 0; s < ix->n_orgs; s++)
		ix_rseg_sync(ix, (int32_t)s);
}

void ix_recs_build(struct index *ix)
{
	/* Count by org, lay the packed records out in one block in preorder
	 * (a subtree's records are then mostly one run of memory), fill. The
	 * few unpacked ones get an array per org. Compact arrays by slot keep
	 * the org structs out of the two passes. */
	size_t n = ix->n_orgs ? ix->n_orgs : 1;
	uint32_t *np = xcalloc(n, sizeof(*np)), *nw = xcalloc(n, sizeof(*nw));
	for (size_t s = 0; s < ix->n_members; s++) {
		const struct ix_member *mb = &ix->members[s];
		const struct ix_place *pl = ix_places(ix, mb);
		uint8_t attr = ix_attr_code(&mb->m);
		for (uint32_t i = 0; i < mb->n_places; i++) {
			struct ix_rec r = rec_of(ix, &mb->m, attr, &pl[i]);
			struct ix_prec pr;
			if (r.from >= r.to)
				continue;
			if (ix_rec_pack(&r, &pr))
				np[pl[i].org]++;
			else
				nw[pl[i].org]++;
		}
	}
	size_t total = 0;
	for (size_t s = 0; s < ix->n_orgs; s++)
		total += prec_room(np[s]);
	free(ix->prec_block);
	ix->prec_block = xmalloc((total ? total : 1) * sizeof(*ix->prec_block));
	ix->n_prec_block = total;
	ix->prec_block_lost = 0;
	struct ix_prec **fp = xmalloc(n * sizeof(*fp));
	struct ix_rec **fw = xcalloc(n, sizeof(*fw));
	size_t off = 0;
	for (size_t p = 0; p < ix->n_pre; p++) {
		int32_t s = ix->pre_org[p];
		fp[s] = ix->prec_block + off;
		off += prec_room(np[s]);
	}
	for (size_t s = 0; s < ix->n_orgs; s++) {
		struct ix_org *o = &ix->orgs[s];
		if (o->pre >= ix->n_pre) { /* not ordered: cannot happen */
			fp[s] = ix->prec_block + off;
			off += prec_room(np[s]);
		}
		if (!o->precs_shared)
			free(o->precs);
		o->precs = fp[s];
		o->n_precs = np[s];
		o->alloc_precs = prec_room(np[s]);
		o->precs_shared = 1;
		if (nw[s]) {
			o->recs = xrealloc(o->recs, (o->n_recs + nw[s]) *
							    sizeof(*o->recs));
			o->alloc_recs = o->n_recs + nw[s];
			fw[s] = o->recs + o->n_recs;
			o->n_recs += nw[s];
		}
	}
	for (size_t s = 0; s < ix->n_members; s++) {
		const struct ix_member *mb = &ix->members[s];
		const struct ix_place *pl = ix_places(ix, mb);
		uint8_t attr = ix_attr_code(&mb->m);
		for (uint32_t i = 0; i < mb->n_places; i++) {
			struct ix_rec r = rec_of(ix, &mb->m, attr, &pl[i]);
			struct ix_prec pr;
			if (r.from >= r.to)
				continue;
			if (ix_rec_pack(&r, &pr))
				*fp[pl[i].org]++ = pr;
			else
				*fw[pl[i].org]++ = r;
		}
	}
	free(np);
	free(nw);
	free(fp);
	free(fw);
	for (size_t s = 0; s < ix->n_orgs; s++)
		ix_rseg_sync(ix, (int32_t)s);
}

/* ---- members ---- */

static int cmp_place(const void *a, const void *b)
{
	const struct ix_place *x = a, *y = b;
	return (x->from > y->from) - (x->from < y->from);
}

/* Room for n more places at the end of the pool. Places left behind by
 * members that moved out of their room (or shrank in it) are garbage: when
 * the pool must grow while a quarter of it is garbage, it is rewritten
 * packed instead, so it stays within a small factor of the live places at
 * an amortised O(1) copies per place written. */
static void places_reserve(struct index *ix, size_t n)
{
	if (ix->n_places + n <= ix->alloc_places)
		return;
	if (ix->places_garbage * 4 > ix->n_places) {
		size_t live = ix->n_places - ix->places_garbage;
		size_t cap = live + live / 8 + n + 64, off = 0;
		struct ix_place *np = xmalloc(cap * sizeof(*np));
		for (size_t s = 0; s < ix->n_members; s++) {
			struct ix_member *mb = &ix->members[s];
			if (mb->n_places)
				memcpy(np + off, ix->places + mb->place_off,
				       mb->n_places * sizeof(*np));
			mb->place_off = (uint32_t)off;
			off += mb->n_places;
		}
		free(ix->places);
		ix->places = np;
		ix->n_places = off;
		ix->alloc_places = cap;
		ix->places_garbage = 0;
		return;
	}
	/* a quarter more, not double: the pool is the largest array */
	size_t cap = ix->alloc_places + ix->alloc_places / 4 + n + 64;
	ix->places = xrealloc(ix->places, cap * sizeof(*ix->places));
	ix->alloc_places = cap;
}

/* Copies the card numbers still in use into a new arena, once half of the
 * old one holds numbers replaced since (cards change rarely). */
static void cards_compact(struct index *ix)
{
	struct ix_arena a;
	memset(&a, 0, sizeof(a));
	for (size_t s = 0; s < ix->n_members; s++) {
		const char *c = ix->members[s].m.card_no;
		if (c)
			ix->members[s].m.card_no = ix_arena_dup(&a, c, strlen(c));
	}
	ix_arena_free(&ix->cards);
	ix->cards = a;
}

int32_t ix_member_store(struct index *ix, const struct index_member *m)
{
	int32_t s = ix_member_slot(ix, m->id);
	if (s < 0) {
		ALLOC_GROW(ix->members, ix->n_members + 1, ix->alloc_members);
		s = (int32_t)ix->n_members++;
		memset(&ix->members[s], 0, sizeof(ix->members[s]));
		ix_idmap_put(&ix->member_map, m->id, s);
	}
	const char *name = m->full_name ? m->full_name : "";
	int32_t nm = ix_name_intern(ix, name, strlen(name));
	struct ix_member *mb = &ix->members[s];
	const char *card = NULL;
	if (m->card_no && m->card_no[0]) {
		if (mb->m.card_no && !strcmp(mb->m.card_no, m->card_no))
			card = mb->m.card_no;
		else
			card = ix_arena_dup(&ix->cards, m->card_no,
					    strlen(m->card_no));
	}
	if (mb->m.card_no && card != mb->m.card_no)
		ix->cards.lost += strlen(mb->m.card_no) + 1;
	mb->m = *m;
	mb->m.full_name = ix->names[nm].text;
	mb->m.card_no = card;
	mb->name = nm;
	if (ix->cards.lost > ix->cards.bytes / 2)
		cards_compact(ix);
	return s;
}

void ix_member_set(struct index *ix, const struct index_member *m,
		   const struct index_placement *pl, size_t n_pl)
{
	int32_t s = ix_member_slot(ix, m->id);
	if (s >= 0) {
		member_events_each(ix, s, event_remove, ix);
		recs_apply(ix, s, 0);
		ix_nrecs_put(ix, s, 0);
	}
	s = ix_member_store(ix, m);

	size_t n = 0;
	for (size_t i = 0; i < n_pl; i++)
		n += pl[i].member_id == m->id && pl[i].from < pl[i].to;
	uint32_t off = ix->members[s].place_off;
	if (n > ix->members[s].n_places) { /* the old room becomes garbage */
		ix->places_garbage += ix->members[s].n_places;
		ix->members[s].n_places = 0;
		places_reserve(ix, n);
		off = (uint32_t)ix->n_places;
		ix->n_places += n;
	} else { /* the tail of the old room is never used again */
		ix->places_garbage += ix->members[s].n_places - n;
	}
	size_t k = 0;
	for (size_t i = 0; i < n_pl; i++) {
		if (pl[i].member_id != m->id || pl[i].from >= pl[i].to)
			continue;
		int32_t org = ix_org_slot_make(ix, pl[i].org_id);
		ix->places[off + k++] = (struct ix_place){org, pl[i].from,
							  pl[i].to};
	}
	qsort(ix->places + off, k, sizeof(*ix->places), cmp_place);
	ix->members[s].place_off = off;
	ix->members[s].n_places = (uint32_t)k;

	recs_apply(ix, s, 1);
	if (ix->prec_block_lost * 4 > ix->n_prec_block)
		precs_repack(ix);
	member_events_each(ix, s, event_add, ix);
	ix_nrecs_put(ix, s, 1);
}
