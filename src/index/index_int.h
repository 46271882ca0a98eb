/* index_int: the read model's private structures, shared by the files of src/index. */
#ifndef HOSO_INDEX_INT_H
#define HOSO_INDEX_INT_H

#include <stddef.h>
#include <stdint.h>

#include "index/index.h"

/* An org deeper than this on one day means a cycle in the input: stop. */
#define IX_DEPTH_MAX 64
/* An org whose subtree (over all time) has more weight than this keeps a
 * precomputed step function; smaller ones are counted by walking them. */
#define IX_BIG_WEIGHT 48
/* Words of one folded name kept for search. */
#define IX_NAME_WORDS_MAX 32
/* Bytes of one collation key. */
#define IX_KEY_MAX 512

/* Map from a positive id to a slot: a direct array while the ids are dense
 * (the store's ids are 1..n), open addressing for the others. */
struct ix_idmap {
	int32_t *direct; /* by id, -1: none */
	size_t n_direct, n_dused;
	int32_t *keys; /* 0: empty */
	int32_t *vals;
	size_t cap, n;
};

/* A child's version under its parent: child slot over [from, to). */
struct ix_link {
	int32_t child, from, to;
};

/* One placement as seen by counting: the member's attributes packed next
 * to its effective interval (placement within membership), so that a
 * breakdown scans memory sequentially. Records with the same fields are
 * interchangeable, so no member slot is kept. */
struct ix_rec {
	int32_t from, to; /* [from, to) clipped to [admitted, ended) */
	int32_t birth, admitted, official;
	uint8_t attr; /* attribute cell: see ix_attr_code() */
};

/* The same packed in 12 bytes, as a breakdown of the whole country scans
 * millions of them: days as offsets from IX_DAY_BASE (1900-01-01) in
 * [1, 0xFFFE], 0xFFFF for an open end (to, official). A record whose days
 * do not fit stays a struct ix_rec. */
#define IX_DAY_BASE (-25567)
#define IX_P_OPEN 0xFFFFu
struct ix_prec {
	uint16_t from, to, birth, admitted, official;
	uint8_t attr;
};
static inline int32_t ix_prec_day(uint16_t v)
{
	return v == IX_P_OPEN ? DAY_MAX : IX_DAY_BASE + (int32_t)v;
}
/* A query day or threshold in the packed scale: comparisons with packed
 * days give the same answers (see ix_rec_pack). top: 0xFFFE for a query
 * day (open ends stay after it), 0xFFFF for a threshold. */
static inline uint16_t ix_p_clamp(int32_t day, uint32_t top)
{
	int64_t v = (int64_t)day - IX_DAY_BASE;
	return (uint16_t)(v < 0 ? 0 : v > (int64_t)top ? top : v);
}
/* Packs r into p; 0 when a day does not fit. */
int ix_rec_pack(const struct ix_rec *r, struct ix_prec *p);

/* Step function of (members, grassroots, cells) in a subtree by day: the
 * value on D is val[i] for the last days[i] <= D (0 before the first). */
struct ix_step {
	int32_t *days;
	int32_t (*val)[3];
	size_t n, alloc;
};

enum ix_step_state { STEP_NONE = 0, STEP_BUSY, STEP_DONE };

struct ix_org {
	int32_t id;
	uint32_t n_versions;
	struct index_org_version *versions; /* by from; strings owned */
	int32_t *vparent;                   /* parent slot per version, -1 */
	struct ix_link *links;              /* children versions */
	size_t n_links, alloc_links;
	struct ix_prec *precs; /* placements directly in this org */
	size_t n_precs, alloc_precs;
	uint8_t precs_shared;  /* precs lie in ix->prec_block (not freed) */
	struct ix_rec *recs; /* the few whose days do not pack */
	size_t n_recs, alloc_recs;
	struct ix_step step;
	uint32_t pre; /* position in the preorder (struct index) */
	uint8_t big, step_state;
};

/* One org version in preorder: org slot, [from, to), parent slot or -1. */
struct ix_tnode {
	int32_t org, from, to, parent;
};

/* The records of the org at one preorder position (for sequential scans). */
struct ix_rseg {
	const struct ix_prec *precs;
	const struct ix_rec *recs;
	uint32_t n_precs, n_recs;
};

/* A placement of a member: org slot over [from, to). */
struct ix_place {
	int32_t org, from, to;
};

/* Q4 entry: one clipped placement of a member, kept in its name's list. */
struct ix_nrec {
	int32_t member; /* slot */
	int32_t org;    /* slot */
	int32_t from, to;
};

/* A distinct full name (exact bytes): shared by every member bearing it, so
 * folding and collation are done once per name, not once per member. */
struct ix_name {
	char *text;     /* the name; blob also holds words and key */
	int32_t *words; /* word ids in name order, duplicates removed */
	uint8_t *key;
	uint32_t hash;
	uint16_t key_len;
	uint8_t n_words;
	/* Q4: the placements of the members bearing this name, by member id
	 * then placement order. */
	struct ix_nrec *ent;
	size_t n_ent, alloc_ent;
};

struct ix_member {
	struct index_member m; /* full_name: the name's text; card in arena */
	uint32_t place_off;    /* first place in ix->places */
	uint32_t n_places;
	int32_t name;          /* ix->names slot */
};

/* Strings that never move once stored (pointers handed out stay valid). */
struct ix_arena {
	char *cur;
	size_t left;
	char **chunks;
	size_t n_chunks, alloc_chunks;
	size_t bytes;
	size_t lost; /* bytes of strings no longer used (see cards_compact) */
};

struct ix_code {
	uint32_t hash;
	int32_t org;
};

/* Q5 events of one day. */
enum ix_event_type { EV_ADMITTED = 0, EV_OFFICIAL, EV_LEFT, EV_EXPELLED,
		     EV_DIED, EV_MOVE };
struct ix_event {
	int32_t member; /* slot | type << 28 */
	int32_t org;    /* slot of the place concerned */
};
struct ix_move {
	int32_t member;
	int32_t org;      /* new place (on the day) */
	int32_t prev_org; /* previous place */
	int32_t prev_last;/* previous placement's last day */
};
struct ix_day {
	int32_t day;
	/* Q5 answer for the org root (the top of the chains of every event of
	 * the day), so that the root's changes are a sum over days; root is
	 * -1 when there are no counted events, -2 when tops differ. */
	int32_t root;
	int32_t cnt[7]; /* admitted, official, left, expelled, died, in, out */
	struct ix_event *ev;
	size_t n_ev, alloc_ev;
	struct ix_move *mv;
	size_t n_mv, alloc_mv;
};

/* Search vocabulary: folded words, ids stable, order kept in sorted. */
struct ix_word {
	char *text;
	uint32_t len;
	uint32_t pos;    /* rank in sorted order */
	int32_t *post;   /* name slots having the word */
	size_t n_post, alloc_post;
};

struct index {
	struct ix_org *orgs;
	size_t n_orgs, alloc_orgs;
	struct ix_idmap org_map;

	struct ix_member *members;
	size_t n_members, alloc_members;
	struct ix_idmap member_map;
	struct ix_place *places; /* every member's places, by member */
	size_t n_places, alloc_places;
	size_t places_garbage; /* places no member uses any more */
	struct ix_arena cards;

	struct ix_name *names;
	size_t n_names, alloc_names;
	int32_t *nhash; /* open addressing over name slots, -1 empty */
	size_t nhash_cap;

	struct ix_code *codes; /* every (code, org) ever, by hash */
	size_t n_codes;
	int32_t *roots; /* orgs with a version without parent, by id */
	size_t n_roots;

	/* Preorder of the union of the trees of all days (an org at its first
	 * visit from the roots): a subtree on any day is its top's range plus
	 * the ranges of "moved" orgs (a version outside its parent's range)
	 * that are under the top that day. */
	int32_t *pre_org;        /* position -> org slot */
	uint32_t *pre_end;       /* position -> end of its range */
	uint32_t *node_off;      /* position -> first node (n_orgs + 1) */
	struct ix_tnode *nodes;  /* versions by position */
	struct ix_rseg *rseg;    /* position -> records */
	struct ix_prec *prec_block; /* the build's packed records, by position */
	size_t n_prec_block;     /* its size in records */
	size_t prec_block_lost;  /* records of it left by orgs now outside */
	struct ix_tnode *moved;  /* versions outside their parent's range */
	size_t n_moved;
	size_t n_pre;            /* orgs ordered (the rest came later) */

	struct ix_day *days; /* by day */
	size_t n_days, alloc_days;

	/* Earlier periods of readmitted members (few), by member id then
	 * admission: see period.c. */
	struct index_period *periods;
	size_t n_periods, alloc_periods;

	struct ix_word *words;
	size_t n_words, alloc_words;
	int32_t *sorted; /* word ids in byte order */
	int32_t *whash; /* open addressing over word ids, -1 empty */
	size_t whash_cap;

	/* Bumped by every index_put_org, so that callers caching a tree
	 * of some day (model/party_tree.c) notice the tree changed. */
	uint64_t org_gen;
};

/* ---- idmap ---- */
void ix_idmap_init(struct ix_idmap *m, size_t hint);
void ix_idmap_free(struct ix_idmap *m);
int32_t ix_idmap_get(const struct ix_idmap *m, int32_t key); /* -1 */
void ix_idmap_put(struct ix_idmap *m, int32_t key, int32_t val);

/* ---- organisations (org.c) ---- */
int32_t ix_org_slot(const struct index *ix, int32_t id); /* -1 */
int32_t ix_org_slot_make(struct index *ix, int32_t id);
/* Version index of org slot on day, or -1. */
int ix_version_on(const struct ix_org *o, int32_t day);
void ix_org_set_versions(struct index *ix, int32_t slot,
			 const struct index_org_version *v, size_t n);
void ix_org_release(struct ix_org *o);
/* Subtree sums on day of (members, grassroots, cells) for org slot. */
void ix_subtree_sum(const struct index *ix, int32_t slot, int32_t day,
		    int64_t out[3]);
void ix_mark_big(struct index *ix);
/* Recomputes the preorder, its nodes, moved orgs and record segments. */
void ix_tree_order(struct index *ix);
/* Keeps the record segment of slot in step after its records changed. */
void ix_rseg_sync(struct index *ix, int32_t slot);
/* States of orgs for subtree(top, day), in st (n_orgs bytes, zeroed):
 * SUB_IN/SUB_OUT when decided, 0 when not looked at (then not in it).
 * When list is not NULL, the preorder positions of every org of the
 * subtree are appended to it. */
enum { SUB_UNKNOWN = 0, SUB_IN = 1, SUB_OUT = 2, SUB_LISTED = 3 };
void ix_subtree_states(const struct index *ix, int32_t top, int32_t day,
		       uint8_t *st, uint32_t **list, size_t *n,
		       size_t *alloc);
/* Decides the orgs of top's own range (all: of every org) in one pass (st
 * zeroed, top alive on day); then ix_subtree_in answers for any org,
 * deciding the others lazily. */
void ix_subtree_prime(const struct index *ix, int32_t top, int32_t day,
		      uint8_t *st, int all);
int ix_subtree_in(const struct index *ix, int32_t top, int32_t day,
		  uint8_t *st, int32_t org);
void ix_steps_compute_all(struct index *ix);
void ix_step_compute(struct index *ix, int32_t slot);
/* Adds delta to component k of the subtree functions of slot and its
 * ancestors over [from, to). */
void ix_step_add(struct index *ix, int32_t slot, int32_t from, int32_t to,
		 int k, int32_t delta, int depth);
void ix_step_free(struct ix_step *s);

/* Memo of a chain's answer with the interval of days over which the chain
 * (every version from org up) stays the same: "in subtree(top)" when
 * top >= 0, else the slot at the top of the chain (-1: broken). */
struct ix_cmemo_ent {
	int32_t res, from, to;
};
struct ix_cmemo {
	struct ix_cmemo_ent *e; /* by org slot; zeroed: nothing known */
	int32_t top;
};
void ix_cmemo_init(struct ix_cmemo *m, const struct index *ix, int32_t top);
void ix_cmemo_release(struct ix_cmemo *m);
int32_t ix_chain(const struct index *ix, struct ix_cmemo *m, int32_t org,
		 int32_t day);

/* ---- members (member.c) ---- */
int32_t ix_member_slot(const struct index *ix, int32_t id);
uint8_t ix_attr_code(const struct index_member *m);
/* Stores member m (strings copied, name interned) without placements: a
 * new slot, or the same slot when the id is known (the last one counts). */
int32_t ix_member_store(struct index *ix, const struct index_member *m);
/* Replaces (or adds) a member and its placements after the build: records,
 * events, Q4 entries and the step functions follow. */
void ix_member_set(struct index *ix, const struct index_member *m,
		   const struct index_placement *pl, size_t n_pl);
/* Build: the records of every org, the Q5 day buckets, the Q4 entries of
 * every name, in one pass each (members and places are in place). */
void ix_recs_build(struct index *ix);
void ix_events_build(struct index *ix);
/* Recomputes the root answers of the day buckets from day on. */
void ix_days_roots(struct index *ix, int32_t from);
void ix_nrecs_build(struct index *ix);
int32_t ix_place_on(const struct index *ix, const struct ix_member *mb,
		    int32_t day); /* slot, -1 */
static inline const struct ix_place *ix_places(const struct index *ix,
					       const struct ix_member *mb)
{
	return ix->places + mb->place_off;
}
char *ix_arena_dup(struct ix_arena *a, const char *s, size_t n);
void ix_arena_free(struct ix_arena *a);

/* ---- membership periods (period.c) ---- */
/* The membership span a place starting on day `from` belongs to: the
 * earlier period holding that day, else the member's current one. */
struct ix_span {
	int32_t admitted, official, ended;
	uint8_t status;
};
void ix_span_of(const struct index *ix, const struct index_member *m,
		int32_t from, struct ix_span *out);
/* The earlier periods of member id (NULL, 0 when none). */
const struct index_period *ix_periods_of(const struct index *ix, int32_t id,
					 size_t *n);
void ix_periods_sort(struct index *ix);
/* Replaces the earlier periods of member id. */
void ix_periods_set(struct index *ix, int32_t id,
		    const struct index_period *pe, size_t n);

/* ---- names and search (search.c) ---- */
/* The name slot of the exact string s (made, with its words, key and
 * postings, when new). */
int32_t ix_name_intern(struct index *ix, const char *s, size_t n);
void ix_names_free(struct index *ix);
/* Adds or removes member slot's Q4 entries in its name's list. */
void ix_nrecs_put(struct index *ix, int32_t slot, int add);
void ix_words_free(struct index *ix);

#endif
