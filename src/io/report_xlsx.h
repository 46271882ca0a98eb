/* report_xlsx: the statistical report of a unit on a day (domain.md
 * "Statistical reports"), built once from the read model and the store and
 * written as JSON (screen, print page) or as an XLSX workbook. */
#ifndef HOSO_REPORT_XLSX_H
#define HOSO_REPORT_XLSX_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "index/index.h"
#include "model/reflist.h"
#include "model/registry.h"

/* A free-text attribute (education, ethnic group) and how many members
 * have it; value NULL counts the members where it is unknown. */
struct report_count {
	char *value;
	int64_t n;
};

struct report {
	int32_t org, on;
	int32_t from, to; /* changes over [from, to): 1 January of on's year
			     to the day after on */
	char name[256];
	char code[64];
	char parent_name[256]; /* "" for a root */
	struct index_breakdown b;       /* Q2 on `on` */
	struct index_changes c;         /* Q5 over [from, to) */
	int64_t kinds[KIND_COUNT];      /* organisations alive on `on` in the
					   subtree (the unit itself included) */
	struct report_count *education; /* by value, most frequent first */
	size_t n_education;
	struct report_count *ethnicity;
	size_t n_ethnicity;
};

/* Builds the report of org (an id) on day. 0, or -1 with err (not found
 * when org is not alive that day). Release with report_release. */
int report_build(struct registry *r, int32_t org, int32_t day,
		 struct report *out, struct hoso_error *err);
void report_release(struct report *rep);
/* Appends the report as one JSON object (keys of queries.md's Q2 and Q5
 * answers under "breakdown" and "changes"). */
int report_json(const struct report *rep, struct strbuf *out);
/* Writes the report as an XLSX workbook to path: sheet "Báo cáo" (the
 * official layout) and sheet "Số liệu" (one key and value a row, for
 * machines). 0, or -1 with err. */
int report_xlsx_write(const struct report *rep, const char *path,
		      struct hoso_error *err);

#endif
