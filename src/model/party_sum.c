/* party_sum: summaries of party work kept in the same transaction as the
 * rows they sum, so that the striking-off candidates and the 20% cap read
 * a few rows instead of every attendance or ranking of a year:
 * party_absence_months (member, year -> months absent without reason, as
 * a 12-bit mask and a count) and party_rank_counts (year, grassroots ->
 * excellent and good members). Created and filled from the rows by the
 * migration party 2 (schema_party.c); `hoso check` compares them with a
 * recomputation (the queries below). */
#include <stdlib.h>
#include <string.h>

#include "model/party_int.h"
#include "core/banned.h"

/* The recomputations: the same text serves the rebuild of a year and the
 * check (schema_party.c keeps its own frozen copy for the migration). */
#define ABSENCE_SELECT \
	"SELECT member_id, CAST(substr(held_on, 1, 4) AS INTEGER)," \
	" sum(DISTINCT CASE substr(held_on, 6, 2) WHEN '01' THEN 1" \
	" WHEN '02' THEN 2 WHEN '03' THEN 4 WHEN '04' THEN 8" \
	" WHEN '05' THEN 16 WHEN '06' THEN 32 WHEN '07' THEN 64" \
	" WHEN '08' THEN 128 WHEN '09' THEN 256 WHEN '10' THEN 512" \
	" WHEN '11' THEN 1024 ELSE 2048 END)," \
	" count(DISTINCT substr(held_on, 6, 2))" \
	" FROM party_attendance WHERE status = 'absent'"
#define ABSENCE_GROUP \
	" GROUP BY member_id, CAST(substr(held_on, 1, 4) AS INTEGER)"
#define RANK_SELECT \
	"SELECT year, grassroots_id," \
	" sum(CASE WHEN level = 'excellent' THEN 1 ELSE 0 END)," \
	" sum(CASE WHEN level = 'good' THEN 1 ELSE 0 END)" \
	" FROM party_rankings WHERE subject = 'member'" \
	" AND grassroots_id > 0 AND level IN ('excellent', 'good')"
#define RANK_GROUP " GROUP BY year, grassroots_id"

const char *const party_sum_checks[][3] = {
	{"tổng hợp vắng mặt khác số liệu điểm danh",
	 "absence summary differs from the attendance",
	 "SELECT count(*) FROM (SELECT member_id, year, months, n_months"
	 " FROM party_absence_months EXCEPT " ABSENCE_SELECT ABSENCE_GROUP
	 ") AS x"},
	{"số liệu điểm danh thiếu trong tổng hợp vắng mặt",
	 "attendance missing from the absence summary",
	 "SELECT count(*) FROM (" ABSENCE_SELECT ABSENCE_GROUP
	 " EXCEPT SELECT member_id, year, months, n_months"
	 " FROM party_absence_months) AS x"},
	{"tổng hợp xếp loại khác bảng xếp loại",
	 "ranking summary differs from the rankings",
	 "SELECT count(*) FROM (SELECT year, grassroots_id, excellent, good"
	 " FROM party_rank_counts EXCEPT " RANK_SELECT RANK_GROUP ") AS x"},
	{"xếp loại thiếu trong tổng hợp", "rankings missing from the summary",
	 "SELECT count(*) FROM (" RANK_SELECT RANK_GROUP
	 " EXCEPT SELECT year, grassroots_id, excellent, good"
	 " FROM party_rank_counts) AS x"},
	{NULL, NULL, NULL},
};

static int run(struct db *db, const char *sql, int64_t a, const char *t1,
	       const char *t2, struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(db, sql, err);
	int n = 1;

	if (!st)
		return -1;
	if (a)
		db_bind_int(st, n++, a);
	if (t1)
		party_bind_str(st, n++, t1);
	if (t2)
		party_bind_str(st, n++, t2);
	return party_exec(st, err);
}

int party_sum_rebuild_year(struct db *db, int64_t year,
			   struct hoso_error *err)
{
	char y0[11], y1[11];

	day_format(day_from_ymd((int)year, 1, 1), y0);
	day_format(day_from_ymd((int)year + 1, 1, 1), y1);
	if (run(db, "DELETE FROM party_absence_months WHERE year = ?", year,
		NULL, NULL, err) ||
	    run(db,
		"INSERT INTO party_absence_months(member_id, year, months,"
		" n_months) " ABSENCE_SELECT
		" AND held_on >= ? AND held_on < ?" ABSENCE_GROUP,
		0, y0, y1, err) ||
	    run(db, "DELETE FROM party_rank_counts WHERE year = ?", year, NULL,
		NULL, err) ||
	    run(db,
		"INSERT INTO party_rank_counts(year, grassroots_id, excellent,"
		" good) " RANK_SELECT " AND year = ?" RANK_GROUP,
		year, NULL, NULL, err))
		return -1;
	return 0;
}

int party_sum_absent(struct party_ctx *c, const int32_t *ids, size_t n,
		     int32_t day)
{
	struct db_stmt *get = NULL, *put = NULL;
	int y, m, d, rc = -1;

	if (!n)
		return 0;
	day_to_ymd(day, &y, &m, &d);
	get = db_prepare(c->r->db,
			 "SELECT months FROM party_absence_months"
			 " WHERE member_id = ? AND year = ?",
			 c->err);
	put = db_prepare(c->r->db,
			 "INSERT INTO party_absence_months(member_id, year,"
			 " months, n_months) VALUES (?, ?, ?, ?)"
			 " ON CONFLICT (member_id, year) DO UPDATE SET"
			 " months = excluded.months,"
			 " n_months = excluded.n_months",
			 c->err);
	if (!get || !put)
		goto out;
	for (size_t i = 0; i < n; i++) {
		int64_t mask = 0;
		int step;
		db_reset(get);
		db_bind_int(get, 1, ids[i]);
		db_bind_int(get, 2, y);
		step = db_step(get, c->err);
		if (step < 0)
			goto out;
		if (step == 1)
			mask = db_column_int(get, 0);
		mask |= (int64_t)1 << (m - 1);
		db_reset(put);
		db_bind_int(put, 1, ids[i]);
		db_bind_int(put, 2, y);
		db_bind_int(put, 3, mask);
		db_bind_int(put, 4, __builtin_popcountll((unsigned long long)mask));
		if (db_step(put, c->err) < 0)
			goto out;
	}
	rc = 0;
out:
	db_finalize(get);
	db_finalize(put);
	return rc;
}

int party_sum_rank(struct party_ctx *c, int64_t year, int32_t grassroots,
		   int level, int delta)
{
	struct db_stmt *st;

	if (!grassroots || (level != PARTY_EXCELLENT && level != PARTY_GOOD))
		return 0;
	st = db_prepare(c->r->db,
			level == PARTY_EXCELLENT
				? "INSERT INTO party_rank_counts(year,"
				  " grassroots_id, excellent, good)"
				  " VALUES (?, ?, ?, 0)"
				  " ON CONFLICT (year, grassroots_id) DO UPDATE"
				  " SET excellent = party_rank_counts.excellent"
				  " + excluded.excellent"
				: "INSERT INTO party_rank_counts(year,"
				  " grassroots_id, excellent, good)"
				  " VALUES (?, ?, 0, ?)"
				  " ON CONFLICT (year, grassroots_id) DO UPDATE"
				  " SET good = party_rank_counts.good"
				  " + excluded.good",
			c->err);
	if (!st)
		return -1;
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, grassroots);
	db_bind_int(st, 3, delta);
	if (party_exec(st, c->err))
		return -1;
	/* a group emptied by a re-ranking leaves no row: the summary equals
	 * the GROUP BY of the rankings, which has none */
	st = db_prepare(c->r->db,
			"DELETE FROM party_rank_counts WHERE year = ?"
			" AND grassroots_id = ? AND excellent = 0 AND good = 0",
			c->err);
	if (!st)
		return -1;
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, grassroots);
	return party_exec(st, c->err);
}

int party_sum_cap_counts(struct party_ctx *c, int64_t year,
			 int32_t grassroots, int64_t *excellent, int64_t *good)
{
	struct db_stmt *st = db_prepare(
		c->r->db,
		"SELECT excellent, good FROM party_rank_counts WHERE year = ?"
		" AND grassroots_id = ?",
		c->err);
	int step;

	*excellent = *good = 0;
	if (!st)
		return -1;
	db_bind_int(st, 1, year);
	db_bind_int(st, 2, grassroots);
	step = db_step(st, c->err);
	if (step == 1) {
		*excellent = db_column_int(st, 0);
		*good = db_column_int(st, 1);
	}
	db_finalize(st);
	return step < 0 ? -1 : 0;
}
