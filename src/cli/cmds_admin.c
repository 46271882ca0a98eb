/* cmds_admin: subcommands of administration (migrate, restore, reports...). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "io/import.h"
#include "io/report_xlsx.h"

#include "core/banned.h"

/* hoso report ORG [--on D] [--xlsx FILE]: the statistical report of a unit
 * on a day; JSON on stdout, or an XLSX workbook written to FILE. */
static int cmd_report(int argc, char **argv)
{
	struct registry *r = NULL;
	struct hoso_error err = {0};
	struct report rep;
	struct strbuf out;
	const char *org = NULL, *xlsx = NULL;
	int32_t day = day_today(), id;
	int rc = 1, built = 0;

	strbuf_init(&out, 16 * 1024 * 1024);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--on") && i + 1 < argc) {
			i++;
			if (day_parse(argv[i], strlen(argv[i]), &day)) {
				rc = cli_usage(TR("ngày không hợp lệ: %s "
						  "(cần YYYY-MM-DD)",
						  "bad date: %s (YYYY-MM-DD "
						  "expected)"),
					       argv[i]);
				goto out;
			}
		} else if (!strcmp(argv[i], "--xlsx") && i + 1 < argc) {
			xlsx = argv[++i];
		} else if (argv[i][0] != '-' && !org) {
			org = argv[i];
		} else {
			rc = cli_usage(TR("tùy chọn không rõ: %s",
					  "unknown option: %s"),
				       argv[i]);
			goto out;
		}
	}
	if (!org) {
		rc = cli_usage("%s", TR("cần ORG: hoso report ORG [--on NGÀY] "
					"[--xlsx TỆP]",
					"ORG needed: hoso report ORG [--on DAY] "
					"[--xlsx FILE]"));
		goto out;
	}
	r = registry_open(cli_db_uri(), 0, &err);
	if (!r || registry_load_index(r, 1, &err)) {
		rc = cli_fail(&err);
		goto out;
	}
	id = registry_resolve_org(r, org, day, &err);
	if (!id || report_build(r, id, day, &rep, &err)) {
		rc = cli_fail(&err);
		goto out;
	}
	built = 1;
	if (xlsx) {
		if (report_xlsx_write(&rep, xlsx, &err)) {
			rc = cli_fail(&err);
			goto out;
		}
	} else {
		if (report_json(&rep, &out)) {
			hoso_err(&err, HOSO_EIO, "%s",
				 TR("báo cáo quá lớn", "report too large"));
			rc = cli_fail(&err);
			goto out;
		}
		fwrite(out.buf, 1, out.len, stdout);
		fputc('\n', stdout);
	}
	rc = 0;
out:
	if (built)
		report_release(&rep);
	strbuf_release(&out);
	registry_close(r);
	return rc;
}

/* ---- hoso migrate --from URI --to URI [--replace] ---- */

/* Byte comparison of one exported file in two folders. */
static int same_file(const char *a_dir, const char *b_dir, const char *name)
{
	char pa[4200], pb[4200];
	FILE *a, *b;
	int same = 1, ca, cb;
	snprintf(pa, sizeof(pa), "%s/%s", a_dir, name);
	snprintf(pb, sizeof(pb), "%s/%s", b_dir, name);
	a = fopen(pa, "rb");
	b = fopen(pb, "rb");
	if (!a || !b) {
		same = !a && !b;
		goto out;
	}
	do {
		ca = getc(a);
		cb = getc(b);
		if (ca != cb)
			same = 0;
	} while (same && ca != EOF);
out:
	if (a)
		fclose(a);
	if (b)
		fclose(b);
	return same;
}

static void remove_export(const char *dir)
{
	static const char *const files[] = {"orgs.csv", "members.csv",
					    "placements.csv"};
	char p[4200];
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		remove(p);
	}
	rmdir(dir);
}

/* Copies a store to another backend through the interchange format:
 * export of the source, import into the target in one transaction, then
 * an export of the target compared byte for byte with the first. Accounts
 * and the audit log are not part of the interchange and are not copied. */
static int cmd_migrate(int argc, char **argv)
{
	const char *from = NULL, *to = NULL;
	struct import_opts o = {0};
	struct import_result res;
	struct hoso_error err = {0};
	struct db *src = NULL, *dst = NULL;
	char tmpl[] = "/tmp/hoso-migrate-XXXXXX", d1[64], d2[64];
	char *base;
	int rc = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--from") && i + 1 < argc)
			from = argv[++i];
		else if (!strcmp(argv[i], "--to") && i + 1 < argc)
			to = argv[++i];
		else if (!strcmp(argv[i], "--replace"))
			o.replace = 1;
		else
			return cli_usage(TR("tùy chọn không rõ: %s",
					    "unknown option: %s"),
					 argv[i]);
	}
	if (!from || !to)
		return cli_usage("%s",
				 TR("cách dùng: hoso migrate --from URI --to URI [--replace]",
				    "usage: hoso migrate --from URI --to URI [--replace]"));
	if (!strcmp(from, to))
		return cli_usage("%s", TR("nguồn và đích trùng nhau",
					  "source and target are the same"));
	base = mkdtemp(tmpl);
	if (!base) {
		hoso_err(&err, HOSO_EIO, "%s",
			 TR("không tạo được thư mục tạm", "cannot make a temporary folder"));
		return cli_fail(&err);
	}
	snprintf(d1, sizeof(d1), "%s/from", base);
	snprintf(d2, sizeof(d2), "%s/check", base);
	src = db_open(from, 0, &err);
	if (!src || export_dataset(src, d1, &err))
		goto fail;
	db_close(src);
	src = NULL;
	dst = db_open(to, DB_OPEN_CREATE | DB_OPEN_BULK, &err);
	o.dir = d1;
	o.quiet = cli.quiet;
	o.actor = getenv("USER") ? getenv("USER") : "cli";
	o.reason = "hoso migrate";
	if (!dst || import_dataset(dst, &o, stderr, &res, &err) ||
	    export_dataset(dst, d2, &err))
		goto fail;
	if (!same_file(d1, d2, "orgs.csv") || !same_file(d1, d2, "members.csv") ||
	    !same_file(d1, d2, "placements.csv")) {
		hoso_err(&err, HOSO_EIO, "%s",
			 TR("bản sao khác bản gốc sau khi chuyển (xuất ra không trùng khớp)",
			    "the copy differs from the source (exports do not match)"));
		goto fail;
	}
	if (!cli.quiet)
		fprintf(stderr,
			TR("Đã chuyển %llu tổ chức, %llu đảng viên, %llu nơi sinh hoạt từ %s sang %s; bản xuất trùng khớp\n",
			   "Copied %llu organisations, %llu members, %llu placements from %s to %s; exports match\n"),
			(unsigned long long)res.orgs,
			(unsigned long long)res.members,
			(unsigned long long)res.placements, from, to);
	rc = 0;
	goto out;
fail:
	rc = cli_fail(&err);
out:
	db_close(src);
	db_close(dst);
	remove_export(d1);
	remove_export(d2);
	rmdir(base);
	return rc;
}

/* ---- hoso restore FILE ---- */

/* 0 when db passes SQLite's quick_check and holds the registry's tables. */
static int restore_check_file(struct db *db, struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(db, "PRAGMA quick_check", err);
	const char *v;
	int rc;

	if (!st)
		return -1;
	rc = db_step(st, err);
	v = rc == 1 ? db_column_text(st, 0, NULL) : NULL;
	if (rc == 1 && (!v || strcmp(v, "ok")))
		rc = hoso_err(err, HOSO_EREJECT, "%s: %s",
			      TR("tệp sao lưu bị hỏng", "the backup is damaged"),
			      v ? v : "?");
	db_finalize(st);
	if (rc < 0)
		return -1;
	st = db_prepare(db,
			"SELECT (SELECT count(*) FROM org_versions) + "
			"(SELECT count(*) FROM members) + "
			"(SELECT count(*) FROM operations)",
			err);
	if (!st)
		return -1;
	rc = db_step(st, err);
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* Replaces the store with a backup made by `hoso backup`. The backup is
 * checked first (SQLite quick_check, the registry's tables); the current
 * store is saved to STORE.before-restore; the copy goes through SQLite's
 * backup API into the store itself, in one transaction that readers and
 * the WAL see as any other write (a crash leaves the old store or the new
 * one, never a mix); then the store is checked like `hoso check`. A
 * PostgreSQL store takes a pg_dump archive (db_pg_restore), the current
 * store dumped to DATABASE.before-restore beside the backup. Stop
 * `hoso serve` first: a running server keeps its read model of before. */
static int cmd_restore(int argc, char **argv)
{
	struct hoso_error err = {0};
	const char *path = cli_db_uri(), *file = NULL;
	struct db *src = NULL, *cur = NULL;
	char saved[4200];
	int rc = 1;

	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' || file)
			return cli_usage(TR("tùy chọn không rõ: %s",
					    "unknown option: %s"),
					 argv[i]);
		file = argv[i];
	}
	if (!file)
		return cli_usage("%s", TR("cách dùng: hoso restore TỆP",
					  "usage: hoso restore FILE"));
	if (db_uri_is_postgres(file)) {
		hoso_err(&err, HOSO_EUSAGE, "%s",
			 TR("bản sao lưu là một tệp (hoso backup)",
			    "the backup is a file (hoso backup)"));
		return cli_fail(&err);
	}
	if (db_uri_is_postgres(path)) {
		/* a pg_dump archive; the current store is dumped beside it
		 * as DATABASE.before-restore */
		const char *name = path, *slash;
		size_t dl, nl;
		/* the database: the URI's path, before its ?options */
		for (const char *q = path; *q && *q != '?'; q++)
			if (*q == '/')
				name = q + 1;
		nl = strcspn(name, "?");
		if (!nl) {
			name = "hoso";
			nl = 4;
		}
		slash = strrchr(file, '/');
		dl = slash ? (size_t)(slash - file + 1) : 0;
		snprintf(saved, sizeof(saved), "%.*s%.*s.before-restore",
			 (int)dl, file, (int)nl, name);
		if (db_pg_restore(path, file, saved, &err))
			return cli_fail(&err);
		/* not the URI: it may hold a password */
		if (!cli.quiet)
			fprintf(stderr,
				TR("Đã lưu kho hiện tại vào %s; đã khôi phục từ %s; đang kiểm tra...\n",
				   "Saved the current store to %s; restored from %s; checking...\n"),
				saved, file);
		return cmd_check(1, (char *[]){"check", NULL});
	}
	if (!strcmp(file, path)) {
		hoso_err(&err, HOSO_EUSAGE, "%s",
			 TR("tệp sao lưu chính là kho dữ liệu",
			    "the backup is the store itself"));
		return cli_fail(&err);
	}
	src = db_open(file, DB_OPEN_READONLY, &err);
	if (!src || restore_check_file(src, &err))
		goto fail;
	if (!access(path, F_OK)) {
		snprintf(saved, sizeof(saved), "%s.before-restore", path);
		remove(saved);
		cur = db_open(path, DB_OPEN_READONLY, &err);
		if (!cur || db_backup_to(cur, saved, &err))
			goto fail;
		db_close(cur);
		cur = NULL;
		if (!cli.quiet)
			fprintf(stderr,
				TR("Đã lưu kho hiện tại vào %s\n",
				   "Saved the current store to %s\n"),
				saved);
	}
	if (db_backup_to(src, path, &err))
		goto fail;
	db_close(src);
	src = NULL;
	if (!cli.quiet)
		fprintf(stderr,
			TR("Đã khôi phục %s từ %s; đang kiểm tra...\n",
			   "Restored %s from %s; checking...\n"),
			path, file);
	/* migrations of an older backup, then the read model against SQL */
	return cmd_check(1, (char *[]){"check", NULL});
fail:
	rc = cli_fail(&err);
	db_close(src);
	db_close(cur);
	return rc;
}

const struct cli_command cli_commands_admin[] = {
	{"migrate", cmd_migrate, "migrate --from URI --to URI [--replace]",
	 "chép một kho sang kho khác (SQLite <-> PostgreSQL) qua định dạng "
	 "trao đổi, rồi kiểm tra hai bản xuất trùng khớp",
	 "copy a store to another (SQLite <-> PostgreSQL) through the "
	 "interchange format, then check that both exports match"},
	{"report", cmd_report, "report ORG [--on NGÀY] [--xlsx TỆP]",
	 "báo cáo thống kê đảng viên và tổ chức đảng của một đơn vị vào một "
	 "ngày (JSON, hoặc tệp XLSX)",
	 "statistical report of a unit on a day (JSON, or an XLSX file)"},
	{"restore", cmd_restore, "restore FILE",
	 "khôi phục kho từ một bản sao lưu (hoso backup), giữ kho cũ trong "
	 "KHO.before-restore, rồi kiểm tra (dừng hoso serve trước)",
	 "restore the store from a backup (hoso backup), keeping the old one "
	 "as STORE.before-restore, then check it (stop hoso serve first)"},
};
const size_t cli_n_commands_admin =
	sizeof(cli_commands_admin) / sizeof(cli_commands_admin[0]);
