/* member: members, their placements packed per org for counting, and the
 * day-bucketed events of Q5. */
#include <stdlib.h>
#include <string.h>

#include "index/index_int.h"
#include "model/reflist.h"
#include "text/text.h"

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

int32_t ix_place_on(const struct ix_member *mb, int32_t day)
{
	for (uint32_t i = 0; i < mb->n_places; i++)
		if (mb->places[i].from <= day && day < mb->places[i].to)
			return mb->places[i].org;
	return -1;
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
	return &ix->days[i];
}

static void event_put(struct index *ix, int32_t day, int32_t member, int type,
		      int32_t org, int add)
{
	if (org < 0)
		return; /* no place that day: counted nowhere */
	int32_t tagged = member | (int32_t)((uint32_t)type << 28);
	struct ix_day *d = day_get(ix, day, add);
	if (!add) {
		if (!d)
			return;
		for (size_t i = 0; i < d->n_ev; i++)
			if (d->ev[i].member == tagged && d->ev[i].org == org) {
				d->ev[i] = d->ev[--d->n_ev];
				return;
			}
		return;
	}
	ALLOC_GROW(d->ev, d->n_ev + 1, d->alloc_ev);
	d->ev[d->n_ev++] = (struct ix_event){tagged, org};
}

static void move_put(struct index *ix, int32_t day, const struct ix_move *mv,
		     int add)
{
	struct ix_day *d = day_get(ix, day, add);
	if (!add) {
		if (!d)
			return;
		for (size_t i = 0; i < d->n_mv; i++)
			if (!memcmp(&d->mv[i], mv, sizeof(*mv))) {
				d->mv[i] = d->mv[--d->n_mv];
				return;
			}
		return;
	}
	ALLOC_GROW(d->mv, d->n_mv + 1, d->alloc_mv);
	d->mv[d->n_mv++] = *mv;
}

/* Adds or removes every Q5 event of member slot s. */
static void member_events(struct index *ix, int32_t s, int add)
{
	const struct ix_member *mb = &ix->members[s];
	const struct index_member *m = &mb->m;
	if (m->admitted != DAY_MIN && m->admitted != DAY_MAX)
		event_put(ix, m->admitted, s, EV_ADMITTED,
			  ix_place_on(mb, m->admitted), add);
	mb = &ix->members[s];
	if (m->official != DAY_MIN && m->official != DAY_MAX)
		event_put(ix, m->official, s, EV_OFFICIAL,
			  ix_place_on(mb, m->official), add);
	int type = m->status == ST_LEFT ? EV_LEFT
		   : m->status == ST_EXPELLED ? EV_EXPELLED
		   : m->status == ST_DECEASED ? EV_DIED : -1;
	if (type >= 0 && m->ended != DAY_MAX && m->ended != DAY_MIN)
		event_put(ix, m->ended, s, type, ix_place_on(mb, m->ended - 1),
			  add);
	for (uint32_t i = 1; i < mb->n_places; i++) {
		struct ix_move mv = {s, mb->places[i].org, mb->places[i - 1].org,
				     mb->places[i - 1].to - 1};
		move_put(ix, mb->places[i].from, &mv, add);
	}
}

/* ---- packed placements ---- */

static void recs_apply(struct index *ix, int32_t s, int add, int update)
{
	const struct ix_member *mb = &ix->members[s];
	const struct index_member *m = &mb->m;
	uint8_t attr = ix_attr_code(m);
	for (uint32_t i = 0; i < mb->n_places; i++) {
		const struct ix_place *p = &mb->places[i];
		int32_t a = p->from > m->admitted ? p->from : m->admitted;
		int32_t z = p->to < m->ended ? p->to : m->ended;
		if (a >= z)
			continue;
		struct ix_org *o = &ix->orgs[p->org];
		if (add) {
			ALLOC_GROW(o->recs, o->n_recs + 1, o->alloc_recs);
			o->recs[o->n_recs++] = (struct ix_rec){
				a, z, m->birth, m->admitted, m->official, s,
				attr};
		} else {
			for (size_t j = 0; j < o->n_recs; j++)
				if (o->recs[j].member == s &&
				    o->recs[j].from == a && o->recs[j].to == z) {
					o->recs[j] = o->recs[--o->n_recs];
					break;
				}
		}
		if (update)
			ix_step_add(ix, p->org, a, z, 0, add ? 1 : -1, 0);
	}
}

static int cmp_place(const void *a, const void *b)
{
	const struct ix_place *x = a, *y = b;
	return (x->from > y->from) - (x->from < y->from);
}

void ix_member_release(struct ix_member *mb)
{
	FREE_AND_NULL(mb->blob);
}

void ix_member_set(struct index *ix, const struct index_member *m,
		   const struct index_placement *pl, size_t n_pl, int update)
{
	int32_t s = ix_member_slot(ix, m->id);
	int name_same = 0;
	if (s >= 0) {
		struct ix_member *old = &ix->members[s];
		name_same = !strcmp(old->m.full_name,
				    m->full_name ? m->full_name : "");
		member_events(ix, s, 0);
		recs_apply(ix, s, 0, update);
		if (!name_same)
			ix_words_remove_member(ix, s);
	} else {
		ALLOC_GROW(ix->members, ix->n_members + 1, ix->alloc_members);
		s = (int32_t)ix->n_members++;
		memset(&ix->members[s], 0, sizeof(ix->members[s]));
		ix_idmap_put(&ix->member_map, m->id, s);
	}

	const char *name = m->full_name ? m->full_name : "";
	const char *card = m->card_no && m->card_no[0] ? m->card_no : NULL;
	size_t name_len = strlen(name), card_len = card ? strlen(card) : 0;
	int32_t words[IX_NAME_WORDS_MAX];
	int n_words = ix_fold_words(ix, name, words, IX_NAME_WORDS_MAX, 1);
	uint8_t key[IX_KEY_MAX];
	size_t key_len = text_collate_key(name, name_len, key, sizeof(key));

	size_t n_places = 0;
	for (size_t i = 0; i < n_pl; i++)
		n_places += pl[i].member_id == m->id && pl[i].from < pl[i].to;
	size_t size = n_places * sizeof(struct ix_place) +
		      (size_t)n_words * sizeof(int32_t) + key_len + name_len +
		      1 + (card ? card_len + 1 : 0);
	char *blob = xmalloc(size);
	struct ix_place *places = (struct ix_place *)(void *)blob;
	size_t k = 0;
	for (size_t i = 0; i < n_pl; i++) {
		if (pl[i].member_id != m->id || pl[i].from >= pl[i].to)
			continue;
		places[k++] = (struct ix_place){ix_org_slot_make(ix, pl[i].org_id),
						pl[i].from, pl[i].to};
	}
	qsort(places, k, sizeof(*places), cmp_place);
	char *p = blob + n_places * sizeof(struct ix_place);
	int32_t *wp = (int32_t *)(void *)p;
	memcpy(p, words, (size_t)n_words * sizeof(int32_t));
	p += (size_t)n_words * sizeof(int32_t);
	uint8_t *kp = (uint8_t *)p;
	memcpy(p, key, key_len);
	p += key_len;
	char *np = p;
	memcpy(p, name, name_len + 1);
	p += name_len + 1;
	char *cp = NULL;
	if (card) {
		cp = p;
		memcpy(p, card, card_len + 1);
	}

	struct ix_member *mb = &ix->members[s];
	free(mb->blob);
	mb->blob = blob;
	mb->m = *m;
	mb->m.full_name = np;
	mb->m.card_no = cp;
	mb->places = places;
	mb->n_places = (uint32_t)n_places;
	mb->words = wp;
	mb->n_words = (uint8_t)n_words;
	mb->key = kp;
	mb->key_len = (uint16_t)key_len;

	recs_apply(ix, s, 1, update);
	member_events(ix, s, 1);
	if (!name_same)
		ix_words_add_member(ix, s);
}
