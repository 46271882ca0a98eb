/* orgops_plan: reads a reorganisation plan (CSV, one operation per row; the
 * format is docs/reorganisation-plan.md) into struct orgops_plan. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/orgops.h"
#include "model/reflist.h"
#include "text/text.h"
#include "core/banned.h"

enum plan_col {
	C_ACTION = 0,
	C_ORG,
	C_PARENT,
	C_NAME,
	C_CODE,
	C_KIND,
	C_TARGET,
	C_MEMBERS,
	C_CHILDREN,
	C_ID,
	C_EFFECTIVE,
	C_REASON,
	C_COUNT
};
static const char *const col_names[C_COUNT] = {
	"action",     "org",    "new_parent", "new_name",
	"new_code",   "new_kind", "target",   "members",
	"children",   "new_id", "effective",  "reason",
};

struct field {
	const char *s;
	size_t len;
};

/* Reads one RFC 4180 record from text at *pos, unescaping the fields into
 * store (which has room: a field never grows). Returns the number of
 * fields, 0 at the end, -1 for a malformed record (unclosed quote). *line
 * counts physical lines. */
static long next_record(const char *text, size_t len, size_t *pos, long *line,
			char **store, struct field *f, size_t max_fields)
{
	size_t p = *pos, n = 0;
	if (p >= len)
		return 0;
	for (;;) {
		char *start = *store;
		int quoted = 0;
		if (p < len && text[p] == '"') {
			quoted = 1;
			p++;
			for (;;) {
				if (p >= len) {
					*pos = p;
					return -1;
				}
				if (text[p] == '"') {
					if (p + 1 < len && text[p + 1] == '"') {
						*(*store)++ = '"';
						p += 2;
						continue;
					}
					p++;
					break;
				}
				if (text[p] == '\n')
					(*line)++;
				*(*store)++ = text[p++];
			}
		}
		while (p < len && text[p] != ',' && text[p] != '\n' &&
		       text[p] != '\r') {
			if (quoted) { /* text after a closing quote */
				*pos = p;
				return -1;
			}
			*(*store)++ = text[p++];
		}
		*(*store)++ = '\0';
		if (n < max_fields) {
			f[n].s = start;
			f[n].len = (size_t)(*store - start - 1);
		}
		n++;
		if (p < len && text[p] == ',') {
			p++;
			continue;
		}
		if (p < len && text[p] == '\r')
			p++;
		if (p < len && text[p] == '\n')
			p++;
		(*line)++;
		break;
	}
	*pos = p;
	return (long)n;
}

static void add_error(struct hoso_error *err, size_t *n_bad, long line,
		      const char *col, const char *why)
{
	size_t used = strlen(err->msg);
	if (*n_bad == 0)
		used = 0;
	(*n_bad)++;
	if (used + 4 < sizeof(err->msg))
		snprintf(err->msg + used, sizeof(err->msg) - used, "%s%ld: %s: %s",
			 used ? "\n" : "", line, col, why);
}

int orgops_plan_parse(const char *text, size_t len, struct orgops_plan *plan,
		      struct hoso_error *err)
{
	struct field f[C_COUNT + 64];
	int map[C_COUNT];
	size_t pos = 0, alloc = 0, n_bad = 0;
	long line = 1, nf;
	char *store;

	memset(plan, 0, sizeof(*plan));
	if (len > ORGOPS_PLAN_BYTES_MAX)
		return hoso_err(err, HOSO_EUSAGE,
				TR("kế hoạch quá lớn (tối đa %d MiB)",
				   "plan too large (at most %d MiB)"),
				ORGOPS_PLAN_BYTES_MAX >> 20);
	if (!utf8_valid(text, len))
		return hoso_err(err, HOSO_EUSAGE, "%s",
				TR("kế hoạch không phải UTF-8 hợp lệ",
				   "the plan is not valid UTF-8"));
	plan->text = xmalloc(2 * len + 16); /* fields + one NUL each */
	store = plan->text;
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		pos = 3; /* a byte-order mark from spreadsheet programs */
	nf = next_record(text, len, &pos, &line, &store, f, C_COUNT + 64);
	if (nf <= 0) {
		hoso_err(err, HOSO_EUSAGE, "%s",
			 TR("kế hoạch trống hoặc thiếu dòng tiêu đề",
			    "the plan is empty or has no header row"));
		goto fail;
	}
	for (int c = 0; c < C_COUNT; c++) {
		map[c] = -1;
		for (long i = 0; i < nf && i < C_COUNT + 64; i++)
			if (strlen(col_names[c]) == f[i].len &&
			    !memcmp(col_names[c], f[i].s, f[i].len))
				map[c] = (int)i;
	}
	if (map[C_ACTION] < 0 || map[C_EFFECTIVE] < 0) {
		hoso_err(err, HOSO_EUSAGE, "%s",
			 TR("dòng 1: tiêu đề phải có các cột action và effective",
			    "line 1: the header needs the columns action and effective"));
		goto fail;
	}
	err->msg[0] = '\0';
	for (;;) {
		long start = line;
		struct orgops_plan_row row = {0};
		const char *v[C_COUNT];
		int k;
		char *s_before = store;
		nf = next_record(text, len, &pos, &line, &store, f,
				 C_COUNT + 64);
		if (nf == 0)
			break;
		if (nf < 0) {
			add_error(err, &n_bad, start, "CSV",
				  TR("dấu ngoặc kép không khớp",
				     "unbalanced quote"));
			break;
		}
		if (nf == 1 && f[0].len == 0) {
			store = s_before;
			continue; /* blank line */
		}
		for (int c = 0; c < C_COUNT; c++)
			v[c] = map[c] >= 0 && map[c] < nf && f[map[c]].len
				       ? f[map[c]].s
				       : NULL;
		if (v[C_ACTION] && v[C_ACTION][0] == '#')
			continue; /* a comment row */
		if (plan->n >= ORGOPS_PLAN_ROWS_MAX) {
			add_error(err, &n_bad, start, "action",
				  TR("quá nhiều dòng", "too many rows"));
			break;
		}
		row.line = start;
		k = orgop_lookup(v[C_ACTION]);
		if (k < 0 || k == ORGOP_UNDO) {
			add_error(err, &n_bad, start, "action",
				  TR("không rõ (create, rename, recode, move, merge, split, dissolve, kind)",
				     "unknown (create, rename, recode, move, merge, split, dissolve, kind)"));
			continue;
		}
		row.op.kind = (enum orgop_kind)k;
		if (!v[C_EFFECTIVE] ||
		    day_parse(v[C_EFFECTIVE], strlen(v[C_EFFECTIVE]),
			      &row.op.day)) {
			add_error(err, &n_bad, start, "effective",
				  TR("ngày không hợp lệ (YYYY-MM-DD)",
				     "invalid date (YYYY-MM-DD)"));
			continue;
		}
		if (v[C_ID]) {
			int64_t id;
			if (parse_pos_int(v[C_ID], strlen(v[C_ID]), ID_MAX,
					  &id)) {
				add_error(err, &n_bad, start, "new_id",
					  TR("phải là số nguyên dương",
					     "must be a positive integer"));
				continue;
			}
			row.op.new_id = (int32_t)id;
		}
		if (v[C_KIND] && enum_lookup(org_kind_names, KIND_COUNT,
					     v[C_KIND], strlen(v[C_KIND])) < 0) {
			add_error(err, &n_bad, start, "new_kind",
				  TR("loại tổ chức không rõ",
				     "unknown organisation kind"));
			continue;
		}
		row.op.org = v[C_ORG];
		row.op.parent = v[C_PARENT];
		row.op.name = v[C_NAME];
		/* recode with an empty new_code removes the code */
		row.op.code = v[C_CODE] ? v[C_CODE]
					: (k == ORGOP_RECODE && map[C_CODE] >= 0
						   ? ""
						   : NULL);
		row.op.new_kind = v[C_KIND];
		row.op.target = v[C_TARGET];
		row.op.members = v[C_MEMBERS];
		row.op.children = v[C_CHILDREN];
		row.reason = v[C_REASON];
		ALLOC_GROW(plan->rows, plan->n + 1, alloc);
		plan->rows[plan->n++] = row;
	}
	if (n_bad) {
		char tail[64];
		size_t used = strlen(err->msg);
		snprintf(tail, sizeof(tail),
			 TR("\n(%zu dòng sai)", "\n(%zu bad rows)"), n_bad);
		if (used + strlen(tail) < sizeof(err->msg))
			memcpy(err->msg + used, tail, strlen(tail) + 1);
		err->code = HOSO_EUSAGE;
		goto fail;
	}
	if (!plan->n) {
		hoso_err(err, HOSO_EUSAGE, "%s",
			 TR("kế hoạch không có dòng nào", "the plan has no rows"));
		goto fail;
	}
	return 0;
fail:
	orgops_plan_release(plan);
	return -1;
}

void orgops_plan_release(struct orgops_plan *plan)
{
	free(plan->rows);
	free(plan->text);
	memset(plan, 0, sizeof(*plan));
}
