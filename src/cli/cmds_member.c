/* cmds_member: subcommands of member lifecycle (candidates, due lists,
 * badges, members in transit or hosted, one member's history). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "model/lifecycle.h"
#include "core/banned.h"

enum list_kind { L_CANDIDATES, L_DUE, L_BADGES, L_TRANSIT, L_TEMP, L_HISTORY };

static int run_list(int argc, char **argv, enum list_kind kind)
{
	struct hoso_error err = {0};
	struct registry *r;
	struct strbuf out;
	const char *in = NULL, *member = NULL;
	int32_t day = day_today(), org = 0;
	int64_t days = 30, id = 0;
	int rc = 0;
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(argv[i], "--in") && v) {
			in = v;
			i++;
		} else if (!strcmp(argv[i], "--on") && v) {
			if (day_parse(v, strlen(v), &day))
				return cli_usage(TR("--on: ngày không hợp lệ \"%s\"",
						    "--on: invalid date \"%s\""),
						 v);
			i++;
		} else if (!strcmp(argv[i], "--days") && v &&
			   kind == L_DUE) {
			if (parse_pos_int(v, strlen(v), 3650, &days))
				return cli_usage("--days: %s", v);
			i++;
		} else if (!strcmp(argv[i], "--json")) {
			;
		} else if (kind == L_HISTORY && argv[i][0] != '-' && !member) {
			member = argv[i];
		} else {
			return cli_usage(TR("tham số không rõ: %s",
					    "unknown argument: %s"),
					 argv[i]);
		}
	}
	if (kind == L_HISTORY &&
	    (!member || parse_pos_int(member, strlen(member), ID_MAX, &id)))
		return cli_usage("%s", TR("cách dùng: hoso history ĐẢNG_VIÊN [--on D]",
					  "usage: hoso history MEMBER [--on D]"));
	r = registry_open(cli_db_uri(), 0, &err);
	if (!r)
		return cli_fail(&err);
	strbuf_init(&out, (size_t)1 << 30);
	if (kind != L_HISTORY && registry_load_index(r, 1, &err))
		goto fail;
	if (in) {
		org = registry_resolve_org(r, in, day, &err);
		if (!org)
			goto fail;
	}
	switch (kind) {
	case L_CANDIDATES:
		rc = lifecycle_list_candidates(r, org, day, &out, &err);
		break;
	case L_DUE:
		rc = lifecycle_list_due(r, org, day, (int)days, &out, &err);
		break;
	case L_BADGES:
		rc = lifecycle_list_badges(r, org, day, &out, &err);
		break;
	case L_TRANSIT:
		rc = lifecycle_list_in_transit(r, org, day, &out, &err);
		break;
	case L_TEMP:
		rc = lifecycle_list_temporary(r, org, day, &out, &err);
		break;
	case L_HISTORY:
		rc = lifecycle_history(r, id, day, &out, &err);
		break;
	}
	if (rc)
		goto fail;
	printf("%s\n", out.buf);
	strbuf_release(&out);
	registry_close(r);
	return 0;
fail:
	strbuf_release(&out);
	registry_close(r);
	return cli_fail(&err);
}

static int cmd_candidates(int argc, char **argv)
{
	return run_list(argc, argv, L_CANDIDATES);
}

static int cmd_due(int argc, char **argv)
{
	return run_list(argc, argv, L_DUE);
}

static int cmd_badges(int argc, char **argv)
{
	return run_list(argc, argv, L_BADGES);
}

static int cmd_in_transit(int argc, char **argv)
{
	return run_list(argc, argv, L_TRANSIT);
}

static int cmd_temporary(int argc, char **argv)
{
	return run_list(argc, argv, L_TEMP);
}

static int cmd_history(int argc, char **argv)
{
	return run_list(argc, argv, L_HISTORY);
}

const struct cli_command cli_commands_member[] = {
	{"candidates", cmd_candidates, "candidates [--in ORG] [--on D] [--json]",
	 "quần chúng đang theo dõi kết nạp, bước đã qua, bước quá hạn",
	 "candidates for admission, their state and overdue steps"},
	{"due", cmd_due, "due [--days N] [--in ORG] [--on D] [--json]",
	 "đảng viên dự bị đến hạn hoặc quá hạn xét chính thức",
	 "probationers due or overdue for recognition"},
	{"badges", cmd_badges, "badges --on AWARD_DAY [--in ORG] [--json]",
	 "đảng viên được xét tặng Huy hiệu Đảng vào đợt này",
	 "members eligible for a party badge at this award day"},
	{"in-transit", cmd_in_transit, "in-transit [--in ORG] [--on D] [--json]",
	 "đảng viên đang chuyển sinh hoạt (chưa nộp giấy giới thiệu)",
	 "members in transit between cells"},
	{"temporary", cmd_temporary, "temporary [--in ORG] [--on D] [--json]",
	 "đảng viên sinh hoạt tạm thời tại tổ chức",
	 "members hosted temporarily"},
	{"history", cmd_history, "history MEMBER [--on D] [--json]",
	 "quá trình của một đảng viên: sự kiện, thẻ, tuổi Đảng...",
	 "a member's lifecycle history: events, cards, party age..."},
};
const size_t cli_n_commands_member =
	sizeof(cli_commands_member) / sizeof(cli_commands_member[0]);
