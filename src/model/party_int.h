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
void party_bind_day(struct db_stmt *st, int idx, int32_t d);
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
