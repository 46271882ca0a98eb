/* period: the earlier membership periods of readmitted members. They are
 * few (readmission is allowed once and is rare), so they live in one
 * sorted array beside the members instead of widening every member. */
#include <stdlib.h>
#include <string.h>

#include "index/index_int.h"

#include "core/banned.h"

static int cmp_period(const void *a, const void *b)
{
	const struct index_period *x = a, *y = b;
	if (x->member_id != y->member_id)
		return (x->member_id > y->member_id) -
		       (x->member_id < y->member_id);
	return (x->admitted > y->admitted) - (x->admitted < y->admitted);
}

void ix_periods_sort(struct index *ix)
{
	if (ix->n_periods > 1)
		qsort(ix->periods, ix->n_periods, sizeof(*ix->periods),
		      cmp_period);
}

/* First entry of member id (or where it would go). */
static size_t periods_lower(const struct index *ix, int32_t id)
{
	size_t lo = 0, hi = ix->n_periods;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ix->periods[mid].member_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct index_period *ix_periods_of(const struct index *ix, int32_t id,
					 size_t *n)
{
	size_t i, j;
	*n = 0;
	if (!ix->n_periods)
		return NULL;
	i = j = periods_lower(ix, id);
	while (j < ix->n_periods && ix->periods[j].member_id == id)
		j++;
	*n = j - i;
	return j > i ? ix->periods + i : NULL;
}

void ix_span_of(const struct index *ix, const struct index_member *m,
		int32_t from, struct ix_span *out)
{
	size_t n;
	const struct index_period *p = ix_periods_of(ix, m->id, &n);
	for (size_t i = 0; i < n; i++)
		if (p[i].admitted <= from && from < p[i].ended) {
			*out = (struct ix_span){p[i].admitted, p[i].official,
						p[i].ended, p[i].status};
			return;
		}
	*out = (struct ix_span){m->admitted, m->official, m->ended, m->status};
}

void ix_periods_set(struct index *ix, int32_t id,
		    const struct index_period *pe, size_t n)
{
	size_t i = periods_lower(ix, id), j = i;
	while (j < ix->n_periods && ix->periods[j].member_id == id)
		j++;
	if (j - i != n) {
		ALLOC_GROW(ix->periods, ix->n_periods - (j - i) + n,
			   ix->alloc_periods);
		memmove(ix->periods + i + n, ix->periods + j,
			(ix->n_periods - j) * sizeof(*ix->periods));
		ix->n_periods = ix->n_periods - (j - i) + n;
	}
	for (size_t k = 0; k < n; k++) {
		ix->periods[i + k] = pe[k];
		ix->periods[i + k].member_id = id;
	}
	if (n > 1)
		qsort(ix->periods + i, n, sizeof(*ix->periods), cmp_period);
}

size_t index_member_periods(const struct index *ix, int32_t id,
			    const struct index_period **out)
{
	size_t n;
	*out = ix_periods_of(ix, id, &n);
	return n;
}

void index_put_member_periods(struct index *ix, const struct index_member *m,
			      const struct index_placement *pl, size_t n_pl,
			      const struct index_period *pe, size_t n_pe)
{
	if (m->id <= 0)
		return;
	/* the old records and events go with the old periods, the new ones
	 * come with the new: remove the member first, then set both (its
	 * places then take new room in the pool, so this is done only when
	 * the periods change: a readmission or its undo) */
	struct index_member gone;
	const struct index_member *old = index_member(ix, m->id);
	size_t n_old;
	const struct index_period *po = ix_periods_of(ix, m->id, &n_old);
	int same = n_old == n_pe;
	for (size_t i = 0; same && i < n_pe; i++)
		same = po[i].admitted == pe[i].admitted &&
		       po[i].official == pe[i].official &&
		       po[i].ended == pe[i].ended &&
		       po[i].status == pe[i].status;
	if (same) {
		ix_member_set(ix, m, pl, n_pl);
		return;
	}
	if (old) {
		gone = *old;
		gone.ended = gone.admitted; /* never active, placed nowhere */
		ix_member_set(ix, &gone, NULL, 0);
	}
	ix_periods_set(ix, m->id, pe, n_pe);
	ix_member_set(ix, m, pl, n_pl);
}
