/* export: writes the store as a dataset of the interchange format, in a
 * canonical order so that export | import | export is byte-identical. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/csv.h"
#include "io/import.h"
#include "core/banned.h"

#define EXPORT_CHUNK (1u << 20)

static int export_query(struct db *db, const char *dir, const char *file,
			const char *header, const char *sql, int ncols,
			struct hoso_error *err)
{
	char path[4096], tmp[4200];
	struct strbuf out;
	struct db_stmt *st = NULL;
	FILE *f;
	int rc = -1, step;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (!f)
		return hoso_err(err, HOSO_EIO, "%s: %s", tmp,
				TR("không ghi được tệp", "cannot write file"));
	strbuf_init(&out, 2 * EXPORT_CHUNK + CSV_RECORD_MAX);
	strbuf_adds(&out, header);
	strbuf_addc(&out, '\n');
	st = db_prepare(db, sql, err);
	if (!st)
		goto out;
	while ((step = db_step(st, err)) == 1) {
		for (int i = 0; i < ncols; i++) {
			size_t len;
			const char *s = db_column_text(st, i, &len);
			csv_put(&out, i == 0, s ? s : "", s ? len : 0);
		}
		strbuf_addc(&out, '\n');
		if (out.len >= EXPORT_CHUNK) {
			if (fwrite(out.buf, 1, out.len, f) != out.len)
				goto io;
			strbuf_reset(&out);
		}
	}
	if (step < 0)
		goto out;
	if (fwrite(out.buf, 1, out.len, f) != out.len)
		goto io;
	if (fclose(f) != 0) {
		f = NULL;
		goto io;
	}
	f = NULL;
	if (rename(tmp, path) != 0)
		goto io;
	rc = 0;
	goto out;
io:
	hoso_err(err, HOSO_EIO, "%s: %s (%s)", path,
		 TR("lỗi ghi tệp", "write error"), strerror(errno));
out:
	if (f) {
		fclose(f);
		remove(tmp);
	}
	db_finalize(st);
	strbuf_release(&out);
	return rc;
}

int export_dataset(struct db *db, const char *dir, struct hoso_error *err)
{
	struct stat sb;
	int rc = -1;
	if (stat(dir, &sb) != 0 && mkdir(dir, 0755) != 0)
		return hoso_err(err, HOSO_EIO, "%s: %s", dir,
				TR("không tạo được thư mục", "cannot create folder"));
	/* One read transaction: the files are one consistent snapshot. */
	if (db_begin(db, 0, err))
		return -1;
	if (export_query(db, dir, "orgs.csv",
			 "id,parent_id,kind,code,name,valid_from,valid_to",
			 "SELECT id, parent_id, kind, code, name, valid_from,"
			 " valid_to FROM org_versions"
			 " ORDER BY id, coalesce(valid_from, '')",
			 7, err))
		goto out;
	if (export_query(db, dir, "members.csv",
			 "id,card_no,full_name,sex,birth_date,ethnicity,"
			 "religion,hometown,education,expertise,theory_level,"
			 "admitted_on,official_on,status,ended_on,org_id",
			 "SELECT id, card_no, full_name, sex, birth_date,"
			 " ethnicity, religion, hometown, education, expertise,"
			 " theory_level, admitted_on, official_on, status,"
			 " ended_on, org_id FROM members ORDER BY id",
			 16, err))
		goto out;
	/* A readmitted member has one row in members.csv, the current period,
	 * as interchange.md allows one period per member; the placements of
	 * earlier periods would lie outside it, so they go with those periods
	 * to two extra files (periods.csv, period_placements.csv) that a
	 * reader of version 1 ignores and hoso's import reads back
	 * (docs/interchange-extensions.md). */
	if (export_query(db, dir, "placements.csv",
			 "member_id,org_id,valid_from,valid_to",
			 "SELECT p.member_id, p.org_id, p.valid_from, p.valid_to"
			 " FROM placements p WHERE NOT EXISTS (SELECT 1 FROM"
			 " lc_periods e WHERE e.member_id = p.member_id"
			 " AND e.admitted_on <= p.valid_from"
			 " AND p.valid_from < e.ended_on)"
			 " ORDER BY p.member_id, p.valid_from",
			 4, err))
		goto out;
	if (export_query(db, dir, "periods.csv",
			 "member_id,admitted_on,official_on,status,ended_on",
			 "SELECT member_id, admitted_on, official_on, status,"
			 " ended_on FROM lc_periods ORDER BY member_id,"
			 " admitted_on",
			 5, err))
		goto out;
	if (export_query(db, dir, "period_placements.csv",
			 "member_id,org_id,valid_from,valid_to",
			 "SELECT p.member_id, p.org_id, p.valid_from, p.valid_to"
			 " FROM placements p WHERE EXISTS (SELECT 1 FROM"
			 " lc_periods e WHERE e.member_id = p.member_id"
			 " AND e.admitted_on <= p.valid_from"
			 " AND p.valid_from < e.ended_on)"
			 " ORDER BY p.member_id, p.valid_from",
			 4, err))
		goto out;
	rc = 0;
out:
	db_rollback(db);
	return rc;
}
