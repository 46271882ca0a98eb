/* Unit tests of the read model's memory under long runs of updates: the
 * index updated in place must stay within a bound of a fresh build of the
 * same final state and give the same answers as that build. */
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

/* ---- a small deterministic random generator (xorshift) ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
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

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the world: a fixed tree with history, members kept one by one ---- */

#define N_GR 6      /* grassroots under the root */
#define N_CELLS 60  /* cells: ids 100.., under grassroots 10.. */
#define N_MEMBERS 1500
/* Under AddressSanitizer every allocation is ~10x dearer: fewer updates
 * still cross several compactions (the bounds are checked as often). */
#if defined(__SANITIZE_ADDRESS__)
#define UPDATES_DIV 8
#else
#define UPDATES_DIV 1
#endif
#define PL_MAX 64   /* placements kept per member */

static const int32_t BASE = 16436; /* 2015-01-01 */
#define SPAN 1500                 /* days over which updates fall */

/* Names in NFC and in NFD (the index interns exact bytes, so both kinds are
 * distinct names that fold to the same words). */
static const char *const names[] = {
	"Nguyễn Thị Hà", "Nguye\xcc\x82\xcc\x83n Thi\xcc\xa3 Ha\xcc\x80",
	"Trần Văn An", "Tra\xcc\x82\xcc\x80n Va\xcc\x86n An",
	"Lê Thị Hồng Nhung", "Phạm Hữu Bình", "Đỗ Thị Mỹ Hạnh", "Hồ Văn Ân",
	"Hoàng Thị Đào", "Nguyễn Văn Em"};

struct wmember {
	struct index_member m;
	struct index_placement pl[PL_MAX];
	size_t n_pl;
};

struct world {
	struct index_org_version orgs[1 + N_GR + N_CELLS + 8];
	size_t n_orgs;
	struct wmember *mem; /* N_MEMBERS */
};

static int32_t cell_id(int c)
{
	return 100 + c;
}

static void world_orgs(struct world *w)
{
	w->n_orgs = 0;
	w->orgs[w->n_orgs++] = (struct index_org_version){
		1, 0, DAY_MIN, DAY_MAX, KIND_PARTY, "TW", "Trung ương"};
	for (int g = 0; g < N_GR; g++)
		w->orgs[w->n_orgs++] = (struct index_org_version){
			10 + g, 1, DAY_MIN, DAY_MAX, KIND_GRASSROOTS, NULL,
			"Đảng bộ cơ sở"};
	for (int c = 0; c < N_CELLS; c++) {
		if (c % 10 == 3) { /* a cell that moves to another grassroots */
			int32_t t = BASE + SPAN / 2;
			w->orgs[w->n_orgs++] = (struct index_org_version){
				cell_id(c), 10 + c % N_GR, DAY_MIN, t, KIND_CELL,
				"CB", "Chi bộ"};
			w->orgs[w->n_orgs++] = (struct index_org_version){
				cell_id(c), 10 + (c + 1) % N_GR, t, DAY_MAX,
				KIND_CELL, "CB", "Chi bộ mới"};
		} else {
			w->orgs[w->n_orgs++] = (struct index_org_version){
				cell_id(c), 10 + c % N_GR, DAY_MIN, DAY_MAX,
				c % 7 ? KIND_CELL : KIND_GRASSROOTS_CELL, NULL,
				"Chi bộ"};
		}
	}
}

static int32_t rday(void)
{
	return BASE + rn(SPAN);
}

/* A random member status: active (probationary or official), or ended on
 * a day after admission as left, expelled or deceased. */
static void random_status(struct index_member *m)
{
	m->official = rn(4) ? m->admitted + 365 + rn(30) : DAY_MAX;
	m->ended = DAY_MAX;
	m->status = m->official != DAY_MAX ? ST_OFFICIAL : ST_PROBATIONARY;
	if (!rn(5)) {
		m->ended = rday();
		if (m->ended <= m->admitted)
			m->ended = m->admitted + 1;
		m->status = (uint8_t)(ST_LEFT + rn(3));
	}
	if (m->official != DAY_MAX && m->official >= m->ended)
		m->official = DAY_MAX;
}

/* One to four consecutive placements from admission on: a history that
 * a correction may rewrite completely. */
static void random_places(struct wmember *wm)
{
	int n = 1 + rn(4);
	int32_t cur = wm->m.admitted;
	wm->n_pl = 0;
	for (int k = 0; k < n; k++) {
		int32_t end = k == n - 1 ? DAY_MAX : cur + 1 + rn(SPAN / 3);
		wm->pl[wm->n_pl++] = (struct index_placement){
			wm->m.id, cell_id(rn(N_CELLS)), cur, end};
		cur = end;
	}
}

static void world_make(struct world *w)
{
	world_orgs(w);
	w->mem = calloc(N_MEMBERS, sizeof(*w->mem));
	assert_non_null(w->mem);
	for (int i = 0; i < N_MEMBERS; i++) {
		struct wmember *wm = &w->mem[i];
		struct index_member *m = &wm->m;
		m->id = 3 * i + 7;
		m->birth = day_from_ymd(1945 + rn(60), 1 + rn(12), 1 + rn(28));
		m->admitted = BASE - 365 * rn(12) - rn(365);
		if (!rn(5))
			m->admitted = rday();
		m->sex = (uint8_t)rn(2);
		m->kinh = (uint8_t)rn(2);
		m->religion = (uint8_t)rn(2);
		m->theory = (uint8_t)rn(TH_COUNT);
		m->expertise = (uint8_t)rn(EXP_COUNT);
		m->full_name = names[rn(NELEM(names))];
		m->card_no = rn(3) ? "AB-123456" : NULL;
		random_status(m);
		random_places(wm);
	}
}

static struct index *world_build(const struct world *w)
{
	size_t n_pl = 0;
	struct index_member *ms = calloc(N_MEMBERS, sizeof(*ms));
	for (int i = 0; i < N_MEMBERS; i++)
		n_pl += w->mem[i].n_pl;
	struct index_placement *pl = calloc(n_pl + 1, sizeof(*pl));
	assert_true(ms && pl);
	n_pl = 0;
	for (int i = 0; i < N_MEMBERS; i++) {
		ms[i] = w->mem[i].m;
		memcpy(pl + n_pl, w->mem[i].pl, w->mem[i].n_pl * sizeof(*pl));
		n_pl += w->mem[i].n_pl;
	}
	struct index_input in = {w->orgs, w->n_orgs, ms, N_MEMBERS, pl, n_pl};
	struct index *ix = index_build(&in);
	free(ms);
	free(pl);
	return ix;
}

static void put(struct index *ix, const struct wmember *wm)
{
	index_put_member(ix, &wm->m, wm->pl, wm->n_pl);
}

/* A transfer on day t > the start of the member's last placement: that
 * placement ends on t, a new one in another cell starts on t. */
static int transfer(struct wmember *wm, int32_t t)
{
	if (wm->n_pl == 0 || wm->n_pl >= PL_MAX)
		return 0;
	struct index_placement *last = &wm->pl[wm->n_pl - 1];
	if (t <= last->from || t >= last->to)
		return 0;
	int32_t to = last->to, org = cell_id(rn(N_CELLS));
	if (org == last->org_id)
		org = cell_id((rn(N_CELLS - 1) + 1 + (last->org_id - 100)) %
			      N_CELLS);
	last->to = t;
	wm->pl[wm->n_pl++] = (struct index_placement){wm->m.id, org, t, to};
	return 1;
}

/* ---- comparing two indexes ---- */

static int32_t some_org(void)
{
	switch (rn(4)) {
	case 0:
		return 1;
	case 1:
		return 10 + rn(N_GR);
	default:
		return cell_id(rn(N_CELLS));
	}
}

static const char *const queries[] = {"nguyen thi h", "h", "tran", "an",
				      "NGUYỄN", "đ", "hong nhung",
				      "Nguye\xcc\x82\xcc\x83n"};

/* The updated index a answers like the fresh build b on random questions. */
static void same_answers(const struct index *a, const struct index *b,
			 int rounds)
{
	for (int r = 0; r < rounds; r++) {
		int32_t x = some_org(), d = BASE - 30 + rn(SPAN + 400);
		int64_t n1 = -1, n2 = -2;
		assert_int_equal(index_count(a, x, d, &n1),
				 index_count(b, x, d, &n2));
		assert_int_equal(n1, n2);
		struct index_breakdown b1, b2;
		assert_int_equal(index_breakdown(a, x, d, &b1), 0);
		assert_int_equal(index_breakdown(b, x, d, &b2), 0);
		assert_memory_equal(&b1, &b2, sizeof(b1));
		struct index_summary_row *r1, *r2;
		long k1 = index_summary(a, x, d, &r1);
		long k2 = index_summary(b, x, d, &r2);
		assert_int_equal(k1, k2);
		for (long i = 0; i < k1; i++) {
			assert_int_equal(r1[i].id, r2[i].id);
			assert_int_equal(r1[i].members, r2[i].members);
			assert_int_equal(r1[i].grassroots, r2[i].grassroots);
			assert_int_equal(r1[i].cells, r2[i].cells);
		}
		free(r1);
		free(r2);
		struct index_changes c1, c2;
		int32_t e = d + 1 + rn(400);
		assert_int_equal(index_changes(a, x, d, e, &c1),
				 index_changes(b, x, d, e, &c2));
		assert_memory_equal(&c1, &c2, sizeof(c1));
		struct index_search_hit h1[20], h2[20];
		int64_t t1 = -1, t2 = -2;
		const char *q = queries[rn(NELEM(queries))];
		long s1 = index_search(a, q, x, d, 20, h1, &t1);
		long s2 = index_search(b, q, x, d, 20, h2, &t2);
		assert_int_equal(s1, s2);
		assert_int_equal(t1, t2);
		for (long i = 0; i < s1; i++) {
			assert_int_equal(h1[i].member_id, h2[i].member_id);
			assert_int_equal(h1[i].org_id, h2[i].org_id);
		}
	}
}

/* The updated index holds at most 1.6 times the bytes of a fresh build of
 * the same state (arrays grown by doubling, garbage not yet compacted);
 * before the fix it grew without bound (3.6x after 50k corrections). */
static void check_bound(const struct world *w, const struct index *ix,
			const char *what, long step)
{
	struct index *fresh = world_build(w);
	size_t got = index_memory(ix), want = index_memory(fresh);
	printf("# %s after %ld updates: %zu bytes, fresh build %zu (%.2fx)\n",
	       what, step, got, want, (double)got / (double)want);
	fflush(stdout);

	assert_true(got * 5 <= want * 8);
	same_answers(ix, fresh, 40);
	index_free(fresh);
}

/* Corrections that rewrite members' histories (one to four placements),
 * status changes and renames, 200k of them: the state stays the same size,
 * so the index must too. */
static void test_churn_bounded(void **state)
{
	(void)state;
	struct world w;
	world_make(&w);
	struct index *ix = world_build(&w);
	const long n = 200000 / UPDATES_DIV;
	for (long u = 1; u <= n; u++) {
		struct wmember *wm = &w.mem[rn(N_MEMBERS)];
		switch (rn(4)) {
		case 0:
			random_status(&wm->m);
			break;
		case 1:
			wm->m.full_name = names[rn(NELEM(names))];
			wm->m.card_no = rn(2) ? "AB-123456" : "CD-7890";
			break;
		default:
			break;
		}
		random_places(wm);
		put(ix, wm);
		if (u % (n / 4) == 0)
			check_bound(&w, ix, "churn", u);
	}
	index_free(ix);
	free(w.mem);
}

/* Transfers on increasing days (the soak's writes): histories grow, the
 * index may grow with them but not past twice a fresh build. */
static void test_transfers_bounded(void **state)
{
	(void)state;
	struct world w;
	world_make(&w);
	struct index *ix = world_build(&w);
	const long n = 40000 / UPDATES_DIV;
	long done = 0;
	for (long u = 1; u <= n; u++) {
		struct wmember *wm = &w.mem[rn(N_MEMBERS)];
		if (wm->m.ended != DAY_MAX)
			continue;
		int32_t t = BASE + SPAN + (int32_t)(u / 4);
		if (!transfer(wm, t))
			continue;
		put(ix, wm);
		if (++done % (n / 4) == 0)
			check_bound(&w, ix, "transfers", done);
	}
	assert_true(done > n / 2);
	check_bound(&w, ix, "transfers", done);
	index_free(ix);
	free(w.mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_churn_bounded),
		cmocka_unit_test(test_transfers_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
