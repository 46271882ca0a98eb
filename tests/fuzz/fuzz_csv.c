/* fuzz_csv: libFuzzer target for the CSV reader and the import checks. The
 * first byte picks the file the rest replaces (orgs.csv, members.csv or
 * placements.csv; the other two are a small valid dataset); the CSV reader
 * reads it record by record, then import_dataset loads the dataset with
 * --replace into one SQLite store. Properties: a rejected import changes
 * nothing (row counts and the operations log stay), an accepted one holds
 * as many rows as it reports. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "io/csv.h"
#include "io/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static const char orgs_csv[] =
	"id,parent_id,kind,code,name,valid_from,valid_to\n"
	"1,,party,TW,Ban Chấp hành Trung ương,,\n"
	"3,1,province,T01,Thành ủy Hà Nội,,\n"
	"10,3,grassroots,CS10,Đảng bộ Bộ Nội vụ,,\n"
	"11,10,cell,CB11,Chi bộ Vụ Tổ chức,,\n"
	"12,10,cell,CB12,Chi bộ Văn phòng cũ,,2015-01-01\n"
	"12,10,cell,CB12,Chi bộ Văn phòng,2015-01-01,\n";
static const char members_csv[] =
	"id,card_no,full_name,sex,birth_date,ethnicity,religion,hometown,"
	"education,expertise,theory_level,admitted_on,official_on,status,"
	"ended_on,org_id\n"
	"1,10000001,Nguyễn Thị Hà,F,1980-01-02,Kinh,,Hà Nội,12/12,bachelor,"
	"intermediate,2005-03-02,2006-03-02,official,,11\n"
	"2,10000002,Trần Văn An,M,1975-05-06,Kinh,Phật giáo,Nam Định,12/12,"
	"master,advanced,2000-06-01,2001-06-01,official,,11\n"
	"3,,Lê Minh Châu,F,1998-07-08,Tày,,,12/12,college,none,2024-02-03,,"
	"probationary,,12\n";
static const char placements_csv[] =
	"member_id,org_id,valid_from,valid_to\n"
	"1,11,2005-03-02,\n"
	"2,12,2000-06-01,2018-01-01\n"
	"2,11,2018-01-01,\n"
	"3,12,2024-02-03,\n";

static const char *const names[3] = {"orgs.csv", "members.csv",
				     "placements.csv"};
static const char *const bodies[3] = {orgs_csv, members_csv, placements_csv};
static char dir[64], store[96];
static struct db *db;
static FILE *devnull;

static void put(const char *name, const void *p, size_t n)
{
	char path[160];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n)
		abort();
	fclose(f);
}

static int64_t count(const char *sql)
{
	struct hoso_error err;
	struct db_stmt *st = db_prepare(db, sql, &err);
	int64_t n = -1;

	if (st && db_step(st, &err) == 1)
		n = db_column_int(st, 0);
	db_finalize(st);
	return n;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct hoso_error err;
	const char *base = access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm";

	snprintf(dir, sizeof(dir), "%s/hoso-fuzz-csv-XXXXXX", base);
	if (!mkdtemp(dir))
		abort();
	snprintf(store, sizeof(store), "%s/store.db", dir);
	db = db_open(store, DB_OPEN_CREATE, &err);
	if (!db)
		abort();
	devnull = fopen("/dev/null", "w");
	return 0;
}

/* The bare reader: every record's fields are within the record. */
static void read_all(const char *name)
{
	struct csv_reader r;
	struct hoso_error err;
	char path[160];
	int st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (csv_open(&r, path, &err))
		abort();
	while ((st = csv_next(&r, &err)) != CSV_END && st != CSV_EIO) {
		if (st != CSV_RECORD)
			continue;
		for (size_t i = 0; i < csv_nfields(&r); i++) {
			struct csv_field f = csv_get(&r, i);
			if (strlen(f.s) > f.len)
				abort();
		}
		(void)csv_column(&r, "id");
	}
	csv_close(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_opts o = {0};
	struct import_result res;
	struct hoso_error err;
	int64_t before[4], after[4];
	static const char *const q[4] = {
		"SELECT count(*) FROM org_versions", "SELECT count(*) FROM members",
		"SELECT count(*) FROM placements", "SELECT count(*) FROM operations"};
	unsigned which;
	int rc;

	if (size < 1)
		return 0;
	which = data[0] % 3;
	for (unsigned i = 0; i < 3; i++) {
		if (i == which)
			put(names[i], data + 1, size - 1);
		else
			put(names[i], bodies[i], strlen(bodies[i]));
	}
	read_all(names[which]);
	for (int i = 0; i < 4; i++)
		before[i] = count(q[i]);
	o.dir = dir;
	o.replace = 1;
	o.quiet = 1;
	o.actor = "fuzz";
	o.reason = "fuzz";
	rc = import_dataset(db, &o, devnull, &res, &err);
	for (int i = 0; i < 4; i++)
		after[i] = count(q[i]);
	if (rc) {
		/* all or nothing: a rejected dataset leaves the store as it was */
		for (int i = 0; i < 4; i++)
			if (before[i] != after[i])
				abort();
	} else if ((uint64_t)after[0] != res.org_rows ||
		   (uint64_t)after[1] != res.members ||
		   (uint64_t)after[2] != res.placements ||
		   after[3] != before[3] + 1) {
		abort();
	}
	return 0;
}
