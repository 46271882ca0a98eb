/* registry: the store of record plus its read model, and the one place where
 * questions are answered and operations applied. The CLI, `hoso batch` and
 * the HTTP API all call these functions, so their answers are the same. */
#ifndef HOSO_REGISTRY_H
#define HOSO_REGISTRY_H

#include <stdint.h>

#include "core/core.h"
#include "db/db.h"
#include "index/index.h"

struct registry {
	struct db *db;
	struct index *ix; /* NULL until registry_load_index() */
};

/* Opens the store at uri (see db_open flags). */
struct registry *registry_open(const char *uri, unsigned flags,
			       struct hoso_error *err);
/* Builds the read model from the store (no-op when already built). */
int registry_load_index(struct registry *r, int quiet, struct hoso_error *err);
void registry_close(struct registry *r);
/* The earlier, closed membership periods of a readmitted member (lc_periods)
 * in time order, *out malloc'd (NULL when none); returns how many, or -1. */
long registry_member_periods(struct db *db, int64_t id,
			     struct index_period **out, struct hoso_error *err);

enum question_kind {
	Q_COUNT,
	Q_BREAKDOWN,
	Q_SUMMARY,
	Q_SEARCH,
	Q_CHANGES,
	Q_MEMBER,
};

struct question {
	enum question_kind kind;
	const char *org;     /* id or code; NULL: the root alive on the day */
	int32_t on;          /* Q1-Q4 */
	int32_t from, to;    /* Q5 [from, to) */
	const char *query;   /* Q4 */
	long limit;          /* Q4; 0: 20 */
	int64_t member_id;   /* Q6 (0: use card_no) */
	const char *card_no; /* Q6 */
};

/* Appends the JSON answer of spec/queries.md to out. On error returns -1 with
 * err->code HOSO_ENOTFOUND (org or member not found) or HOSO_EUSAGE, and a
 * message in the current language. */
int registry_answer(struct registry *r, const struct question *q,
		    struct strbuf *out, struct hoso_error *err);

/* Resolves ORG (an id, or a code among organisations alive on day) to an id
 * alive on day; 0 with err set when not found. */
int32_t registry_resolve_org(struct registry *r, const char *org, int32_t day,
			     struct hoso_error *err);

/* Who does a change and why: written with every operation. */
struct op_meta {
	const char *actor;  /* user name, or "cli" */
	const char *reason; /* may be NULL */
	const char *source; /* "cli", "api", client address... */
};

/* Writes the record of one operation (kind, who, when entered, the day it
 * takes effect, JSON payload, reason) inside the caller's transaction and
 * gives its sequence number. Every operation of every feature uses it. */
int registry_write_op(struct db *db, const char *kind, int32_t effective,
		      const char *payload, const struct op_meta *meta,
		      int64_t *seq, struct hoso_error *err);

/* Transfer: member's placement ends on day and a new one in cell org_id
 * starts that day; later placements are kept (a backdated move splits the
 * history). Checked, written with its operation record in one transaction,
 * then applied to the read model. Returns the operation's sequence number,
 * or -1 (HOSO_EREJECT with a Vietnamese reason, HOSO_ENOTFOUND). */
int64_t registry_op_transfer(struct registry *r, int64_t member_id,
			     int32_t org_id, int32_t day,
			     const struct op_meta *meta,
			     struct hoso_error *err);

#endif
