/* party_int: what the files of model/party*.c share and nobody else uses:
 * the call context, argument readers, operation writing, tree helpers and
 * a small integer hash. */
#ifndef HOSO_PARTY_INT_H
#define HOSO_PARTY_INT_H

#include <stdint.h>

#include <jansson.h>

#include "db/db.h"
#include "index/index.h"
#include "model/party.h"
#include "model/registry.h"

/* Longest free text of one field (minutes, a directive's text): the API
 * caps a field at HTTP_VALUE_MAX anyway; the CLI may pass a whole file. */
#define PARTY_TEXT_MAX (1024 * 1024)
/* Rows listed by one answer before "truncated" (the counts stay exact). */
#define PARTY_LIST_MAX 1000
/* Members named in one attendance list. */
#define PARTY_IDS_MAX 4096
/* Tree depth guard when climbing parents. */
#define PARTY_DEPTH_MAX 64

struct party_ctx {
	struct registry *r;
	struct index *ix;
	json_t *args;
	const struct op_meta *meta;
	struct strbuf *out;
	struct hoso_error *err;
	int32_t today;
};

/* ---- arguments: each returns 0 (value set, or left alone when absent
 * and not required) or -1 with a usage error naming the argument ---- */
int party_arg_str(struct party_ctx *c, const char *name, int required,
		  const char **out);
int party_arg_int(struct party_ctx *c, const char *name, int required,
		  int64_t min, int64_t max, int64_t *out);
int party_arg_day(struct party_ctx *c, const char *name, int required,
		  int32_t *out);
/* An organisation (id or code) alive on day. */
int party_arg_org(struct party_ctx *c, const char *name, int required,
		  int32_t day, int32_t *out);
/* One of names (n of them); *out is its index. */
int party_arg_enum(struct party_ctx *c, const char *name, int required,
		   const char *const *names, int n, int *out);
/* A comma-separated list of ids; *ids malloc'd (NULL when absent). */
int party_arg_ids(struct party_ctx *c, const char *name, int32_t **ids,
		  size_t *n);

/* ---- writing: begin, operation row, commit ---- */
int party_begin(struct party_ctx *c);
void party_rollback(struct party_ctx *c);
int party_commit(struct party_ctx *c);
/* Inserts the operation (kind, effective day, payload = the arguments);
 * sets *seq. */
int party_write_op(struct party_ctx *c, const char *kind, int32_t effective,
		   int64_t *seq);
/* Runs one prepared statement to completion (0 or -1). */
int party_exec(struct db_stmt *st, struct hoso_error *err);

/* ---- values ---- */
void party_bind_str(struct db_stmt *st, int idx, const char *s);
int32_t party_col_day(struct db_stmt *st, int col, int32_t dflt);
json_t *party_col_json_text(struct db_stmt *st, int col);
json_t *party_json_day(int32_t d);
/* {"id","code","name","kind"} of org on day (the last version when not
 * alive that day); JSON null when unknown. */
json_t *party_org_brief(const struct index *ix, int32_t org, int32_t day);
/* Appends v (stolen) to c->out; 0 or -1. */
int party_reply(struct party_ctx *c, json_t *v);
/* "YYYY-MM" of a day; month index y*12+m-1 and back. */
int party_month_of(int32_t day);
void party_month_format(int month, char out[8]);
int32_t party_month_first(int month);

/* ---- tree on a day ---- */
/* The child of top whose subtree on day holds org; top itself when org is
 * top; 0 when org is not in subtree(top, day). */
int32_t party_child_toward(const struct index *ix, int32_t top, int32_t org,
			   int32_t day);
/* The grassroots organisation above or at org on day; 0 when none. */
int32_t party_grassroots_of(const struct index *ix, int32_t org, int32_t day);
/* Every org of subtree(top, day), top first, depth first; *out malloc'd. */
size_t party_subtree(const struct index *ix, int32_t top, int32_t day,
		     int32_t **out);

/* ---- int32 -> int64 hash (memos and aggregates) ---- */
struct party_imap {
	int32_t *keys; /* 0 = empty slot (ids are positive) */
	int64_t *vals;
	size_t cap, n;
};
void party_imap_init(struct party_imap *m);
void party_imap_release(struct party_imap *m);
/* Pointer to the value of key, inserted as dflt when missing. */
int64_t *party_imap_get(struct party_imap *m, int32_t key, int64_t dflt);
/* Pointer to the value or NULL. */
int64_t *party_imap_find(const struct party_imap *m, int32_t key);

/* Names the store behind c for the caches of the process: the read
 * model's identity (index_org_generation's high half), the same for every
 * connection of a server, different for each store opened. */
uint64_t party_store_id(const struct party_ctx *c);

/* ---- the tree of a day in preorder (party_tree.c) ---- */
struct party_tree {
	const struct index *ix;
	uint64_t gen;    /* index_org_generation when built */
	int32_t day;
	uint64_t used;   /* least recently used */
	uint64_t serial; /* unique per build: caches aligned on positions */
	size_t n;        /* organisations alive on day under the root */
	int32_t *id;     /* position -> org id; children by id */
	uint32_t *end;   /* position -> end of its subtree's range */
	uint8_t *kind;   /* position -> enum org_kind on day */
	/* position -> [from, to) of its version of day; for a cell, of the
	 * run of adjacent versions around it that all hold members */
	int32_t *from, *to;
	struct party_imap pos; /* org id -> position */
};
/* The tree of day holding top, top's position in *pos; NULL when top is
 * not alive on day. Cached (a few days) until the read model's tree
 * changes; valid until the next call. */
const struct party_tree *party_tree_get(const struct index *ix, int32_t top,
					int32_t day, size_t *pos);
/* Position of org in t, or -1 when not in it. */
long party_tree_pos(const struct party_tree *t, int32_t org);
/* Frees the cached trees (tests, leak checks). */
void party_trees_release(void);
/* Subtree(top, day) split by child of top: positions [top, end[top]) of
 * t; child i (by id, as index_children) covers [start[i], end[start[i]]). */
struct party_span {
	const struct party_tree *t;
	size_t top;    /* top's position */
	size_t nk;     /* children of top on day */
	int32_t *kids; /* their ids */
	size_t *start; /* their positions */
};
/* 0, or -1 when top is not alive on day. */
int party_span_init(struct party_span *s, const struct index *ix,
		    int32_t top, int32_t day);
void party_span_release(struct party_span *s);
/* Slot of position q: 0 for top itself, i+1 under child i, -1 outside. */
long party_span_slot_at(const struct party_span *s, size_t q);
/* The same for an org id (-1 when not in subtree(top, day)). */
long party_span_slot(const struct party_span *s, int32_t org);

/* ---- summaries kept with the rows (party_sum.c) ---- */
/* Recomputes the summaries of year from the rows (party-demo's bulk
 * writes), inside the caller's transaction. */
int party_sum_rebuild_year(struct db *db, int64_t year,
			   struct hoso_error *err);
/* Notes the n members absent without reason at a meeting of day. */
int party_sum_absent(struct party_ctx *c, const int32_t *ids, size_t n,
		     int32_t day);
/* Adds delta to the (excellent or good) count of grassroots in year; other
 * levels and grassroots 0 are not counted. */
int party_sum_rank(struct party_ctx *c, int64_t year, int32_t grassroots,
		   int level, int delta);
/* The excellent and good members of grassroots in year. */
int party_sum_cap_counts(struct party_ctx *c, int64_t year,
			 int32_t grassroots, int64_t *excellent, int64_t *good);

/* ---- the actions, one group per file ---- */
int party_meeting_add(struct party_ctx *c);
int party_meeting_list(struct party_ctx *c);
int party_meeting_flags(struct party_ctx *c);
int party_attendance(struct party_ctx *c);
int party_strike_candidates(struct party_ctx *c);
int party_ranking_set(struct party_ctx *c);
int party_ranking_history(struct party_ctx *c);
int party_ranking_rollup(struct party_ctx *c);
int party_ranking_cap(struct party_ctx *c);
int party_conference_add(struct party_ctx *c);
int party_conference_list(struct party_ctx *c);
int party_presentation_add(struct party_ctx *c);
int party_rec_add(struct party_ctx *c);
int party_rec_list(struct party_ctx *c);
int party_rec_consolidate(struct party_ctx *c);
int party_rec_forward(struct party_ctx *c);
int party_rec_answer(struct party_ctx *c);
int party_rec_close(struct party_ctx *c);
int party_rec_open(struct party_ctx *c);
int party_directive_add(struct party_ctx *c);
int party_directive_list(struct party_ctx *c);
int party_directive_assign(struct party_ctx *c);
int party_directive_report(struct party_ctx *c);
int party_directive_status(struct party_ctx *c);
int party_cadre_add(struct party_ctx *c);
int party_cadre_end(struct party_ctx *c);
int party_cadre_count(struct party_ctx *c);
int party_demo(struct party_ctx *c);

#endif
