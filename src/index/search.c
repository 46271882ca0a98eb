/* search: Q4 name search over a vocabulary of folded words, with posting
 * lists per word and a bounded heap for the first N in name order. */
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

int ix_fold_words(struct index *ix, const char *name, int32_t *ids, int max,
		  int make)
{
	char buf[FOLD_MAX];
	size_t len = strlen(name);
	size_t n = text_fold(name, len, buf, sizeof(buf));
	int k = 0;
	for (size_t i = 0; i < n && k < max;) {
		while (i < n && is_space(buf[i]))
			i++;
		size_t start = i;
		while (i < n && !is_space(buf[i]))
			i++;
		if (i > start)
			ids[k++] = make ? word_make(ix, buf + start, i - start)
					: word_find(ix, buf + start, i - start);
	}
	return k;
}

/* Postings hold each member once per distinct word of its name. */
static int first_of(const struct ix_member *mb, int j)
{
	for (int i = 0; i < j; i++)
		if (mb->words[i] == mb->words[j])
			return 0;
	return 1;
}

void ix_words_add_member(struct index *ix, int32_t slot)
{
	const struct ix_member *mb = &ix->members[slot];
	for (int j = 0; j < mb->n_words; j++) {
		if (!first_of(mb, j))
			continue;
		struct ix_word *w = &ix->words[mb->words[j]];
		ALLOC_GROW(w->post, w->n_post + 1, w->alloc_post);
		w->post[w->n_post++] = slot;
	}
}

void ix_words_remove_member(struct index *ix, int32_t slot)
{
	const struct ix_member *mb = &ix->members[slot];
	for (int j = 0; j < mb->n_words; j++) {
		if (!first_of(mb, j))
			continue;
		struct ix_word *w = &ix->words[mb->words[j]];
		for (size_t i = w->n_post; i-- > 0;)
			if (w->post[i] == slot) {
				memmove(w->post + i, w->post + i + 1,
					(w->n_post - i - 1) * sizeof(*w->post));
				w->n_post--;
				break;
			}
	}
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

static int name_matches(const struct index *ix, const struct ix_member *mb,
			const struct qword *qw, int nq)
{
	int j = 0;
	for (int i = 0; i < nq; i++) {
		for (;; j++) {
			if (j >= mb->n_words)
				return 0;
			uint32_t pos = ix->words[mb->words[j]].pos;
			if (pos >= qw[i].lo && pos < qw[i].hi)
				break;
		}
		j++;
	}
	return 1;
}

/* Name order: collation key, then id. */
static int member_before(const struct ix_member *a, const struct ix_member *b)
{
	size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
	int c = memcmp(a->key, b->key, n);
	if (c)
		return c < 0;
	if (a->key_len != b->key_len)
		return a->key_len < b->key_len;
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
	return member_before(&ix->members[a.slot], &ix->members[b.slot]);
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

struct search_ctx {
	const struct index *ix;
	const struct qword *qw;
	int nq;
	int32_t day;
	struct ix_memo memo;
	struct heap heap;
	int64_t total;
};

static void consider(struct search_ctx *c, int32_t s)
{
	const struct ix_member *mb = &c->ix->members[s];
	if (mb->m.admitted > c->day || c->day >= mb->m.ended)
		return;
	if (!name_matches(c->ix, mb, c->qw, c->nq))
		return;
	int32_t org = ix_place_on(mb, c->day);
	if (org < 0 || !ix_memo_in(c->ix, &c->memo, org, c->day))
		return;
	c->total++;
	heap_offer(c->ix, &c->heap, (struct hit){s, org});
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

	struct search_ctx c = {ix, qw, nq, day, {0}, {0}, 0};
	ix_memo_init(&c.memo, ix, top);
	c.heap.cap = limit;
	c.heap.h = xmalloc((limit ? limit : 1) * sizeof(*c.heap.h));

	if (!nq) {
		for (size_t s = 0; s < ix->n_members; s++)
			consider(&c, (int32_t)s);
	} else {
		/* Candidates: the postings of the query word with the fewest. */
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
				int32_t s = w->post[k];
				const struct ix_member *mb = &ix->members[s];
				/* Consider a member once: under the first of
				 * its words that has the prefix. */
				int first = -1;
				for (int j = 0; j < mb->n_words; j++) {
					uint32_t pos = ix->words[mb->words[j]].pos;
					if (pos >= qw[best].lo && pos < qw[best].hi) {
						first = mb->words[j];
						break;
					}
				}
				if (first == wid)
					consider(&c, s);
			}
		}
	}

	size_t nh = c.heap.n;
	heap_sort(ix, &c.heap);
	for (size_t i = 0; i < nh; i++) {
		out[i].member_id = ix->members[c.heap.h[i].slot].m.id;
		out[i].org_id = ix->orgs[c.heap.h[i].org].id;
	}
	*total = c.total;
	free(c.heap.h);
	ix_memo_release(&c.memo);
	return (long)nh;
}
