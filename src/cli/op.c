/* op: operations from the command line (hoso op NAME ...). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/banned.h"

static int op_transfer(struct registry *r, int argc, char **argv,
		       struct strbuf *out, struct hoso_error *err)
{
	const char *member = NULL, *to = NULL, *effective = NULL;
	struct op_meta meta = {.actor = getenv("USER") ? getenv("USER") : "cli",
			       .source = "cli"};
	int64_t mid, oid, seq;
	int32_t day = day_today();
	for (int i = 2; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(argv[i], "--to") && v) {
			to = v;
			i++;
		} else if (!strcmp(argv[i], "--effective") && v) {
			effective = v;
			i++;
		} else if (!strcmp(argv[i], "--reason") && v) {
			meta.reason = v;
			i++;
		} else if (!strcmp(argv[i], "--json")) {
			;
		} else if (argv[i][0] != '-' && !member) {
			member = argv[i];
		} else {
			return hoso_err(err, HOSO_EUSAGE,
					TR("tham số không rõ: %s",
					   "unknown argument: %s"),
					argv[i]);
		}
	}
	if (!member || !to)
		return hoso_err(err, HOSO_EUSAGE, "%s",
				TR("cách dùng: hoso op transfer ĐẢNG_VIÊN --to CHI_BỘ [--effective NGÀY] [--reason LÝ_DO]",
				   "usage: hoso op transfer MEMBER --to CELL [--effective DAY] [--reason WHY]"));
	if (parse_pos_int(member, strlen(member), ID_MAX, &mid))
		return hoso_err(err, HOSO_EUSAGE,
				TR("mã đảng viên không hợp lệ: %s",
				   "invalid member id: %s"),
				member);
	if (effective && day_parse(effective, strlen(effective), &day))
		return hoso_err(err, HOSO_EUSAGE,
				TR("--effective: ngày không hợp lệ \"%s\" (dạng YYYY-MM-DD)",
				   "--effective: invalid date \"%s\" (YYYY-MM-DD)"),
				effective);
	if (parse_pos_int(to, strlen(to), ID_MAX, &oid)) {
		if (registry_load_index(r, 1, err))
			return -1;
		oid = registry_resolve_org(r, to, day, err);
		if (!oid)
			return -1;
	}
	seq = registry_op_transfer(r, mid, (int32_t)oid, day, &meta, err);
	if (seq < 0)
		return -1;
	strbuf_addf(out, "{\"operation\":%lld,\"kind\":\"transfer\","
			 "\"member_id\":%lld,\"to\":%lld,\"effective\":",
		    (long long)seq, (long long)mid, (long long)oid);
	char b[11];
	day_format(day, b);
	strbuf_addf(out, "\"%s\"}", b);
	return 0;
}

static const struct cli_op cli_ops_core[] = {
	{"transfer", op_transfer,
	 "op transfer MEMBER --to CELL [--effective D] [--reason R]",
	 "chuyển sinh hoạt sang chi bộ khác từ ngày D",
	 "move a member to another cell from day D"},
};

struct cli_op_group {
	const struct cli_op *ops;
	size_t n;
};

static const struct cli_op_group *op_groups(size_t *n)
{
	static struct cli_op_group g[3];
	g[0].ops = cli_ops_core;
	g[0].n = sizeof(cli_ops_core) / sizeof(cli_ops_core[0]);
	g[1].ops = cli_ops_member;
	g[1].n = cli_n_ops_member;
	g[2].ops = cli_ops_org;
	g[2].n = cli_n_ops_org;
	*n = 3;
	return g;
}

static void op_help(void)
{
	size_t ng;
	const struct cli_op_group *g = op_groups(&ng);
	fprintf(stderr, "%s\n", TR("Các nghiệp vụ:", "Operations:"));
	for (size_t i = 0; i < ng; i++)
		for (size_t j = 0; j < g[i].n; j++)
			fprintf(stderr, "  hoso %-60s %s\n", g[i].ops[j].usage,
				TR(g[i].ops[j].help_vi, g[i].ops[j].help_en));
}

int cli_run_op(struct registry *r, int argc, char **argv, struct strbuf *out,
	       struct hoso_error *err)
{
	size_t ng;
	const struct cli_op_group *g = op_groups(&ng);
	if (argc < 2)
		return hoso_err(err, HOSO_EUSAGE, "%s",
				TR("thiếu tên nghiệp vụ (xem: hoso op help)",
				   "missing the operation's name (see: hoso op help)"));
	for (size_t i = 0; i < ng; i++)
		for (size_t j = 0; j < g[i].n; j++)
			if (!strcmp(g[i].ops[j].name, argv[1]))
				return g[i].ops[j].fn(r, argc, argv, out, err);
	return hoso_err(err, HOSO_EUSAGE,
			TR("nghiệp vụ không rõ: %s (xem: hoso op help)",
			   "unknown operation: %s (see: hoso op help)"),
			argv[1]);
}

int cmd_op(int argc, char **argv)
{
	struct hoso_error err = {0};
	struct registry *r;
	struct strbuf out;
	int rc = 0, json = 0;
	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help")) {
		op_help();
		return argc < 2 ? 2 : 0;
	}
	r = registry_open(cli_db_uri(), 0, &err);
	if (!r)
		return cli_fail(&err);
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], "--json"))
			json = 1;
	strbuf_init(&out, 1 << 16);
	if (cli_run_op(r, argc, argv, &out, &err)) {
		rc = cli_fail(&err);
	} else if (json) {
		printf("%s\n", out.buf);
	} else {
		printf(TR("Đã ghi nghiệp vụ: %s\n", "Operation recorded: %s\n"),
		       out.buf);
	}
	strbuf_release(&out);
	registry_close(r);
	return rc;
}
