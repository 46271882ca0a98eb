/* orgops: dated, checked, audited operations on the organisation tree
 * (create, rename, recode, move, merge, split, dissolve, change of kind,
 * undo) and bulk reorganisation plans (docs/reorganisation-plan.md).
 *
 * Every operation runs in one write transaction: the organisations and
 * members it touches are loaded, changed in memory, checked against the
 * tree rules of spec/interchange.md, written back with one row of
 * `operations` (payload: every version and placement before and after, so
 * that org-undo can compensate it), committed, and only then applied to the
 * read model. A rejected operation writes nothing; its message (Vietnamese
 * first) names the rule: [đúng-cấp] kind under an allowed parent,
 * [cấp-trên-tồn-tại] parent alive whenever the child is, [không-vòng] no
 * cycle, [mã-duy-nhất] codes unique among live organisations,
 * [chỉ-chi-bộ] members placed only in live cells, [tồn-tại-ngày-D] the unit
 * is alive on the effective day, [phiên-bản-sau] later versions that
 * cannot be reconciled, [chuyển-trước] children and members of an ending
 * unit moved in the same operation. */
#ifndef HOSO_ORGOPS_H
#define HOSO_ORGOPS_H

#include <stddef.h>
#include <stdint.h>

#include "model/registry.h"

enum orgop_kind {
	ORGOP_CREATE = 0,
	ORGOP_RENAME,
	ORGOP_RECODE,
	ORGOP_MOVE,
	ORGOP_MERGE,
	ORGOP_SPLIT,
	ORGOP_DISSOLVE,
	ORGOP_KIND,
	ORGOP_UNDO,
	ORGOP_COUNT
};
/* "create", "rename", ... as in plans; operations rows use "org-" + name. */
extern const char *const orgop_names[ORGOP_COUNT];
/* The kind named s (with or without the "org-" prefix), or -1. */
int orgop_lookup(const char *s);

/* One operation. Organisations are named by id or by code (a code is
 * resolved among the units alive on day, after the earlier operations of
 * the same plan). Lists are separated by ';' or ','. */
struct orgop {
	enum orgop_kind kind;
	int32_t day;          /* effective day */
	const char *org;      /* the unit; merge: the units merged (a list) */
	const char *parent;   /* create, split: parent (split: default the
				 unit's); move, kind: new parent; dissolve:
				 where the children go */
	const char *target;   /* merge: the unit taking over (members and
				 children); dissolve: the cell taking the
				 members */
	const char *name;     /* create, rename, split */
	const char *code;     /* create, recode, split; "" removes the code */
	const char *new_kind; /* create, kind, split (enum org_kind name) */
	const char *members;  /* split: members moving to the new unit */
	const char *children; /* split: children moving under the new unit */
	int32_t new_id;       /* create, split: id of the new unit (0: next) */
	int64_t undo_seq;     /* undo: the operation to compensate */
};

/* Applies one operation (see the header comment). Appends to out a JSON
 * object {"seq","action","effective","orgs":[ids changed],"created",
 * "members_moved","headcounts":[{"org","before","after"}],"warnings":[..]}.
 * Returns the operation's sequence number, or -1 with err (HOSO_EREJECT
 * with the rule, HOSO_ENOTFOUND, HOSO_EUSAGE for a malformed request). */
int64_t orgops_apply(struct registry *r, const struct orgop *op,
		     const struct op_meta *meta, struct strbuf *out,
		     struct hoso_error *err);

/* A reorganisation plan: one operation per CSV row. */
struct orgops_plan_row {
	struct orgop op;
	const char *reason; /* per row; else the plan's */
	long line;          /* physical line in the CSV (header: 1) */
};
struct orgops_plan {
	struct orgops_plan_row *rows;
	size_t n;
	char *text; /* owned storage for the fields */
};

/* Bounds of a plan: the 2025 reform moved a few thousand units per
 * province at most; a plan is one reviewable decision, not a dataset. */
#define ORGOPS_PLAN_ROWS_MAX 100000
#define ORGOPS_PLAN_BYTES_MAX (32 * 1024 * 1024)

/* Parses a plan (docs/reorganisation-plan.md) from text. Every bad row is
 * reported (line: column: reason, one per line in err->msg as long as it
 * fits); returns 0 or -1 with HOSO_EUSAGE. */
int orgops_plan_parse(const char *text, size_t len, struct orgops_plan *plan,
		      struct hoso_error *err);
void orgops_plan_release(struct orgops_plan *plan);

/* Runs every row of a plan in one transaction, all or nothing. With
 * dry_run the transaction is rolled back after the same checks. Appends to
 * out {"dry_run","rows":N,"operations":[one result per row, as
 * orgops_apply],"totals":[{"on","before","after"}]} where totals are the
 * root's headcount on each effective day. On a rejected row, err names
 * the row's line. Returns 0 or -1. */
int orgops_plan_run(struct registry *r, const struct orgops_plan *plan,
		    int dry_run, const struct op_meta *meta, struct strbuf *out,
		    struct hoso_error *err);

#endif
