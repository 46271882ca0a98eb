/* common: options, errors and question parsing shared by the subcommands. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/banned.h"

struct cli_globals cli = {
	.db = NULL,
	.quiet = 0,
};

static int exit_for(const struct hoso_error *err)
{
	switch (err->code) {
	case HOSO_EREJECT:
	case HOSO_ECONFLICT:
		return 1;
	case HOSO_EUSAGE:
		return 2;
	case HOSO_ENOTFOUND:
		return 3;
	default:
		return 1;
	}
}

int cli_fail(const struct hoso_error *err)
{
	fprintf(stderr, "hoso: %s\n", err->msg);
	return exit_for(err);
}

int cli_usage(const char *fmt, ...)
{
	va_list ap;
	fputs("hoso: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(TR("\n(xem: hoso help)\n", "\n(see: hoso help)\n"), stderr);
	return 2;
}

static int parse_day_opt(const char *s, int32_t *out, const char *opt,
			 struct hoso_error *err)
{
	if (day_parse(s, strlen(s), out))
		return hoso_err(err, HOSO_EUSAGE,
				TR("%s: ngày không hợp lệ \"%s\" (dạng YYYY-MM-DD)",
				   "%s: invalid date \"%s\" (YYYY-MM-DD)"),
				opt, s);
	return 0;
}

/* Parses the argv of a question (argv[0] is its name) into q. json is set
 * when --json was given. */
int cli_parse_question(int argc, char **argv, struct question *q, int *json,
		       struct hoso_error *err)
{
	const char *name = argv[0];
	const char *positional[2] = {NULL, NULL};
	int npos = 0, have_from = 0, have_to = 0;
	memset(q, 0, sizeof(*q));
	q->on = day_today();
	*json = 0;
	if (!strcmp(name, "count"))
		q->kind = Q_COUNT;
	else if (!strcmp(name, "breakdown"))
		q->kind = Q_BREAKDOWN;
	else if (!strcmp(name, "summary"))
		q->kind = Q_SUMMARY;
	else if (!strcmp(name, "search"))
		q->kind = Q_SEARCH;
	else if (!strcmp(name, "changes"))
		q->kind = Q_CHANGES;
	else if (!strcmp(name, "member"))
		q->kind = Q_MEMBER;
	else
		return hoso_err(err, HOSO_EUSAGE,
				TR("lệnh không rõ: %s", "unknown command: %s"),
				name);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int takes = !strcmp(a, "--on") || !strcmp(a, "--from") ||
			    !strcmp(a, "--to") || !strcmp(a, "--in") ||
			    !strcmp(a, "--limit") || !strcmp(a, "--card");
		if (takes && !v)
			return hoso_err(err, HOSO_EUSAGE,
					TR("%s cần một giá trị", "%s needs a value"),
					a);
		if (!strcmp(a, "--json")) {
			*json = 1;
		} else if (!strcmp(a, "--on")) {
			if (parse_day_opt(v, &q->on, a, err))
				return -1;
			i++;
		} else if (!strcmp(a, "--from")) {
			if (parse_day_opt(v, &q->from, a, err))
				return -1;
			have_from = 1;
			i++;
		} else if (!strcmp(a, "--to")) {
			if (parse_day_opt(v, &q->to, a, err))
				return -1;
			have_to = 1;
			i++;
		} else if (!strcmp(a, "--in")) {
			q->org = v;
			i++;
		} else if (!strcmp(a, "--card")) {
			q->card_no = v;
			i++;
		} else if (!strcmp(a, "--limit")) {
			int64_t n;
			if (parse_pos_int(v, strlen(v), SEARCH_LIMIT_MAX, &n))
				return hoso_err(err, HOSO_EUSAGE,
						TR("--limit phải là số từ 1 đến %d",
						   "--limit must be a number from 1 to %d"),
						SEARCH_LIMIT_MAX);
			q->limit = (long)n;
			i++;
		} else if (a[0] == '-' && a[1] == '-') {
			return hoso_err(err, HOSO_EUSAGE,
					TR("tùy chọn không rõ: %s",
					   "unknown option: %s"),
					a);
		} else if (npos < 2) {
			positional[npos++] = a;
		} else {
			return hoso_err(err, HOSO_EUSAGE,
					TR("thừa tham số: %s", "extra argument: %s"),
					a);
		}
	}
	switch (q->kind) {
	case Q_COUNT:
	case Q_BREAKDOWN:
	case Q_CHANGES:
		if (npos != 1)
			return hoso_err(err, HOSO_EUSAGE,
					TR("cần đúng một tổ chức (mã số hoặc ký hiệu)",
					   "needs exactly one organisation (id or code)"));
		q->org = positional[0];
		if (q->kind == Q_CHANGES && (!have_from || !have_to))
			return hoso_err(err, HOSO_EUSAGE, "%s",
					TR("changes cần --from và --to",
					   "changes needs --from and --to"));
		break;
	case Q_SUMMARY:
		if (npos > 1)
			return hoso_err(err, HOSO_EUSAGE, "%s",
					TR("summary nhận nhiều nhất một tổ chức",
					   "summary takes at most one organisation"));
		q->org = positional[0];
		break;
	case Q_SEARCH:
		if (npos != 1)
			return hoso_err(err, HOSO_EUSAGE, "%s",
					TR("search cần đúng một chuỗi tìm kiếm (đặt trong ngoặc kép)",
					   "search needs exactly one query (quote it)"));
		q->query = positional[0];
		break;
	case Q_MEMBER:
		if (npos == 1 && !q->card_no) {
			int64_t id;
			if (parse_pos_int(positional[0], strlen(positional[0]),
					  ID_MAX, &id))
				return hoso_err(err, HOSO_EUSAGE,
						TR("mã đảng viên không hợp lệ: %s",
						   "invalid member id: %s"),
						positional[0]);
			q->member_id = id;
		} else if (npos != 0 || !q->card_no) {
			return hoso_err(err, HOSO_EUSAGE, "%s",
					TR("member cần một mã đảng viên hoặc --card SỐ",
					   "member needs a member id or --card NO"));
		}
		break;
	}
	(void)have_from;
	return 0;
}

const char *cli_db_uri(void)
{
	if (cli.db)
		return cli.db;
	const char *env = getenv("HOSO_DB");
	return env && *env ? env : "./hoso.db";
}

