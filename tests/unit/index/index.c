/* Unit tests of src/index: every question against a brute-force answer on
 * random trees with history, hand-made edge cases, updates, and a timing
 * printout on a larger synthetic registry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"
#include "index/index.h"
#include "model/reflist.h"
#include "text/text.h"

/* ---- a small deterministic random generator (xorshift) ---- */

static uint64_t rng_state = 88172645463325252ull;
static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}
static int rn(int n) /* 0..n-1 */
{
	return n > 0 ? (int)(rnd() % (uint32_t)n) : 0;
}

/* ---- the world as plain arrays, with brute-force answers ---- */

struct world {
	struct index_org_version *orgs;
	size_t n_orgs, alloc_orgs;
	struct index_member *members;
	size_t n_members, alloc_members;
	struct index_placement *pl;
	size_t n_pl, alloc_pl;
};

static void world_free(struct world *w)
{
	free(w->orgs);
	free(w->members);
	free(w->pl);
}

static struct index *world_build(const struct world *w)
{
	struct index_input in = {w->orgs, w->n_orgs, w->members, w->n_members,
				 w->pl, w->n_pl};
	return index_build(&in);
}

static const struct index_org_version *bf_version(const struct world *w,
						  int32_t id, int32_t d)
{
	for (size_t i = 0; i < w->n_orgs; i++)
		if (w->orgs[i].id == id && w->orgs[i].from <= d &&
		    d < w->orgs[i].to)
			return &w->orgs[i];
	return NULL;
}

static int bf_in(const struct world *w, int32_t c, int32_t x, int32_t d)
{
	for (int k = 0; k < 100 && c; k++) {
		const struct index_org_version *v = bf_version(w, c, d);
		if (!v)
			return 0;
		if (c == x)
			return 1;
		c = v->parent_id;
	}
	return 0;
}

static int32_t bf_place(const struct world *w, int32_t mid, int32_t d)
{
	for (size_t i = 0; i < w->n_pl; i++)
		if (w->pl[i].member_id == mid && w->pl[i].from <= d &&
		    d < w->pl[i].to)
			return w->pl[i].org_id;
	return 0;
}

static int bf_active(const struct index_member *m, int32_t d)
{
	return m->admitted <= d && d < m->ended;
}

static int bf_counted(const struct world *w, const struct index_member *m,
		      int32_t x, int32_t d)
{
	if (!bf_active(m, d))
		return 0;
	int32_t p = bf_place(w, m->id, d);
	return p && bf_in(w, p, x, d);
}

static int64_t bf_count(const struct world *w, int32_t x, int32_t d)
{
	int64_t n = 0;
	for (size_t i = 0; i < w->n_members; i++)
		n += bf_counted(w, &w->members[i], x, d);
	return n;
}

static void bf_breakdown(const struct world *w, int32_t x, int32_t d,
			 struct index_breakdown *b)
{
	memset(b, 0, sizeof(*b));
	for (size_t i = 0; i < w->n_members; i++) {
		const struct index_member *m = &w->members[i];
		if (!bf_counted(w, m, x, d))
			continue;
		b->total++;
		b->sex[m->sex]++;
		int age = full_years(m->birth, d);
		b->age[age <= 30 ? 0 : age <= 40 ? 1 : age <= 50 ? 2 : age <= 60 ? 3 : 4]++;
		b->ethnicity[m->kinh ? 0 : 1]++;
		b->religion[m->religion ? 1 : 0]++;
		b->theory[m->theory]++;
		b->expertise[m->expertise]++;
		int my = full_years(m->admitted, d);
		b->membership_years[my < 10 ? 0 : my < 30 ? 1 : 2]++;
		b->status[m->official <= d]++;
	}
}

static int bf_alive_any(const struct world *w, int32_t x, int32_t a, int32_t b)
{
	for (size_t i = 0; i < w->n_orgs; i++)
		if (w->orgs[i].id == x && w->orgs[i].from < b && a < w->orgs[i].to)
			return 1;
	return 0;
}

static int cmp_pl(const void *a, const void *b)
{
	const struct index_placement *x = a, *y = b;
	return (x->from > y->from) - (x->from < y->from);
}

static void bf_changes(const struct world *w, int32_t x, int32_t a, int32_t b,
		       struct index_changes *c)
{
	memset(c, 0, sizeof(*c));
	struct index_placement *mine = malloc((w->n_pl + 1) * sizeof(*mine));
	for (size_t i = 0; i < w->n_members; i++) {
		const struct index_member *m = &w->members[i];
		int32_t t = m->admitted;
		if (t >= a && t < b && bf_in(w, bf_place(w, m->id, t), x, t))
			c->admitted++;
		t = m->official;
		if (t != DAY_MAX && t >= a && t < b &&
		    bf_in(w, bf_place(w, m->id, t), x, t))
			c->made_official++;
		t = m->ended;
		if (t != DAY_MAX && t >= a && t < b &&
		    bf_in(w, bf_place(w, m->id, t - 1), x, t - 1)) {
			if (m->status == ST_LEFT)
				c->left++;
			if (m->status == ST_EXPELLED)
				c->expelled++;
			if (m->status == ST_DECEASED)
				c->died++;
		}
		size_t n = 0;
		for (size_t j = 0; j < w->n_pl; j++)
			if (w->pl[j].member_id == m->id)
				mine[n++] = w->pl[j];
		qsort(mine, n, sizeof(*mine), cmp_pl);
		for (size_t j = 1; j < n; j++) {
			t = mine[j].from;
			if (t < a || t >= b)
				continue;
			int was = bf_in(w, mine[j - 1].org_id, x, mine[j - 1].to - 1);
			int is = bf_in(w, mine[j].org_id, x, t);
			c->moved_in += !was && is;
			c->moved_out += was && !is;
		}
	}
	free(mine);
}

/* Folded words of s into words[] (pointers into buf). */
static int split_fold(const char *s, char *buf, size_t bufsz, char **words,
		      int max)
{
	size_t n = text_fold(s, strlen(s), buf, bufsz);
	int k = 0;
	for (size_t i = 0; i < n && k < max;) {
		while (i < n && (buf[i] == ' ' || buf[i] == '\t'))
			buf[i++] = 0;
		if (i < n)
			words[k++] = buf + i;
		while (i < n && buf[i] != ' ' && buf[i] != '\t')
			i++;
	}
	if (n < bufsz)
		buf[n] = 0;
	return k;
}

static int bf_match(const char *name, const char *query)
{
	char nb[1024], qb[1024];
	char *nw[64], *qw[64];
	int nn = split_fold(name, nb, sizeof(nb), nw, 64);
	int nq = split_fold(query, qb, sizeof(qb), qw, 64);
	int j = 0;
	for (int i = 0; i < nq; i++) {
		while (j < nn && strncmp(nw[j], qw[i], strlen(qw[i])))
			j++;
		if (j >= nn)
			return 0;
		j++;
	}
	return 1;
}

struct bf_hit {
	uint8_t key[512];
	size_t key_len;
	int32_t id, org;
};

static int cmp_bf_hit(const void *a, const void *b)
{
	const struct bf_hit *x = a, *y = b;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int c = memcmp(x->key, y->key, n);
	if (c)
		return c;
	if (x->key_len != y->key_len)
		return x->key_len < y->key_len ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* How many checks had a non-zero answer: the random worlds must not be
 * trivially empty. */
static long nonzero_counts, nonzero_search;

/* Checks index_search against brute force for one query. */
static void check_search(const struct world *w, const struct index *ix,
			 const char *q, int32_t x, int32_t d, size_t limit)
{
	struct bf_hit *h = malloc((w->n_members + 1) * sizeof(*h));
	size_t n = 0;
	for (size_t i = 0; i < w->n_members; i++) {
		const struct index_member *m = &w->members[i];
		if (!bf_counted(w, m, x, d) || !bf_match(m->full_name, q))
			continue;
		h[n].key_len = text_collate_key(m->full_name, strlen(m->full_name),
						h[n].key, sizeof(h[n].key));
		h[n].id = m->id;
		h[n].org = bf_place(w, m->id, d);
		n++;
	}
	qsort(h, n, sizeof(*h), cmp_bf_hit);
	struct index_search_hit out[64];
	int64_t total = -1;
	long got = index_search(ix, q, x, d, limit, out, &total);
	if (!bf_version(w, x, d)) {
		assert_int_equal(got, -1);
		free(h);
		return;
	}
	assert_int_equal(total, (int64_t)n);
	nonzero_search += n > 0;
	size_t want = n < limit ? n : limit;
	assert_int_equal(got, (long)want);
	for (size_t i = 0; i < want; i++) {
		if (out[i].member_id != h[i].id)
			fprintf(stderr, "search '%s' org %d day %d: hit %zu is %d, want %d\n",
				q, x, d, i, out[i].member_id, h[i].id);
		assert_int_equal(out[i].member_id, h[i].id);
		assert_int_equal(out[i].org_id, h[i].org);
	}
	free(h);
}

static void check_breakdown_eq(const struct index_breakdown *a,
			       const struct index_breakdown *b)
{
	assert_memory_equal(a, b, sizeof(*a));
}

/* ---- random worlds ---- */

static const char *const family[] = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng",
				     "Đỗ", "Hồ", "Nguye\xcc\x82\xcc\x83n"};
static const char *const middle[] = {"Thị", "Văn", "Hữu", "Thị Mỹ", "",
				     "Văn Thị", "Th\xc6\xb0\xcc\xa3"};
static const char *const given[] = {"Hà", "Hải", "Hồng", "Nhung", "An", "Àn",
				    "Anh", "Ân", "Bình", "Đào", "Em", "Hạnh",
				    "Ha\xcc\x80", "Hồng Nhung", "Thị"};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static char name_pool[512][64];
static const char *const codes[] = {"A1", "B2", "C3", "D4", "E5", "F6"};
static const char *const org_names[] = {"Chi bộ 1", "Đảng bộ xã", "Ban"};

static const int32_t BASE = 16436; /* 2015-01-01 */
#define SPAN 300

static int32_t rday(void)
{
	return BASE + rn(SPAN);
}

static void add_version(struct world *w, int32_t id, int32_t parent,
			int32_t from, int32_t to, int kind)
{
	ALLOC_GROW(w->orgs, w->n_orgs + 1, w->alloc_orgs);
	w->orgs[w->n_orgs++] = (struct index_org_version){
		id, parent, from, to, (uint8_t)kind,
		rn(4) ? codes[rn(NELEM(codes))] : NULL,
		org_names[rn(NELEM(org_names))]};
}

static void add_pl(struct world *w, int32_t mid, int32_t org, int32_t from,
		   int32_t to)
{
	ALLOC_GROW(w->pl, w->n_pl + 1, w->alloc_pl);
	w->pl[w->n_pl++] = (struct index_placement){mid, org, from, to};
}

/* Orgs get ids 1..n_orgs (times 3, to be sparse); a version's parent has a
 * smaller id, so every day's tree is acyclic. */
static int32_t org_id(int i)
{
	return 3 * i + 1;
}

static void random_orgs(struct world *w, int n)
{
	add_version(w, org_id(0), 0, DAY_MIN, DAY_MAX, KIND_PARTY);
	for (int i = 1; i < n; i++) {
		int32_t from = rn(3) ? DAY_MIN : rday();
		int32_t to = rn(4) ? DAY_MAX : rday();
		if (from >= to)
			to = DAY_MAX;
		int nv = 1 + rn(3);
		int32_t cur = from;
		for (int v = 0; v < nv && cur < to; v++) {
			int32_t end = v == nv - 1 ? to : cur == DAY_MIN ? rday() : cur + 1 + rn(SPAN / 2);
			if (end > to || end <= cur)
				end = to;
			int32_t parent = rn(12) ? org_id(rn(i)) : 0;
			int kind = parent ? rn(KIND_COUNT) : KIND_PARTY;
			if (rn(2))
				kind = rn(2) ? KIND_CELL : KIND_GRASSROOTS_CELL;
			add_version(w, org_id(i), parent, cur, end, kind);
			cur = end;
			if (rn(6) && cur != DAY_MAX)
				cur += rn(3) ? 0 : 1 + rn(10); /* sometimes a gap */
		}
	}
}

/* When set, some members have days outside 1900..2079 (kept unpacked by
 * the index) and queries also fall on such days. */
static int far_days;

static void random_member(struct world *w, int32_t id, int n_orgs,
			  struct index_member *m)
{
	memset(m, 0, sizeof(*m));
	m->id = id;
	/* Births and admissions near age-band edges of the query window. */
	int y = 1940 + rn(60);
	m->birth = day_from_ymd(y, 1 + rn(12), 1 + rn(28));
	if (!rn(8))
		m->birth = day_from_ymd(1984 + 4 * rn(3), 2, 29);
	m->admitted = rn(3) ? BASE - 365 * (rn(35)) - rn(365) : rday();
	if (rn(4) == 0)
		m->admitted = rday() - 365 * (10 * (1 + rn(3))) + rn(3) - 1;
	m->official = rn(4) ? m->admitted + rn(400) : DAY_MAX;
	m->ended = DAY_MAX;
	m->status = m->official != DAY_MAX ? ST_OFFICIAL : ST_PROBATIONARY;
	if (!rn(4)) {
		m->ended = rday();
		if (m->ended <= m->admitted)
			m->ended = m->admitted + 1;
		m->status = (uint8_t)(ST_LEFT + rn(3));
	}
	if (far_days && !rn(3)) {
		m->birth = day_from_ymd(1860 + rn(40), 1 + rn(12), 1 + rn(28));
		if (rn(2))
			m->admitted = day_from_ymd(1880 + rn(25), 1, 1 + rn(28));
		if (rn(2)) {
			m->ended = day_from_ymd(2079 + rn(3), 1 + rn(12), 1);
			m->status = (uint8_t)(ST_LEFT + rn(3));
		}
		if (rn(3) == 0 && m->ended == DAY_MAX)
			m->official = day_from_ymd(2079 + rn(3), 6, 6);
	}
	if (m->official != DAY_MAX && m->official >= m->ended)
		m->official = DAY_MAX;
	m->sex = (uint8_t)rn(2);
	m->kinh = (uint8_t)rn(2);
	m->religion = (uint8_t)rn(2);
	m->theory = (uint8_t)rn(TH_COUNT);
	m->expertise = (uint8_t)rn(EXP_COUNT);
	m->full_name = name_pool[rn(NELEM(name_pool))];
	m->card_no = rn(3) ? "12345" : NULL;
	/* Placements within membership, consecutive or with gaps. */
	int npl = rn(4);
	int32_t cur = m->admitted;
	for (int k = 0; k < npl && cur < m->ended; k++) {
		int32_t end = k == npl - 1 || (int64_t)m->ended - cur < 300
				      ? m->ended : cur + 1 + rn(200);
		add_pl(w, id, org_id(rn(n_orgs)), cur, end);
		if (end == DAY_MAX)
			break;
		cur = end + (rn(5) ? 0 : rn(20));
	}
}

static void make_names(void)
{
	for (size_t i = 0; i < NELEM(name_pool); i++) {
		const char *f = family[rn(NELEM(family))];
		const char *m = middle[rn(NELEM(middle))];
		const char *g = given[rn(NELEM(given))];
		snprintf(name_pool[i], sizeof(name_pool[i]), "%s%s%s %s", f,
			 *m ? " " : "", m, g);
	}
}

static void random_world(struct world *w, int n_orgs, int n_members)
{
	memset(w, 0, sizeof(*w));
	random_orgs(w, n_orgs);
	w->members = calloc((size_t)n_members, sizeof(*w->members));
	w->alloc_members = (size_t)n_members;
	for (int i = 0; i < n_members; i++)
		random_member(w, 2 * i + 5, n_orgs, &w->members[w->n_members++]);
}

static int32_t query_day(void)
{
	switch (rn(4)) {
	case 0:
		return BASE - 10 + rn(SPAN + 20);
	case 1: { /* on or next to a version boundary */
		return 0;
	}
	default:
		return rday();
	}
}

static int32_t pick_day(const struct world *w)
{
	int32_t d = query_day();
	if (d)
		return d;
	if (far_days && !rn(3)) {
		static const int years[] = {1899, 1900, 1901, 1960, 2078, 2079,
					    2080, 2081, 2200};
		return day_from_ymd(years[rn(9)], 1 + rn(12), 1 + rn(28)) -
		       rn(2);
	}
	const struct index_org_version *v = &w->orgs[rn((int)w->n_orgs)];
	int32_t b = rn(2) ? v->from : v->to;
	if (b == DAY_MIN || b == DAY_MAX)
		return rday();
	return b - 1 + rn(2);
}

static const char *const queries[] = {"nguyen thi h", "h", "thi", "nguyen h",
				      "an", "NGUYỄN", "đ", "d", "tran van",
				      "le an", "thi thi", "hong nhung", "x",
				      "", "ha", "ngu th h", "Nguye\xcc\x82\xcc\x83n"};

static void check_all(const struct world *w, const struct index *ix,
		      int n_orgs, int rounds)
{
	for (int r = 0; r < rounds; r++) {
		int32_t x = rn(10) ? org_id(rn(n_orgs)) : 999999;
		int32_t d = pick_day(w);
		int alive = bf_version(w, x, d) != NULL;
		int64_t cnt = -7;
		int rc = index_count(ix, x, d, &cnt);
		if (!alive) {
			assert_int_equal(rc, -1);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(cnt, bf_count(w, x, d));
			nonzero_counts += cnt > 0;
		}
		if (r % 4 == 0 && alive) {
			struct index_breakdown a, b;
			assert_int_equal(index_breakdown(ix, x, d, &a), 0);
			bf_breakdown(w, x, d, &b);
			check_breakdown_eq(&a, &b);
		}
		if (r % 4 == 1) {
			struct index_summary_row *rows;
			long n = index_summary(ix, x, d, &rows);
			if (!alive) {
				assert_int_equal(n, -1);
			} else {
				long k = 0;
				int32_t prev = 0;
				for (size_t i = 0; i < w->n_orgs; i++) {
					const struct index_org_version *v = &w->orgs[i];
					if (v->parent_id != x || v->from > d || d >= v->to)
						continue;
					k++;
				}
				assert_int_equal(n, k);
				for (long i = 0; i < n; i++) {
					assert_true(rows[i].id > prev);
					prev = rows[i].id;
					const struct index_org_version *v =
						bf_version(w, rows[i].id, d);
					assert_non_null(v);
					assert_int_equal(v->parent_id, x);
					int64_t g = 0, c = 0;
					for (int o = 0; o < n_orgs; o++) {
						const struct index_org_version *u =
							bf_version(w, org_id(o), d);
						if (!u || !bf_in(w, org_id(o), rows[i].id, d))
							continue;
						g += u->kind == KIND_GRASSROOTS ||
						     u->kind == KIND_GRASSROOTS_CELL;
						c += u->kind == KIND_CELL ||
						     u->kind == KIND_GRASSROOTS_CELL;
					}
					assert_int_equal(rows[i].grassroots, g);
					assert_int_equal(rows[i].cells, c);
					assert_int_equal(rows[i].members,
							 bf_count(w, rows[i].id, d));
					assert_string_equal(rows[i].name, v->name);
				}
			}
			free(rows);
		}
		if (r % 4 == 2) {
			int32_t a = pick_day(w), b = a + rn(120);
			struct index_changes c1, c2;
			int rc2 = index_changes(ix, x, a, b, &c1);
			if (!bf_alive_any(w, x, a, b)) {
				assert_int_equal(rc2, -1);
			} else {
				assert_int_equal(rc2, 0);
				bf_changes(w, x, a, b, &c2);
				assert_memory_equal(&c1, &c2, sizeof(c1));
			}
		}
		if (r % 4 == 3) {
			const char *q = queries[rn(NELEM(queries))];
			check_search(w, ix, q, alive ? x : org_id(0), d,
				     (size_t)(1 + rn(30)));
		}
		/* org look-ups */
		int32_t c = org_id(rn(n_orgs));
		assert_int_equal(index_in_subtree(ix, c, x, d),
				 bf_version(w, x, d) ? bf_in(w, c, x, d) : 0);
		const struct index_org_version *v = index_org_on(ix, c, d);
		const struct index_org_version *bv = bf_version(w, c, d);
		assert_int_equal(v != NULL, bv != NULL);
		if (v) {
			assert_int_equal(v->parent_id, bv->parent_id);
			assert_int_equal(v->from, bv->from);
			assert_int_equal(v->kind, bv->kind);
		}
		const struct index_member *m = &w->members[rn((int)w->n_members)];
		assert_int_equal(index_member_place(ix, m->id, d),
				 bf_place(w, m->id, d));
	}
}

static void test_random_worlds(void **state)
{
	(void)state;
	make_names();
	for (int round = 0; round < 12; round++) {
		struct world w;
		int n_orgs = 5 + rn(60);
		random_world(&w, n_orgs, 50 + rn(300));
		struct index *ix = world_build(&w);
		check_all(&w, ix, n_orgs, 400);
		index_free(ix);
		world_free(&w);
	}
	assert_true(nonzero_counts > 1000);
	assert_true(nonzero_search > 200);
}

/* Days outside the packed range of the index (1900..2079) on members and
 * queries: the answers must not change. */
static void test_far_days(void **state)
{
	(void)state;
	make_names();
	far_days = 1;
	for (int round = 0; round < 8; round++) {
		struct world w;
		int n_orgs = 5 + rn(30);
		random_world(&w, n_orgs, 50 + rn(200));
		struct index *ix = world_build(&w);
		check_all(&w, ix, n_orgs, 300);
		index_free(ix);
		world_free(&w);
	}
	far_days = 0;
}

/* Transfers, backdated ones included, then org changes: the index updated
 * in place must agree with brute force and with a rebuilt index. */
static void test_random_updates(void **state)
{
	(void)state;
	make_names();
	for (int round = 0; round < 8; round++) {
		struct world w;
		int n_orgs = 5 + rn(40);
		random_world(&w, n_orgs, 50 + rn(200));
		struct index *ix = world_build(&w);
		for (int u = 0; u < 60; u++) {
			if (rn(8) == 0) {
				/* replace an org's versions */
				int i = 1 + rn(n_orgs - 1);
				int32_t id = org_id(i);
				size_t k = 0;
				for (size_t j = 0; j < w.n_orgs; j++)
					if (w.orgs[j].id != id)
						w.orgs[k++] = w.orgs[j];
				w.n_orgs = k;
				int32_t a = rn(2) ? DAY_MIN : rday(), b = rday();
				if (b <= a)
					b = DAY_MAX;
				add_version(&w, id, org_id(rn(i)), a, b,
					    rn(2) ? KIND_CELL : KIND_GRASSROOTS);
				if (b != DAY_MAX)
					add_version(&w, id, org_id(rn(i)), b, DAY_MAX,
						    rn(KIND_COUNT));
				index_put_org(ix, id, w.orgs + k,
					      w.n_orgs - k);
			} else {
				/* a transfer on day t: the holding placement
				 * ends on t, a new one starts on t; later
				 * ones are kept (backdated) */
				struct index_member *m =
					&w.members[rn((int)w.n_members)];
				int32_t t = rday();
				if (t <= m->admitted || t >= m->ended)
					continue;
				int32_t to = m->ended;
				int clash = 0;
				for (size_t j = 0; j < w.n_pl; j++)
					clash |= w.pl[j].member_id == m->id &&
						 w.pl[j].from == t;
				if (clash)
					continue; /* a move on that day exists */
				for (size_t j = 0; j < w.n_pl; j++) {
					struct index_placement *p = &w.pl[j];
					if (p->member_id != m->id)
						continue;
					if (p->from < t && t < p->to) {
						to = p->to;
						p->to = t;
					} else if (p->from >= t && p->from < to) {
						to = p->from;
					}
				}
				add_pl(&w, m->id, org_id(rn(n_orgs)), t, to);
				if (rn(4) == 0) { /* a name change too */
					m->full_name = name_pool[rn(NELEM(name_pool))];
					m->religion ^= 1;
				}
				struct index_placement mine[64];
				size_t n = 0;
				for (size_t j = 0; j < w.n_pl && n < 64; j++)
					if (w.pl[j].member_id == m->id)
						mine[n++] = w.pl[j];
				index_put_member(ix, m, mine, n);
			}
			if (u % 10 == 9)
				check_all(&w, ix, n_orgs, 60);
		}
		/* a new member arrives */
		struct index_member nm;
		random_member(&w, 100001, n_orgs, &nm);
		struct index_placement mine[8];
		size_t n = 0;
		for (size_t j = 0; j < w.n_pl; j++)
			if (w.pl[j].member_id == nm.id)
				mine[n++] = w.pl[j];
		index_put_member(ix, &nm, mine, n);
		ALLOC_GROW(w.members, w.n_members + 1, w.alloc_members);
		w.members[w.n_members++] = nm;
		check_all(&w, ix, n_orgs, 200);
		index_free(ix);
		ix = world_build(&w);
		check_all(&w, ix, n_orgs, 100);
		index_free(ix);
		world_free(&w);
	}
}

/* ---- hand-made cases ---- */

static int32_t ymd(int y, int m, int d)
{
	return day_from_ymd(y, m, d);
}

static struct index_member mk_member(int32_t id, const char *name,
				     int32_t birth, int32_t admitted)
{
	struct index_member m = {0};
	m.id = id;
	m.full_name = name;
	m.birth = birth;
	m.admitted = admitted;
	m.official = DAY_MAX;
	m.ended = DAY_MAX;
	return m;
}

/* Root 1 > grassroots 2, 3; cell 10 moves from 2 to 3 on 2020-06-01. */
static void small_tree(struct world *w)
{
	memset(w, 0, sizeof(*w));
	ALLOC_GROW(w->orgs, 8, w->alloc_orgs);
	w->orgs[w->n_orgs++] = (struct index_org_version){1, 0, DAY_MIN, DAY_MAX, KIND_PARTY, "TW", "Trung ương"};
	w->orgs[w->n_orgs++] = (struct index_org_version){2, 1, DAY_MIN, DAY_MAX, KIND_GRASSROOTS, "G2", "Đảng bộ 2"};
	w->orgs[w->n_orgs++] = (struct index_org_version){3, 1, DAY_MIN, DAY_MAX, KIND_GRASSROOTS, "G3", "Đảng bộ 3"};
	w->orgs[w->n_orgs++] = (struct index_org_version){10, 2, DAY_MIN, ymd(2020, 6, 1), KIND_CELL, "C10", "Chi bộ 10"};
	w->orgs[w->n_orgs++] = (struct index_org_version){10, 3, ymd(2020, 6, 1), DAY_MAX, KIND_CELL, "C10", "Chi bộ 10 mới"};
	w->orgs[w->n_orgs++] = (struct index_org_version){11, 3, DAY_MIN, ymd(2021, 1, 1), KIND_CELL, NULL, "Chi bộ 11"};
}

static void test_cell_moved(void **state)
{
	(void)state;
	struct world w;
	small_tree(&w);
	w.members = calloc(4, sizeof(*w.members));
	w.members[w.n_members++] = mk_member(1, "Nguyễn Thị Hà", ymd(1980, 1, 2), ymd(2005, 3, 2));
	w.members[w.n_members++] = mk_member(2, "Trần Văn An", ymd(1970, 5, 5), ymd(2000, 1, 1));
	add_pl(&w, 1, 10, ymd(2005, 3, 2), DAY_MAX);
	add_pl(&w, 2, 11, ymd(2000, 1, 1), DAY_MAX);
	struct index *ix = world_build(&w);
	int64_t n;
	int32_t t = ymd(2020, 6, 1);
	assert_int_equal(index_count(ix, 2, t - 1, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(index_count(ix, 3, t - 1, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(index_count(ix, 2, t, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(index_count(ix, 3, t, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(index_count(ix, 1, t, &n), 0);
	assert_int_equal(n, 2);
	/* cell 11 dissolved: not alive, and its member no longer counted */
	assert_int_equal(index_count(ix, 11, ymd(2021, 1, 1), &n), -1);
	assert_int_equal(index_count(ix, 1, ymd(2021, 1, 1), &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(index_root_on(ix, t), 1);
	assert_int_equal(index_org_by_code(ix, "C10", t), 10);
	assert_int_equal(index_org_by_code(ix, "nope", t), 0);
	int32_t *kids;
	size_t k = index_children(ix, 3, t, &kids);
	assert_int_equal(k, 2);
	assert_int_equal(kids[0], 10);
	assert_int_equal(kids[1], 11);
	free(kids);
	struct index_summary_row *rows;
	assert_int_equal(index_summary(ix, 1, t - 1, &rows), 2);
	assert_int_equal(rows[0].id, 2);
	assert_int_equal(rows[0].grassroots, 1);
	assert_int_equal(rows[0].cells, 1);
	assert_int_equal(rows[0].members, 1);
	assert_string_equal(rows[1].code, "G3");
	free(rows);
	/* Q5: a cell moving is not a member moving */
	struct index_changes c;
	assert_int_equal(index_changes(ix, 3, ymd(2020, 1, 1), ymd(2021, 1, 1), &c), 0);
	assert_int_equal(c.moved_in, 0);
	index_free(ix);
	world_free(&w);
}

static void test_age_bands_and_leap(void **state)
{
	(void)state;
	struct world w;
	small_tree(&w);
	int32_t d = ymd(2021, 2, 28);
	w.members = calloc(8, sizeof(*w.members));
	/* born 29 Feb 1960: 61 only on 1 Mar 2021 */
	w.members[w.n_members++] = mk_member(1, "A", ymd(1960, 2, 29), ymd(2011, 2, 28));
	/* exactly 30 on d: le30; 31 tomorrow */
	w.members[w.n_members++] = mk_member(2, "B", ymd(1991, 2, 28), ymd(1991 + 18, 3, 1));
	w.members[w.n_members++] = mk_member(3, "C", ymd(1990, 3, 1), ymd(1991, 3, 1));
	for (size_t i = 0; i < w.n_members; i++)
		add_pl(&w, w.members[i].id, 10, w.members[i].admitted, DAY_MAX);
	struct index *ix = world_build(&w);
	struct index_breakdown b, bb;
	assert_int_equal(index_breakdown(ix, 1, d, &b), 0);
	assert_int_equal(b.total, 3);
	assert_int_equal(b.age[0], 2); /* B is 30, C is 30 */
	assert_int_equal(b.age[3], 1); /* A is 60 until 1 Mar */
	assert_int_equal(b.membership_years[1], 3); /* C: 29 years until 1 Mar */
	bf_breakdown(&w, 1, d, &bb);
	check_breakdown_eq(&b, &bb);
	assert_int_equal(index_breakdown(ix, 1, d + 1, &b), 0);
	assert_int_equal(b.age[4], 1);
	assert_int_equal(b.age[1], 1); /* C turns 31 on 1 Mar */
	assert_int_equal(b.membership_years[2], 1); /* and has 30 years */
	bf_breakdown(&w, 1, d + 1, &bb);
	check_breakdown_eq(&b, &bb);
	index_free(ix);
	world_free(&w);
}

static void test_search_order(void **state)
{
	(void)state;
	struct world w;
	small_tree(&w);
	static const char *const names[] = {
		"Hồ Em", "Đỗ Thị Đào", "Nguyễn Bình", "Hà Ân", "Phạm Anh",
		"Trần Văn An", "Lê Àn", "Lê An", "Nguyễn Thị Mỹ Hà",
		"Nguyễn Thị Hà", "Nguyễn Văn Thị Hà", "Thị Nguyễn Hà",
		"Nguye\xcc\x82\xcc\x83n Thi\xcc\xa3 Ho\xcc\x82\xcc\x80ng Nhung"};
	w.members = calloc(NELEM(names), sizeof(*w.members));
	for (size_t i = 0; i < NELEM(names); i++) {
		w.members[w.n_members++] = mk_member((int32_t)(100 - i), names[i],
						     ymd(1980, 1, 1), ymd(2005, 1, 1));
		add_pl(&w, (int32_t)(100 - i), 10, ymd(2005, 1, 1), DAY_MAX);
	}
	struct index *ix = world_build(&w);
	struct index_search_hit out[20];
	int64_t total;
	int32_t d = ymd(2022, 1, 1);
	long n = index_search(ix, "nguyen thi h", 1, d, 20, out, &total);
	assert_int_equal(total, 4);
	assert_int_equal(n, 4);
	/* Nguyễn Thị Hà < Nguyễn Văn Thị Hà < Nguyễn Thị Mỹ Hà ... */
	assert_int_equal(out[0].member_id, 100 - 9);
	assert_int_equal(out[0].org_id, 10);
	n = index_search(ix, "", 1, d, 8, out, &total);
	assert_int_equal(total, (int64_t)NELEM(names));
	assert_int_equal(n, 8);
	static const int want[] = {7, 6, 5, 4, 3, 2, 1, 0}; /* Lê An ... Hồ Em */
	for (int i = 0; i < 8; i++)
		assert_int_equal(out[i].member_id, 100 - want[i]);
	n = index_search(ix, "NGUYỄN", 3, ymd(2020, 5, 31), 20, out, &total);
	assert_int_equal(n, 0); /* cell 10 sits under 2 until June 2020 */
	n = index_search(ix, "NGUYỄN", 3, ymd(2020, 6, 1), 20, out, &total);
	assert_int_equal(total, 6);
	assert_int_equal(index_search(ix, "a", 99, d, 20, out, &total), -1);
	check_search(&w, ix, "h", 1, d, 20);
	check_search(&w, ix, "thi", 1, d, 3);
	index_free(ix);
	world_free(&w);
}

/* ---- timing on a larger synthetic registry (printed, not asserted) ---- */

static void test_timing(void **state)
{
	(void)state;
	make_names();
	const int n_members = 200000, n_cells = 9000, n_gr = 1500, n_prov = 60;
	struct world w;
	memset(&w, 0, sizeof(w));
	add_version(&w, 1, 0, DAY_MIN, DAY_MAX, KIND_PARTY);
	for (int p = 0; p < n_prov; p++)
		add_version(&w, 10 + p, 1, DAY_MIN, DAY_MAX, KIND_PROVINCE);
	for (int g = 0; g < n_gr; g++)
		add_version(&w, 1000 + g, 10 + g % n_prov, DAY_MIN, DAY_MAX,
			    KIND_GRASSROOTS);
	for (int c = 0; c < n_cells; c++) {
		int32_t id = 10000 + c;
		if (c % 50 == 0) { /* some cells move */
			int32_t t = BASE + rn(SPAN);
			add_version(&w, id, 1000 + rn(n_gr), DAY_MIN, t, KIND_CELL);
			add_version(&w, id, 1000 + rn(n_gr), t, DAY_MAX, KIND_CELL);
		} else {
			add_version(&w, id, 1000 + c % n_gr, DAY_MIN, DAY_MAX,
				    KIND_CELL);
		}
	}
	w.members = calloc((size_t)n_members, sizeof(*w.members));
	for (int i = 0; i < n_members; i++) {
		struct index_member *m = &w.members[w.n_members++];
		memset(m, 0, sizeof(*m));
		m->id = i + 1;
		m->birth = day_from_ymd(1940 + rn(60), 1 + rn(12), 1 + rn(28));
		m->admitted = BASE - 365 * 20 + rn(365 * 20 + SPAN);
		m->official = m->admitted + 365;
		m->ended = rn(10) ? DAY_MAX : m->admitted + 1 + rn(3000);
		m->status = m->ended == DAY_MAX ? ST_OFFICIAL : ST_LEFT;
		m->full_name = name_pool[rn(NELEM(name_pool))];
		int32_t cell = 10000 + rn(n_cells);
		if (rn(12)) {
			add_pl(&w, m->id, cell, m->admitted, m->ended);
		} else {
			int32_t t = m->admitted + 1 + rn(2000);
			if (t >= m->ended)
				t = m->admitted + 1;
			add_pl(&w, m->id, cell, m->admitted, t);
			if (t < m->ended)
				add_pl(&w, m->id, 10000 + rn(n_cells), t, m->ended);
		}
	}
	double t0 = now_seconds();
	struct index *ix = world_build(&w);
	double t1 = now_seconds();
	int32_t d = BASE + 100;
	int64_t n;
	double q0 = now_seconds();
	for (int i = 0; i < 1000; i++)
		index_count(ix, i % 3 ? 10000 + rn(n_cells) : 1, BASE + rn(SPAN), &n);
	double q1 = now_seconds();
	struct index_breakdown b;
	for (int i = 0; i < 10; i++)
		index_breakdown(ix, 1, d, &b);
	double q2 = now_seconds();
	struct index_summary_row *rows;
	long nr = index_summary(ix, 1, d, &rows);
	free(rows);
	double q3 = now_seconds();
	struct index_search_hit hits[20];
	int64_t total;
	for (int i = 0; i < 10; i++)
		index_search(ix, "nguyen thi h", 1, d, 20, hits, &total);
	double q4 = now_seconds();
	struct index_changes c;
	for (int i = 0; i < 10; i++)
		index_changes(ix, 1, BASE, BASE + 365, &c);
	double q5 = now_seconds();
	for (int i = 0; i < 1000; i++) {
		struct index_member *m = &w.members[rn(n_members)];
		struct index_placement p = {m->id, 10000 + rn(n_cells), m->admitted,
					    m->ended};
		index_put_member(ix, m, &p, 1);
	}
	double q6 = now_seconds();
	printf("# index timing, %d members: build %.0f ms, %.1f MB; Q1 %.1f us/q;"
	       " Q2 root %.1f ms (%lld); Q3 %.2f ms (%ld rows); Q4 %.2f ms (%lld);"
	       " Q5 root year %.2f ms; put_member %.1f us\n",
	       n_members, (t1 - t0) * 1e3, index_memory(ix) / 1e6,
	       (q1 - q0) * 1e3, (q2 - q1) * 1e2, (long long)b.total,
	       (q3 - q2) * 1e3, nr, (q4 - q3) * 1e2, (long long)total,
	       (q5 - q4) * 1e2, (q6 - q5) * 1e3);
	int64_t root;
	assert_int_equal(index_count(ix, 1, d, &root), 0);
	assert_int_equal(b.total, root);
	index_free(ix);
	world_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cell_moved),
		cmocka_unit_test(test_age_bands_and_leap),
		cmocka_unit_test(test_search_order),
		cmocka_unit_test(test_random_worlds),
		cmocka_unit_test(test_random_updates),
		cmocka_unit_test(test_far_days),
		cmocka_unit_test(test_timing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
