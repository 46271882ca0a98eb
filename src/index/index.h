/* index: the in-memory read model. Built from plain arrays that the model
 * loads from the store, it answers the questions of spec/queries.md (Q1-Q5)
 * for any day under the tree as it was that day, and takes updates after
 * each committed operation. See src/index/README.md for its design. */
#ifndef HOSO_INDEX_H
#define HOSO_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* Days are core.h days; an open end is DAY_MIN (from) or DAY_MAX (to). */

struct index_org_version {
	int32_t id;
	int32_t parent_id; /* 0 for a root */
	int32_t from, to;  /* [from, to) */
	uint8_t kind;      /* enum org_kind (model/reflist.h) */
	const char *code;  /* NULL when empty; copied by the index */
	const char *name;  /* copied by the index */
};

enum index_sex { SEX_M = 0, SEX_F = 1 };

struct index_member {
	int32_t id;
	int32_t birth;
	int32_t admitted;
	int32_t official; /* DAY_MAX while probationary */
	int32_t ended;    /* DAY_MAX while a member */
	uint8_t sex;      /* enum index_sex */
	uint8_t kinh;     /* 1 when the ethnic group is Kinh */
	uint8_t religion; /* 1 when the member has a religion */
	uint8_t theory;   /* enum theory */
	uint8_t expertise;/* enum expertise */
	uint8_t status;   /* enum member_status */
	const char *full_name; /* NFC; copied by the index */
	const char *card_no;   /* NULL when empty; copied */
};

struct index_placement {
	int32_t member_id;
	int32_t org_id;
	int32_t from, to; /* [from, to) */
};

/* An earlier, closed membership period of a readmitted member: the
 * member's own fields describe the current period, these the ones before
 * it. A placement belongs to the period holding on its first day. */
struct index_period {
	int32_t member_id;
	int32_t admitted;
	int32_t official; /* DAY_MAX when never official in that period */
	int32_t ended;
	uint8_t status;   /* how it ended: enum member_status */
};

struct index_input {
	const struct index_org_version *orgs;
	size_t n_orgs;
	const struct index_member *members;
	size_t n_members;
	const struct index_placement *placements; /* any order */
	size_t n_placements;
};

struct index;

/* Builds the read model; the input can be freed afterwards. */
struct index *index_build(const struct index_input *in);

/* The same from a stream of rows, so that the loader keeps no copy of the
 * store: rows in any order (a repeated member id: the last one counts),
 * strings copied. Hints (0: unknown) size the arrays. finish frees b. */
struct index_builder;
struct index_builder *index_builder_new(size_t members_hint,
					size_t placements_hint);
void index_builder_org(struct index_builder *b,
		       const struct index_org_version *v);
void index_builder_member(struct index_builder *b,
			  const struct index_member *m);
void index_builder_placement(struct index_builder *b,
			     const struct index_placement *p);
/* An earlier period of a member (any order, before finish). */
void index_builder_period(struct index_builder *b,
			  const struct index_period *p);
struct index *index_builder_finish(struct index_builder *b);
void index_free(struct index *ix);
/* Bytes the read model holds (for reports and the README). */
size_t index_memory(const struct index *ix);

/* ---- organisations ---- */
/* The version of org id holding on day, or NULL when not alive that day. */
const struct index_org_version *index_org_on(const struct index *ix,
					     int32_t id, int32_t day);
/* All versions of org id in time order; returns how many (0: unknown). */
size_t index_org_versions(const struct index *ix, int32_t id,
			  const struct index_org_version **out);
/* The org alive on day whose code is code; 0 when none. */
int32_t index_org_by_code(const struct index *ix, const char *code,
			  int32_t day);
/* The root alive on day (kind party, no parent); 0 when none. */
int32_t index_root_on(const struct index *ix, int32_t day);
/* Children of id alive on day, by id; returns how many, *out malloc'd. */
size_t index_children(const struct index *ix, int32_t id, int32_t day,
		      int32_t **out);
/* 1 when org is in subtree(top, day) (both alive that day), else 0. */
int index_in_subtree(const struct index *ix, int32_t org, int32_t top,
		     int32_t day);

/* ---- Q1 count: -1 when org is not alive on day ---- */
int index_count(const struct index *ix, int32_t org, int32_t day,
		int64_t *out);

/* ---- Q2 breakdown ---- */
struct index_breakdown {
	int64_t total;
	int64_t sex[2];              /* M, F */
	int64_t age[5];              /* le30, 31_40, 41_50, 51_60, gt60 */
	int64_t ethnicity[2];        /* kinh, minority */
	int64_t religion[2];         /* none, some */
	int64_t theory[5];           /* enum theory */
	int64_t expertise[6];        /* enum expertise */
	int64_t membership_years[3]; /* lt10, 10_29, ge30 */
	int64_t status[2];           /* probationary, official */
};
int index_breakdown(const struct index *ix, int32_t org, int32_t day,
		    struct index_breakdown *out);

/* ---- Q3 summary: rows for each child of org on day, by id ---- */
struct index_summary_row {
	int32_t id;
	const char *code; /* owned by the index */
	const char *name;
	int64_t grassroots, cells, members;
};
/* Returns the number of rows (*rows malloc'd), or -1 when not alive. */
long index_summary(const struct index *ix, int32_t org, int32_t day,
		   struct index_summary_row **rows);

/* ---- Q4 search ---- */
struct index_search_hit {
	int32_t member_id;
	int32_t org_id; /* place on day */
};
/* Matches of query (any form; folded inside) among active members on day
 * placed in subtree(org, day), in Vietnamese name order then id. Fills at
 * most limit hits into out and the number of all matches into *total.
 * Returns the number of hits written, or -1 when org is not alive. */
long index_search(const struct index *ix, const char *query, int32_t org,
		  int32_t day, size_t limit, struct index_search_hit *out,
		  int64_t *total);

/* ---- Q5 changes over [from, to) ---- */
struct index_changes {
	int64_t admitted, made_official, moved_in, moved_out;
	int64_t left, expelled, died;
};
/* -1 when org is alive on no day of [from, to). */
int index_changes(const struct index *ix, int32_t org, int32_t from,
		  int32_t to, struct index_changes *out);

/* ---- member look-ups ---- */
const struct index_member *index_member(const struct index *ix, int32_t id);
/* A member's place on day (0: none). */
int32_t index_member_place(const struct index *ix, int32_t member_id,
			   int32_t day);

/* ---- updates after a committed operation ---- */
/* Replaces (or adds) one member and all of its placements; the member's
 * earlier periods stay as they were. */
void index_put_member(struct index *ix, const struct index_member *m,
		      const struct index_placement *pl, size_t n_pl);
/* The same, also replacing the member's earlier periods with pe (n_pe = 0:
 * none, the member was never readmitted). */
void index_put_member_periods(struct index *ix, const struct index_member *m,
			      const struct index_placement *pl, size_t n_pl,
			      const struct index_period *pe, size_t n_pe);
/* The earlier periods of member id in time order; returns how many. */
size_t index_member_periods(const struct index *ix, int32_t id,
			    const struct index_period **out);
/* Replaces (or adds) all versions of one organisation. */
void index_put_org(struct index *ix, int32_t id,
		   const struct index_org_version *versions, size_t n);
/* A number that changes whenever index_put_org changed the tree, and
 * differs between the read models of a process: a cache of the tree on
 * some day stays valid while it is the same. Its high 32 bits name the
 * read model itself (the same for its whole life). */
uint64_t index_org_generation(const struct index *ix);

#endif
