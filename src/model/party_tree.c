/* party_tree: the tree of one day laid out in preorder (a subtree is one
 * range of positions), cached per (day, read-model generation), so that
 * roll-ups over hundreds of thousands of cells walk arrays instead of
 * climbing parents through the read model for every cell. */
#include <stdlib.h>
#include <string.h>

#include "model/party_int.h"
#include "model/reflist.h"
#include "core/banned.h"

/* Trees kept: the days asked most are "today" and a period's last day,
 * each for the whole tree; a few more absorb a user stepping through
 * years. Each costs about 50 bytes per organisation (16 MB for the 330 k
 * organisations of the whole Party) and about 0.3 s to build there. */
#define PARTY_TREES 4

static struct {
	struct party_tree *t[PARTY_TREES];
	uint64_t tick;   /* for least recently used */
	uint64_t serial; /* trees built so far */
} trees;

static void tree_free(struct party_tree *t)
{
	if (!t)
		return;
	free(t->id);
	free(t->end);
	free(t->kind);
	free(t->from);
	free(t->to);
	party_imap_release(&t->pos);
	free(t);
}

void party_trees_release(void)
{
	for (size_t i = 0; i < PARTY_TREES; i++) {
		tree_free(trees.t[i]);
		trees.t[i] = NULL;
	}
}

/* The preorder of subtree(root, day), children by id. */
static struct party_tree *tree_build(const struct index *ix, int32_t root,
				     int32_t day)
{
	struct party_tree *t = xcalloc(1, sizeof(*t));
	size_t alloc = 0, salloc = 0, depth = 0;
	/* explicit stack of (children list, next child) per open org */
	struct frame {
		int32_t *kids;
		size_t n, next;
		size_t pos;
	} *stack = NULL;
	const struct index_org_version *v;

	t->ix = ix;
	t->serial = ++trees.serial;
	t->gen = index_org_generation(ix);
	t->day = day;
	party_imap_init(&t->pos);
	v = index_org_on(ix, root, day);
	if (!v)
		return t;
	ALLOC_GROW(t->id, 1, alloc);
	t->id[0] = root;
	t->n = 1;
	ALLOC_GROW(stack, 1, salloc);
	stack[0].n = index_children(ix, root, day, &stack[0].kids);
	stack[0].next = 0;
	stack[0].pos = 0;
	depth = 1;
	/* end[] is filled when a frame closes; size it with id[] */
	t->end = NULL;
	{
		size_t ealloc = 0;
		ALLOC_GROW(t->end, 1, ealloc);
		while (depth) {
			struct frame *f = &stack[depth - 1];
			int32_t kid;
			if (f->next == f->n) {
				t->end[f->pos] = (uint32_t)t->n;
				free(f->kids);
				depth--;
				continue;
			}
			kid = f->kids[f->next++];
			/* a cycle cannot be built by the operations; guard the
			 * depth anyway, as party_child_toward does */
			if (depth >= PARTY_DEPTH_MAX)
				continue;
			ALLOC_GROW(t->id, t->n + 1, alloc);
			ALLOC_GROW(t->end, t->n + 1, ealloc);
			t->id[t->n] = kid;
			ALLOC_GROW(stack, depth + 1, salloc);
			stack[depth].n = index_children(ix, kid, day,
							&stack[depth].kids);
			stack[depth].next = 0;
			stack[depth].pos = t->n;
			depth++;
			t->n++;
		}
	}
	free(stack);
	t->kind = xmalloc(t->n ? t->n : 1);
	t->from = xmalloc((t->n ? t->n : 1) * sizeof(*t->from));
	t->to = xmalloc((t->n ? t->n : 1) * sizeof(*t->to));
	for (size_t i = 0; i < t->n; i++) {
		const struct index_org_version *all;
		size_t nv = index_org_versions(ix, t->id[i], &all), k = 0;
		while (k < nv && !(all[k].from <= day && day < all[k].to))
			k++;
		v = k < nv ? &all[k] : NULL;
		t->kind[i] = v ? v->kind : 0;
		t->from[i] = v ? v->from : day;
		t->to[i] = v ? v->to : day + 1;
		if (v && org_kind_holds_members(v->kind)) {
			/* the run of adjacent versions that all hold members
			 * (a cell renamed or moved stays a live cell) */
			size_t a = k, b = k;
			while (a > 0 && all[a - 1].to == all[a].from &&
			       org_kind_holds_members(all[a - 1].kind))
				a--;
			while (b + 1 < nv && all[b].to == all[b + 1].from &&
			       org_kind_holds_members(all[b + 1].kind))
				b++;
			t->from[i] = all[a].from;
			t->to[i] = all[b].to;
		}
		*party_imap_get(&t->pos, t->id[i], 0) = (int64_t)i;
	}
	return t;
}

const struct party_tree *party_tree_get(const struct index *ix, int32_t top,
					int32_t day, size_t *pos)
{
	uint64_t gen = index_org_generation(ix);
	size_t victim = 0;
	int32_t root = top;
	struct party_tree *t;

	if (!index_org_on(ix, top, day))
		return NULL;
	for (size_t i = 0; i < PARTY_TREES; i++) {
		int64_t *p;
		t = trees.t[i];
		if (!t || t->ix != ix || t->gen != gen || t->day != day)
			continue;
		p = party_imap_find(&t->pos, top);
		if (!p)
			continue;
		t->used = ++trees.tick;
		*pos = (size_t)*p;
		return t;
	}
	/* build the whole tree holding top: other units of it come next */
	for (int depth = 0; depth < PARTY_DEPTH_MAX; depth++) {
		const struct index_org_version *v = index_org_on(ix, root, day);
		if (!v || !v->parent_id || !index_org_on(ix, v->parent_id, day))
			break;
		root = v->parent_id;
	}
	t = tree_build(ix, root, day);
	if (!party_imap_find(&t->pos, top)) {
		/* deeper than the guard: a tree of top alone */
		tree_free(t);
		t = tree_build(ix, top, day);
	}
	for (size_t i = 0; i < PARTY_TREES; i++) {
		if (!trees.t[i]) {
			victim = i;
			break;
		}
		if (trees.t[i]->used < trees.t[victim]->used)
			victim = i;
	}
	tree_free(trees.t[victim]);
	trees.t[victim] = t;
	t->used = ++trees.tick;
	*pos = (size_t)*party_imap_find(&t->pos, top);
	return t;
}

uint64_t party_store_id(const struct party_ctx *c)
{
	return index_org_generation(c->ix) >> 32;
}

long party_tree_pos(const struct party_tree *t, int32_t org)
{
	int64_t *p = party_imap_find(&t->pos, org);
	return p ? (long)*p : -1;
}

int party_span_init(struct party_span *s, const struct index *ix,
		    int32_t top, int32_t day)
{
	size_t alloc = 0;

	memset(s, 0, sizeof(*s));
	s->t = party_tree_get(ix, top, day, &s->top);
	if (!s->t)
		return -1;
	for (size_t k = s->top + 1; k < s->t->end[s->top]; k = s->t->end[k]) {
		ALLOC_GROW(s->start, s->nk + 1, alloc);
		s->start[s->nk++] = k;
	}
	s->kids = xmalloc((s->nk ? s->nk : 1) * sizeof(*s->kids));
	for (size_t i = 0; i < s->nk; i++)
		s->kids[i] = s->t->id[s->start[i]];
	return 0;
}

void party_span_release(struct party_span *s)
{
	free(s->start);
	free(s->kids);
	memset(s, 0, sizeof(*s));
}

long party_span_slot_at(const struct party_span *s, size_t q)
{
	size_t lo = 0, hi = s->nk;

	if (q < s->top || q >= s->t->end[s->top])
		return -1;
	if (q == s->top)
		return 0;
	/* the last child starting at or before q */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->start[mid] <= q)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo;
}

long party_span_slot(const struct party_span *s, int32_t org)
{
	long q = party_tree_pos(s->t, org);

	return q < 0 ? -1 : party_span_slot_at(s, (size_t)q);
}
