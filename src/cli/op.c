/* op: operations from the command line (hoso op NAME ...). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/banned.h"

int cli_run_op(struct registry *r, int argc, char **argv, struct strbuf *out,
	       struct hoso_error *err)
{
	const char *member = NULL, *to = NULL, *effective = NULL;
	struct op_meta meta = {.actor = getenv("USER") ? getenv("USER") : "cli",
			       .source = "cli"};
	int64_t mid, oid, seq;
	int32_t day = day_today();
	if (argc < 2 || strcmp(argv[1], "transfer"))
		return hoso_err(err, HOSO_EUSAGE, "%s",
				TR("nghiệp vụ hỗ trợ: transfer",
				   "supported operations: transfer"));
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

int cmd_op(int argc, char **argv)
{
	struct hoso_error err = {0};
	struct registry *r = registry_open(cli_db_uri(), 0, &err);
	struct strbuf out;
	int rc = 0, json = 0;
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
