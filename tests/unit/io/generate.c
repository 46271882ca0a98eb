/* Tests of io/generate: the generated data keeps every rule of
 * spec/interchange.md, has the tiny shape, and is deterministic.
 * HOSO_GENERATE_CHECK=DIR also checks an existing dataset (seed, national). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/core.h"
#include "io/generate.h"
#include "model/reflist.h"

/* ---- a small RFC 4180 reader (fields never hold line breaks here) ---- */

#define MAXF 32

struct csv {
	FILE *f;
	char *line;
	size_t cap;
	char *field[MAXF];
	char buf[1 << 16];
	int n;
	long lineno;
};

static int csv_next(struct csv *c)
{
	ssize_t len = getline(&c->line, &c->cap, c->f);
	if (len <= 0)
		return 0;
	c->lineno++;
	if (c->line[len - 1] == '\n')
		c->line[--len] = '\0';
	char *o = c->buf, *s = c->line;
	c->n = 0;
	for (;;) {
		c->field[c->n++] = o;
		if (*s == '"') {
			s++;
			for (;;) {
				if (*s == '\0')
					return -1; /* unterminated */
				if (*s == '"' && s[1] == '"') {
					*o++ = '"';
					s += 2;
				} else if (*s == '"') {
					s++;
					break;
				} else {
					*o++ = *s++;
				}
			}
		} else {
			while (*s && *s != ',')
				*o++ = *s++;
		}
		*o++ = '\0';
		if (*s == ',' && c->n < MAXF) {
			s++;
			continue;
		}
		if (*s != '\0')
			return -1;
		return 1;
	}
}

static int csv_open(struct csv *c, const char *dir, const char *name)
{
	char path[4096];
	memset(c, 0, sizeof(*c));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	c->f = fopen(path, "r");
	return c->f ? 0 : -1;
}

static void csv_close(struct csv *c)
{
	if (c->f)
		fclose(c->f);
	free(c->line);
}

static int col(struct csv *c, const char *name)
{
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->field[i], name) == 0)
			return i;
	return -1;
}

static int32_t date_or(const char *s, int32_t dflt)
{
	int32_t d;
	if (!*s)
		return dflt;
	if (day_parse(s, strlen(s), &d))
		return INT32_MIN + 1; /* marks a bad date */
	return d;
}

static long num(const char *s)
{
	return *s ? strtol(s, NULL, 10) : 0;
}

/* ---- the checker ---- */

static int failures;

static void bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void bad(const char *fmt, ...)
{
	if (failures++ < 20) {
		va_list ap;
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
}

struct ver {
	int32_t id, parent, from, to;
	int kind;
	char *code;
};

struct mem {
	int32_t adm, ended, org;
	int32_t npl, last_org, last_to;
	uint8_t seen;
};

struct stats {
	long orgs, org_rows, members, active, ended, movers, placements;
	long probationary, kinds[KIND_COUNT], ethnic_seen, nfd, quoted;
	long religion, female;
};

static int by_code(const void *a, const void *b)
{
	const struct ver *x = *(struct ver *const *)a, *y = *(struct ver *const *)b;
	int c = strcmp(x->code, y->code);
	if (c)
		return c;
	return x->from < y->from ? -1 : x->from > y->from;
}

/* 1 when [from, to) is covered by versions of id, each of which satisfies
 * kind_ok(kind of that version). */
static int covered(struct ver *v, int32_t *first, int32_t *count, long maxid,
		   int32_t id, int32_t from, int32_t to, int (*ok)(int, int),
		   int child_kind)
{
	if (id <= 0 || id > maxid || !count[id])
		return 0;
	int32_t cur = from;
	for (int32_t i = first[id]; i < first[id] + count[id] && cur < to; i++) {
		if (v[i].to <= cur)
			continue;
		if (v[i].from > cur)
			return 0;
		if (!ok(child_kind, v[i].kind))
			return 0;
		cur = v[i].to;
	}
	return cur >= to;
}

static int kind_ok(int child, int parent)
{
	return org_kind_allowed_under(child, parent);
}

static int holds_ok(int unused, int kind)
{
	return org_kind_holds_members(kind);
}

static int has_combining(const char *s)
{
	/* U+0300..U+036F are CC 80 .. CD AF in UTF-8. */
	for (; *s; s++)
		if ((unsigned char)*s == 0xCC || (unsigned char)*s == 0xCD)
			return 1;
	return 0;
}

static void check_dataset(const char *dir, struct stats *st)
{
	struct csv c;
	struct ver *v = NULL;
	size_t nv = 0, av = 0;
	long maxid = 0;
	int32_t dend = day_from_ymd(2025, 12, 31);
	memset(st, 0, sizeof(*st));
	failures = 0;

	/* orgs.csv */
	assert_int_equal(csv_open(&c, dir, "orgs.csv"), 0);
	assert_int_equal(csv_next(&c), 1);
	int ci = col(&c, "id"), cp = col(&c, "parent_id"), ck = col(&c, "kind"),
	    cc = col(&c, "code"), cn = col(&c, "name"), cf = col(&c, "valid_from"),
	    ct = col(&c, "valid_to");
	assert_true(ci >= 0 && cp >= 0 && ck >= 0 && cc >= 0 && cn >= 0 &&
		    cf >= 0 && ct >= 0);
	int r;
	while ((r = csv_next(&c)) == 1) {
		ALLOC_GROW(v, nv + 1, av);
		struct ver *x = &v[nv++];
		x->id = (int32_t)num(c.field[ci]);
		x->parent = (int32_t)num(c.field[cp]);
		x->kind = enum_lookup(org_kind_names, KIND_COUNT, c.field[ck],
				      strlen(c.field[ck]));
		x->code = xstrdup(c.field[cc]);
		x->from = date_or(c.field[cf], DAY_MIN);
		x->to = date_or(c.field[ct], DAY_MAX);
		if (x->kind < 0)
			bad("orgs:%ld: bad kind", c.lineno);
		if (!*c.field[cn])
			bad("orgs:%ld: empty name", c.lineno);
		if (x->from >= x->to)
			bad("orgs:%ld: empty validity", c.lineno);
		if (nv > 1) {
			struct ver *p = &v[nv - 2];
			if (p->id > x->id || (p->id == x->id && p->from >= x->from))
				bad("orgs:%ld: not sorted", c.lineno);
			if (p->id == x->id && p->to != x->from)
				bad("orgs:%ld: overlap or gap in versions", c.lineno);
		}
		if (x->id > maxid)
			maxid = x->id;
		if ((x->kind == KIND_PARTY) != (x->parent == 0))
			bad("orgs:%ld: party must be exactly the root", c.lineno);
		if (strchr(c.line, '"'))
			st->quoted++;
		if (has_combining(c.field[cn]))
			st->nfd++;
		st->org_rows++;
	}
	assert_int_equal(r, 0);
	csv_close(&c);
	int32_t *first = xcalloc((size_t)maxid + 1, sizeof(int32_t));
	int32_t *count = xcalloc((size_t)maxid + 1, sizeof(int32_t));
	for (size_t i = 0; i < nv; i++) {
		if (!count[v[i].id]++)
			first[v[i].id] = (int32_t)i;
	}
	for (long id = 1; id <= maxid; id++)
		if (count[id]) {
			st->orgs++;
			st->kinds[v[first[id]].kind]++;
		}
	for (size_t i = 0; i < nv; i++) {
		if (!v[i].parent)
			continue;
		if (!covered(v, first, count, maxid, v[i].parent, v[i].from,
			     v[i].to, kind_ok, v[i].kind))
			bad("org %d (version from %d): parent %d not alive or kind "
			     "not allowed", v[i].id, v[i].from, v[i].parent);
	}
	/* Codes unique among organisations alive at the same time. */
	struct ver **bc = xmalloc(nv * sizeof(*bc));
	size_t nbc = 0;
	for (size_t i = 0; i < nv; i++)
		if (*v[i].code)
			bc[nbc++] = &v[i];
	qsort(bc, nbc, sizeof(*bc), by_code);
	for (size_t i = 0; i < nbc; i++)
		for (size_t j = i + 1; j < nbc && !strcmp(bc[i]->code, bc[j]->code); j++)
			if (bc[i]->id != bc[j]->id && bc[j]->from < bc[i]->to)
				bad("code %s held by %d and %d at once", bc[i]->code,
				     bc[i]->id, bc[j]->id);
	free(bc);

	/* members.csv */
	assert_int_equal(csv_open(&c, dir, "members.csv"), 0);
	assert_int_equal(csv_next(&c), 1);
	int mi = col(&c, "id"), mc = col(&c, "card_no"), mn = col(&c, "full_name"),
	    ms = col(&c, "sex"), mb = col(&c, "birth_date"),
	    me = col(&c, "ethnicity"), mr = col(&c, "religion"),
	    mh = col(&c, "hometown"), med = col(&c, "education"),
	    mx = col(&c, "expertise"), mt = col(&c, "theory_level"),
	    ma = col(&c, "admitted_on"), mo = col(&c, "official_on"),
	    mst = col(&c, "status"), men = col(&c, "ended_on"), mg = col(&c, "org_id");
	assert_true(mi >= 0 && mc >= 0 && mn >= 0 && ms >= 0 && mb >= 0 &&
		    me >= 0 && mr >= 0 && mh >= 0 && med >= 0 && mx >= 0 &&
		    mt >= 0 && ma >= 0 && mo >= 0 && mst >= 0 && men >= 0 && mg >= 0);
	struct mem *m = NULL;
	size_t am = 0;
	long maxm = 0;
	uint32_t *cards = NULL;
	size_t ncard = 0, acard = 0;
	int eth_seen[ETHNIC_COUNT] = {0};
	while ((r = csv_next(&c)) == 1) {
		long id = num(c.field[mi]);
		if (id != maxm + 1)
			bad("members:%ld: ids not 1, 2, 3...", c.lineno);
		maxm = id;
		ALLOC_GROW(m, (size_t)id + 1, am);
		struct mem *x = &m[id];
		memset(x, 0, sizeof(*x));
		int32_t birth = date_or(c.field[mb], INT32_MIN + 1);
		x->adm = date_or(c.field[ma], INT32_MIN + 1);
		int32_t off = date_or(c.field[mo], DAY_MAX);
		x->ended = date_or(c.field[men], DAY_MAX);
		x->org = (int32_t)num(c.field[mg]);
		int status = enum_lookup(status_names, ST_COUNT, c.field[mst],
					 strlen(c.field[mst]));
		if (status < 0)
			bad("members:%ld: status", c.lineno);
		if (!*c.field[mn])
			bad("members:%ld: empty name", c.lineno);
		if (has_combining(c.field[mn]))
			st->nfd++;
		if (strchr(c.line, '"'))
			st->quoted++;
		if (strcmp(c.field[ms], "M") && strcmp(c.field[ms], "F"))
			bad("members:%ld: sex", c.lineno);
		st->female += !strcmp(c.field[ms], "F");
		int e = -1;
		for (int k = 0; k < ETHNIC_COUNT; k++)
			if (!strcmp(ethnic_names[k][0], c.field[me]))
				e = k;
		if (e < 0)
			bad("members:%ld: ethnicity %s", c.lineno, c.field[me]);
		else
			eth_seen[e] = 1;
		st->religion += *c.field[mr] != '\0';
		if (*c.field[mh]) {
			int p = -1;
			for (int k = 0; k < PROVINCE_COUNT; k++)
				if (!strcmp(province_names[k], c.field[mh]))
					p = k;
			if (p < 0)
				bad("members:%ld: hometown", c.lineno);
		}
		if (!*c.field[med])
			bad("members:%ld: education", c.lineno);
		if (enum_lookup(expertise_names, EXP_COUNT, c.field[mx], strlen(c.field[mx])) < 0 ||
		    enum_lookup(theory_names, TH_COUNT, c.field[mt], strlen(c.field[mt])) < 0)
			bad("members:%ld: expertise or theory", c.lineno);
		if (birth == INT32_MIN + 1 || x->adm == INT32_MIN + 1)
			bad("members:%ld: dates", c.lineno);
		else if (full_years(birth, x->adm) < 18)
			bad("members:%ld: admitted before 18", c.lineno);
		if (birth < day_from_ymd(1935, 1, 1) || birth > day_from_ymd(2007, 12, 31))
			bad("members:%ld: birth year", c.lineno);
		if (x->adm > dend || (x->ended != DAY_MAX && x->ended > dend) ||
		    (off != DAY_MAX && off > dend))
			bad("members:%ld: date after the history", c.lineno);
		if (off != DAY_MAX && off < day_add_years(x->adm, 1))
			bad("members:%ld: official too early", c.lineno);
		int ends = status == ST_LEFT || status == ST_EXPELLED || status == ST_DECEASED;
		if (ends != (x->ended != DAY_MAX))
			bad("members:%ld: ended_on vs status", c.lineno);
		if (x->ended != DAY_MAX && x->ended <= x->adm)
			bad("members:%ld: ended before admission", c.lineno);
		if (status == ST_OFFICIAL && off == DAY_MAX)
			bad("members:%ld: official without official_on", c.lineno);
		if (status == ST_PROBATIONARY && off != DAY_MAX)
			bad("members:%ld: probationary with official_on", c.lineno);
		if (status == ST_PROBATIONARY && x->adm < dend - 2 * 366)
			bad("members:%ld: probationary for years", c.lineno);
		if (off != DAY_MAX && x->ended != DAY_MAX && off >= x->ended)
			bad("members:%ld: official_on not before ended_on", c.lineno);
		if (*c.field[mc]) {
			if (off == DAY_MAX)
				bad("members:%ld: card without official_on", c.lineno);
			ALLOC_GROW(cards, ncard + 1, acard);
			cards[ncard++] = (uint32_t)strtoul(c.field[mc], NULL, 10);
		} else if (status == ST_OFFICIAL) {
			bad("members:%ld: official without card", c.lineno);
		}
		st->members++;
		st->probationary += status == ST_PROBATIONARY;
		if (ends)
			st->ended++;
		else
			st->active++;
	}
	assert_int_equal(r, 0);
	csv_close(&c);
	for (int k = 0; k < ETHNIC_COUNT; k++)
		st->ethnic_seen += eth_seen[k];
	/* Cards: one member each (sort and look for neighbours). */
	{
		uint8_t *bits = xcalloc(100000000 / 8 + 1, 1);
		for (size_t i = 0; i < ncard; i++) {
			uint32_t k = cards[i];
			if (k >= 100000000 || k < 1000000) {
				bad("card %u out of range", k);
				continue;
			}
			if (bits[k / 8] & (1u << (k % 8)))
				bad("card %u held twice", k);
			bits[k / 8] |= (uint8_t)(1u << (k % 8));
		}
		free(bits);
	}
	free(cards);

	/* placements.csv */
	assert_int_equal(csv_open(&c, dir, "placements.csv"), 0);
	assert_int_equal(csv_next(&c), 1);
	int pm = col(&c, "member_id"), po = col(&c, "org_id"),
	    pf = col(&c, "valid_from"), pt = col(&c, "valid_to");
	assert_true(pm >= 0 && po >= 0 && pf >= 0 && pt >= 0);
	long prev_m = 0;
	int32_t prev_from = DAY_MIN;
	while ((r = csv_next(&c)) == 1) {
		long id = num(c.field[pm]);
		int32_t org = (int32_t)num(c.field[po]);
		int32_t from = date_or(c.field[pf], DAY_MIN);
		int32_t to = date_or(c.field[pt], DAY_MAX);
		st->placements++;
		if (id < prev_m || (id == prev_m && from <= prev_from))
			bad("placements:%ld: not sorted", c.lineno);
		prev_m = id;
		prev_from = from;
		if (id < 1 || id > maxm) {
			bad("placements:%ld: unknown member", c.lineno);
			continue;
		}
		struct mem *x = &m[id];
		if (from >= to)
			bad("placements:%ld: empty", c.lineno);
		if (from < x->adm || to > x->ended)
			bad("placements:%ld: outside membership", c.lineno);
		if (x->npl && from < x->last_to)
			bad("placements:%ld: overlap", c.lineno);
		if (!covered(v, first, count, maxid, org, from, to, holds_ok, 0))
			bad("placements:%ld: org %d not a live cell over it",
			     c.lineno, org);
		x->npl++;
		x->last_org = org;
		x->last_to = to;
	}
	assert_int_equal(r, 0);
	csv_close(&c);
	for (long id = 1; id <= maxm; id++) {
		struct mem *x = &m[id];
		if (!x->npl) {
			bad("member %ld: no placement", id);
			continue;
		}
		if (x->last_org != x->org)
			bad("member %ld: last placement is not org_id", id);
		if (x->last_to != x->ended)
			bad("member %ld: last placement does not end with "
			     "membership", id);
		st->movers += x->npl > 1;
	}
	free(m);
	for (size_t i = 0; i < nv; i++)
		free(v[i].code);
	free(v);
	free(first);
	free(count);
	fprintf(stderr,
		"%s: %ld orgs (%ld rows), %ld members (%ld active, %ld ended, "
		"%ld probationary, %ld female, %ld with religion), %ld placements, "
		"%ld moved, %ld ethnic groups; %ld failures\n",
		dir, st->orgs, st->org_rows, st->members, st->active, st->ended,
		st->probationary, st->female, st->religion, st->placements,
		st->movers, st->ethnic_seen, (long)failures);
}

/* ---- helpers ---- */

static void make_tmp(char *dir, size_t n)
{
	snprintf(dir, n, "/tmp/hoso-gen-XXXXXX");
	assert_non_null(mkdtemp(dir));
}

static void remove_dataset(const char *dir)
{
	static const char *const files[] = {"orgs.csv", "members.csv",
					    "placements.csv"};
	char path[4200];
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

static int same_file(const char *a, const char *b, const char *name)
{
	char pa[4200], pb[4200];
	snprintf(pa, sizeof(pa), "%s/%s", a, name);
	snprintf(pb, sizeof(pb), "%s/%s", b, name);
	FILE *fa = fopen(pa, "rb"), *fb = fopen(pb, "rb");
	int same = fa && fb;
	while (same) {
		int x = fgetc(fa), y = fgetc(fb);
		if (x != y)
			same = 0;
		if (x == EOF || y == EOF)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

static void gen(const char *scale, uint64_t seed, const char *dir)
{
	struct generate_opts o = {scale, seed, dir, 1};
	struct hoso_error err = {0};
	int rc = generate_dataset(&o, &err);
	if (rc)
		fprintf(stderr, "%s\n", err.msg);
	assert_int_equal(rc, 0);
}

static int starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ---- tests ---- */

static void test_tiny_is_valid_and_realistic(void **state)
{
	char dir[64];
	struct stats st;
	make_tmp(dir, sizeof(dir));
	gen("tiny", 42, dir);
	check_dataset(dir, &st);
	assert_int_equal(failures, 0);
	assert_int_equal(st.members, 2000);
	assert_in_range(st.orgs, 200, 450);
	assert_int_equal(st.kinds[KIND_PARTY], 1);
	assert_in_range(st.kinds[KIND_PROVINCE], 3, 10);
	assert_in_range(st.kinds[KIND_BLOC], 2, 12);
	assert_in_range(st.kinds[KIND_UPPER], 5, 40);
	assert_in_range(st.kinds[KIND_GRASSROOTS] + st.kinds[KIND_GRASSROOTS_CELL], 30, 90);
	assert_in_range(st.kinds[KIND_CELL], 150, 300);
	assert_true(st.org_rows > st.orgs + 30); /* history: several versions */
	/* About 8% move, about 10% ended, some probationary, some women. */
	assert_in_range(st.movers, 2000 * 4 / 100, 2000 * 15 / 100);
	assert_in_range(st.ended, 2000 * 6 / 100, 2000 * 16 / 100);
	assert_in_range(st.probationary, 5, 200);
	assert_in_range(st.female, 500, 1000);
	assert_in_range(st.religion, 40, 300);
	assert_true(st.ethnic_seen >= 8);
	assert_true(st.placements > st.members);
	/* Some NFD text and some quoted fields, as real files have. */
	assert_true(st.nfd >= 3);
	assert_true(st.quoted >= 3);
	remove_dataset(dir);
}

static void test_2025_reorganisation(void **state)
{
	char dir[64];
	make_tmp(dir, sizeof(dir));
	gen("tiny", 7, dir);
	struct csv c;
	assert_int_equal(csv_open(&c, dir, "orgs.csv"), 0);
	assert_int_equal(csv_next(&c), 1);
	int bloc_end = 0, district_end = 0, prov_end = 0, new_feb = 0, moved_jul = 0;
	while (csv_next(&c) == 1) {
		const char *kind = c.field[2], *from = c.field[5], *to = c.field[6];
		if (!strcmp(kind, "bloc") && !strcmp(to, "2025-02-01"))
			bloc_end++;
		if (!strcmp(kind, "bloc") && !strcmp(from, "2025-02-01"))
			new_feb++;
		if (!strcmp(kind, "upper") && !strcmp(to, "2025-07-01") &&
		    (starts(c.field[4], "Huyện ủy") || starts(c.field[4], "Quận ủy") ||
		     starts(c.field[4], "Thị ủy") || starts(c.field[4], "Thành ủy")))
			district_end++;
		if (!strcmp(kind, "province") && !strcmp(to, "2025-07-01"))
			prov_end++;
		if (!strncmp(kind, "grassroots", 10) && !strcmp(from, "2025-07-01"))
			moved_jul++;
	}
	csv_close(&c);
	assert_int_equal(bloc_end, 2);  /* the two central blocs */
	assert_int_equal(new_feb, 4);   /* four new central committees */
	assert_int_equal(prov_end, 2);  /* Hà Giang, Bắc Kạn */
	assert_true(district_end >= 5);
	assert_true(moved_jul >= 20);
	remove_dataset(dir);
}

static void test_deterministic(void **state)
{
	char a[64], b[64], d[64];
	make_tmp(a, sizeof(a));
	make_tmp(b, sizeof(b));
	make_tmp(d, sizeof(d));
	gen("tiny", 1234, a);
	gen("tiny", 1234, b);
	gen("tiny", 1235, d);
	assert_true(same_file(a, b, "orgs.csv"));
	assert_true(same_file(a, b, "members.csv"));
	assert_true(same_file(a, b, "placements.csv"));
	assert_false(same_file(a, d, "members.csv"));
	assert_false(same_file(a, d, "orgs.csv"));
	remove_dataset(a);
	remove_dataset(b);
	remove_dataset(d);
}

static void test_many_seeds_valid(void **state)
{
	for (uint64_t seed = 100; seed < 108; seed++) {
		char dir[64];
		struct stats st;
		make_tmp(dir, sizeof(dir));
		gen("tiny", seed, dir);
		check_dataset(dir, &st);
		assert_int_equal(failures, 0);
		remove_dataset(dir);
	}
}

static void test_bad_scale_and_nested_dir(void **state)
{
	struct hoso_error err = {0};
	struct generate_opts o = {"galactic", 1, "/tmp", 1};
	assert_int_equal(generate_dataset(&o, &err), -1);
	assert_int_equal(err.code, HOSO_EUSAGE);

	char dir[64], nested[128];
	make_tmp(dir, sizeof(dir));
	snprintf(nested, sizeof(nested), "%s/a/b", dir);
	gen("tiny", 3, nested);
	struct csv c;
	assert_int_equal(csv_open(&c, nested, "members.csv"), 0);
	csv_close(&c);
	remove_dataset(nested);
	snprintf(nested, sizeof(nested), "%s/a", dir);
	rmdir(nested);
	rmdir(dir);
}

/* HOSO_GENERATE_CHECK=DIR: check a dataset made by hand (seed, national). */
static void test_external_dataset(void **state)
{
	const char *dir = getenv("HOSO_GENERATE_CHECK");
	struct stats st;
	if (!dir || !*dir) {
		skip();
		return;
	}
	check_dataset(dir, &st);
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tiny_is_valid_and_realistic),
		cmocka_unit_test(test_2025_reorganisation),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_many_seeds_valid),
		cmocka_unit_test(test_bad_scale_and_nested_dir),
		cmocka_unit_test(test_external_dataset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
