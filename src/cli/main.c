/* main: the hoso command line. Subcommands are data: one table below. */
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "io/generate.h"
#include "io/import.h"
#include "model/registry.h"
#include "model/reflist.h"
#include "core/banned.h"

/* ---- question commands ---- */

static int cmd_question(int argc, char **argv)
{
	struct hoso_error err = {0};
	struct question q;
	struct registry *r = NULL;
	struct strbuf out;
	int json, rc;
	if (cli_parse_question(argc, argv, &q, &json, &err))
		return cli_fail(&err);
	r = registry_open(cli_db_uri(), 0, &err);
	if (!r)
		return cli_fail(&err);
	strbuf_init(&out, 64u << 20);
	if (registry_answer(r, &q, &out, &err)) {
		rc = cli_fail(&err);
	} else {
		if (json)
			printf("%s\n", out.buf);
		else
			cli_print_table(r, &q, out.buf);
		rc = 0;
	}
	strbuf_release(&out);
	registry_close(r);
	return rc;
}

/* ---- import / export / generate ---- */

/* fsync a file or folder by path; errors are reported by the caller. */
static int sync_path(const char *path)
{
	int fd = open(path, O_RDONLY);
	int rc;
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

static int cmd_import(int argc, char **argv)
{
	struct hoso_error err = {0};
	struct import_opts o = {0};
	struct import_result res;
	struct db *db;
	struct stat sb;
	int fresh, rc;
	const char *path = cli_db_uri();
	char tmp[4200], dir[4200];
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--replace"))
			o.replace = 1;
		else if (!strcmp(argv[i], "--reason") && i + 1 < argc)
			o.reason = argv[++i];
		else if (argv[i][0] == '-')
			return cli_usage(TR("tùy chọn không rõ: %s",
					    "unknown option: %s"),
					 argv[i]);
		else if (!o.dir)
			o.dir = argv[i];
		else
			return cli_usage(TR("thừa tham số: %s", "extra argument: %s"),
					 argv[i]);
	}
	if (!o.dir)
		return cli_usage("%s", TR("cách dùng: hoso import THƯ_MỤC [--replace]",
					  "usage: hoso import DIR [--replace]"));
	o.quiet = cli.quiet;
	o.actor = getenv("USER") ? getenv("USER") : "cli";
	/* A new SQLite store is built in a temporary file without a journal
	 * and renamed into place once complete: fast, and a crash at any
	 * moment leaves no store rather than half of one. */
	fresh = stat(path, &sb) != 0 && !strstr(path, "://");
	snprintf(tmp, sizeof(tmp), "%s.importing", path);
	if (fresh)
		remove(tmp);
	db = db_open(fresh ? tmp : path,
		     DB_OPEN_CREATE | DB_OPEN_BULK | (fresh ? DB_OPEN_FRESH : 0),
		     &err);
	if (!db) {
		if (fresh) /* a full disk: leave nothing behind */
			remove(tmp);
		return cli_fail(&err);
	}
	rc = import_dataset(db, &o, stderr, &res, &err);
	if (!rc && fresh)
		rc = db_finish_fresh(db, &err);
	db_close(db);
	if (fresh) {
		if (!rc && (sync_path(tmp) || rename(tmp, path))) {
			rc = hoso_err(&err, HOSO_EIO, "%s: %s", path,
				      TR("không ghi được kho dữ liệu",
					 "cannot write the store"));
		}
		if (rc) {
			remove(tmp);
		} else {
			snprintf(dir, sizeof(dir), "%s", path);
			char *slash = strrchr(dir, '/');
			if (slash)
				*slash = '\0';
			sync_path(slash ? dir : ".");
		}
	}
	if (rc)
		return cli_fail(&err);
	if (!cli.quiet)
		fprintf(stderr,
			TR("Đã nhập %llu tổ chức (%llu phiên bản), %llu đảng viên, %llu nơi sinh hoạt trong %.1f s\n",
			   "Imported %llu organisations (%llu versions), %llu members, %llu placements in %.1f s\n"),
			(unsigned long long)res.orgs,
			(unsigned long long)res.org_rows,
			(unsigned long long)res.members,
			(unsigned long long)res.placements, res.seconds);
	return 0;
}

static int cmd_export(int argc, char **argv)
{
	struct hoso_error err = {0};
	struct db *db;
	int rc;
	if (argc != 2 || argv[1][0] == '-')
		return cli_usage("%s", TR("cách dùng: hoso export THƯ_MỤC",
					  "usage: hoso export DIR"));
	db = db_open(cli_db_uri(), 0, &err);
	if (!db)
		return cli_fail(&err);
	rc = export_dataset(db, argv[1], &err);
	db_close(db);
	return rc ? cli_fail(&err) : 0;
}

static int cmd_generate(int argc, char **argv)
{
	struct hoso_error err = {0};
	struct generate_opts o = {.scale = "tiny", .seed = 1};
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(argv[i], "--scale") && v) {
			o.scale = v;
			i++;
		} else if (!strcmp(argv[i], "--seed") && v) {
			int64_t s;
			if (parse_pos_int(v, strlen(v), INT64_MAX / 16, &s))
				return cli_usage("%s", TR("--seed phải là số nguyên dương",
							  "--seed must be a positive integer"));
			o.seed = (uint64_t)s;
			i++;
		} else if (!strcmp(argv[i], "--out") && v) {
			o.out_dir = v;
			i++;
		} else {
			return cli_usage(TR("tùy chọn không rõ: %s",
					    "unknown option: %s"),
					 argv[i]);
		}
	}
	if (!o.out_dir)
		return cli_usage("%s", TR("cách dùng: hoso generate --scale tiny|seed|national --seed N --out THƯ_MỤC",
					  "usage: hoso generate --scale tiny|seed|national --seed N --out DIR"));
	if (strcmp(o.scale, "tiny") && strcmp(o.scale, "seed") &&
	    strcmp(o.scale, "national"))
		return cli_usage("%s", TR("--scale phải là tiny, seed hoặc national",
					  "--scale must be tiny, seed or national"));
	o.quiet = cli.quiet;
	if (generate_dataset(&o, &err))
		return cli_fail(&err);
	return 0;
}

static int cmd_init(int argc, char **argv)
{
	struct hoso_error err = {0};
	struct db *db = db_open(cli_db_uri(), DB_OPEN_CREATE, &err);
	if (!db)
		return cli_fail(&err);
	if (!cli.quiet)
		fprintf(stderr, TR("Kho dữ liệu %s sẵn sàng (lược đồ %d)\n",
				   "Store %s ready (schema %d)\n"),
			cli_db_uri(), db_schema_version(db));
	db_close(db);
	return 0;
}

static int cmd_backup(int argc, char **argv)
{
	struct hoso_error err = {0};
	struct db *db;
	int rc;
	if (argc != 2)
		return cli_usage("%s", TR("cách dùng: hoso backup TỆP",
					  "usage: hoso backup FILE"));
	db = db_open(cli_db_uri(), 0, &err);
	if (!db)
		return cli_fail(&err);
	rc = db_backup_to(db, argv[1], &err);
	db_close(db);
	return rc ? cli_fail(&err) : 0;
}

static int cmd_help(int argc, char **argv);

static const struct cli_command cli_commands_core[] = {
	/* To add a command: write int cmd_x(int argc, char **argv) (argv[0]
	 * is the command's name), then add a row here with its help line. */
	{"init", cmd_init, "init", "tạo kho dữ liệu trống", "create an empty store"},
	{"import", cmd_import, "import DIR [--replace]",
	 "nhập bộ dữ liệu CSV (tất cả hoặc không gì)",
	 "load a CSV dataset (all or nothing)"},
	{"export", cmd_export, "export DIR", "xuất bộ dữ liệu CSV",
	 "write the store as a CSV dataset"},
	{"generate", cmd_generate, "generate --scale tiny|seed|national --seed N --out DIR",
	 "sinh dữ liệu mẫu như thật", "generate realistic data"},
	{"count", cmd_question, "count ORG [--on D] [--json]",
	 "số đảng viên của tổ chức vào ngày D", "headcount of ORG on day D"},
	{"breakdown", cmd_question, "breakdown ORG [--on D] [--json]",
	 "cơ cấu đảng viên", "standard breakdown"},
	{"summary", cmd_question, "summary [ORG] [--on D] [--json]",
	 "tổng hợp các đơn vị trực thuộc", "summary of the units directly under ORG"},
	{"search", cmd_question, "search QUERY [--in ORG] [--on D] [--limit N] [--json]",
	 "tìm đảng viên theo tên (không cần dấu)", "find members by name (diacritics optional)"},
	{"changes", cmd_question, "changes ORG --from A --to B [--json]",
	 "biến động trong kỳ [A, B)", "changes over [A, B)"},
	{"member", cmd_question, "member ID | member --card NO [--json]",
	 "hồ sơ một đảng viên", "one member's dossier"},
	{"batch", cmd_batch, "batch < questions.jsonl",
	 "trả lời nhiều câu hỏi (mỗi dòng một mảng JSON)",
	 "answer many questions (one JSON array a line)"},
	{"check", cmd_check, "check", "kiểm tra kho và mô hình đọc khớp nhau",
	 "check that the store and the read model agree"},
	{"op", cmd_op, "op transfer MEMBER --to ORG --effective D [--reason R]",
	 "ghi một nghiệp vụ có kiểm tra và nhật ký", "record a checked, audited operation"},
	{"backup", cmd_backup, "backup FILE", "sao lưu trực tuyến",
	 "online backup"},
	{"serve", cmd_serve, "serve [--listen 127.0.0.1:8080]",
	 "chạy máy chủ web và API", "run the web server and API"},
	{"user", cmd_user, "user add|passwd|disable|list|grant|token ...",
	 "quản lý tài khoản", "manage accounts"},
	{"audit", cmd_audit, "audit [--limit N] | audit verify",
	 "xem và kiểm tra nhật ký", "read and verify the audit log"},
	{"help", cmd_help, "help", "hướng dẫn", "this help"},
};

static const struct {
	const struct cli_command *cmds;
	const size_t *n;
} groups[] = {
	{cli_commands_core, NULL},
	{cli_commands_member, &cli_n_commands_member},
	{cli_commands_org, &cli_n_commands_org},
	{cli_commands_party, &cli_n_commands_party},
	{cli_commands_admin, &cli_n_commands_admin},
};

static size_t group_size(size_t i)
{
	if (!groups[i].n)
		return sizeof(cli_commands_core) / sizeof(cli_commands_core[0]);
	return *groups[i].n;
}

static int cmd_help(int argc, char **argv)
{
	printf("%s\n\n", TR("hoso — hồ sơ đảng viên và tổ chức đảng",
			    "hoso — the registry of party organisations and members"));
	printf("%s\n", TR("Cách dùng: hoso [--db KHO] [--lang vi|en] [--quiet] LỆNH ...",
			  "Usage: hoso [--db STORE] [--lang vi|en] [--quiet] COMMAND ..."));
	printf("%s\n\n", TR("Kho mặc định: $HOSO_DB, hoặc ./hoso.db",
			    "Default store: $HOSO_DB, else ./hoso.db"));
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		for (size_t i = 0; i < group_size(g); i++)
			printf("  %-56s %s\n", groups[g].cmds[i].usage,
			       TR(groups[g].cmds[i].help_vi,
				  groups[g].cmds[i].help_en));
	printf("\n%s\n", TR("Mã thoát: 0 xong; 1 dữ liệu bị từ chối; 2 sai cú pháp; 3 không tìm thấy",
			    "Exit status: 0 done; 1 data rejected; 2 bad usage; 3 not found"));
	return 0;
}

static const struct cli_command *cli_find(const char *name)
{
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		for (size_t i = 0; i < group_size(g); i++)
			if (!strcmp(groups[g].cmds[i].name, name))
				return &groups[g].cmds[i];
	return NULL;
}

int main(int argc, char **argv)
{
	char **rest = xcalloc((size_t)argc + 1, sizeof(*rest));
	int n = 0, rc;
	const char *lang = getenv("HOSO_LANG");
	if (lang && !strcmp(lang, "en"))
		hoso_lang = LANG_EN;
	/* Global options may stand before or after the command. */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc) {
			cli.db = argv[++i];
		} else if (!strncmp(argv[i], "--db=", 5)) {
			cli.db = argv[i] + 5;
		} else if (!strcmp(argv[i], "--lang") && i + 1 < argc) {
			const char *l = argv[++i];
			if (strcmp(l, "vi") && strcmp(l, "en")) {
				free(rest);
				return cli_usage("%s", "--lang vi|en");
			}
			hoso_lang = strcmp(l, "en") ? LANG_VI : LANG_EN;
		} else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) {
			cli.quiet = 1;
		} else {
			rest[n++] = argv[i];
		}
	}
	if (n == 0) {
		free(rest);
		cmd_help(0, NULL);
		return 2;
	}
	if (!strcmp(rest[0], "--help") || !strcmp(rest[0], "-h")) {
		free(rest);
		return cmd_help(0, NULL);
	}
	const struct cli_command *c = cli_find(rest[0]);
	if (!c) {
		rc = cli_usage(TR("lệnh không rõ: %s", "unknown command: %s"),
			       rest[0]);
		free(rest);
		return rc;
	}
	rc = c->fn(n, rest);
	free(rest);
	return rc;
}
