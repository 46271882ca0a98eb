/* lifecycle_query: the lists built from the lifecycle tables (candidates,
 * probationers due, badges, members in transit or hosted temporarily) and
 * one member's lifecycle history. Subtrees come from the read model. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/lifecycle.h"
#include "core/banned.h"

static void bind_day(struct db_stmt *st, int idx, int32_t d)
{
	char b[11];
	day_format(d, b);
	db_bind_text(st, idx, b, 10);
}

static void jday(struct strbuf *sb, const char *key, int32_t d)
{
	char b[11];
	if (d == DAY_MIN || d == DAY_MAX) {
		strbuf_addf(sb, ",\"%s\":null", key);
		return;
	}
	day_format(d, b);
	strbuf_addf(sb, ",\"%s\":\"%s\"", key, b);
}

static void head(struct strbuf *out, int32_t org, int32_t day)
{
	char b[11];
	day_format(day, b);
	if (org)
		strbuf_addf(out, "{\"org\":%d,\"on\":\"%s\"", org, b);
	else
		strbuf_addf(out, "{\"org\":null,\"on\":\"%s\"", b);
}

/* 1 when org is in subtree(top, day); top 0 = everything. */
static int in_scope(struct registry *r, int32_t org, int32_t top, int32_t day)
{
	if (!top)
		return 1;
	return org && r->ix && index_in_subtree(r->ix, org, top, day);
}

struct rules {
	struct lc_rule_set *sets;
	long n;
	struct lc_calendar cal;
};

static int rules_load(struct db *db, struct rules *rl, struct hoso_error *err)
{
	memset(rl, 0, sizeof(*rl));
	lc_calendar_init(&rl->cal);
	rl->n = lc_rules_load(db, &rl->sets, err);
	if (rl->n <= 0)
		return rl->n < 0 ? -1
				 : hoso_err(err, HOSO_EIO, "lc_rule_sets empty");
	return lc_calendar_load(db, &rl->cal, err);
}

static void rules_release(struct rules *rl)
{
	free(rl->sets);
	lc_calendar_release(&rl->cal);
}

static const struct lc_rule_set *at(struct rules *rl, int32_t day)
{
	const struct lc_rule_set *rs = lc_rules_pick(rl->sets, (size_t)rl->n,
						     day);
	return rs ? rs : &rl->sets[0];
}

static int check_org(struct registry *r, int32_t org, int32_t day,
		     struct hoso_error *err)
{
	char b[11];
	if (org && (!r->ix || !index_org_on(r->ix, org, day))) {
		day_format(day, b);
		return hoso_err(err, HOSO_ENOTFOUND,
				TR("không tìm thấy tổ chức %d vào ngày %s",
				   "organisation %d not found on %s"),
				org, b);
	}
	return 0;
}

int lifecycle_list_candidates(struct registry *r, int32_t org, int32_t day,
			      struct strbuf *out, struct hoso_error *err)
{
	static const char *const states[] = {
		"registered", "trained",  "introduced", "applied",
		"checked",    "considered", "decided"};
	struct rules rl;
	struct db_stmt *st = NULL;
	int step, first = 1, rc = -1;
	if (check_org(r, org, day, err) || rules_load(r->db, &rl, err))
		return -1;
	st = db_prepare(r->db,
			"SELECT id, org_id, full_name, birth_date, certificate_on,"
			" introduced_on, applied_on, checked_on, considered_on,"
			" decided_on, introducer1, introducer2 FROM lc_candidates"
			" WHERE member_id IS NULL ORDER BY id",
			err);
	if (!st)
		goto out;
	head(out, org, day);
	strbuf_adds(out, ",\"rows\":[");
	while ((step = db_step(st, err)) == 1) {
		int32_t cand_org = (int32_t)db_column_int(st, 1), d[6];
		int reached = 0, nflags = 0;
		if (!in_scope(r, cand_org, org, day))
			continue;
		for (int i = 0; i < 6; i++) {
			d[i] = db_column_day(st, 4 + i, DAY_MIN);
			if (d[i] != DAY_MIN && d[i] <= day)
				reached = i + 1;
		}
		strbuf_addf(out, "%s{\"candidate_id\":%lld,\"org_id\":%d,"
				 "\"full_name\":",
			    first ? "" : ",", (long long)db_column_int(st, 0),
			    cand_org);
		strbuf_add_json_str(out, db_column_text(st, 2, NULL));
		jday(out, "birth_date", db_column_day(st, 3, DAY_MIN));
		strbuf_addf(out, ",\"state\":\"%s\"", states[reached]);
		jday(out, "certificate_on", d[0]);
		jday(out, "introduced_on", d[1]);
		jday(out, "applied_on", d[2]);
		jday(out, "checked_on", d[3]);
		jday(out, "considered_on", d[4]);
		jday(out, "decided_on", d[5]);
		strbuf_adds(out, ",\"overdue\":[");
		if (d[0] != DAY_MIN &&
		    lc_add_months(d[0], at(&rl, d[0])->certificate_months) < day)
			strbuf_addf(out, "%s\"certificate_expired\"",
				    nflags++ ? "," : "");
		if (d[4] != DAY_MIN && d[5] == DAY_MIN &&
		    lc_add_working_days(&rl.cal, d[4],
					at(&rl, d[4])->decision_wd) < day)
			strbuf_addf(out, "%s\"decision_overdue\"",
				    nflags++ ? "," : "");
		if (d[5] != DAY_MIN) {
			const struct lc_rule_set *rs = at(&rl, d[5]);
			if (lc_deadline(&rl.cal, d[5], rs->ceremony_limit,
					rs->ceremony_in_months) < day)
				strbuf_addf(out, "%s\"ceremony_overdue\"",
					    nflags++ ? "," : "");
		}
		strbuf_adds(out, "]}");
		first = 0;
	}
	if (step < 0)
		goto out;
	strbuf_adds(out, "]}");
	rc = 0;
out:
	db_finalize(st);
	rules_release(&rl);
	return rc;
}

int lifecycle_list_due(struct registry *r, int32_t org, int32_t day,
		       int days, struct strbuf *out, struct hoso_error *err)
{
	struct rules rl;
	struct db_stmt *st = NULL;
	int step, first = 1, rc = -1;
	if (check_org(r, org, day, err) || rules_load(r->db, &rl, err))
		return -1;
	st = db_prepare(r->db,
			"SELECT m.id, m.full_name, m.admitted_on, i.probation_from"
			" FROM members m LEFT JOIN lc_member_info i"
			" ON i.member_id = m.id WHERE m.status = 'probationary'"
			" AND m.ended_on IS NULL ORDER BY m.id",
			err);
	if (!st)
		goto out;
	head(out, org, day);
	strbuf_addf(out, ",\"days\":%d,\"rows\":[", days);
	while ((step = db_step(st, err)) == 1) {
		int32_t id = (int32_t)db_column_int(st, 0);
		int32_t from = db_column_day(st, 3, db_column_day(st, 2, DAY_MIN));
		const struct lc_rule_set *rs;
		int32_t end, deadline, place;
		const char *state;
		if (from == DAY_MIN || from > day)
			continue;
		rs = at(&rl, from);
		end = lc_add_months(from, rs->probation_months);
		if (end > day + days)
			continue;
		place = r->ix ? index_member_place(r->ix, id, day) : 0;
		if (!in_scope(r, place, org, day))
			continue;
		rs = at(&rl, end);
		deadline = lc_deadline(&rl.cal, end, rs->recognise_limit,
				       rs->recognise_in_months);
		state = end > day ? "due" : day <= deadline ? "to_consider"
							     : "overdue";
		strbuf_addf(out, "%s{\"member_id\":%d,\"full_name\":",
			    first ? "" : ",", id);
		strbuf_add_json_str(out, db_column_text(st, 1, NULL));
		if (place)
			strbuf_addf(out, ",\"org_id\":%d", place);
		else
			strbuf_adds(out, ",\"org_id\":null");
		jday(out, "probation_from", from);
		jday(out, "probation_ends", end);
		jday(out, "consider_by", deadline);
		strbuf_addf(out, ",\"state\":\"%s\"}", state);
		first = 0;
	}
	if (step < 0)
		goto out;
	strbuf_adds(out, "]}");
	rc = 0;
out:
	db_finalize(st);
	rules_release(&rl);
	return rc;
}

struct gap {
	int32_t member;
	int64_t days;
};

static int cmp_gap(const void *a, const void *b)
{
	const struct gap *x = a, *y = b;
	return (x->member > y->member) - (x->member < y->member);
}

static int64_t gap_of(const struct gap *g, size_t n, int32_t id)
{
	struct gap key = {id, 0};
	const struct gap *f;
	if (!g || !n)
		return 0;
	f = bsearch(&key, g, n, sizeof(*g), cmp_gap);
	return f ? f->days : 0;
}

/* member ids of a query with one day parameter, sorted */
static int load_ids(struct db *db, const char *sql, int32_t day,
		    int32_t **ids, size_t *n, struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(db, sql, err);
	size_t alloc = 0;
	int step;
	*ids = NULL;
	*n = 0;
	if (!st)
		return -1;
	bind_day(st, 1, day);
	while ((step = db_step(st, err)) == 1) {
		ALLOC_GROW(*ids, *n + 1, alloc);
		(*ids)[(*n)++] = (int32_t)db_column_int(st, 0);
	}
	db_finalize(st);
	return step < 0 ? -1 : 0;
}

static int has_id(const int32_t *ids, size_t n, int32_t id)
{
	for (size_t i = 0; i < n; i++) /* small lists: health exemptions */
		if (ids[i] == id)
			return 1;
	return 0;
}

static int cmp_badge(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;
	return (*x > *y) - (*x < *y);
}

int lifecycle_list_badges(struct registry *r, int32_t org, int32_t day,
			  struct strbuf *out, struct hoso_error *err)
{
	struct db_stmt *st = NULL;
	struct gap *gaps = NULL;
	int32_t *ill = NULL, prev = lc_prev_award_day(day);
	int64_t *awarded = NULL; /* member << 8 | years, sorted */
	size_t n_gaps = 0, a_gaps = 0, n_ill = 0, n_aw = 0, a_aw = 0, n_ys;
	const int *ys = lc_badge_years(&n_ys);
	int step, first = 1, rc = -1;
	char b[11];
	if (!lc_is_award_day(day)) {
		day_format(day, b);
		return hoso_err(err, HOSO_EUSAGE,
				TR("%s không phải ngày trao Huy hiệu Đảng (3/2, 19/5, 2/9, 7/11)",
				   "%s is not a badge award day (3 Feb, 19 May, 2 Sep, 7 Nov)"),
				b);
	}
	if (check_org(r, org, day, err))
		return -1;
	st = db_prepare(r->db,
			"SELECT member_id, valid_from, valid_to FROM lc_gaps"
			" ORDER BY member_id",
			err);
	if (!st)
		goto out;
	while ((step = db_step(st, err)) == 1) {
		int32_t id = (int32_t)db_column_int(st, 0);
		int64_t d = db_column_day(st, 2, 0) - db_column_day(st, 1, 0);
		if (n_gaps && gaps[n_gaps - 1].member == id) {
			gaps[n_gaps - 1].days += d;
			continue;
		}
		ALLOC_GROW(gaps, n_gaps + 1, a_gaps);
		gaps[n_gaps].member = id;
		gaps[n_gaps++].days = d;
	}
	db_finalize(st);
	st = NULL;
	if (step < 0)
		goto out;
	st = db_prepare(r->db, "SELECT member_id, years FROM lc_badges", err);
	if (!st)
		goto out;
	while ((step = db_step(st, err)) == 1) {
		ALLOC_GROW(awarded, n_aw + 1, a_aw);
		awarded[n_aw++] = db_column_int(st, 0) << 8 | db_column_int(st, 1);
	}
	db_finalize(st);
	st = NULL;
	if (step < 0)
		goto out;
	if (awarded)
		qsort(awarded, n_aw, sizeof(*awarded), cmp_badge);
	/* the seriously ill: a health exemption holding on the award day */
	if (load_ids(r->db,
		     "SELECT member_id FROM lc_exemptions WHERE kind = 'health'"
		     " AND valid_from <= ?1 AND (valid_to IS NULL OR valid_to > ?1)",
		     day, &ill, &n_ill, err))
		goto out;
	st = db_prepare(r->db,
			"SELECT m.id, m.full_name, m.admitted_on, i.decided_on"
			" FROM members m LEFT JOIN lc_member_info i"
			" ON i.member_id = m.id WHERE m.admitted_on <= ?1"
			" AND (m.ended_on IS NULL OR m.ended_on > ?1) ORDER BY m.id",
			err);
	if (!st)
		goto out;
	bind_day(st, 1, day);
	head(out, org, day);
	jday(out, "previous_award_day", prev);
	strbuf_adds(out, ",\"rows\":[");
	while ((step = db_step(st, err)) == 1) {
		int32_t id = (int32_t)db_column_int(st, 0);
		int32_t start = db_column_day(st, 3, db_column_day(st, 2, DAY_MIN));
		int64_t g = gap_of(gaps, n_gaps, id);
		int serious = -1, place = 0, placed = 0;
		if (start == DAY_MIN)
			continue;
		for (size_t k = 0; k < n_ys; k++) {
			int32_t anniv = lc_party_anniversary(start, g, ys[k]);
			int early = 0;
			int64_t key = (int64_t)id << 8 | ys[k];
			if (anniv > day) {
				int limit = ys[k] >= 70 ? 24 : 12;
				if (anniv > lc_add_months(day, limit))
					break;
				if (serious < 0)
					serious = has_id(ill, n_ill, id);
				if (!serious)
					continue;
				early = 1;
			} else if (anniv <= prev) {
				continue;
			}
			if (awarded &&
			    bsearch(&key, awarded, n_aw, sizeof(*awarded),
				    cmp_badge))
				continue;
			if (!placed) {
				place = r->ix ? index_member_place(r->ix, id, day)
					      : 0;
				placed = 1;
			}
			if (!in_scope(r, place, org, day))
				break;
			strbuf_addf(out, "%s{\"member_id\":%d,\"full_name\":",
				    first ? "" : ",", id);
			strbuf_add_json_str(out, db_column_text(st, 1, NULL));
			strbuf_addf(out, ",\"org_id\":%d,\"years\":%d", place,
				    ys[k]);
			jday(out, "reached_on", anniv);
			strbuf_addf(out, ",\"early\":%s}",
				    early ? "true" : "false");
			first = 0;
		}
	}
	if (step < 0)
		goto out;
	strbuf_adds(out, "]}");
	rc = 0;
out:
	db_finalize(st);
	free(gaps);
	free(ill);
	free(awarded);
	return rc;
}

int lifecycle_list_in_transit(struct registry *r, int32_t org, int32_t day,
			      struct strbuf *out, struct hoso_error *err)
{
	struct rules rl;
	struct db_stmt *st = NULL;
	int step, first = 1, rc = -1;
	if (check_org(r, org, day, err) || rules_load(r->db, &rl, err))
		return -1;
	st = db_prepare(r->db,
			"SELECT t.member_id, m.full_name, t.from_org, t.to_org,"
			" t.letter_on, t.cause_on FROM lc_transfers t"
			" JOIN members m ON m.id = t.member_id"
			" WHERE t.kind = 'official' AND t.letter_on <= ?1"
			" AND (t.received_on IS NULL OR t.received_on > ?1)"
			" AND (m.ended_on IS NULL OR m.ended_on > ?1)"
			" ORDER BY t.letter_on, t.member_id",
			err);
	if (!st)
		goto out;
	bind_day(st, 1, day);
	head(out, org, day);
	strbuf_adds(out, ",\"rows\":[");
	while ((step = db_step(st, err)) == 1) {
		int32_t from = (int32_t)db_column_int(st, 2);
		int32_t letter = db_column_day(st, 4, day);
		int32_t by = lc_add_working_days(
			&rl.cal, letter, at(&rl, letter)->transfer_receive_wd);
		/* the sending cell as it was when the letter left */
		if (!in_scope(r, from, org, day) &&
		    !in_scope(r, from, org, letter - 1))
			continue;
		strbuf_addf(out, "%s{\"member_id\":%lld,\"full_name\":",
			    first ? "" : ",", (long long)db_column_int(st, 0));
		strbuf_add_json_str(out, db_column_text(st, 1, NULL));
		strbuf_addf(out, ",\"from_org\":%d", from);
		if (db_column_is_null(st, 3))
			strbuf_adds(out, ",\"to_org\":null");
		else
			strbuf_addf(out, ",\"to_org\":%lld",
				    (long long)db_column_int(st, 3));
		jday(out, "letter_on", letter);
		jday(out, "receive_by", by);
		strbuf_addf(out, ",\"overdue\":%s}", day > by ? "true" : "false");
		first = 0;
	}
	if (step < 0)
		goto out;
	strbuf_adds(out, "]}");
	rc = 0;
out:
	db_finalize(st);
	rules_release(&rl);
	return rc;
}

int lifecycle_list_temporary(struct registry *r, int32_t org, int32_t day,
			     struct strbuf *out, struct hoso_error *err)
{
	struct db_stmt *st;
	int step, first = 1;
	if (check_org(r, org, day, err))
		return -1;
	st = db_prepare(r->db,
			"SELECT t.member_id, m.full_name, t.kind, t.from_org,"
			" t.to_org, t.letter_on, t.until_on FROM lc_transfers t"
			" JOIN members m ON m.id = t.member_id"
			" WHERE t.kind <> 'official' AND t.letter_on <= ?1"
			" AND t.until_on > ?1"
			" AND (m.ended_on IS NULL OR m.ended_on > ?1)"
			" ORDER BY t.member_id",
			err);
	if (!st)
		return -1;
	bind_day(st, 1, day);
	head(out, org, day);
	strbuf_adds(out, ",\"rows\":[");
	while ((step = db_step(st, err)) == 1) {
		int32_t host = (int32_t)db_column_int(st, 4);
		if (!in_scope(r, host, org, day))
			continue;
		strbuf_addf(out, "%s{\"member_id\":%lld,\"full_name\":",
			    first ? "" : ",", (long long)db_column_int(st, 0));
		strbuf_add_json_str(out, db_column_text(st, 1, NULL));
		strbuf_adds(out, ",\"kind\":");
		strbuf_add_json_str(out, db_column_text(st, 2, NULL));
		strbuf_addf(out, ",\"home_org\":%lld,\"host_org\":%d",
			    (long long)db_column_int(st, 3), host);
		jday(out, "valid_from", db_column_day(st, 5, DAY_MIN));
		jday(out, "valid_to", db_column_day(st, 6, DAY_MAX));
		strbuf_addc(out, '}');
		first = 0;
	}
	db_finalize(st);
	if (step < 0)
		return -1;
	strbuf_adds(out, "]}");
	return 0;
}

/* Appends "key":[rows] of a query on one member; columns are text except
 * the ones named in ints ('i' at their position). */
static int rows_json(struct db *db, struct strbuf *out, const char *key,
		     const char *sql, const char *names, const char *types,
		     int64_t id, struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(db, sql, err);
	int step, first = 1;
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	strbuf_addf(out, ",\"%s\":[", key);
	while ((step = db_step(st, err)) == 1) {
		const char *n = names;
		strbuf_adds(out, first ? "{" : ",{");
		for (int i = 0; types[i]; i++) {
			const char *comma = strchr(n, ',');
			size_t len = comma ? (size_t)(comma - n) : strlen(n);
			strbuf_addf(out, "%s\"%.*s\":", i ? "," : "", (int)len, n);
			if (db_column_is_null(st, i))
				strbuf_adds(out, "null");
			else if (types[i] == 'i')
				strbuf_addf(out, "%lld",
					    (long long)db_column_int(st, i));
			else
				strbuf_add_json_str(out,
						    db_column_text(st, i, NULL));
			n = comma ? comma + 1 : n + len;
		}
		strbuf_addc(out, '}');
		first = 0;
	}
	db_finalize(st);
	if (step < 0)
		return -1;
	strbuf_addc(out, ']');
	return 0;
}

int lifecycle_history(struct registry *r, int64_t member_id, int32_t day,
		      struct strbuf *out, struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		r->db,
		"SELECT m.admitted_on, i.decided_on, m.status FROM members m"
		" LEFT JOIN lc_member_info i ON i.member_id = m.id"
		" WHERE m.id = ?",
		err);
	int32_t start = DAY_MIN;
	int64_t gaps = 0;
	int step;
	char status[32] = "";
	if (!st)
		return -1;
	db_bind_int(st, 1, member_id);
	step = db_step(st, err);
	if (step == 1) {
		size_t len;
		const char *s = db_column_text(st, 2, &len);
		start = db_column_day(st, 1, db_column_day(st, 0, DAY_MIN));
		if (s && len < sizeof(status))
			memcpy(status, s, len);
	}
	db_finalize(st);
	if (step < 0)
		return -1;
	if (step == 0)
		return hoso_err(err, HOSO_ENOTFOUND,
				TR("không tìm thấy đảng viên %lld",
				   "member %lld not found"),
				(long long)member_id);
	st = db_prepare(r->db,
			"SELECT valid_from, valid_to FROM lc_gaps WHERE member_id = ?",
			err);
	if (!st)
		return -1;
	db_bind_int(st, 1, member_id);
	while ((step = db_step(st, err)) == 1)
		gaps += db_column_day(st, 1, 0) - db_column_day(st, 0, 0);
	db_finalize(st);
	if (step < 0)
		return -1;
	strbuf_addf(out, "{\"member_id\":%lld", (long long)member_id);
	jday(out, "on", day);
	strbuf_addf(out, ",\"status\":\"%s\"", status);
	jday(out, "party_age_from", start);
	strbuf_addf(out, ",\"gap_days\":%lld,\"party_years\":%d",
		    (long long)gaps,
		    start == DAY_MIN || start > day
			    ? 0
			    : lc_party_years(start, gaps, day));
	if (rows_json(r->db, out, "events",
		      "SELECT seq, kind, effective_on, status_after, detail"
		      " FROM lc_events WHERE member_id = ? ORDER BY id",
		      "seq,kind,effective_on,status_after,detail", "itttt",
		      member_id, err) ||
	    rows_json(r->db, out, "cards",
		      "SELECT card_no, issued_on, valid_to FROM lc_cards"
		      " WHERE member_id = ? ORDER BY coalesce(issued_on, '')",
		      "card_no,issued_on,valid_to", "ttt", member_id, err) ||
	    rows_json(r->db, out, "transfers",
		      "SELECT kind, from_org, to_org, cause_on, letter_on,"
		      " received_on, until_on FROM lc_transfers"
		      " WHERE member_id = ? ORDER BY id",
		      "kind,from_org,to_org,cause_on,letter_on,received_on,"
		      "until_on",
		      "tiitttt", member_id, err) ||
	    rows_json(r->db, out, "exemptions",
		      "SELECT kind, valid_from, valid_to FROM lc_exemptions"
		      " WHERE member_id = ? ORDER BY id",
		      "kind,valid_from,valid_to", "ttt", member_id, err) ||
	    rows_json(r->db, out, "discipline",
		      "SELECT form, decided_on FROM lc_discipline"
		      " WHERE member_id = ? ORDER BY id",
		      "form,decided_on", "tt", member_id, err) ||
	    rows_json(r->db, out, "badges",
		      "SELECT years, awarded_on, returned_on FROM lc_badges"
		      " WHERE member_id = ? ORDER BY years",
		      "years,awarded_on,returned_on", "itt", member_id, err) ||
	    rows_json(r->db, out, "gaps",
		      "SELECT valid_from, valid_to, why FROM lc_gaps"
		      " WHERE member_id = ? ORDER BY valid_from",
		      "valid_from,valid_to,why", "ttt", member_id, err))
		return -1;
	strbuf_addc(out, '}');
	return 0;
}

int64_t lifecycle_member_by_card(struct db *db, const char *card_no,
				 struct hoso_error *err)
{
	struct db_stmt *st;
	int step;
	int64_t id = 0;
	if (!card_no || !*card_no)
		return 0;
	st = db_prepare(db, "SELECT member_id FROM lc_cards WHERE card_no = ?",
			err);
	if (!st)
		return -1;
	db_bind_text(st, 1, card_no, strlen(card_no));
	step = db_step(st, err);
	if (step == 1)
		id = db_column_int(st, 0);
	db_finalize(st);
	return step < 0 ? -1 : id;
}
