/* index: building the read model, the questions Q1-Q3 and Q5, look-ups and
 * updates (Q4 is in search.c, the tree in org.c, members in member.c). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "index/index_int.h"
#include "model/reflist.h"

#include "core/banned.h"

/* ---- derived org look-ups: epochs, codes, roots ---- */

static uint32_t hash_code(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static int cmp_code(const void *a, const void *b)
{
	const struct ix_code *x = a, *y = b;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return (x->org > y->org) - (x->org < y->org);
}

static int cmp_root(const void *a, const void *b, void *arg);

static void derive(struct index *ix)
{
	ix_tree_order(ix);
	size_t n = 0;
	for (size_t s = 0; s < ix->n_orgs; s++)
		n += ix->orgs[s].n_versions;
	free(ix->codes);
	ix->codes = xmalloc((n ? n : 1) * sizeof(*ix->codes));
	free(ix->roots);
	ix->roots = xmalloc((ix->n_orgs ? ix->n_orgs : 1) * sizeof(*ix->roots));
	ix->n_codes = ix->n_roots = 0;
	for (size_t s = 0; s < ix->n_orgs; s++) {
		const struct ix_org *o = &ix->orgs[s];
		int root = 0;
		for (uint32_t i = 0; i < o->n_versions; i++) {
			if (o->versions[i].code)
				ix->codes[ix->n_codes++] = (struct ix_code){
					hash_code(o->versions[i].code),
					(int32_t)s};
			root |= o->vparent[i] < 0;
		}
		if (root)
			ix->roots[ix->n_roots++] = (int32_t)s;
	}
	qsort(ix->codes, ix->n_codes, sizeof(*ix->codes), cmp_code);
	qsort_r(ix->roots, ix->n_roots, sizeof(*ix->roots), cmp_root, ix);
}

static int cmp_root(const void *a, const void *b, void *arg)
{
	const struct index *ix = arg;
	int32_t x = ix->orgs[*(const int32_t *)a].id;
	int32_t y = ix->orgs[*(const int32_t *)b].id;
	return (x > y) - (x < y);
}

/* ---- build and free ---- */

static int cmp_ver_by_id(const void *a, const void *b)
{
	const struct index_org_version *x = a, *y = b;
	if (x->id != y->id)
		return (x->id > y->id) - (x->id < y->id);
	return (x->from > y->from) - (x->from < y->from);
}

static void build_phase(const char *what);

struct index_builder {
	struct index *ix;
	struct index_org_version *orgs; /* strings in strs */
	size_t n_orgs, alloc_orgs;
	struct ix_arena strs;
	struct index_placement *pl;
	size_t n_pl, alloc_pl;
};

/* Read models built by this process (index_org_generation). */
static uint64_t index_builds;

struct index_builder *index_builder_new(size_t members_hint,
					size_t placements_hint)
{
	struct index_builder *b = xcalloc(1, sizeof(*b));
	build_phase(NULL);
	b->ix = xcalloc(1, sizeof(*b->ix));
	/* each read model starts its generations apart from every other one
	 * of the process, so a cache keyed by (address, generation) cannot
	 * take a new model at a freed one's address for the old one */
	b->ix->org_gen = (uint64_t)__atomic_add_fetch(&index_builds, 1,
						      __ATOMIC_RELAXED) << 32;
	ix_idmap_init(&b->ix->org_map, 0);
	ix_idmap_init(&b->ix->member_map, 0);
	if (members_hint) {
		b->ix->members = xmalloc(members_hint * sizeof(*b->ix->members));
		b->ix->alloc_members = members_hint;
	}
	if (placements_hint) {
		b->pl = xmalloc(placements_hint * sizeof(*b->pl));
		b->alloc_pl = placements_hint;
	}
	return b;
}

void index_builder_org(struct index_builder *b,
		       const struct index_org_version *v)
{
	if (v->id <= 0)
		return;
	ALLOC_GROW(b->orgs, b->n_orgs + 1, b->alloc_orgs);
	struct index_org_version *o = &b->orgs[b->n_orgs++];
	*o = *v;
	o->code = v->code ? ix_arena_dup(&b->strs, v->code, strlen(v->code))
			  : NULL;
	o->name = v->name ? ix_arena_dup(&b->strs, v->name, strlen(v->name))
			  : NULL;
}

void index_builder_member(struct index_builder *b, const struct index_member *m)
{
	if (m->id > 0)
		ix_member_store(b->ix, m);
}

void index_builder_period(struct index_builder *b,
			  const struct index_period *p)
{
	struct index *ix = b->ix;
	if (p->member_id <= 0 || p->admitted >= p->ended)
		return;
	ALLOC_GROW(ix->periods, ix->n_periods + 1, ix->alloc_periods);
	ix->periods[ix->n_periods++] = *p;
}

void index_builder_placement(struct index_builder *b,
			     const struct index_placement *p)
{
	if (p->member_id <= 0 || p->from >= p->to)
		return;
	ALLOC_GROW(b->pl, b->n_pl + 1, b->alloc_pl);
	b->pl[b->n_pl++] = *p;
}

static int cmp_place_from(const void *a, const void *b)
{
	const struct ix_place *x = a, *y = b;
	return (x->from > y->from) - (x->from < y->from);
}

/* HOSO_INDEX_TIMING=1 prints when each phase of the build ends, in
 * seconds since the builder was made (NULL: start the clock). */
static void build_phase(const char *what)
{
	static double start;
	static int on = -1;
	struct timespec ts;
	if (what == NULL)
		on = getenv("HOSO_INDEX_TIMING") != NULL;
	if (on <= 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	double t = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	if (what == NULL)
		start = t;
	else
		fprintf(stderr, "index build: %-14s at %.3f s\n", what, t - start);
}

static void *events_thread(void *arg)
{
	ix_events_build(arg);
	ix_nrecs_build(arg);
	build_phase("events+names");
	return NULL;
}

struct index *index_builder_finish(struct index_builder *b)
{
	struct index *ix = b->ix;

	build_phase("intake");
	/* Organisations: versions grouped by id. */
	qsort(b->orgs, b->n_orgs, sizeof(*b->orgs), cmp_ver_by_id);
	for (size_t i = 0; i < b->n_orgs;) {
		size_t j = i;
		while (j < b->n_orgs && b->orgs[j].id == b->orgs[i].id)
			j++;
		int32_t slot = ix_org_slot_make(ix, b->orgs[i].id);
		ix_org_set_versions(ix, slot, b->orgs + i, j - i);
		i = j;
	}
	free(b->orgs);
	ix_arena_free(&b->strs);

	/* Places: grouped by member in input order (counting sort), then
	 * each member's in time order. */
	int32_t *owner = xmalloc((b->n_pl ? b->n_pl : 1) * sizeof(*owner));
	for (size_t s = 0; s < ix->n_members; s++)
		ix->members[s].n_places = 0;
	size_t n = 0;
	for (size_t i = 0; i < b->n_pl; i++) {
		owner[i] = ix_member_slot(ix, b->pl[i].member_id);
		if (owner[i] >= 0) {
			ix->members[owner[i]].n_places++;
			n++;
		}
	}
	ix->places = xmalloc((n ? n : 1) * sizeof(*ix->places));
	ix->n_places = ix->alloc_places = n;
	uint32_t off = 0;
	for (size_t s = 0; s < ix->n_members; s++) {
		ix->members[s].place_off = off;
		off += ix->members[s].n_places;
		ix->members[s].n_places = 0;
	}
	for (size_t i = 0; i < b->n_pl; i++) {
		if (owner[i] < 0)
			continue;
		struct ix_member *mb = &ix->members[owner[i]];
		int32_t org = ix_org_slot_make(ix, b->pl[i].org_id);
		ix->places[mb->place_off + mb->n_places++] = (struct ix_place){
			org, b->pl[i].from, b->pl[i].to};
	}
	free(owner);
	free(b->pl);
	for (size_t s = 0; s < ix->n_members; s++)
		if (ix->members[s].n_places > 1)
			qsort(ix->places + ix->members[s].place_off,
			      ix->members[s].n_places, sizeof(*ix->places),
			      cmp_place_from);
	free(b);
	ix_periods_sort(ix); /* records and events look periods up */
	build_phase("places");

	/* Q5 buckets and Q4 entries in a second thread; records, the tree's
	 * derived look-ups and the step functions here. */
	pthread_t th;
	int threaded = !pthread_create(&th, NULL, events_thread, ix);
	if (!threaded)
		events_thread(ix);
	derive(ix); /* the preorder first: records are laid out by it */
	ix_recs_build(ix);
	build_phase("recs");
	ix_mark_big(ix);
	ix_steps_compute_all(ix);
	build_phase("steps");
	if (threaded)
		pthread_join(th, NULL);
	build_phase("done");
	if (getenv("HOSO_INDEX_TIMING"))
		fprintf(stderr, "index: %zu members, %zu orgs, %zu names, "
				"%zu bytes (%.0f per member)\n",
			ix->n_members, ix->n_orgs, ix->n_names,
			index_memory(ix),
			(double)index_memory(ix) /
				(double)(ix->n_members ? ix->n_members : 1));
	return ix;
}

struct index *index_build(const struct index_input *in)
{
	struct index_builder *b = index_builder_new(in->n_members,
						    in->n_placements);
	for (size_t i = 0; i < in->n_orgs; i++)
		index_builder_org(b, &in->orgs[i]);
	for (size_t i = 0; i < in->n_members; i++)
		index_builder_member(b, &in->members[i]);
	for (size_t i = 0; i < in->n_placements; i++)
		index_builder_placement(b, &in->placements[i]);
	return index_builder_finish(b);
}

void index_free(struct index *ix)
{
	if (!ix)
		return;
	for (size_t s = 0; s < ix->n_orgs; s++)
		ix_org_release(&ix->orgs[s]);
	free(ix->orgs);
	ix_idmap_free(&ix->org_map);
	free(ix->members);
	ix_idmap_free(&ix->member_map);
	free(ix->places);
	ix_arena_free(&ix->cards);
	for (size_t d = 0; d < ix->n_days; d++) {
		free(ix->days[d].ev);
		free(ix->days[d].mv);
	}
	free(ix->days);
	free(ix->codes);
	free(ix->roots);
	free(ix->pre_org);
	free(ix->pre_end);
	free(ix->node_off);
	free(ix->nodes);
	free(ix->rseg);
	free(ix->moved);
	free(ix->prec_block);
	free(ix->periods);
	ix_names_free(ix);
	ix_words_free(ix);
	free(ix);
}

/* Allocator bookkeeping per block, counted so the figure is close to RSS. */
#define MALLOC_OVERHEAD 16

size_t index_memory(const struct index *ix)
{
	size_t b = sizeof(*ix);
	b += ix->alloc_orgs * sizeof(*ix->orgs);
	b += (ix->org_map.cap + ix->member_map.cap) * 8 +
	     (ix->org_map.n_direct + ix->member_map.n_direct) * 4;
	for (size_t s = 0; s < ix->n_orgs; s++) {
		const struct ix_org *o = &ix->orgs[s];
		b += o->n_versions * (sizeof(*o->versions) + 4 + 2 * MALLOC_OVERHEAD);
		for (uint32_t i = 0; i < o->n_versions; i++)
			b += strlen(o->versions[i].name) + 1 +
			     (o->versions[i].code ? strlen(o->versions[i].code) + 1 : 0);
		b += o->alloc_links * sizeof(*o->links);
		/* records in the block are counted with the block */
		b += o->alloc_recs * sizeof(*o->recs) +
		     (o->precs_shared ? 0 : o->alloc_precs * sizeof(*o->precs)) +
		     2 * MALLOC_OVERHEAD;
		b += o->step.alloc * (sizeof(int32_t) + sizeof(*o->step.val));
	}
	b += ix->n_prec_block * sizeof(*ix->prec_block);
	b += ix->alloc_members * sizeof(*ix->members);
	b += ix->alloc_places * sizeof(*ix->places);
	b += ix->cards.bytes;
	b += ix->alloc_names * sizeof(*ix->names) + ix->nhash_cap * 4;
	for (size_t i = 0; i < ix->n_names; i++) {
		const struct ix_name *nm = &ix->names[i];
		b += nm->n_words * 4u + nm->key_len + strlen(nm->text) + 1 +
		     nm->alloc_ent * sizeof(*nm->ent) + 2 * MALLOC_OVERHEAD;
	}
	b += ix->alloc_days * sizeof(*ix->days);
	for (size_t d = 0; d < ix->n_days; d++)
		b += ix->days[d].alloc_ev * sizeof(struct ix_event) +
		     ix->days[d].alloc_mv * sizeof(struct ix_move) +
		     2 * MALLOC_OVERHEAD;
	b += ix->alloc_words * (sizeof(*ix->words) + 4) + ix->whash_cap * 4;
	for (size_t w = 0; w < ix->n_words; w++)
		b += ix->words[w].len + 1 + ix->words[w].alloc_post * 4 +
		     2 * MALLOC_OVERHEAD;
	b += ix->n_orgs * (sizeof(*ix->pre_org) + sizeof(*ix->pre_end) +
			   sizeof(*ix->node_off) + sizeof(*ix->rseg)) +
	     (ix->n_pre ? ix->node_off[ix->n_pre] : 0) * sizeof(*ix->nodes) +
	     ix->n_moved * sizeof(*ix->moved);
	b += ix->alloc_periods * sizeof(*ix->periods);
	b += ix->n_codes * sizeof(*ix->codes) +
	     ix->n_roots * 4;
	return b;
}

/* ---- organisations ---- */

const struct index_org_version *index_org_on(const struct index *ix,
					     int32_t id, int32_t day)
{
	int32_t s = ix_org_slot(ix, id);
	if (s < 0)
		return NULL;
	int vi = ix_version_on(&ix->orgs[s], day);
	return vi < 0 ? NULL : &ix->orgs[s].versions[vi];
}

size_t index_org_versions(const struct index *ix, int32_t id,
			  const struct index_org_version **out)
{
	int32_t s = ix_org_slot(ix, id);
	if (s < 0) {
		*out = NULL;
		return 0;
	}
	*out = ix->orgs[s].versions;
	return ix->orgs[s].n_versions;
}

int32_t index_org_by_code(const struct index *ix, const char *code,
			  int32_t day)
{
	if (!code || !*code)
		return 0;
	uint32_t h = hash_code(code);
	size_t lo = 0, hi = ix->n_codes;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ix->codes[mid].hash < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	int32_t best = 0;
	for (; lo < ix->n_codes && ix->codes[lo].hash == h; lo++) {
		const struct ix_org *o = &ix->orgs[ix->codes[lo].org];
		int vi = ix_version_on(o, day);
		if (vi >= 0 && o->versions[vi].code &&
		    !strcmp(o->versions[vi].code, code) && (!best || o->id < best))
			best = o->id;
	}
	return best;
}

int32_t index_root_on(const struct index *ix, int32_t day)
{
	for (size_t i = 0; i < ix->n_roots; i++) {
		const struct ix_org *o = &ix->orgs[ix->roots[i]];
		int vi = ix_version_on(o, day);
		if (vi >= 0 && o->vparent[vi] < 0 &&
		    o->versions[vi].kind == KIND_PARTY)
			return o->id;
	}
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

size_t index_children(const struct index *ix, int32_t id, int32_t day,
		      int32_t **out)
{
	int32_t s = ix_org_slot(ix, id);
	*out = NULL;
	if (s < 0 || ix_version_on(&ix->orgs[s], day) < 0)
		return 0;
	const struct ix_org *o = &ix->orgs[s];
	int32_t *c = xmalloc((o->n_links ? o->n_links : 1) * sizeof(*c));
	size_t n = 0;
	for (size_t i = 0; i < o->n_links; i++)
		if (o->links[i].from <= day && day < o->links[i].to)
			c[n++] = ix->orgs[o->links[i].child].id;
	qsort(c, n, sizeof(*c), cmp_id);
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		if (!w || c[w - 1] != c[i])
			c[w++] = c[i];
	*out = c;
	return w;
}

int index_in_subtree(const struct index *ix, int32_t org, int32_t top,
		     int32_t day)
{
	int32_t cur = ix_org_slot(ix, org), t = ix_org_slot(ix, top);
	if (cur < 0 || t < 0 || ix_version_on(&ix->orgs[t], day) < 0)
		return 0;
	for (int depth = 0; depth < IX_DEPTH_MAX && cur >= 0; depth++) {
		int vi = ix_version_on(&ix->orgs[cur], day);
		if (vi < 0)
			return 0;
		if (cur == t)
			return 1;
		cur = ix->orgs[cur].vparent[vi];
	}
	return 0;
}

/* ---- Q1 ---- */

static int32_t alive_slot(const struct index *ix, int32_t org, int32_t day)
{
	int32_t s = ix_org_slot(ix, org);
	if (s < 0 || ix_version_on(&ix->orgs[s], day) < 0)
		return -1;
	return s;
}

int index_count(const struct index *ix, int32_t org, int32_t day,
		int64_t *out)
{
	int32_t s = alive_slot(ix, org, day);
	if (s < 0)
		return -1;
	int64_t v[3];
	ix_subtree_sum(ix, s, day, v);
	*out = v[0];
	return 0;
}

/* ---- Q2 ---- */

#define N_ATTR (2 * 2 * 2 * TH_COUNT * EXP_COUNT)
#define N_BIN (N_ATTR * 30) /* x age band 5 x membership band 3 x status 2 */

/* The latest birth day b with full_years(b, day) >= years. */
static int32_t years_threshold(int32_t day, int years)
{
	int64_t lo = (int64_t)day - 367 * (int64_t)(years + 1), hi = day;
	if (lo < -3000000)
		lo = -3000000; /* well before year 0: no one is born there */
	if (hi < lo)
		return (int32_t)lo;
	/* full_years(lo) >= years; full_years(hi) = 0 < years. */
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		if (full_years((int32_t)mid, day) >= years)
			lo = mid;
		else
			hi = mid;
	}
	return (int32_t)lo;
}

struct scan_job {
	const struct ix_rseg *seg;
	const uint32_t *pos; /* preorder positions to scan */
	size_t n_pos;
	int32_t day;
	int32_t age[4], mem[2];
	uint32_t *bins; /* N_BIN */
};

static void *scan_run(void *arg)
{
	struct scan_job *j = arg;
	const int32_t day = j->day;
	uint32_t *bins = j->bins;
	/* the packed scale: see ix_p_clamp */
	const uint16_t d16 = ix_p_clamp(day, 0xFFFE);
	const uint16_t a0 = ix_p_clamp(j->age[0], 0xFFFF),
		       a1 = ix_p_clamp(j->age[1], 0xFFFF),
		       a2 = ix_p_clamp(j->age[2], 0xFFFF),
		       a3 = ix_p_clamp(j->age[3], 0xFFFF),
		       m0 = ix_p_clamp(j->mem[0], 0xFFFF),
		       m1 = ix_p_clamp(j->mem[1], 0xFFFF);
	for (size_t k = 0; k < j->n_pos; k++) {
		const struct ix_rseg *g = &j->seg[j->pos[k]];
		/* NULL + 0 is undefined behaviour: empty arrays may be NULL */
		const struct ix_prec *p = g->precs,
				     *pend = p ? p + g->n_precs : p;
		for (; p < pend; p++) {
			if (p->from > d16 || d16 >= p->to)
				continue;
			unsigned age = (p->birth <= a0) + (p->birth <= a1) +
				       (p->birth <= a2) + (p->birth <= a3);
			unsigned my = (p->admitted <= m0) + (p->admitted <= m1);
			unsigned st = p->official <= d16;
			bins[p->attr * 30u + age * 6u + my * 2u + st]++;
		}
		const struct ix_rec *r = g->recs, *end = r ? r + g->n_recs : r;
		for (; r < end; r++) {
			if (r->from > day || day >= r->to)
				continue;
			unsigned age = (r->birth <= j->age[0]) +
				       (r->birth <= j->age[1]) +
				       (r->birth <= j->age[2]) +
				       (r->birth <= j->age[3]);
			unsigned my = (r->admitted <= j->mem[0]) +
				      (r->admitted <= j->mem[1]);
			unsigned st = r->official <= day;
			bins[r->attr * 30u + age * 6u + my * 2u + st]++;
		}
	}
	return NULL;
}

/* Past this many placements a breakdown is split over two threads. */
#define SCAN_SPLIT 200000

int index_breakdown(const struct index *ix, int32_t org, int32_t day,
		    struct index_breakdown *out)
{
	int32_t s = alive_slot(ix, org, day);
	if (s < 0)
		return -1;
	memset(out, 0, sizeof(*out));
	/* The subtree's orgs as preorder positions: their records lie
	 * mostly in one run of memory. */
	uint8_t *states = xcalloc(ix->n_orgs ? ix->n_orgs : 1, 1);
	uint32_t *list = NULL;
	size_t n = 0, alloc = 0;
	ix_subtree_states(ix, s, day, states, &list, &n, &alloc);
	free(states);
	size_t recs = 0;
	for (size_t i = 0; i < n; i++)
		recs += ix->rseg[list[i]].n_precs + ix->rseg[list[i]].n_recs;

	uint32_t *bins = xcalloc(2 * N_BIN, sizeof(*bins));
	struct scan_job job[2];
	job[0].seg = ix->rseg;
	job[0].day = day;
	job[0].age[0] = years_threshold(day, 31);
	job[0].age[1] = years_threshold(day, 41);
	job[0].age[2] = years_threshold(day, 51);
	job[0].age[3] = years_threshold(day, 61);
	job[0].mem[0] = years_threshold(day, 10);
	job[0].mem[1] = years_threshold(day, 30);
	job[0].pos = list;
	job[0].n_pos = n;
	job[0].bins = bins;
	job[1] = job[0];
	job[1].bins = bins + N_BIN;
	pthread_t th;
	int threaded = 0;
	if (recs > SCAN_SPLIT) {
		size_t half = 0, i = 0;
		for (; i < n && half < recs / 2; i++)
			half += ix->rseg[list[i]].n_precs +
				ix->rseg[list[i]].n_recs;
		job[0].n_pos = i;
		job[1].pos = list + i;
		job[1].n_pos = n - i;
		threaded = !pthread_create(&th, NULL, scan_run, &job[1]);
		if (!threaded) /* run it here instead */
			job[0].n_pos = n;
	}
	scan_run(&job[0]);
	if (threaded)
		pthread_join(th, NULL);

	for (unsigned b = 0; b < N_BIN; b++) {
		int64_t c = (int64_t)bins[b] + bins[N_BIN + b];
		if (!c)
			continue;
		unsigned attr = b / 30, st = b % 2, my = b / 2 % 3, age = b / 6 % 5;
		unsigned ex = attr % EXP_COUNT, thl = attr / EXP_COUNT % TH_COUNT;
		unsigned rel = attr / (EXP_COUNT * TH_COUNT) % 2;
		unsigned kinh = attr / (EXP_COUNT * TH_COUNT * 2) % 2;
		unsigned sex = attr / (EXP_COUNT * TH_COUNT * 4);
		out->total += c;
		out->sex[sex] += c;
		out->age[age] += c;
		out->ethnicity[kinh ? 0 : 1] += c;
		out->religion[rel] += c;
		out->theory[thl] += c;
		out->expertise[ex] += c;
		out->membership_years[my] += c;
		out->status[st] += c;
	}
	free(bins);
	free(list);
	return 0;
}

/* ---- Q3 ---- */

long index_summary(const struct index *ix, int32_t org, int32_t day,
		   struct index_summary_row **rows)
{
	*rows = NULL;
	if (alive_slot(ix, org, day) < 0)
		return -1;
	int32_t *kids;
	size_t n = index_children(ix, org, day, &kids);
	struct index_summary_row *r = xcalloc(n ? n : 1, sizeof(*r));
	for (size_t i = 0; i < n; i++) {
		int32_t s = ix_org_slot(ix, kids[i]);
		const struct index_org_version *v =
			&ix->orgs[s].versions[ix_version_on(&ix->orgs[s], day)];
		int64_t sum[3];
		ix_subtree_sum(ix, s, day, sum);
		r[i].id = kids[i];
		r[i].code = v->code;
		r[i].name = v->name;
		r[i].members = sum[0];
		r[i].grassroots = sum[1];
		r[i].cells = sum[2];
	}
	free(kids);
	*rows = r;
	return (long)n;
}

/* ---- Q5 ---- */

int index_changes(const struct index *ix, int32_t org, int32_t from,
		  int32_t to, struct index_changes *out)
{
	memset(out, 0, sizeof(*out));
	int32_t s = ix_org_slot(ix, org);
	if (s < 0)
		return -1;
	const struct ix_org *o = &ix->orgs[s];
	int alive = 0;
	for (uint32_t i = 0; i < o->n_versions && !alive; i++)
		alive = o->versions[i].from < to && from < o->versions[i].to;
	if (!alive)
		return -1;

	/* A day whose events all hang under this org as their root has its
	 * answer ready; the other days are checked event by event. */
	struct ix_cmemo mm = {NULL, s};
	size_t lo = 0, hi = ix->n_days;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ix->days[mid].day < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	int64_t count[7] = {0};
	for (size_t d = lo; d < ix->n_days && ix->days[d].day < to; d++) {
		const struct ix_day *b = &ix->days[d];
		int32_t t = b->day;
		if (b->root == s) {
			for (int k = 0; k < 7; k++)
				count[k] += b->cnt[k];
			continue;
		}
		if (!mm.e)
			ix_cmemo_init(&mm, ix, s);
		for (size_t i = 0; i < b->n_ev; i++) {
			int type = (int)((uint32_t)b->ev[i].member >> 28);
			int32_t on = type <= EV_OFFICIAL ? t : t - 1;
			if (ix_chain(ix, &mm, b->ev[i].org, on) > 0)
				count[type]++;
		}
		for (size_t i = 0; i < b->n_mv; i++) {
			const struct ix_move *mv = &b->mv[i];
			int was = ix_chain(ix, &mm, mv->prev_org, mv->prev_last) > 0;
			int is = ix_chain(ix, &mm, mv->org, t) > 0;
			count[5] += !was && is;
			count[6] += was && !is;
		}
	}
	out->admitted = count[EV_ADMITTED];
	out->made_official = count[EV_OFFICIAL];
	out->left = count[EV_LEFT];
	out->expelled = count[EV_EXPELLED];
	out->died = count[EV_DIED];
	out->moved_in = count[5];
	out->moved_out = count[6];
	ix_cmemo_release(&mm);
	return 0;
}

/* ---- members ---- */

const struct index_member *index_member(const struct index *ix, int32_t id)
{
	int32_t s = ix_member_slot(ix, id);
	return s < 0 ? NULL : &ix->members[s].m;
}

int32_t index_member_place(const struct index *ix, int32_t member_id,
			   int32_t day)
{
	int32_t s = ix_member_slot(ix, member_id);
	if (s < 0)
		return 0;
	int32_t o = ix_place_on(ix, &ix->members[s], day);
	return o < 0 ? 0 : ix->orgs[o].id;
}

/* ---- updates ---- */

void index_put_member(struct index *ix, const struct index_member *m,
		      const struct index_placement *pl, size_t n_pl)
{
	if (m->id <= 0)
		return;
	ix_member_set(ix, m, pl, n_pl);
}

/* Every org that was ever above slot (through any version), slot included. */
static void ever_above(const struct index *ix, int32_t slot, uint8_t *seen,
		       int32_t **list, size_t *n, size_t *alloc)
{
	if (seen[slot])
		return;
	seen[slot] = 1;
	ALLOC_GROW(*list, *n + 1, *alloc);
	(*list)[(*n)++] = slot;
	const struct ix_org *o = &ix->orgs[slot];
	for (uint32_t i = 0; i < o->n_versions; i++)
		if (o->vparent[i] >= 0)
			ever_above(ix, o->vparent[i], seen, list, n, alloc);
}

uint64_t index_org_generation(const struct index *ix)
{
	return ix->org_gen;
}

void index_put_org(struct index *ix, int32_t id,
		   const struct index_org_version *versions, size_t n)
{
	if (id <= 0)
		return;
	ix->org_gen++;
	int32_t slot = ix_org_slot_make(ix, id);
	int32_t *list = NULL;
	size_t nl = 0, alloc = 0;
	/* Room for parents this change may create. */
	uint8_t *seen = xcalloc(ix->n_orgs + n + 1, 1);
	ever_above(ix, slot, seen, &list, &nl, &alloc);
	/* Chains change from the first day of an old or new version on. */
	int32_t first = DAY_MAX;
	for (uint32_t i = 0; i < ix->orgs[slot].n_versions; i++)
		if (ix->orgs[slot].versions[i].from < first)
			first = ix->orgs[slot].versions[i].from;
	for (size_t i = 0; i < n; i++)
		if (versions[i].from < first)
			first = versions[i].from;
	ix_org_set_versions(ix, slot, versions, n);
	seen[slot] = 0;
	ever_above(ix, slot, seen, &list, &nl, &alloc);
	/* Their subtree functions are rebuilt from scratch: org changes are
	 * rare and only the few orgs above this one are touched. */
	for (size_t i = 0; i < nl; i++) {
		ix_step_free(&ix->orgs[list[i]].step);
		ix->orgs[list[i]].step_state = STEP_NONE;
	}
	for (size_t i = 0; i < nl; i++)
		if (ix->orgs[list[i]].big &&
		    ix->orgs[list[i]].step_state != STEP_DONE)
			ix_step_compute(ix, list[i]);
	free(list);
	free(seen);
	derive(ix);
	ix_days_roots(ix, first);
}
