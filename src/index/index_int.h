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

/* Open-addressing map from a positive id to a slot. */
struct ix_idmap {
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
 * breakdown scans memory sequentially. */
struct ix_rec {
	int32_t from, to; /* [from, to) clipped to [admitted, ended) */
	int32_t birth, admitted, official;
	int32_t member; /* slot */
	uint8_t attr;   /* attribute cell: see ix_attr_code() */
};

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
	struct ix_rec *recs; /* placements directly in this org */
	size_t n_recs, alloc_recs;
	struct ix_step step;
	uint8_t big, step_state;
};

/* A placement of a member: org slot over [from, to). */
struct ix_place {
	int32_t org, from, to;
};

struct ix_member {
	struct index_member m; /* strings point into blob */
	char *blob;            /* places, words, key, name, card: one block */
	struct ix_place *places;
	int32_t *words; /* word ids in name order, duplicates removed */
	uint8_t *key;
	uint32_t n_places;
	uint16_t key_len;
	uint8_t n_words;
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
	int32_t *post;   /* member slots having the word */
	size_t n_post, alloc_post;
};

struct index {
	struct ix_org *orgs;
	size_t n_orgs, alloc_orgs;
	struct ix_idmap org_map;

	struct ix_member *members;
	size_t n_members, alloc_members;
	struct ix_idmap member_map;

	int32_t *bounds; /* distinct version days, sorted: epochs for Q5 */
	size_t n_bounds;
	struct ix_code *codes; /* every (code, org) ever, by hash */
	size_t n_codes;
	int32_t *roots; /* orgs with a version without parent, by id */
	size_t n_roots;

	struct ix_day *days; /* by day */
	size_t n_days, alloc_days;

	struct ix_word *words;
	size_t n_words, alloc_words;
	int32_t *sorted; /* word ids in byte order */
	int32_t *whash; /* open addressing over word ids, -1 empty */
	size_t whash_cap;
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
void ix_bounds_rebuild(struct index *ix);
/* Subtree sums on day of (members, grassroots, cells) for org slot. */
void ix_subtree_sum(const struct index *ix, int32_t slot, int32_t day,
		    int64_t out[3]);
/* Every org slot of subtree(slot, day), appended to *out. */
void ix_subtree_list(const struct index *ix, int32_t slot, int32_t day,
		     int32_t **out, size_t *n, size_t *alloc);
void ix_mark_big(struct index *ix);
void ix_steps_compute_all(struct index *ix);
void ix_step_compute(struct index *ix, int32_t slot);
/* Adds delta to component k of the subtree functions of slot and its
 * ancestors over [from, to). */
void ix_step_add(struct index *ix, int32_t slot, int32_t from, int32_t to,
		 int k, int32_t delta, int depth);
void ix_step_free(struct ix_step *s);

/* Memo of "org in subtree(top, day)" per epoch, for one query. */
struct ix_memo {
	uint32_t *stamp; /* epoch + 1 when known */
	uint8_t *in;
	int32_t top;
};
void ix_memo_init(struct ix_memo *mm, const struct index *ix, int32_t top);
void ix_memo_release(struct ix_memo *mm);
int ix_memo_in(const struct index *ix, struct ix_memo *mm, int32_t org,
	       int32_t day);

/* ---- members (member.c) ---- */
int32_t ix_member_slot(const struct index *ix, int32_t id);
uint8_t ix_attr_code(const struct index_member *m);
/* Adds (or replaces) a member; used by build and put. */
void ix_member_set(struct index *ix, const struct index_member *m,
		   const struct index_placement *pl, size_t n_pl, int update);
void ix_member_release(struct ix_member *mb);
int32_t ix_place_on(const struct ix_member *mb, int32_t day); /* slot, -1 */

/* ---- search (search.c) ---- */
/* Folds name and splits it into words; fills their ids (interned when make,
 * else -1 for a word not in the vocabulary). Returns how many. */
int ix_fold_words(struct index *ix, const char *name, int32_t *ids, int max,
		  int make);
void ix_words_add_member(struct index *ix, int32_t slot);
void ix_words_remove_member(struct index *ix, int32_t slot);
void ix_words_free(struct index *ix);

#endif
