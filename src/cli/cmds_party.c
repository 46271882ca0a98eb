/* cmds_party: subcommands of party work (meetings, rankings, conferences, directives, cadres). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "model/party.h"
#include "core/banned.h"

/* `hoso GROUP SUB --name value ...` runs the party action of (GROUP, SUB)
 * with the flags as its arguments (--thematic-part becomes thematic_part);
 * the answer is printed as JSON. Values "@FILE" of the text arguments
 * (minutes, text, summary, answer, agenda) are read from FILE. */
static const struct {
	const char *group, *sub, *action;
} subs[] = {
	{"meeting", "add", "meeting.add"},
	{"meeting", "list", "meeting.list"},
	{"meeting", "flags", "meeting.flags"},
	{"meeting", "attendance", "attendance"},
	{"meeting", "strike-candidates", "strike.candidates"},
	{"ranking", "set", "ranking.set"},
	{"ranking", "history", "ranking.history"},
	{"ranking", "rollup", "ranking.rollup"},
	{"ranking", "cap", "ranking.cap"},
	{"conference", "add", "conference.add"},
	{"conference", "list", "conference.list"},
	{"conference", "present", "presentation.add"},
	{"recommendation", "add", "recommendation.add"},
	{"recommendation", "list", "recommendation.list"},
	{"recommendation", "consolidate", "recommendation.consolidate"},
	{"recommendation", "forward", "recommendation.forward"},
	{"recommendation", "answer", "recommendation.answer"},
	{"recommendation", "close", "recommendation.close"},
	{"recommendation", "open", "recommendation.open"},
	{"directive", "add", "directive.add"},
	{"directive", "list", "directive.list"},
	{"directive", "assign", "directive.assign"},
	{"directive", "report", "directive.report"},
	{"directive", "status", "directive.status"},
	{"cadre", "add", "cadre.add"},
	{"cadre", "end", "cadre.end"},
	{"cadre", "count", "cadre.count"},
};

static const char *const file_args[] = {"minutes", "text", "summary",
					"answer", "agenda"};

static char *read_text_file(const char *path, struct hoso_error *err)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb;
	char buf[8192];
	size_t n;

	if (!f) {
		hoso_err(err, HOSO_EUSAGE,
			 TR("không mở được tệp %s", "cannot open file %s"), path);
		return NULL;
	}
	strbuf_init(&sb, 1024 * 1024);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (strbuf_add(&sb, buf, n)) {
			fclose(f);
			strbuf_release(&sb);
			hoso_err(err, HOSO_EUSAGE,
				 TR("tệp %s quá lớn (tối đa 1 MiB)",
				    "file %s too large (1 MiB at most)"),
				 path);
			return NULL;
		}
	fclose(f);
	if (!sb.buf)
		return xstrdup("");
	return sb.buf;
}

/* Runs action with argv[first..] as --name value pairs. */
static int run_action(const char *action, int argc, char **argv, int first)
{
	struct hoso_error err = {0};
	struct registry *r = NULL;
	struct strbuf out;
	struct op_meta meta = {"cli", NULL, "cli"};
	json_t *args = json_object();
	int rc = 1;

	strbuf_init(&out, 256 * 1024 * 1024);
	for (int i = first; i < argc; i++) {
		char key[64];
		const char *val;
		size_t k;
		if (strncmp(argv[i], "--", 2) || i + 1 >= argc) {
			rc = cli_usage(TR("cần --tên giá trị, không phải %s",
					  "--name value expected, not %s"),
				       argv[i]);
			goto out;
		}
		snprintf(key, sizeof(key), "%s", argv[i] + 2);
		for (k = 0; key[k]; k++)
			if (key[k] == '-')
				key[k] = '_';
		val = argv[++i];
		if (!strcmp(key, "reason")) {
			meta.reason = val;
			continue;
		}
		if (val[0] == '@') {
			int is_text = 0;
			for (size_t j = 0; j < sizeof(file_args) / sizeof(*file_args); j++)
				is_text |= !strcmp(key, file_args[j]);
			if (is_text) {
				char *text = read_text_file(val + 1, &err);
				if (!text) {
					rc = cli_fail(&err);
					goto out;
				}
				json_object_set_new(args, key, json_string(text));
				free(text);
				continue;
			}
		}
		json_object_set_new(args, key, json_string(val));
	}
	r = registry_open(cli_db_uri(), 0, &err);
	if (!r) {
		rc = cli_fail(&err);
		goto out;
	}
	if (party_do(r, action, args, &meta, &out, &err)) {
		rc = cli_fail(&err);
		goto out;
	}
	{
		json_t *v = json_loads(out.buf ? out.buf : "null", 0, NULL);
		char *s = v ? json_dumps(v, JSON_INDENT(2)) : NULL;
		puts(s ? s : (out.buf ? out.buf : ""));
		free(s);
		json_decref(v);
	}
	rc = 0;
out:
	if (r)
		registry_close(r);
	json_decref(args);
	strbuf_release(&out);
	return rc;
}

static int cmd_group(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(TR("%s cần một lệnh con", "%s needs a subcommand"),
				 argv[0]);
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(subs[i].group, argv[0]) &&
		    !strcmp(subs[i].sub, argv[1]))
			return run_action(subs[i].action, argc, argv, 2);
	return cli_usage(TR("%s: không có lệnh con %s", "%s: no subcommand %s"),
			 argv[0], argv[1]);
}

static int cmd_party_demo(int argc, char **argv)
{
	return run_action("party.demo", argc, argv, 1);
}

const struct cli_command cli_commands_party[] = {
	{"meeting", cmd_group,
	 "meeting add|list|flags|attendance|strike-candidates --org ORG ...",
	 "sinh hoạt chi bộ: ghi cuộc họp, danh sách, cảnh báo (bỏ tháng, thiếu chuyên đề, họp ngắn), tỷ lệ dự họp, đề nghị xóa tên",
	 "cell meetings: record, list, flags (skipped month, no thematic, short), attendance rates, striking-off candidates"},
	{"ranking", cmd_group,
	 "ranking set|history|rollup|cap --year Y ...",
	 "xếp loại chất lượng hằng năm của đảng viên và tổ chức đảng",
	 "annual quality ranking of members and organisations"},
	{"conference", cmd_group, "conference add|list|present --org ORG ...",
	 "đại hội, hội nghị và tham luận", "conferences, congresses and presentations"},
	{"recommendation", cmd_group,
	 "recommendation add|list|consolidate|forward|answer|close|open --org ORG ...",
	 "kiến nghị: gửi, tổng hợp, chuyển lên, trả lời, theo dõi",
	 "recommendations: submit, consolidate, forward, answer, follow"},
	{"directive", cmd_group,
	 "directive add|list|assign|report|status --org ORG ...",
	 "nghị quyết, chỉ thị, quy định: giao thực hiện và báo cáo",
	 "resolutions, directives, regulations: assignment and reports"},
	{"cadre", cmd_group, "cadre add|end|count --org ORG ...",
	 "cán bộ chuyên trách của cơ quan tham mưu cấp ủy",
	 "full-time cadres of each committee's apparatus"},
	{"party-demo", cmd_party_demo, "party-demo [--year Y] [--seed N] [--permille P]",
	 "sinh dữ liệu mẫu công tác đảng (họp, xếp loại, đại hội, nghị quyết, cán bộ) cho kho hiện có",
	 "fill demo party work (meetings, rankings, a conference, directives, cadres) into an existing store"},
};
const size_t cli_n_commands_party =
	sizeof(cli_commands_party) / sizeof(cli_commands_party[0]);
