/* lifecycle_cand: candidates before admission (course, introducers,
 * application, background check, the cell's consideration, the decision)
 * and the admission ceremony that makes one a probationary member. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/lifecycle.h"
#include "model/reflist.h"
#include "text/text.h"
#include "core/banned.h"

static void bind_str(struct db_stmt *st, int idx, const char *s)
{
	if (s && *s)
		db_bind_text(st, idx, s, strlen(s));
	else
		db_bind_null(st, idx);
}

static int run(struct db_stmt *st, struct hoso_error *err)
{
	int rc;
	if (!st)
		return -1;
	rc = db_step(st, err) < 0 ? -1 : 0;
	db_finalize(st);
	return rc;
}

static const char *fmt(int32_t d, char b[11])
{
	day_format(d, b);
	return b;
}

struct cand {
	int64_t id, member_id;
	int32_t org, birth;
	int32_t certificate, introduced, applied, checked, considered, decided;
	int64_t intro1, intro2;
	char approval[256];
};

static int load_cand(struct db *db, int64_t id, struct cand *c,
		     struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		db,
		"SELECT org_id, birth_date, certificate_on, introduced_on,"
		" applied_on, checked_on, considered_on, decided_on,"
		" introducer1, introducer2, approval, member_id"
		" FROM lc_candidates WHERE id = ?",
		err);
	int step;
	memset(c, 0, sizeof(*c));
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	step = db_step(st, err);
	if (step == 1) {
		size_t len;
		const char *s;
		c->id = id;
		c->org = (int32_t)db_column_int(st, 0);
		c->birth = db_column_day(st, 1, 0);
		c->certificate = db_column_day(st, 2, DAY_MIN);
		c->introduced = db_column_day(st, 3, DAY_MIN);
		c->applied = db_column_day(st, 4, DAY_MIN);
		c->checked = db_column_day(st, 5, DAY_MIN);
		c->considered = db_column_day(st, 6, DAY_MIN);
		c->decided = db_column_day(st, 7, DAY_MIN);
		c->intro1 = db_column_int(st, 8);
		c->intro2 = db_column_int(st, 9);
		s = db_column_text(st, 10, &len);
		if (s && len < sizeof(c->approval))
			memcpy(c->approval, s, len);
		c->member_id = db_column_is_null(st, 11) ? 0
							  : db_column_int(st, 11);
	}
	db_finalize(st);
	if (step < 0)
		return -1;
	if (step == 0)
		return hoso_err(err, HOSO_ENOTFOUND,
				TR("không tìm thấy quần chúng (đối tượng kết nạp) %lld",
				   "candidate %lld not found"),
				(long long)id);
	return 0;
}

struct rules {
	struct lc_rule_set *sets;
	long n;
	struct lc_calendar cal;
};

static int rules_load(struct db *db, struct rules *r, struct hoso_error *err)
{
	lc_calendar_init(&r->cal);
	r->n = lc_rules_load(db, &r->sets, err);
	if (r->n <= 0)
		return r->n < 0 ? -1
				: hoso_err(err, HOSO_EIO, "lc_rule_sets empty");
	return lc_calendar_load(db, &r->cal, err);
}

static void rules_release(struct rules *r)
{
	free(r->sets);
	lc_calendar_release(&r->cal);
}

static const struct lc_rule_set *at(struct rules *r, int32_t day)
{
	const struct lc_rule_set *rs = lc_rules_pick(r->sets, (size_t)r->n, day);
	return rs ? rs : &r->sets[0];
}

int64_t lifecycle_candidate_add(struct registry *r,
				const struct lc_candidate *c,
				const struct op_meta *meta, struct strbuf *out,
				struct hoso_error *err)
{
	struct db_stmt *st;
	struct strbuf payload;
	char *name = NULL, now[64], b[11];
	int64_t id = -1, seq;
	int ok;
	if (!c->full_name || !*c->full_name || !c->sex ||
	    (strcmp(c->sex, "M") && strcmp(c->sex, "F")) || !c->ethnicity ||
	    !*c->ethnicity || c->birth == DAY_MIN || !c->org_id)
		return hoso_err(err, HOSO_EUSAGE, "%s",
				TR("cần họ tên, giới tính M/F, ngày sinh, dân tộc và chi bộ",
				   "full name, sex M/F, birth date, ethnicity and cell are required"));
	if (!utf8_valid(c->full_name, strlen(c->full_name)))
		return hoso_err(err, HOSO_EUSAGE, "%s",
				TR("họ tên không phải UTF-8", "name is not UTF-8"));
	strbuf_init(&payload, 1 << 14);
	if (db_begin(r->db, 1, err))
		goto out_nobegin;
	ok = lc_cell_alive(r->db, c->org_id, day_today(), err);
	if (ok <= 0) {
		if (!ok)
			hoso_err(err, HOSO_EREJECT,
				 TR("tổ chức %d không phải là chi bộ đang hoạt động",
				    "organisation %d is not a live cell"),
				 c->org_id);
		goto out;
	}
	name = text_nfc(c->full_name, strlen(c->full_name));
	timestamp_now(now);
	st = db_prepare(r->db,
			"INSERT INTO lc_candidates(org_id, full_name, sex,"
			" birth_date, ethnicity, religion, hometown, education,"
			" expertise, theory_level, created_at)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			err);
	if (!st)
		goto out;
	db_bind_int(st, 1, c->org_id);
	bind_str(st, 2, name);
	bind_str(st, 3, c->sex);
	db_bind_day(st, 4, c->birth);
	bind_str(st, 5, c->ethnicity);
	bind_str(st, 6, c->religion);
	bind_str(st, 7, c->hometown);
	bind_str(st, 8, c->education);
	bind_str(st, 9, c->expertise);
	bind_str(st, 10, c->theory_level);
	bind_str(st, 11, now);
	if (run(st, err))
		goto out;
	id = db_last_insert_id(r->db);
	strbuf_addf(&payload, "{\"candidate_id\":%lld,\"org_id\":%d,"
			      "\"full_name\":",
		    (long long)id, c->org_id);
	strbuf_add_json_str(&payload, name);
	strbuf_addf(&payload, ",\"birth_date\":\"%s\"}", fmt(c->birth, b));
	if (registry_write_op(r->db, "candidate", day_today(), payload.buf, meta, &seq,
		     err) ||
	    db_commit(r->db, err)) {
		id = -1;
		goto out;
	}
	strbuf_addf(out, "{\"seq\":%lld,\"kind\":\"candidate\",%s",
		    (long long)seq, payload.buf + 1);
	free(name);
	strbuf_release(&payload);
	return id;
out:
	db_rollback(r->db);
out_nobegin:
	free(name);
	strbuf_release(&payload);
	return -1;
}

/* An introducer: official for introducer_months or more on day, active,
 * placed on day in the candidate's cell. */
static int check_introducer(struct db *db, const struct lc_rule_set *rs,
			    int64_t who, int32_t org, int32_t day,
			    struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		db,
		"SELECT m.official_on, m.ended_on, m.admitted_on,"
		" (SELECT p.org_id FROM placements p WHERE p.member_id = m.id"
		"  AND p.valid_from <= ?1 AND (p.valid_to IS NULL"
		"  OR p.valid_to > ?1)) FROM members m WHERE m.id = ?2",
		err);
	int step;
	int32_t official = DAY_MAX, ended = DAY_MAX, admitted = DAY_MAX,
		place = 0;
	char b[11], o[11];
	if (!st)
		return -1;
	db_bind_day(st, 1, day);
	db_bind_int(st, 2, who);
	step = db_step(st, err);
	if (step == 1) {
		official = db_column_day(st, 0, DAY_MAX);
		ended = db_column_day(st, 1, DAY_MAX);
		admitted = db_column_day(st, 2, DAY_MAX);
		place = (int32_t)db_column_int(st, 3);
	}
	db_finalize(st);
	if (step < 0)
		return -1;
	if (step == 0 || admitted > day || ended <= day)
		return hoso_err(err, HOSO_EREJECT,
				TR("người giới thiệu %lld không phải đảng viên vào ngày %s",
				   "introducer %lld is not a member on %s"),
				(long long)who, fmt(day, b));
	if (official == DAY_MAX ||
	    lc_add_months(official, rs->introducer_months) > day)
		return hoso_err(err, HOSO_EREJECT,
				TR("người giới thiệu %lld phải là đảng viên chính thức ít nhất %d tháng vào ngày %s (chính thức từ %s) (%s)",
				   "introducer %lld must have been an official member for %d months or more on %s (official since %s) (%s)"),
				(long long)who, rs->introducer_months,
				fmt(day, b),
				official == DAY_MAX ? "-" : fmt(official, o),
				rs->source);
	if (place != org)
		return hoso_err(err, HOSO_EREJECT,
				TR("người giới thiệu %lld không sinh hoạt cùng chi bộ %d với người vào Đảng vào ngày %s",
				   "introducer %lld is not in the candidate's cell %d on %s"),
				(long long)who, org, fmt(day, b));
	return 0;
}

static const char *const steps[] = {"course",     "introducers",
				    "application", "background",
				    "considered", "decided"};
static const char *const steps_vi[] = {
	"học lớp bồi dưỡng nhận thức về Đảng", "người giới thiệu",
	"đơn xin vào Đảng", "thẩm tra lý lịch", "chi bộ xét kết nạp",
	"quyết định kết nạp"};
#define N_STEPS 6

static int32_t step_day(const struct cand *c, int i)
{
	const int32_t d[N_STEPS] = {c->certificate, c->introduced, c->applied,
				    c->checked, c->considered, c->decided};
	return d[i];
}

int64_t lifecycle_candidate_step(struct registry *r, int64_t candidate_id,
				 const char *step, int32_t day, int64_t intro1,
				 int64_t intro2, const char *approval,
				 const struct op_meta *meta, struct strbuf *out,
				 struct hoso_error *err)
{
	static const char *const cols[] = {
		"certificate_on", "introduced_on", "applied_on",
		"checked_on", "considered_on", "decided_on"};
	struct rules rl;
	struct cand c;
	struct db_stmt *st;
	struct strbuf payload, sql;
	const struct lc_rule_set *rs;
	char b[11], p[11], dl[11];
	int s = -1;
	int64_t seq = -1;
	for (int i = 0; i < N_STEPS; i++)
		if (step && !strcmp(step, steps[i]))
			s = i;
	if (s < 0)
		return hoso_err(err, HOSO_EUSAGE,
				TR("bước không rõ \"%s\" (course, introducers, application, background, considered, decided)",
				   "unknown step \"%s\" (course, introducers, application, background, considered, decided)"),
				step ? step : "");
	if (day == DAY_MIN)
		return hoso_err(err, HOSO_EUSAGE, "%s",
				TR("thiếu ngày (--effective)",
				   "missing the day (--effective)"));
	strbuf_init(&payload, 1 << 14);
	strbuf_init(&sql, 256);
	memset(&rl, 0, sizeof(rl));
	if (db_begin(r->db, 1, err))
		goto out_nobegin;
	if (rules_load(r->db, &rl, err) ||
	    load_cand(r->db, candidate_id, &c, err))
		goto out;
	rs = at(&rl, day);
	if (c.member_id) {
		hoso_err(err, HOSO_EREJECT,
			 TR("quần chúng %lld đã được kết nạp (đảng viên %lld)",
			    "candidate %lld was already admitted (member %lld)"),
			 (long long)candidate_id, (long long)c.member_id);
		goto out;
	}
	/* steps come in order, each on or after the one before */
	if (s > 0 && step_day(&c, s - 1) == DAY_MIN) {
		hoso_err(err, HOSO_EREJECT,
			 TR("chưa có bước trước: %s", "the step before is missing: %s"),
			 TR(steps_vi[s - 1], steps[s - 1]));
		goto out;
	}
	if (s > 0 && day < step_day(&c, s - 1)) {
		hoso_err(err, HOSO_EREJECT,
			 TR("ngày %s trước bước trước (%s ngày %s)",
			    "%s is before the step before (%s on %s)"),
			 fmt(day, b), TR(steps_vi[s - 1], steps[s - 1]),
			 fmt(step_day(&c, s - 1), p));
		goto out;
	}
	if (s == 1) {
		if (!intro1 || !intro2 || intro1 == intro2) {
			hoso_err(err, HOSO_EREJECT, "%s",
				 TR("cần hai người giới thiệu khác nhau",
				    "two different introducers are needed"));
			goto out;
		}
		if (check_introducer(r->db, rs, intro1, c.org, day, err) ||
		    check_introducer(r->db, rs, intro2, c.org, day, err))
			goto out;
	}
	if (s == 4) {
		int age = lc_admission_age(rs, c.birth, day);
		if (age == 1 || (age == 2 && !approval)) {
			hoso_err(err, HOSO_EREJECT,
				 TR("tuổi đời không hợp lệ khi chi bộ xét ngày %s: phải từ đủ 18 tuổi đến đủ 60 tuổi%s (%d tháng tuổi); trên 60 tuổi cần cấp ủy trực thuộc Trung ương đồng ý (--approval) (%s)",
				    "age not allowed when the cell considers it on %s: from 18 full years to 60%s (%d months old); over 60 needs the provincial-level committee's approval (--approval) (%s)"),
				 fmt(day, b),
				 rs->age_by_months ? TR(" (tính theo tháng)",
							" (in months)")
						   : "",
				 full_months(c.birth, day), rs->source);
			goto out;
		}
	}
	if (s == 5) {
		const struct lc_rule_set *rc = at(&rl, c.considered);
		int32_t deadline = lc_add_working_days(&rl.cal, c.considered,
						       rc->decision_wd);
		if (day > deadline && !approval) {
			hoso_err(err, HOSO_EREJECT,
				 TR("quá hạn quyết định kết nạp: trong %d ngày làm việc kể từ nghị quyết của chi bộ (%s), tức chậm nhất ngày %s (%s)",
				    "admission decision overdue: within %d working days of the cell's resolution (%s), by %s (%s)"),
				 rc->decision_wd, fmt(c.considered, p),
				 fmt(deadline, dl), rc->source);
			goto out;
		}
	}
	strbuf_addf(&sql, "UPDATE lc_candidates SET %s = ?1%s%s WHERE id = ?2",
		    cols[s], s == 0 ? ", course_on = ?1" : "",
		    s == 1 ? ", introducer1 = ?3, introducer2 = ?4" : "");
	st = db_prepare(r->db, sql.buf, err);
	if (!st)
		goto out;
	db_bind_day(st, 1, day);
	db_bind_int(st, 2, candidate_id);
	if (s == 1) {
		db_bind_int(st, 3, intro1);
		db_bind_int(st, 4, intro2);
	}
	if (run(st, err))
		goto out;
	if (approval) {
		st = db_prepare(r->db,
				"UPDATE lc_candidates SET approval = ? WHERE id = ?",
				err);
		if (!st)
			goto out;
		bind_str(st, 1, approval);
		db_bind_int(st, 2, candidate_id);
		if (run(st, err))
			goto out;
	}
	strbuf_addf(&payload,
		    "{\"candidate_id\":%lld,\"step\":\"%s\",\"effective\":\"%s\"",
		    (long long)candidate_id, steps[s], fmt(day, b));
	if (s == 1)
		strbuf_addf(&payload, ",\"introducers\":[%lld,%lld]",
			    (long long)intro1, (long long)intro2);
	if (approval) {
		strbuf_adds(&payload, ",\"approval\":");
		strbuf_add_json_str(&payload, approval);
	}
	strbuf_addc(&payload, '}');
	if (registry_write_op(r->db, "candidate-step", day, payload.buf, meta, &seq,
		     err) ||
	    db_commit(r->db, err)) {
		seq = -1;
		goto out;
	}
	strbuf_addf(out, "{\"seq\":%lld,\"kind\":\"candidate-step\",%s",
		    (long long)seq, payload.buf + 1);
	goto done;
out:
	db_rollback(r->db);
	seq = -1;
done:
	rules_release(&rl);
out_nobegin:
	strbuf_release(&payload);
	strbuf_release(&sql);
	return seq;
}

int64_t lifecycle_admit(struct registry *r, int64_t candidate_id,
			int32_t day, const char *approval,
			const struct op_meta *meta, struct strbuf *out,
			struct hoso_error *err)
{
	struct rules rl;
	struct cand c;
	struct db_stmt *st;
	struct strbuf payload;
	const struct lc_rule_set *rc, *rd;
	char b[11], d[11], dl[11];
	int64_t seq = -1, member = 0;
	int32_t deadline;
	int ok;
	if (day == DAY_MIN)
		return hoso_err(err, HOSO_EUSAGE, "%s",
				TR("thiếu ngày lễ kết nạp (--effective)",
				   "missing the ceremony day (--effective)"));
	strbuf_init(&payload, 1 << 14);
	memset(&rl, 0, sizeof(rl));
	if (db_begin(r->db, 1, err))
		goto out_nobegin;
	if (rules_load(r->db, &rl, err) ||
	    load_cand(r->db, candidate_id, &c, err))
		goto out;
	if (c.member_id) {
		hoso_err(err, HOSO_EREJECT,
			 TR("quần chúng %lld đã được kết nạp (đảng viên %lld)",
			    "candidate %lld was already admitted (member %lld)"),
			 (long long)candidate_id, (long long)c.member_id);
		goto out;
	}
	for (int i = 0; i < N_STEPS; i++)
		if (step_day(&c, i) == DAY_MIN) {
			hoso_err(err, HOSO_EREJECT,
				 TR("chưa đủ thủ tục kết nạp: thiếu bước %s",
				    "admission incomplete: missing step %s"),
				 TR(steps_vi[i], steps[i]));
			goto out;
		}
	/* the age is checked again by the rules of the consideration day */
	rc = at(&rl, c.considered);
	if (lc_admission_age(rc, c.birth, c.considered) == 1 ||
	    (lc_admission_age(rc, c.birth, c.considered) == 2 && !c.approval[0] &&
	     !approval)) {
		hoso_err(err, HOSO_EREJECT,
			 TR("tuổi đời không hợp lệ khi chi bộ xét ngày %s (%s)",
			    "age not allowed on the consideration day %s (%s)"),
			 fmt(c.considered, b), rc->source);
		goto out;
	}
	rd = at(&rl, c.decided);
	deadline = lc_deadline(&rl.cal, c.decided, rd->ceremony_limit,
			       rd->ceremony_in_months);
	if (day < c.decided || (day > deadline && !approval)) {
		hoso_err(err, HOSO_EREJECT,
			 TR("lễ kết nạp ngày %s phải tổ chức trong %d %s kể từ quyết định kết nạp ngày %s, tức chậm nhất ngày %s; quá hạn phải được cấp ủy cấp trên trực tiếp đồng ý (--approval) (%s)",
			    "the ceremony on %s must be held within %d %s of the decision of %s, by %s; later needs the higher committee's consent (--approval) (%s)"),
			 fmt(day, b), rd->ceremony_limit,
			 rd->ceremony_in_months
				 ? TR("tháng", "months")
				 : TR("ngày làm việc", "working days"),
			 fmt(c.decided, d), fmt(deadline, dl), rd->source);
		goto out;
	}
	ok = lc_cell_alive(r->db, c.org, day, err);
	if (ok <= 0) {
		if (!ok)
			hoso_err(err, HOSO_EREJECT,
				 TR("chi bộ %d không hoạt động vào ngày %s",
				    "cell %d is not alive on %s"),
				 c.org, fmt(day, b));
		goto out;
	}
	st = db_prepare(r->db,
			"INSERT INTO members(card_no, full_name, sex, birth_date,"
			" ethnicity, religion, hometown, education, expertise,"
			" theory_level, admitted_on, official_on, status,"
			" ended_on, org_id) SELECT NULL, full_name, sex,"
			" birth_date, ethnicity, religion, hometown, education,"
			" expertise, theory_level, ?, NULL, 'probationary', NULL,"
			" org_id FROM lc_candidates WHERE id = ?",
			err);
	if (!st)
		goto out;
	db_bind_day(st, 1, day);
	db_bind_int(st, 2, candidate_id);
	if (run(st, err))
		goto out;
	member = db_last_insert_id(r->db);
	st = db_prepare(r->db,
			"INSERT INTO placements(member_id, org_id, valid_from,"
			" valid_to) VALUES (?, ?, ?, NULL)",
			err);
	if (!st)
		goto out;
	db_bind_int(st, 1, member);
	db_bind_int(st, 2, c.org);
	db_bind_day(st, 3, day);
	if (run(st, err))
		goto out;
	st = db_prepare(r->db,
			"INSERT INTO lc_member_info(member_id, decided_on,"
			" probation_from, readmitted) VALUES (?, ?, ?, 0)",
			err);
	if (!st)
		goto out;
	db_bind_int(st, 1, member);
	db_bind_day(st, 2, c.decided);
	db_bind_day(st, 3, day);
	if (run(st, err))
		goto out;
	st = db_prepare(r->db,
			"UPDATE lc_candidates SET member_id = ?, admitted_on = ?"
			" WHERE id = ?",
			err);
	if (!st)
		goto out;
	db_bind_int(st, 1, member);
	db_bind_day(st, 2, day);
	db_bind_int(st, 3, candidate_id);
	if (run(st, err))
		goto out;
	strbuf_addf(&payload,
		    "{\"member_id\":%lld,\"candidate_id\":%lld,\"org_id\":%d,"
		    "\"effective\":\"%s\",\"decided_on\":\"%s\","
		    "\"probation_ends\":\"%s\"",
		    (long long)member, (long long)candidate_id, c.org,
		    fmt(day, b), fmt(c.decided, d),
		    fmt(lc_add_months(day, at(&rl, day)->probation_months), dl));
	if (approval) {
		strbuf_adds(&payload, ",\"approval\":");
		strbuf_add_json_str(&payload, approval);
	}
	strbuf_addc(&payload, '}');
	if (registry_write_op(r->db, "admit", day, payload.buf, meta, &seq, err))
		goto out;
	st = db_prepare(r->db,
			"INSERT INTO lc_events(member_id, seq, kind, effective_on,"
			" status_after, detail) VALUES (?, ?, 'admitted', ?,"
			" 'probationary', ?)",
			err);
	if (!st)
		goto out;
	db_bind_int(st, 1, member);
	db_bind_int(st, 2, seq);
	db_bind_day(st, 3, day);
	bind_str(st, 4, approval);
	if (run(st, err))
		goto out;
	/* before the admission the member had no rows: undo removes them */
	st = db_prepare(r->db,
			"INSERT INTO lc_snapshots(seq, member_id, kind,"
			" candidate_id, state_before) VALUES (?, ?, 'admit', ?, '{}')",
			err);
	if (!st)
		goto out;
	db_bind_int(st, 1, seq);
	db_bind_int(st, 2, member);
	db_bind_int(st, 3, candidate_id);
	if (run(st, err) || db_commit(r->db, err))
		goto out;
	if (r->ix) {
		struct index_member m = {0};
		struct index_placement pl = {(int32_t)member, c.org, day,
					     DAY_MAX};
		char *name = NULL;
		st = db_prepare(r->db,
				"SELECT full_name, ethnicity = 'Kinh',"
				" religion IS NOT NULL, theory_level, expertise,"
				" sex FROM members WHERE id = ?",
				err);
		if (st) {
			db_bind_int(st, 1, member);
			if (db_step(st, err) == 1) {
				size_t len;
				const char *s = db_column_text(st, 0, &len);
				int k;
				name = xstrndup(s, len);
				m.kinh = (uint8_t)db_column_int(st, 1);
				m.religion = (uint8_t)db_column_int(st, 2);
				s = db_column_text(st, 3, &len);
				k = s ? enum_lookup(theory_names, TH_COUNT, s, len) : 0;
				m.theory = (uint8_t)(k < 0 ? 0 : k);
				s = db_column_text(st, 4, &len);
				k = s ? enum_lookup(expertise_names, EXP_COUNT, s, len) : 0;
				m.expertise = (uint8_t)(k < 0 ? 0 : k);
				s = db_column_text(st, 5, &len);
				m.sex = s && s[0] == 'F' ? SEX_F : SEX_M;
			}
			db_finalize(st);
		}
		m.id = (int32_t)member;
		m.birth = c.birth;
		m.admitted = day;
		m.official = DAY_MAX;
		m.ended = DAY_MAX;
		m.status = ST_PROBATIONARY;
		m.full_name = name ? name : "";
		index_put_member(r->ix, &m, &pl, 1);
		free(name);
	}
	strbuf_addf(out, "{\"seq\":%lld,\"kind\":\"admit\",%s",
		    (long long)seq, payload.buf + 1);
	goto done;
out:
	db_rollback(r->db);
	seq = -1;
done:
	rules_release(&rl);
out_nobegin:
	strbuf_release(&payload);
	return seq;
}
