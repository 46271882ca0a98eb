/* check: re-derives the read model from the store and compares it with
 * plain SQL answers, and checks the store's own invariants. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "model/party.h"
#include "core/banned.h"

static int sql_count(struct db *db, const char *sql, int64_t *out,
		     struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(db, sql, err);
	int rc;
	if (!st)
		return -1;
	rc = db_step(st, err);
	if (rc == 1)
		*out = db_column_int(st, 0);
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int cmd_check(int argc, char **argv)
{
	struct hoso_error err = {0};
	struct registry *r = registry_open(cli_db_uri(), 0, &err);
	struct db_stmt *st = NULL;
	int64_t bad = 0, n = 0;
	long checked = 0;
	int32_t today = day_today();
	if (!r)
		return cli_fail(&err);
	if (registry_load_index(r, cli.quiet, &err))
		goto fail;
	/* store invariants */
	static const struct {
		const char *what_vi, *what_en, *sql;
	} inv[] = {
		{"nơi sinh hoạt chồng nhau", "overlapping placements",
		 "SELECT count(*) FROM (SELECT valid_from, lag(coalesce(valid_to,"
		 " '9999-12-31')) OVER (PARTITION BY member_id ORDER BY valid_from)"
		 " AS prev_to FROM placements) WHERE prev_to > valid_from"},
		{"nơi sinh hoạt cuối khác org_id", "last placement differs from org_id",
		 "SELECT count(*) FROM members m JOIN (SELECT member_id, org_id,"
		 " row_number() OVER (PARTITION BY member_id ORDER BY valid_from DESC)"
		 " AS rn FROM placements) p ON p.member_id = m.id AND p.rn = 1"
		 " WHERE p.org_id <> m.org_id"},
		/* a placement lies within the current period (the members
		 * row) or within an earlier one of a readmitted member */
		{"nơi sinh hoạt ngoài thời gian là đảng viên", "placement outside membership",
		 "SELECT count(*) FROM placements p JOIN members m ON m.id = p.member_id"
		 " WHERE (p.valid_from < m.admitted_on OR (m.ended_on IS NOT NULL AND"
		 " (p.valid_to IS NULL OR p.valid_to > m.ended_on)))"
		 " AND NOT EXISTS (SELECT 1 FROM lc_periods e WHERE"
		 " e.member_id = p.member_id AND e.admitted_on <= p.valid_from"
		 " AND p.valid_to IS NOT NULL AND p.valid_to <= e.ended_on)"},
		{"giai đoạn sinh hoạt đảng chồng nhau", "overlapping membership periods",
		 "SELECT count(*) FROM lc_periods e JOIN members m ON m.id = e.member_id"
		 " WHERE e.ended_on > m.admitted_on OR e.ended_on <= e.admitted_on"},
		{"thẻ đảng trùng", "duplicate party cards",
		 "SELECT count(*) FROM (SELECT card_no FROM members WHERE card_no IS NOT NULL"
		 " GROUP BY card_no HAVING count(*) > 1)"},
	};
	for (size_t i = 0; i < sizeof(inv) / sizeof(inv[0]); i++) {
		if (sql_count(r->db, inv[i].sql, &n, &err))
			goto fail;
		if (n) {
			printf("%s: %lld\n", TR(inv[i].what_vi, inv[i].what_en), (long long)n);
			bad += n;
		}
	}
	/* party work summaries against a recomputation from their rows */
	for (size_t i = 0; party_sum_checks[i][0]; i++) {
		if (sql_count(r->db, party_sum_checks[i][2], &n, &err))
			goto fail;
		if (n) {
			printf("%s: %lld\n", TR(party_sum_checks[i][0], party_sum_checks[i][1]),
			       (long long)n);
			bad += n;
		}
	}
	/* read model vs SQL: every cell's headcount on 31 December of each
	 * year since 2010 and today */
	st = db_prepare(r->db,
			"SELECT p.org_id, count(*) FROM placements p JOIN members m"
			" ON m.id = p.member_id WHERE p.valid_from <= ?1"
			" AND (p.valid_to IS NULL OR p.valid_to > ?1)"
			" AND ((m.admitted_on <= ?1"
			" AND (m.ended_on IS NULL OR m.ended_on > ?1))"
			" OR EXISTS (SELECT 1 FROM lc_periods e"
			" WHERE e.member_id = m.id AND e.admitted_on <= ?1"
			" AND e.ended_on > ?1))"
			" GROUP BY p.org_id",
			&err);
	if (!st)
		goto fail;
	int ty, tm, td;
	day_to_ymd(today, &ty, &tm, &td);
	for (int y = 2010; y <= ty; y++) {
		int32_t day = y == ty ? today : day_from_ymd(y, 12, 31);
		char b[11];
		int step;
		int64_t sum = 0, total = 0;
		day_format(day, b);
		db_reset(st);
		db_bind_text(st, 1, b, 10);
		while ((step = db_step(st, &err)) == 1) {
			int32_t org = (int32_t)db_column_int(st, 0);
			int64_t want = db_column_int(st, 1), got = -1;
			sum += want;
			if (index_count(r->ix, org, day, &got) || got != want) {
				printf(TR("lệch: tổ chức %d ngày %s: kho %lld, mô hình đọc %lld\n",
					  "mismatch: organisation %d on %s: store %lld, read model %lld\n"),
				       org, b, (long long)want, (long long)got);
				bad++;
			}
			checked++;
		}
		if (step < 0)
			goto fail;
		int32_t root = index_root_on(r->ix, day);
		if (root && index_count(r->ix, root, day, &total) == 0 &&
		    total != sum) {
			printf(TR("lệch: toàn bộ ngày %s: kho %lld, mô hình đọc %lld\n",
				  "mismatch: root on %s: store %lld, read model %lld\n"),
			       b, (long long)sum, (long long)total);
			bad++;
		}
	}
	db_finalize(st);
	st = NULL;
	if (bad) {
		printf(TR("KIỂM TRA THẤT BẠI: %lld sai lệch\n", "CHECK FAILED: %lld problems\n"),
		       (long long)bad);
		registry_close(r);
		return 1;
	}
	printf(TR("Kiểm tra đạt: %ld số liệu chi bộ khớp, các ràng buộc của kho đều đúng\n",
		  "Check passed: %ld cell figures agree, the store's invariants hold\n"),
	       checked);
	registry_close(r);
	return 0;
fail:
	db_finalize(st);
	registry_close(r);
	return cli_fail(&err);
}
