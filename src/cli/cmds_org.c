/* cmds_org: subcommands of organisation operations (reorganisation plans...). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "model/orgops.h"
#include "core/banned.h"

static int read_file(const char *path, char **buf, size_t *len,
		     struct hoso_error *err)
{
	FILE *f = fopen(path, "rb");
	size_t alloc = 0, n;
	*buf = NULL;
	*len = 0;
	if (!f)
		return hoso_err(err, HOSO_ENOTFOUND,
				TR("không mở được tệp %s", "cannot open %s"),
				path);
	for (;;) {
		ALLOC_GROW(*buf, *len + 65536 + 1, alloc);
		n = fread(*buf + *len, 1, 65536, f);
		*len += n;
		if (n < 65536)
			break;
		if (*len > ORGOPS_PLAN_BYTES_MAX)
			break;
	}
	(*buf)[*len] = '\0';
	if (ferror(f)) {
		fclose(f);
		return hoso_err(err, HOSO_EIO,
				TR("lỗi đọc tệp %s", "error reading %s"), path);
	}
	fclose(f);
	return 0;
}

static void print_count(json_t *v)
{
	if (json_is_integer(v))
		printf("%lld", (long long)json_integer_value(v));
	else
		printf("-");
}

/* What a plan changed (or would change), readable. */
static void print_result(const char *text, int dry_run)
{
	json_t *doc = json_loads(text, 0, NULL), *op, *h;
	size_t i, k;
	if (!doc) {
		printf("%s\n", text);
		return;
	}
	printf(dry_run ? TR("Chạy thử (không ghi gì):\n",
			    "Dry run (nothing written):\n")
		       : TR("Đã ghi kế hoạch:\n", "Plan recorded:\n"));
	json_array_foreach(json_object_get(doc, "operations"), i, op) {
		json_t *orgs = json_object_get(op, "orgs"), *o;
		printf(TR("dòng %lld: %s từ %s — tổ chức thay đổi:",
			  "line %lld: %s from %s — organisations changed:"),
		       (long long)json_integer_value(json_object_get(op, "line")),
		       json_string_value(json_object_get(op, "action")),
		       json_string_value(json_object_get(op, "effective")));
		json_array_foreach(orgs, k, o)
			printf(" %lld", (long long)json_integer_value(o));
		printf(TR("; đảng viên chuyển: %lld\n", "; members moved: %lld\n"),
		       (long long)json_integer_value(
			       json_object_get(op, "members_moved")));
		json_array_foreach(json_object_get(op, "headcounts"), k, h) {
			printf(TR("    quân số tổ chức %lld: ",
				  "    headcount of %lld: "),
			       (long long)json_integer_value(
				       json_object_get(h, "org")));
			print_count(json_object_get(h, "before"));
			printf(" -> ");
			print_count(json_object_get(h, "after"));
			printf("\n");
		}
		json_array_foreach(json_object_get(op, "warnings"), k, h)
			printf(TR("    cảnh báo: %s\n", "    warning: %s\n"),
			       json_string_value(h));
	}
	json_array_foreach(json_object_get(doc, "totals"), i, h) {
		printf(TR("Toàn Đảng ngày %s: ", "Whole party on %s: "),
		       json_string_value(json_object_get(h, "on")));
		print_count(json_object_get(h, "before"));
		printf(" -> ");
		print_count(json_object_get(h, "after"));
		printf("\n");
	}
	json_decref(doc);
}

/* hoso reorg PLAN.csv [--dry-run] [--reason R] [--json] */
static int cmd_reorg(int argc, char **argv)
{
	struct hoso_error err = {0};
	struct registry *r = NULL;
	struct orgops_plan plan = {0};
	struct op_meta meta = {.actor = getenv("USER") ? getenv("USER") : "cli",
			       .source = "cli reorg"};
	const char *path = NULL;
	int dry = 0, json = 0, rc;
	char *text = NULL;
	size_t len;
	struct strbuf out;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--dry-run"))
			dry = 1;
		else if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--reason") && i + 1 < argc)
			meta.reason = argv[++i];
		else if (argv[i][0] != '-' && !path)
			path = argv[i];
		else
			return cli_usage(TR("tùy chọn không rõ: %s",
					    "unknown option: %s"),
					 argv[i]);
	}
	if (!path)
		return cli_usage("%s",
				 TR("cần tệp kế hoạch: hoso reorg KẾ_HOẠCH.csv [--dry-run] [--reason LÝ_DO] [--json]",
				    "a plan is needed: hoso reorg PLAN.csv [--dry-run] [--reason WHY] [--json]"));
	strbuf_init(&out, (size_t)1 << 30);
	if (read_file(path, &text, &len, &err) ||
	    orgops_plan_parse(text, len, &plan, &err)) {
		rc = cli_fail(&err);
		goto out;
	}
	r = registry_open(cli_db_uri(), 0, &err);
	if (!r || orgops_plan_run(r, &plan, dry, &meta, &out, &err)) {
		rc = cli_fail(&err);
		goto out;
	}
	if (json)
		printf("%s\n", out.buf);
	else
		print_result(out.buf, dry);
	rc = 0;
out:
	registry_close(r);
	orgops_plan_release(&plan);
	free(text);
	strbuf_release(&out);
	return rc;
}

const struct cli_command cli_commands_org[] = {
	{"reorg", cmd_reorg, "reorg PLAN.csv [--dry-run] [--reason R] [--json]",
	 "áp dụng kế hoạch sắp xếp tổ chức (CSV, tất cả hoặc không; --dry-run: chỉ cho xem)",
	 "apply a reorganisation plan (CSV, all or nothing; --dry-run: show only)"},
};
const size_t cli_n_commands_org =
	sizeof(cli_commands_org) / sizeof(cli_commands_org[0]);
