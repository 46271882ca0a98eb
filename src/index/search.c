/* search: distinct names (folded and keyed once each), a vocabulary of
 * folded words with posting lists of names, and Q4: the matching names in
 * name order, their members' placements scanned for the exact total and the
 * first N taken while they can still be among the first. */
#include <stdlib.h>
#include <string.h>

#include "index/index_int.h"
#include "text/text.h"

#include "core/banned.h"

/* Folding may lengthen a little (upper to lower case); never past this. */
#define FOLD_MAX (4 * NAME_MAX_BYTES + 64)

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static uint32_t hash_str(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

static void whash_insert(struct index *ix, int32_t id)
{
	const struct ix_word *w = &ix->words[id];
	size_t i = hash_str(w->text, w->len) & (ix->whash_cap - 1);
	while (ix->whash[i] >= 0)
		i = (i + 1) & (ix->whash_cap - 1);
	ix->whash[i] = id;
}

static int32_t word_find(const struct index *ix, const char *s, size_t n)
{
	if (!ix->whash_cap)
		return -1;
	size_t i = hash_str(s, n) & (ix->whash_cap - 1);
	while (ix->whash[i] >= 0) {
		const struct ix_word *w = &ix->words[ix->whash[i]];
		if (w->len == n && !memcmp(w->text, s, n))
			return ix->whash[i];
		i = (i + 1) & (ix->whash_cap - 1);
	}
	return -1;
}

/* Byte order of w against q truncated to q's length: 0 when q is a prefix
 * of w, so the words with prefix q are one run of the sorted order. */
static int cmp_trunc(const struct ix_word *w, const char *q, size_t qn)
{
	size_t n = w->len < qn ? w->len : qn;
	int c = memcmp(w->text, q, n);
	if (c)
		return c;
	return w->len < qn ? -1 : 0;
}

static int cmp_full(const struct ix_word *w, const char *q, size_t qn)
{
	size_t n = w->len < qn ? w->len : qn;
	int c = memcmp(w->text, q, n);
	if (c)
		return c;
	return (w->len > qn) - (w->len < qn);
}

static int32_t word_make(struct index *ix, const char *s, size_t n)
{
	int32_t id = word_find(ix, s, n);
	if (id >= 0)
		return id;
	if ((ix->n_words + 1) * 2 > ix->whash_cap) {
		size_t cap = ix->whash_cap ? ix->whash_cap * 2 : 1024;
		free(ix->whash);
		ix->whash = xmalloc(cap * sizeof(*ix->whash));
		memset(ix->whash, 0xff, cap * sizeof(*ix->whash));
		ix->whash_cap = cap;
		for (size_t i = 0; i < ix->n_words; i++)
			whash_insert(ix, (int32_t)i);
	}
	size_t old_alloc = ix->alloc_words;
	ALLOC_GROW(ix->words, ix->n_words + 1, ix->alloc_words);
	if (ix->alloc_words != old_alloc)
		ix->sorted = xrealloc(ix->sorted,
				      ix->alloc_words * sizeof(*ix->sorted));
	id = (int32_t)ix->n_words++;
	struct ix_word *w = &ix->words[id];
	memset(w, 0, sizeof(*w));
	w->text = xstrndup(s, n);
	w->len = (uint32_t)n;
	whash_insert(ix, id);
	/* Keep the sorted order: the vocabulary is small (thousands of
	 * distinct name words), so a shift is cheap and ids stay stable. */
	size_t lo = 0, hi = ix->n_words - 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cmp_full(&ix->words[ix->sorted[mid]], s, n) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(ix->sorted + lo + 1, ix->sorted + lo,
		(ix->n_words - 1 - lo) * sizeof(*ix->sorted));
	ix->sorted[lo] = id;
	for (size_t i = lo; i < ix->n_words; i++)
		ix->words[ix->sorted[i]].pos = (uint32_t)i;
	return id;
}

/* Folds the n bytes of name and interns its words (in order, repeats
 * kept: the in-order match needs them). Returns how many. */
static int fold_words(struct index *ix, const char *name, size_t len,
		      int32_t *ids, int max)
{
	char buf[FOLD_MAX];
	size_t n = text_fold(name, len, buf, sizeof(buf));
	int k = 0;
	for (size_t i = 0; i < n && k < max;) {
		while (i < n && is_space(buf[i]))
			i++;
		size_t start = i;
		while (i < n && !is_space(buf[i]))
			i++;
		if (i > start)
			ids[k++] = word_make(ix, buf + start, i - start);
	}
	return k;
}

static void nhash_insert(struct index *ix, int32_t id)
{
	size_t i = ix->names[id].hash & (ix->nhash_cap - 1);
	while (ix->nhash[i] >= 0)
		i = (i + 1) & (ix->nhash_cap - 1);
	ix->nhash[i] = id;
}

int32_t ix_name_intern(struct index *ix, const char *s, size_t n)
{
	uint32_t h = hash_str(s, n);
	if (ix->nhash_cap) {
		size_t i = h & (ix->nhash_cap - 1);
		for (; ix->nhash[i] >= 0; i = (i + 1) & (ix->nhash_cap - 1)) {
			const struct ix_name *nm = &ix->names[ix->nhash[i]];
			if (nm->hash == h && !memcmp(nm->text, s, n) &&
			    nm->text[n] == '\0')
				return ix->nhash[i];
		}
	}
	if ((ix->n_names + 1) * 2 > ix->nhash_cap) {
		size_t cap = ix->nhash_cap ? ix->nhash_cap * 2 : 4096;
		free(ix->nhash);
		ix->nhash = xmalloc(cap * sizeof(*ix->nhash));
		memset(ix->nhash, 0xff, cap * sizeof(*ix->nhash));
		ix->nhash_cap = cap;
		for (size_t i = 0; i < ix->n_names; i++)
			nhash_insert(ix, (int32_t)i);
	}
	int32_t words[IX_NAME_WORDS_MAX];
	int nw = fold_words(ix, s, n, words, IX_NAME_WORDS_MAX);
	uint8_t key[IX_KEY_MAX];
	size_t key_len = text_collate_key(s, n, key, sizeof(key));
	if (key_len > sizeof(key))
		key_len = sizeof(key);
	char *blob = xmalloc((size_t)nw * sizeof(int32_t) + key_len + n + 1);
	ALLOC_GROW(ix->names, ix->n_names + 1, ix->alloc_names);
	int32_t id = (int32_t)ix->n_names++;
	struct ix_name *nm = &ix->names[id];
	memset(nm, 0, sizeof(*nm));
	nm->words = (int32_t *)(void *)blob;
	memcpy(blob, words, (size_t)nw * sizeof(int32_t));
	nm->key = (uint8_t *)blob + (size_t)nw * sizeof(int32_t);
	memcpy(nm->key, key, key_len);
	nm->text = (char *)nm->key + key_len;
	memcpy(nm->text, s, n);
	nm->text[n] = '\0';
	nm->hash = h;
	nm->key_len = (uint16_t)key_len;
	nm->n_words = (uint8_t)nw;
	nhash_insert(ix, id);
	/* Postings hold each name once per distinct word. */
	for (int j = 0; j < nw; j++) {
		int first = 1;
		for (int i = 0; i < j && first; i++)
			first = words[i] != words[j];
		if (!first)
			continue;
		struct ix_word *w = &ix->words[words[j]];
		ALLOC_GROW(w->post, w->n_post + 1, w->alloc_post);
		w->post[w->n_post++] = id;
	}
	return id;
}

void ix_names_free(struct index *ix)
{
	for (size_t i = 0; i < ix->n_names; i++) {
		free(ix->names[i].words); /* the blob */
		free(ix->names[i].ent);
	}
	FREE_AND_NULL(ix->names);
	FREE_AND_NULL(ix->nhash);
	ix->n_names = ix->alloc_names = ix->nhash_cap = 0;
}

void ix_words_free(struct index *ix)
{
	for (size_t i = 0; i < ix->n_words; i++) {
		free(ix->words[i].text);
		free(ix->words[i].post);
	}
	FREE_AND_NULL(ix->words);
	FREE_AND_NULL(ix->sorted);
	FREE_AND_NULL(ix->whash);
	ix->n_words = ix->alloc_words = ix->whash_cap = 0;
}

/* ---- Q4 entries: the placements of a name's members ---- */

/* Appends the entries of member slot s to out (room for n_places). */
static size_t member_nrecs(const struct index *ix, int32_t s,
			   struct ix_nrec *out)
{
	const struct ix_member *mb = &ix->members[s];
	const struct ix_place *pl = ix_places(ix, mb);
	size_t k = 0;
	for (uint32_t i = 0; i < mb->n_places; i++) {
		struct ix_span sp; /* the place's membership period */
		ix_span_of(ix, &mb->m, pl[i].from, &sp);
		int32_t a = pl[i].from > sp.admitted ? pl[i].from : sp.admitted;
		int32_t z = pl[i].to < sp.ended ? pl[i].to : sp.ended;
		if (a < z)
			out[k++] = (struct ix_nrec){s, pl[i].org, a, z};
	}
	return k;
}

/* First entry of nm whose member's id is not below id. */
static size_t nrec_lower(const struct index *ix, const struct ix_name *nm,
			 int32_t id)
{
	size_t lo = 0, hi = nm->n_ent;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ix->members[nm->ent[mid].member].m.id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void ix_nrecs_put(struct index *ix, int32_t slot, int add)
{
	const struct ix_member *mb = &ix->members[slot];
	struct ix_name *nm = &ix->names[mb->name];
	size_t i = nrec_lower(ix, nm, mb->m.id);
	if (!add) {
		size_t j = i;
		while (j < nm->n_ent && nm->ent[j].member == slot)
			j++;
		if (j > i) {
			memmove(nm->ent + i, nm->ent + j,
				(nm->n_ent - j) * sizeof(*nm->ent));
			nm->n_ent -= j - i;
		}
		return;
	}
	if (!mb->n_places)
		return;
	ALLOC_GROW(nm->ent, nm->n_ent + mb->n_places, nm->alloc_ent);
	struct ix_nrec tmp[64];
	struct ix_nrec *t = mb->n_places <= 64
				    ? tmp
				    : xmalloc(mb->n_places * sizeof(*t));
	size_t k = member_nrecs(ix, slot, t);
	memmove(nm->ent + i + k, nm->ent + i,
		(nm->n_ent - i) * sizeof(*nm->ent));
	memcpy(nm->ent + i, t, k * sizeof(*t));
	nm->n_ent += k;
	if (t != tmp)
		free(t);
}

struct run {
	int32_t id;
	uint32_t start, len;
};

static int cmp_run(const void *a, const void *b)
{
	const struct run *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

/* Orders the entries of nm by member id, keeping each member's run. */
static void nrecs_sort(const struct index *ix, struct ix_name *nm)
{
	int sorted = 1;
	size_t n_runs = 0;
	for (size_t i = 0; i < nm->n_ent; i++) {
		if (i && nm->ent[i].member == nm->ent[i - 1].member)
			continue;
		n_runs++;
		if (i && ix->members[nm->ent[i].member].m.id <
				 ix->members[nm->ent[i - 1].member].m.id)
			sorted = 0;
	}
	if (sorted)
		return;
	struct run *r = xmalloc(n_runs * sizeof(*r));
	size_t k = 0;
	for (size_t i = 0; i < nm->n_ent; i++) {
		if (i && nm->ent[i].member == nm->ent[i - 1].member) {
			r[k - 1].len++;
			continue;
		}
		r[k++] = (struct run){ix->members[nm->ent[i].member].m.id,
				      (uint32_t)i, 1};
	}
	qsort(r, n_runs, sizeof(*r), cmp_run);
	struct ix_nrec *e = xmalloc(nm->n_ent * sizeof(*e));
	size_t w = 0;
	for (size_t i = 0; i < n_runs; i++) {
		memcpy(e + w, nm->ent + r[i].start, r[i].len * sizeof(*e));
		w += r[i].len;
	}
	free(nm->ent);
	nm->ent = e;
	nm->alloc_ent = nm->n_ent;
	free(r);
}

void ix_nrecs_build(struct index *ix)
{
	for (size_t i = 0; i < ix->n_names; i++)
		ix->names[i].alloc_ent = 0; /* counter */
	for (size_t s = 0; s < ix->n_members; s++) {
		const struct ix_member *mb = &ix->members[s];
		const struct ix_place *pl = ix_places(ix, mb);
		for (uint32_t i = 0; i < mb->n_places; i++) {
			struct ix_span sp;
			ix_span_of(ix, &mb->m, pl[i].from, &sp);
			int32_t a = pl[i].from > sp.admitted ? pl[i].from
							     : sp.admitted;
			int32_t z = pl[i].to < sp.ended ? pl[i].to : sp.ended;
			ix->names[mb->name].alloc_ent += a < z;
		}
	}
	for (size_t i = 0; i < ix->n_names; i++) {
		struct ix_name *nm = &ix->names[i];
		nm->ent = nm->alloc_ent ? xmalloc(nm->alloc_ent * sizeof(*nm->ent))
					: NULL;
		nm->n_ent = 0;
	}
	for (size_t s = 0; s < ix->n_members; s++) {
		struct ix_name *nm = &ix->names[ix->members[s].name];
		nm->n_ent += member_nrecs(ix, (int32_t)s, nm->ent + nm->n_ent);
	}
	for (size_t i = 0; i < ix->n_names; i++)
		nrecs_sort(ix, &ix->names[i]);
}

/* ---- the query ---- */

struct qword {
	uint32_t lo, hi; /* range of sorted positions with the prefix */
};

static uint32_t sorted_bound(const struct index *ix, const char *q, size_t qn,
			     int upper)
{
	size_t lo = 0, hi = ix->n_words;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = cmp_trunc(&ix->words[ix->sorted[mid]], q, qn);
		if (c < 0 || (upper && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return (uint32_t)lo;
}

static int name_matches(const struct index *ix, const struct ix_name *nm,
			const struct qword *qw, int nq)
{
	int j = 0;
	for (int i = 0; i < nq; i++) {
		for (;; j++) {
			if (j >= nm->n_words)
				return 0;
			uint32_t pos = ix->words[nm->words[j]].pos;
			if (pos >= qw[i].lo && pos < qw[i].hi)
				break;
		}
		j++;
	}
	return 1;
}

static int key_cmp(const struct ix_name *a, const struct ix_name *b)
{
	size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
	int c = memcmp(a->key, b->key, n);
	if (c)
		return c;
	return (a->key_len > b->key_len) - (a->key_len < b->key_len);
}

/* Name order: collation key, then id. */
static int member_before(const struct index *ix, const struct ix_member *a,
			 const struct ix_member *b)
{
	int c = a->name == b->name ? 0
				   : key_cmp(&ix->names[a->name],
					     &ix->names[b->name]);
	if (c)
		return c < 0;
	return a->m.id < b->m.id;
}

struct hit {
	int32_t slot, org;
};

/* Max-heap of the best limit hits by name order: the root is the worst. */
struct heap {
	struct hit *h;
	size_t n, cap;
};

static int hit_before(const struct index *ix, struct hit a, struct hit b)
{
	return member_before(ix, &ix->members[a.slot], &ix->members[b.slot]);
}

/* Moves x down from i in h[0..n) (max-heap on name order). */
static void sift_down(const struct index *ix, struct hit *h, size_t n,
		      size_t i, struct hit x)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		struct hit best = x;
		if (l < n && hit_before(ix, best, h[l]))
			m = l, best = h[l];
		if (r < n && hit_before(ix, best, h[r]))
			m = r;
		if (m == i)
			break;
		h[i] = h[m];
		i = m;
	}
	h[i] = x;
}

static void heap_offer(const struct index *ix, struct heap *hp, struct hit x)
{
	if (!hp->cap)
		return;
	if (hp->n < hp->cap) {
		size_t i = hp->n++;
		while (i > 0 && hit_before(ix, hp->h[(i - 1) / 2], x)) {
			hp->h[i] = hp->h[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		hp->h[i] = x;
		return;
	}
	if (hit_before(ix, x, hp->h[0]))
		sift_down(ix, hp->h, hp->n, 0, x);
}

/* Heap sort in place: ascending name order. */
static void heap_sort(const struct index *ix, struct heap *hp)
{
	for (size_t n = hp->n; n > 1; n--) {
		struct hit last = hp->h[n - 1];
		hp->h[n - 1] = hp->h[0];
		sift_down(ix, hp->h, n - 1, 0, last);
	}
}

static int cmp_name_key(const void *a, const void *b, void *arg)
{
	const struct index *ix = arg;
	return key_cmp(&ix->names[*(const int32_t *)a],
		       &ix->names[*(const int32_t *)b]);
}

long index_search(const struct index *ix, const char *query, int32_t org,
		  int32_t day, size_t limit, struct index_search_hit *out,
		  int64_t *total)
{
	int32_t top = ix_org_slot(ix, org);
	*total = 0;
	if (top < 0 || ix_version_on(&ix->orgs[top], day) < 0)
		return -1;

	char buf[FOLD_MAX];
	const char *qs = query ? query : "";
	size_t n = text_fold(qs, strlen(qs), buf, sizeof(buf));
	struct qword qw[SEARCH_WORDS_MAX];
	int nq = 0;
	for (size_t i = 0; i < n && nq < SEARCH_WORDS_MAX;) {
		while (i < n && is_space(buf[i]))
			i++;
		size_t start = i;
		while (i < n && !is_space(buf[i]))
			i++;
		if (i == start)
			continue;
		qw[nq].lo = sorted_bound(ix, buf + start, i - start, 0);
		qw[nq].hi = sorted_bound(ix, buf + start, i - start, 1);
		if (qw[nq].lo == qw[nq].hi)
			return 0; /* a word no name has */
		nq++;
	}

	/* The matching names: candidates are the postings of the query word
	 * whose prefix range has the fewest. */
	int32_t *names = NULL;
	size_t nn = 0, alloc = 0;
	if (!nq) {
		names = xmalloc((ix->n_names ? ix->n_names : 1) * sizeof(*names));
		for (size_t i = 0; i < ix->n_names; i++)
			names[nn++] = (int32_t)i;
	} else {
		int best = 0;
		size_t best_n = SIZE_MAX;
		for (int i = 0; i < nq; i++) {
			size_t cnt = 0;
			for (uint32_t p = qw[i].lo; p < qw[i].hi; p++)
				cnt += ix->words[ix->sorted[p]].n_post;
			if (cnt < best_n)
				best_n = cnt, best = i;
		}
		for (uint32_t p = qw[best].lo; p < qw[best].hi; p++) {
			int32_t wid = ix->sorted[p];
			const struct ix_word *w = &ix->words[wid];
			for (size_t k = 0; k < w->n_post; k++) {
				const struct ix_name *nm = &ix->names[w->post[k]];
				/* Take a name once: under the first of its
				 * words that has the prefix. */
				int32_t first = -1;
				for (int j = 0; j < nm->n_words; j++) {
					uint32_t pos = ix->words[nm->words[j]].pos;
					if (pos >= qw[best].lo && pos < qw[best].hi) {
						first = nm->words[j];
						break;
					}
				}
				if (first != wid || !nm->n_ent ||
				    !name_matches(ix, nm, qw, nq))
					continue;
				ALLOC_GROW(names, nn + 1, alloc);
				names[nn++] = w->post[k];
			}
		}
	}
	if (nn > 1)
		qsort_r(names, nn, sizeof(*names), cmp_name_key, (void *)ix);

	/* Every placement of those names' members: the member counts when its
	 * first placement holding on day is in the subtree. Hits are offered
	 * to the heap while a name can still hold one of the first limit. */
	/* "In the subtree" per org for this day: the top's own range decided
	 * in one sequential pass when the entries are many, the rest lazily. */
	uint8_t *st = xcalloc(ix->n_orgs ? ix->n_orgs : 1, 1);
	size_t n_ent = 0;
	for (size_t i = 0; i < nn; i++)
		n_ent += ix->names[names[i]].n_ent;
	if (ix->orgs[top].pre < ix->n_pre) {
		/* A lazy answer walks up through scattered orgs (~0.5 us); a
		 * pass reads a few bytes per node in order: over every org
		 * when the entries are many (those outside the top's range
		 * are then decided too), else over the top's range. */
		uint32_t p = ix->orgs[top].pre;
		size_t range = ix->node_off[ix->pre_end[p]] - ix->node_off[p];
		size_t all = ix->node_off[ix->n_pre];
		if (n_ent * 64 > all)
			ix_subtree_prime(ix, top, day, st, 1);
		else if (n_ent * 64 > range)
			ix_subtree_prime(ix, top, day, st, 0);
	}
	struct heap hp = {xmalloc((limit ? limit : 1) * sizeof(*hp.h)), 0,
			  limit};
	int offering = limit > 0;
	int64_t count = 0;
	for (size_t i = 0; i < nn; i++) {
		const struct ix_name *nm = &ix->names[names[i]];
		if (offering && hp.n == hp.cap &&
		    key_cmp(nm, &ix->names[ix->members[hp.h[0].slot].name]) > 0)
			offering = 0;
		int32_t decided = -1;
		const struct ix_nrec *e = nm->ent, *end = e + nm->n_ent;
		for (; e < end; e++) {
			if (e->from > day || day >= e->to || e->member == decided)
				continue;
			decided = e->member;
			if (!ix_subtree_in(ix, top, day, st, e->org))
				continue;
			count++;
			if (offering)
				heap_offer(ix, &hp, (struct hit){e->member, e->org});
		}
	}

	size_t nh = hp.n;
	heap_sort(ix, &hp);
	for (size_t i = 0; i < nh; i++) {
		out[i].member_id = ix->members[hp.h[i].slot].m.id;
		out[i].org_id = ix->orgs[hp.h[i].org].id;
	}
	*total = count;
	free(hp.h);
	free(names);
	free(st);
	return (long)nh;
}
