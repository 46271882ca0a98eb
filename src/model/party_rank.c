/* party_rank: the annual quality ranking of members and organisations:
 * levels given directly before 30 August 2025 and by a 100-point score
 * since, the "excellent <= 20% of good" cap per grassroots organisation,
 * the ranking history of a dossier and roll-ups by level and unit. */
#include <stdlib.h>
#include <string.h>

#include "model/party_int.h"
#include "model/reflist.h"
#include "core/banned.h"

static const char *const subjects[] = {"member", "org"};

/* The subject named by exactly one of member / rank_org. */
static int ranking_subject(struct party_ctx *c, int32_t day, int *subject,
			   int32_t *id)
{
	int64_t member = 0;
	int32_t org = 0;
	json_t *o = json_object_get(c->args, "rank_org");

	if (party_arg_int(c, "member", 0, 1, ID_MAX, &member))
		return -1;
	if (o && !json_is_null(o) &&
	    party_arg_org(c, "rank_org", 1, day, &org))
		return -1;
	if (!member == !org)
		return hoso_err(c->err, HOSO_EUSAGE, "%s",
				TR("cần đúng một trong member hoặc rank_org",
				   "exactly one of member or rank_org is needed"));
	*subject = member ? 0 : 1;
	*id = member ? (int32_t)member : org;
	return 0;
}

static json_t *ranking_row(struct db_stmt *st, const struct index *ix)
{
	/* columns: year, ranked_on, level, score, org_id, note, seq,
	 * grassroots_id */
	size_t len;
	const char *lv = db_column_text(st, 2, &len);
	int l = enum_lookup(party_level_names, PARTY_LEVEL_COUNT, lv, len);
	int32_t day = party_col_day(st, 1, 0);

	return json_pack("{s:I,s:o,s:o,s:s,s:o,s:o,s:o,s:o,s:I}", "year",
			 (json_int_t)db_column_int(st, 0), "date",
			 party_col_json_text(st, 1), "level",
			 party_col_json_text(st, 2), "label",
			 l >= 0 ? party_level_labels_vi[l] : "",
			 "score",
			 db_column_is_null(st, 3)
				 ? json_null()
				 : json_integer(db_column_int(st, 3)),
			 "org", party_org_brief(ix, (int32_t)db_column_int(st, 4),
						 day),
			 "grassroots",
			 db_column_int(st, 7)
				 ? party_org_brief(ix,
						   (int32_t)db_column_int(st, 7),
						   day)
				 : json_null(),
			 "note", party_col_json_text(st, 5), "seq",
			 (json_int_t)db_column_int(st, 6));
}

int party_ranking_set(struct party_ctx *c)
{
	int64_t year = 0, score = -1, seq = 0, exc, good;
	int32_t day = 0, id = 0, place, grassroots, old_g = 0;
	int subject = 0, level = -1, rc = -1, began = 0, step, old_level = -1;
	const char *note = NULL;
	const struct party_rules *rules;
	struct db_stmt *st = NULL;
	json_t *replaced = NULL, *warn = NULL;
	char dbuf[11];

	if (party_arg_int(c, "year", 1, 1930, 9999, &year) ||
	    party_arg_day(c, "date", 1, &day) ||
	    ranking_subject(c, day, &subject, &id) ||
	    party_arg_enum(c, "level", 0, party_level_names, PARTY_LEVEL_COUNT,
			   &level) ||
	    party_arg_int(c, "score", 0, 0, 100, &score) ||
	    party_arg_str(c, "note", 0, &note))
		goto out;
	day_format(day, dbuf);
	if (day < day_from_ymd((int)year, 1, 1) ||
	    day >= day_from_ymd((int)year + 2, 1, 1) || day > c->today) {
		hoso_err(c->err, HOSO_EREJECT,
			 TR("ngày xếp loại %s không hợp với năm %lld (trong năm đó hoặc năm sau, không ở tương lai)",
			    "ranking day %s does not fit year %lld (that year or the next, not in the future)"),
			 dbuf, (long long)year);
		goto out;
	}
	rules = party_rules_on(day);
	if (rules->scored) {
		if (score < 0) {
			hoso_err(c->err, HOSO_EREJECT,
				 TR("từ 30/8/2025 xếp loại theo thang điểm 100: cần score (ngày %s)",
				    "since 30 August 2025 rankings take a 100-point score: score needed (day %s)"),
				 dbuf);
			goto out;
		}
		if (level >= 0 &&
		    level != (int)party_level_of_score(rules, (int)score)) {
			hoso_err(c->err, HOSO_EREJECT,
				 TR("điểm %lld ứng với mức %s, không phải %s",
				    "score %lld maps to %s, not %s"),
				 (long long)score,
				 party_level_names[party_level_of_score(
					 rules, (int)score)],
				 party_level_names[level]);
			goto out;
		}
		level = (int)party_level_of_score(rules, (int)score);
	} else {
		if (score >= 0) {
			hoso_err(c->err, HOSO_EREJECT,
				 TR("thang điểm 100 chỉ áp dụng từ 30/8/2025; ngày %s: hãy ghi mức (level)",
				    "the 100-point score applies from 30 August 2025; on %s give the level"),
				 dbuf);
			goto out;
		}
		if (level < 0) {
			hoso_err(c->err, HOSO_EREJECT,
				 TR("trước 30/8/2025 cần ghi mức xếp loại (level) (ngày %s)",
				    "before 30 August 2025 the level is given (day %s)"),
				 dbuf);
			goto out;
		}
	}
	if (subject == 0) {
		const struct index_member *m = index_member(c->ix, id);
		if (!m) {
			hoso_err(c->err, HOSO_ENOTFOUND,
				 TR("không tìm thấy đảng viên %d",
				    "member %d not found"),
				 id);
			goto out;
		}
		place = index_member_place(c->ix, id, day);
		if (m->admitted > day || m->ended <= day || !place) {
			hoso_err(c->err, HOSO_EREJECT,
				 TR("đảng viên %d không sinh hoạt đảng vào ngày %s",
				    "member %d is not an active member on %s"),
				 id, dbuf);
			goto out;
		}
	} else {
		place = id;
	}
	grassroots = party_grassroots_of(c->ix, place, day);
	if (party_begin(c))
		goto out;
	began = 1;
	st = db_prepare(c->r->db,
			"SELECT year, ranked_on, level, score, org_id, note, seq,"
			" grassroots_id FROM party_rankings WHERE subject = ?"
			" AND subject_id = ? AND year = ?",
			c->err);
	if (!st)
		goto out;
	party_bind_str(st, 1, subjects[subject]);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, year);
	step = db_step(st, c->err);
	if (step < 0)
		goto out;
	if (step == 1) {
		size_t len;
		const char *lv = db_column_text(st, 2, &len);
		old_level = enum_lookup(party_level_names, PARTY_LEVEL_COUNT,
					lv, len);
		old_g = (int32_t)db_column_int(st, 7);
		replaced = ranking_row(st, c->ix);
	}
	db_finalize(st);
	st = NULL;
	if (party_write_op(c, "party.ranking", day, &seq))
		goto out;
	st = db_prepare(c->r->db,
			"INSERT INTO party_rankings(subject, subject_id, year,"
			" ranked_on, level, score, org_id, grassroots_id, note,"
			" seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			" ON CONFLICT (subject, subject_id, year) DO UPDATE SET"
			" ranked_on = excluded.ranked_on, level = excluded.level,"
			" score = excluded.score, org_id = excluded.org_id,"
			" grassroots_id = excluded.grassroots_id,"
			" note = excluded.note, seq = excluded.seq",
			c->err);
	if (!st)
		goto out;
	party_bind_str(st, 1, subjects[subject]);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, year);
	db_bind_day(st, 4, day);
	party_bind_str(st, 5, party_level_names[level]);
	if (score >= 0)
		db_bind_int(st, 6, score);
	else
		db_bind_null(st, 6);
	db_bind_int(st, 7, place);
	db_bind_int(st, 8, grassroots);
	party_bind_str(st, 9, note);
	db_bind_int(st, 10, seq);
	if (party_exec(st, c->err)) {
		st = NULL;
		goto out;
	}
	st = NULL;
	if (subject == 0 &&
	    ((replaced && party_sum_rank(c, year, old_g, old_level, -1)) ||
	     party_sum_rank(c, year, grassroots, level, 1)))
		goto out;
	if (party_commit(c)) {
		began = 0;
		goto out;
	}
	began = 0;
	warn = json_array();
	/* the cap is a check, not a refusal: rankings are entered one by
	 * one, and the grassroots committee settles the final list */
	if (subject == 0 && grassroots &&
	    (level == PARTY_EXCELLENT || level == PARTY_GOOD)) {
		if (party_sum_cap_counts(c, year, grassroots, &exc, &good))
			goto out;
		if (exc > party_excellent_cap(rules, (long)good))
			json_array_append_new(
				warn,
				json_pack("{s:s,s:s,s:i,s:I,s:I,s:I}", "code",
					  "excellent_cap", "message",
					  TR("số xuất sắc vượt 20% số hoàn thành tốt của tổ chức cơ sở",
					     "excellent members exceed 20% of the good ones of the grassroots organisation"),
					  "grassroots", grassroots, "excellent",
					  (json_int_t)exc, "good",
					  (json_int_t)good, "allowed",
					  (json_int_t)party_excellent_cap(
						  rules, (long)good)));
	}
	rc = party_reply(
		c, json_pack("{s:I,s:s,s:i,s:I,s:o,s:s,s:s,s:o,s:o,s:o,s:o,"
			     "s:b,s:O}",
			     "seq", (json_int_t)seq, "subject",
			     subjects[subject], "id", id, "year",
			     (json_int_t)year, "date", party_json_day(day),
			     "level", party_level_names[level], "label",
			     party_level_labels_vi[level], "score",
			     score >= 0 ? json_integer(score) : json_null(),
			     "org", party_org_brief(c->ix, place, day),
			     "grassroots",
			     grassroots ? party_org_brief(c->ix, grassroots, day)
					: json_null(),
			     "replaced", replaced ? replaced : json_null(),
			     "scored", rules->scored, "warnings", warn));
	replaced = NULL;
out:
	json_decref(replaced);
	json_decref(warn);
	db_finalize(st);
	if (began)
		party_rollback(c);
	return rc;
}

int party_ranking_history(struct party_ctx *c)
{
	int subject = 0, rc = -1, step;
	int32_t id = 0;
	struct db_stmt *st = NULL;
	json_t *arr = NULL;

	if (ranking_subject(c, c->today, &subject, &id))
		goto out;
	if (subject == 0 && !index_member(c->ix, id)) {
		hoso_err(c->err, HOSO_ENOTFOUND,
			 TR("không tìm thấy đảng viên %d", "member %d not found"),
			 id);
		goto out;
	}
	st = db_prepare(c->r->db,
			"SELECT year, ranked_on, level, score, org_id, note, seq,"
			" grassroots_id FROM party_rankings WHERE subject = ?"
			" AND subject_id = ? ORDER BY year",
			c->err);
	if (!st)
		goto out;
	party_bind_str(st, 1, subjects[subject]);
	db_bind_int(st, 2, id);
	arr = json_array();
	while ((step = db_step(st, c->err)) == 1)
		json_array_append_new(arr, ranking_row(st, c->ix));
	if (step < 0)
		goto out;
	rc = party_reply(c, json_pack("{s:s,s:i,s:O}", "subject",
				      subjects[subject], "id", id, "rankings",
				      arr));
out:
	json_decref(arr);
	db_finalize(st);
	return rc;
}

/* ---- roll-up: an aggregate of (org, day, level) -> count per (year,
 * subject), kept in memory and rebuilt when max(seq) moved ---- */
struct rgroup {
	int32_t org, day;
	int level;
	int64_t n;
};

static struct {
	/* the store, known by its read model: the server's reading threads
	 * each have a connection but share the model (party_store_id) */
	uint64_t store;
	int64_t stamp, year;
	int subject, valid;
	struct rgroup *rows;
	size_t n;
} rcache;

static int rcache_load(struct party_ctx *c, int64_t year, int subject)
{
	struct db_stmt *st;
	int64_t stamp = -1;
	size_t alloc = 0;
	int step;

	st = db_prepare(c->r->db,
			"SELECT coalesce(max(seq), 0) FROM party_rankings",
			c->err);
	if (!st)
		return -1;
	if (db_step(st, c->err) == 1)
		stamp = db_column_int(st, 0);
	db_finalize(st);
	if (stamp < 0)
		return -1;
	if (rcache.valid && rcache.store == party_store_id(c) &&
	    rcache.stamp == stamp && rcache.year == year &&
	    rcache.subject == subject)
		return 0;
	free(rcache.rows);
	memset(&rcache, 0, sizeof(rcache));
	st = db_prepare(c->r->db,
			"SELECT org_id, ranked_on, level, count(*) FROM"
			" party_rankings WHERE year = ? AND subject = ?"
			" GROUP BY org_id, ranked_on, level",
			c->err);
	if (!st)
		return -1;
	db_bind_int(st, 1, year);
	party_bind_str(st, 2, subjects[subject]);
	while ((step = db_step(st, c->err)) == 1) {
		size_t len;
		const char *lv = db_column_text(st, 2, &len);
		ALLOC_GROW(rcache.rows, rcache.n + 1, alloc);
		rcache.rows[rcache.n].org = (int32_t)db_column_int(st, 0);
		rcache.rows[rcache.n].day = party_col_day(st, 1, 0);
		rcache.rows[rcache.n].level =
			enum_lookup(party_level_names, PARTY_LEVEL_COUNT, lv,
				    len);
		rcache.rows[rcache.n].n = db_column_int(st, 3);
		if (rcache.rows[rcache.n].level >= 0)
			rcache.n++;
	}
	db_finalize(st);
	if (step < 0) {
		FREE_AND_NULL(rcache.rows);
		rcache.n = 0;
		return -1;
	}
	rcache.store = party_store_id(c);
	rcache.stamp = stamp;
	rcache.year = year;
	rcache.subject = subject;
	rcache.valid = 1;
	return 0;
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

int party_ranking_rollup(struct party_ctx *c)
{
	int64_t year = 0, tot[PARTY_LEVEL_COUNT] = {0}, *counts = NULL;
	int32_t org = 0, on, *ids = NULL;
	int subject = 0, rc = -1;
	size_t nids = 0, alloc = 0;
	struct party_imap slot;
	json_t *by = NULL, *t;

	party_imap_init(&slot);
	if (party_arg_int(c, "year", 1, 1930, 9999, &year) ||
	    party_arg_enum(c, "subject", 0, subjects, 2, &subject))
		goto out;
	on = day_from_ymd((int)year, 12, 31);
	if (on > c->today)
		on = c->today;
	if (party_arg_day(c, "on", 0, &on) ||
	    party_arg_org(c, "org", 1, on, &org) ||
	    rcache_load(c, year, subject))
		goto out;
	/* each group counts under the child of org that held it on the
	 * ranking's own day */
	for (size_t i = 0; i < rcache.n; i++) {
		const struct rgroup *g = &rcache.rows[i];
		int32_t child = party_child_toward(c->ix, org, g->org, g->day);
		if (!child)
			continue;
		tot[g->level] += g->n;
		if (!party_imap_find(&slot, child)) {
			ALLOC_GROW(ids, nids + 1, alloc);
			ids[nids++] = child;
			*party_imap_get(&slot, child, 0) = 0;
		}
	}
	qsort(ids, nids, sizeof(*ids), cmp_i32);
	counts = xcalloc(nids * PARTY_LEVEL_COUNT + 1, sizeof(*counts));
	for (size_t i = 0; i < nids; i++)
		*party_imap_get(&slot, ids[i], 0) = (int64_t)i;
	for (size_t i = 0; i < rcache.n; i++) {
		const struct rgroup *g = &rcache.rows[i];
		int32_t child = party_child_toward(c->ix, org, g->org, g->day);
		if (child)
			counts[*party_imap_find(&slot, child) *
				       PARTY_LEVEL_COUNT +
			       g->level] += g->n;
	}
	by = json_array();
	for (size_t i = 0; i < nids; i++) {
		json_t *o = json_pack("{s:o}", "org",
				      party_org_brief(c->ix, ids[i], on));
		int64_t sum = 0;
		for (int l = 0; l < PARTY_LEVEL_COUNT; l++) {
			json_object_set_new(
				o, party_level_names[l],
				json_integer(counts[i * PARTY_LEVEL_COUNT + l]));
			sum += counts[i * PARTY_LEVEL_COUNT + l];
		}
		json_object_set_new(o, "total", json_integer(sum));
		json_array_append_new(by, o);
	}
	t = json_object();
	{
		int64_t sum = 0;
		for (int l = 0; l < PARTY_LEVEL_COUNT; l++) {
			json_object_set_new(t, party_level_names[l],
					    json_integer(tot[l]));
			sum += tot[l];
		}
		json_object_set_new(t, "total", json_integer(sum));
	}
	rc = party_reply(c, json_pack("{s:i,s:I,s:s,s:o,s:o,s:O}", "org", org,
				      "year", (json_int_t)year, "subject",
				      subjects[subject], "on",
				      party_json_day(on), "totals", t,
				      "by_unit", by));
out:
	json_decref(by);
	party_imap_release(&slot);
	free(ids);
	free(counts);
	return rc;
}

int party_ranking_cap(struct party_ctx *c)
{
	int64_t year = 0, cur_exc = 0, cur_good = 0;
	int32_t org = 0, on, cur = 0;
	struct db_stmt *st = NULL;
	json_t *over = NULL;
	const struct party_rules *rules;
	int64_t checked = 0;
	int rc = -1, step;
	struct party_span sp = {0};

	if (party_arg_int(c, "year", 1, 1930, 9999, &year))
		goto out;
	on = day_from_ymd((int)year, 12, 31);
	if (on > c->today)
		on = c->today;
	rules = party_rules_on(on);
	if (party_arg_day(c, "on", 0, &on) ||
	    party_arg_org(c, "org", 1, on, &org))
		goto out;
	/* one summary row per grassroots organisation (party_sum.c) */
	st = db_prepare(c->r->db,
			"SELECT grassroots_id, excellent, good FROM"
			" party_rank_counts WHERE year = ? AND grassroots_id > 0"
			" AND (excellent > 0 OR good > 0) ORDER BY grassroots_id",
			c->err);
	if (!st || party_span_init(&sp, c->ix, org, on))
		goto out;
	db_bind_int(st, 1, year);
	over = json_array();
	for (;;) {
		step = db_step(st, c->err);
		if (step < 0)
			goto out;
		if (step == 0)
			break;
		cur = (int32_t)db_column_int(st, 0);
		cur_exc = db_column_int(st, 1);
		cur_good = db_column_int(st, 2);
		{
			/* a grassroots organisation counts under org when it
			 * is in the subtree on `on`, or was on its last day */
			int32_t d = on;
			int in;
			if (!index_org_on(c->ix, cur, d)) {
				const struct index_org_version *v;
				size_t nv = index_org_versions(c->ix, cur, &v);
				d = nv ? v[nv - 1].to - 1 : on;
			}
			in = d == on ? party_span_slot(&sp, cur) >= 0
				     : party_child_toward(c->ix, org, cur, d) != 0;
			if (in) {
				long allowed = party_excellent_cap(
					rules, (long)cur_good);
				checked++;
				if (cur_exc > allowed)
					json_array_append_new(
						over,
						json_pack("{s:o,s:I,s:I,s:I}",
							  "org",
							  party_org_brief(
								  c->ix, cur, d),
							  "excellent",
							  (json_int_t)cur_exc,
							  "good",
							  (json_int_t)cur_good,
							  "allowed",
							  (json_int_t)allowed));
			}
		}
	}
	rc = party_reply(c, json_pack("{s:i,s:I,s:o,s:i,s:I,s:b,s:O}", "org",
				      org, "year", (json_int_t)year, "on",
				      party_json_day(on), "cap_pct",
				      rules->excellent_cap_pct, "checked",
				      (json_int_t)checked, "ok",
				      json_array_size(over) == 0, "over_cap",
				      over));
out:
	json_decref(over);
	db_finalize(st);
	party_span_release(&sp);
	return rc;
}
