/* party_demo: fills a realistic year of party work into an existing store
 * (`hoso party-demo`, called by the demo script after the import): monthly
 * meetings of every cell with attendance, two years of rankings, one
 * conference with presentations and recommendations, two directives with
 * partial implementation, and the cadres of the committees. Every change
 * is an operation, as when entered by hand. */
#include <stdlib.h>
#include <string.h>

#include "model/party_int.h"
#include "model/reflist.h"
#include "core/banned.h"

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	/* xorshift64*: reproducible for a given --seed */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 33) % n;
}

/* Runs another action with args (stolen), inside the demo; its answer is
 * parsed into *answer when asked. */
static int demo_call(struct party_ctx *c, int (*fn)(struct party_ctx *),
		     json_t *args, json_t **answer)
{
	struct party_ctx sub = *c;
	struct strbuf out;
	int rc;

	strbuf_init(&out, 64 * 1024 * 1024);
	sub.args = args;
	sub.out = &out;
	rc = fn(&sub);
	if (!rc && answer)
		*answer = json_loads(out.buf ? out.buf : "null", 0, NULL);
	strbuf_release(&out);
	json_decref(args);
	return rc;
}

/* Members active and placed in cell on day. */
static int members_of(struct party_ctx *c, struct db_stmt *st, int32_t cell,
		      int32_t day, int32_t **ids, size_t *n, size_t *alloc)
{
	int step;

	*n = 0;
	db_reset(st);
	db_bind_int(st, 1, cell);
	for (int i = 2; i <= 5; i++)
		db_bind_day(st, i, day);
	while ((step = db_step(st, c->err)) == 1) {
		ALLOC_GROW(*ids, *n + 1, *alloc);
		(*ids)[(*n)++] = (int32_t)db_column_int(st, 0);
	}
	return step < 0 ? -1 : 0;
}

static const char *const topics[] = {
	"Học tập, quán triệt nghị quyết của cấp trên",
	"Kiểm điểm việc thực hiện nhiệm vụ chính trị tháng",
	"Công tác phát triển đảng viên",
	"Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
	"Phòng, chống tham nhũng, lãng phí",
	"Chuyển đổi số trong cơ quan",
};

static int demo_meetings(struct party_ctx *c, int year, const int32_t *orgs,
			 size_t n, int64_t *n_meetings, int64_t *n_att)
{
	struct db_stmt *mem = NULL, *ins = NULL, *att = NULL;
	int32_t *ids = NULL;
	size_t nids = 0, alloc = 0;
	json_t *saved = c->args;
	int rc = -1;

	mem = db_prepare(c->r->db,
			 "SELECT p.member_id FROM placements p"
			 " JOIN members m ON m.id = p.member_id"
			 " WHERE p.org_id = ? AND p.valid_from <= ?"
			 " AND (p.valid_to IS NULL OR p.valid_to > ?)"
			 " AND m.admitted_on <= ? AND (m.ended_on IS NULL OR"
			 " m.ended_on > ?) ORDER BY p.member_id",
			 c->err);
	ins = db_prepare(c->r->db,
			 "INSERT INTO party_meetings(org_id, held_on, month, kind,"
			 " thematic_part, duration, short_, topics, minutes,"
			 " minutes_file, n_present, n_excused, n_absent, seq)"
			 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
			 c->err);
	att = db_prepare(c->r->db,
			 "INSERT INTO party_attendance(meeting_id, member_id,"
			 " held_on, status) VALUES (?, ?, ?, ?)",
			 c->err);
	if (!mem || !ins || !att)
		goto out;
	for (size_t i = 0; i < n; i++) {
		int thematic_month = (int)(orgs[i] % 3);
		for (int m = 1; m <= 12; m++) {
			int32_t day = day_from_ymd(year, m, 5 + (int)rnd(20));
			const struct index_org_version *v =
				index_org_on(c->ix, orgs[i], day);
			const struct party_rules *rules = party_rules_on(day);
			int thematic, dur, cnt[3] = {0, 0, 0}, minimum;
			int64_t seq, mid;
			char month[8];
			if (day > c->today || !v ||
			    !org_kind_holds_members(v->kind) || rnd(100) < 3)
				continue;
			if (members_of(c, mem, orgs[i], day, &ids, &nids, &alloc))
				goto out;
			if (!nids)
				continue;
			thematic = (m - 1) % 3 == thematic_month && rnd(100) >= 5;
			minimum = thematic ? rules->min_minutes_thematic
					   : rules->min_minutes;
			dur = rnd(100) < 4 ? 60 + (int)rnd(25)
					   : minimum + (int)rnd(60);
			c->args = json_pack("{s:b,s:i,s:s,s:i}", "demo", 1, "org",
					    orgs[i], "kind",
					    thematic ? "thematic" : "regular",
					    "duration", dur);
			if (party_write_op(c, "party.meeting", day, &seq)) {
				json_decref(c->args);
				goto out;
			}
			json_decref(c->args);
			c->args = saved;
			party_month_format(party_month_of(day), month);
			db_reset(ins);
			db_bind_int(ins, 1, orgs[i]);
			db_bind_day(ins, 2, day);
			party_bind_str(ins, 3, month);
			party_bind_str(ins, 4, thematic ? "thematic" : "regular");
			db_bind_int(ins, 5, thematic);
			db_bind_int(ins, 6, dur);
			db_bind_int(ins, 7, dur < minimum);
			party_bind_str(ins, 8, topics[rnd(6)]);
			party_bind_str(ins, 9,
				       "Biên bản sinh hoạt chi bộ (dữ liệu mẫu)");
			/* counts filled after the attendance: bind later */
			for (size_t k = 0; k < nids; k++) {
				/* a few chronic absentees make striking-off
				 * candidates */
				uint32_t r = rnd(100);
				int s = ids[k] % 97 == 0 ? (r < 45 ? 2 : 0)
					: r < 90 ? 0 : r < 97 ? 1 : 2;
				cnt[s]++;
			}
			db_bind_int(ins, 10, cnt[0]);
			db_bind_int(ins, 11, cnt[1]);
			db_bind_int(ins, 12, cnt[2]);
			db_bind_int(ins, 13, seq);
			if (db_step(ins, c->err) < 0)
				goto out;
			mid = db_last_insert_id(c->r->db);
			(*n_meetings)++;
			/* replay the same statuses: re-derive from counts in
			 * member order (present first, then excused, absent
			 * for the chronic ones) */
			for (size_t k = 0; k < nids; k++) {
				int s;
				if (ids[k] % 97 == 0 && cnt[2]) {
					s = 2;
					cnt[2]--;
				} else if (cnt[1] && k % 5 == 4) {
					s = 1;
					cnt[1]--;
				} else if (cnt[0]) {
					s = 0;
					cnt[0]--;
				} else if (cnt[1]) {
					s = 1;
					cnt[1]--;
				} else {
					s = 2;
					cnt[2]--;
				}
				db_reset(att);
				db_bind_int(att, 1, mid);
				db_bind_int(att, 2, ids[k]);
				db_bind_day(att, 3, day);
				party_bind_str(att, 4,
					       s == 0   ? "present"
					       : s == 1 ? "excused"
							: "absent");
				if (db_step(att, c->err) < 0)
					goto out;
				(*n_att)++;
			}
		}
	}
	rc = 0;
out:
	c->args = saved;
	db_finalize(mem);
	db_finalize(ins);
	db_finalize(att);
	free(ids);
	return rc;
}

static int pick_level(void)
{
	uint32_t r = rnd(100);
	return r < 10 ? PARTY_EXCELLENT : r < 70 ? PARTY_GOOD
			: r < 96 ? PARTY_DONE : PARTY_FAILED;
}

static int score_for(int level)
{
	static const int lo[] = {90, 70, 50, 30}, span[] = {11, 20, 20, 20};
	return lo[level] + (int)rnd((uint32_t)span[level]);
}

static int demo_rankings(struct party_ctx *c, int year, int32_t day,
			 const int32_t *orgs, size_t n, int64_t *count)
{
	struct db_stmt *mem = NULL, *ins = NULL;
	int32_t *ids = NULL;
	size_t nids = 0, alloc = 0;
	const struct party_rules *rules = party_rules_on(day);
	json_t *saved = c->args;
	int rc = -1;

	mem = db_prepare(c->r->db,
			 "SELECT p.member_id FROM placements p"
			 " JOIN members m ON m.id = p.member_id"
			 " WHERE p.org_id = ? AND p.valid_from <= ?"
			 " AND (p.valid_to IS NULL OR p.valid_to > ?)"
			 " AND m.admitted_on <= ? AND (m.ended_on IS NULL OR"
			 " m.ended_on > ?) ORDER BY p.member_id",
			 c->err);
	ins = db_prepare(c->r->db,
			 "INSERT INTO party_rankings(subject, subject_id, year,"
			 " ranked_on, level, score, org_id, grassroots_id, note,"
			 " seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)"
			 " ON CONFLICT (subject, subject_id, year) DO NOTHING",
			 c->err);
	if (!mem || !ins)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct index_org_version *v = index_org_on(c->ix, orgs[i],
								 day);
		int32_t g;
		size_t k;
		if (!v || v->kind == KIND_PARTY)
			continue;
		g = party_grassroots_of(c->ix, orgs[i], day);
		nids = 0;
		if (org_kind_holds_members(v->kind) &&
		    members_of(c, mem, orgs[i], day, &ids, &nids, &alloc))
			goto out;
		/* the members of a cell, then the cell itself (k == nids) */
		for (k = 0; k <= nids; k++) {
			int level = pick_level(), score = score_for(level);
			int is_org = k == nids;
			int64_t seq;
			if (is_org && v->kind != KIND_CELL &&
			    !org_kind_is_grassroots(v->kind))
				continue;
			c->args = json_pack("{s:b,s:s,s:i,s:i,s:s}", "demo", 1,
					    "subject", is_org ? "org" : "member",
					    "id", is_org ? orgs[i] : ids[k],
					    "year", year, "level",
					    party_level_names[level]);
			if (party_write_op(c, "party.ranking", day, &seq)) {
				json_decref(c->args);
				goto out;
			}
			json_decref(c->args);
			c->args = saved;
			db_reset(ins);
			party_bind_str(ins, 1, is_org ? "org" : "member");
			db_bind_int(ins, 2, is_org ? orgs[i] : ids[k]);
			db_bind_int(ins, 3, year);
			db_bind_day(ins, 4, day);
			party_bind_str(ins, 5, party_level_names[level]);
			if (rules->scored)
				db_bind_int(ins, 6, score);
			else
				db_bind_null(ins, 6);
			db_bind_int(ins, 7, orgs[i]);
			db_bind_int(ins, 8, g);
			db_bind_int(ins, 9, seq);
			if (db_step(ins, c->err) < 0)
				goto out;
			(*count)++;
		}
	}
	rc = 0;
out:
	c->args = saved;
	db_finalize(mem);
	db_finalize(ins);
	free(ids);
	return rc;
}

static int32_t clamp_day(struct party_ctx *c, int32_t d)
{
	return d > c->today ? c->today : d;
}

static json_t *day_str(int32_t d)
{
	return party_json_day(d);
}

/* The conference of the first unit under the root with grassroots under
 * it: presentations and recommendations, some consolidated, forwarded and
 * answered. */
static int demo_conference(struct party_ctx *c, int year, int32_t root,
			   int32_t bloc, const int32_t *grass, size_t ng,
			   json_t *summary)
{
	int32_t day = clamp_day(c, day_from_ymd(year, 10, 15));
	json_t *ans = NULL;
	int64_t conf, recs[6];
	static const char *const rec_topics[] = {
		"Công tác cán bộ", "Chế độ, chính sách", "Tổ chức bộ máy"};
	static const char *const rec_texts[] = {
		"Đề nghị sớm ban hành hướng dẫn sắp xếp chi bộ sau hợp nhất",
		"Đề nghị bổ sung kinh phí hoạt động cho chi bộ",
		"Đề nghị hướng dẫn chế độ phụ cấp cấp ủy viên cơ sở",
		"Đề nghị tăng cường tập huấn nghiệp vụ công tác đảng viên",
		"Đề nghị số hóa hồ sơ đảng viên",
		"Đề nghị rút gọn thủ tục chuyển sinh hoạt đảng",
	};
	size_t nr = ng < 6 ? ng : 6;

	if (demo_call(c, party_conference_add,
		      json_pack("{s:i,s:o,s:s,s:s,s:i}", "org", bloc, "date",
				day_str(day), "title",
				"Hội nghị sơ kết công tác xây dựng Đảng",
				"agenda",
				"1. Báo cáo sơ kết; 2. Tham luận; 3. Kiến nghị; 4. Bế mạc",
				"delegates", 150),
		      &ans))
		return -1;
	conf = json_integer_value(json_object_get(ans, "id"));
	json_decref(ans);
	for (size_t i = 0; i < ng && i < 5; i++)
		if (demo_call(c, party_presentation_add,
			      json_pack("{s:i,s:I,s:s,s:s,s:i}", "org", bloc,
					"conference", (json_int_t)conf, "title",
					i % 2 ? "Kinh nghiệm sinh hoạt chuyên đề"
					      : "Nâng cao chất lượng sinh hoạt chi bộ",
					"author", i % 2 ? "Trần Thị Lan" : "Nguyễn Văn Hùng",
					"unit", grass[i]),
			      NULL))
			return -1;
	for (size_t i = 0; i < nr; i++) {
		ans = NULL;
		if (demo_call(c, party_rec_add,
			      json_pack("{s:i,s:i,s:s,s:s,s:o,s:I}", "org",
					grass[i], "to", bloc, "topic",
					rec_topics[i % 3], "text", rec_texts[i],
					"date", day_str(day), "conference",
					(json_int_t)conf),
			      &ans))
			return -1;
		recs[i] = json_integer_value(json_object_get(ans, "id"));
		json_decref(ans);
	}
	if (nr >= 3) {
		char ids[64];
		snprintf(ids, sizeof(ids), "%lld,%lld", (long long)recs[0],
			 (long long)recs[1]);
		if (demo_call(c, party_rec_consolidate,
			      json_pack("{s:i,s:s,s:s,s:s,s:i,s:o}", "org", bloc,
					"ids", ids, "topic", rec_topics[0],
					"text",
					"Tổng hợp: đề nghị hướng dẫn sắp xếp chi bộ và bổ sung kinh phí",
					"to", root, "date",
					day_str(clamp_day(c, day + 10))),
			      NULL) ||
		    demo_call(c, party_rec_answer,
			      json_pack("{s:i,s:I,s:s,s:o}", "org", bloc, "id",
					(json_int_t)recs[2], "answer",
					"Đã đưa vào kế hoạch tập huấn quý I",
					"date", day_str(clamp_day(c, day + 20))),
			      NULL))
			return -1;
	}
	if (nr >= 4 &&
	    demo_call(c, party_rec_forward,
		      json_pack("{s:i,s:I,s:i,s:o}", "org", bloc, "id",
				(json_int_t)recs[3], "to", root, "date",
				day_str(clamp_day(c, day + 10))),
		      NULL))
		return -1;
	json_object_set_new(summary, "conference", json_integer(conf));
	json_object_set_new(summary, "recommendations", json_integer((json_int_t)nr + (nr >= 3)));
	return 0;
}

static int demo_directives(struct party_ctx *c, int year, int32_t root,
			   int32_t bloc, json_t *summary)
{
	static const struct {
		const char *number, *kind, *title;
		int y, m, d;
		int am, dm; /* months assigned, deadline */
	} docs[] = {
		{"18-NQ/TW", "resolution",
		 "Một số vấn đề về tiếp tục đổi mới, sắp xếp tổ chức bộ máy của hệ thống chính trị tinh gọn, hoạt động hiệu lực, hiệu quả",
		 2017, 10, 25, 3, 6},
		{"293-QĐ/TW", "regulation",
		 "Quy định về công tác quản lý đảng viên và sinh hoạt chi bộ (dữ liệu mẫu)",
		 2025, 5, 8, 9, 11},
	};
	int64_t reports = 0;

	for (size_t i = 0; i < 2; i++) {
		json_t *ans = NULL, *st = NULL, *late;
		int32_t issued = day_from_ymd(docs[i].y, docs[i].m, docs[i].d);
		int32_t assigned = clamp_day(c, day_from_ymd(year, docs[i].am, 1));
		int32_t deadline = day_from_ymd(year, docs[i].dm, 28);
		int64_t id;
		if (issued > assigned)
			issued = assigned;
		if (demo_call(c, party_directive_add,
			      json_pack("{s:i,s:s,s:s,s:o,s:s,s:s}", "org", root,
					"number", docs[i].number, "kind",
					docs[i].kind, "date", day_str(issued),
					"title", docs[i].title, "file",
					"van-ban/sample.pdf"),
			      &ans))
			return -1;
		id = json_integer_value(json_object_get(ans, "id"));
		json_decref(ans);
		if (demo_call(c, party_directive_assign,
			      json_pack("{s:i,s:I,s:i,s:o,s:o,s:s}", "org", root,
					"directive", (json_int_t)id, "to", bloc,
					"date", day_str(assigned), "deadline",
					day_str(deadline), "levels",
					"grassroots"),
			      NULL))
			return -1;
		/* the status on the deadline lists the units due: some report
		 * in time, some late, the rest not yet */
		if (demo_call(c, party_directive_status,
			      json_pack("{s:i,s:I,s:o}", "org", bloc,
					"directive", (json_int_t)id, "on",
					day_str(clamp_day(c, deadline + 1))),
			      &st))
			return -1;
		late = json_object_get(st, "late_units");
		for (size_t k = 0; k < json_array_size(late); k++) {
			json_t *o = json_object_get(json_array_get(late, k), "org");
			int32_t org = (int32_t)json_integer_value(
				json_object_get(o, "id"));
			uint32_t r = rnd(100);
			int32_t day;
			if (r >= (uint32_t)(70 - 20 * (int)i))
				continue;
			day = r < 50 ? assigned + (int32_t)rnd((uint32_t)(deadline - assigned))
				     : deadline + 1 + (int32_t)rnd(20);
			if (day > c->today)
				continue;
			if (demo_call(c, party_directive_report,
				      json_pack("{s:i,s:I,s:o,s:s,s:s}", "org",
						org, "directive", (json_int_t)id,
						"date", day_str(day), "summary",
						"Đã tổ chức quán triệt, xây dựng kế hoạch thực hiện",
						"status", r % 3 ? "done" : "in_progress"),
				      NULL))
				continue; /* e.g. the unit did not exist yet
					   * on that day: no report */
			reports++;
		}
		json_decref(st);
	}
	json_object_set_new(summary, "directives", json_integer(2));
	json_object_set_new(summary, "directive_reports", json_integer(reports));
	return 0;
}

static int demo_cadres(struct party_ctx *c, int year, const int32_t *orgs,
		       size_t n, json_t *summary)
{
	static const char *const posts[] = {
		"Trưởng ban Tổ chức", "Phó Trưởng ban Tổ chức",
		"Chuyên viên Ban Tổ chức", "Chánh Văn phòng",
		"Chuyên viên Văn phòng", "Chủ nhiệm Ủy ban Kiểm tra",
		"Chuyên viên Ban Tuyên giáo"};
	static const char *const family[] = {"Nguyễn", "Trần", "Lê", "Phạm",
					     "Hoàng", "Vũ"};
	static const char *const given[] = {"Văn Hùng", "Thị Lan", "Minh Tuấn",
					    "Thị Hạnh", "Quốc Bảo", "Thu Trang"};
	int32_t from = day_from_ymd(year - 3, 1, 1);
	int64_t count = 0;

	for (size_t i = 0; i < n; i++) {
		const struct index_org_version *v = index_org_on(c->ix, orgs[i],
								 c->today);
		int k;
		if (!v || (v->kind != KIND_PARTY && v->kind != KIND_PROVINCE &&
			   v->kind != KIND_BLOC && v->kind != KIND_UPPER))
			continue;
		if (!index_org_on(c->ix, orgs[i], from))
			continue;
		k = 3 + (int)rnd(6);
		for (int j = 0; j < k; j++) {
			char name[128];
			snprintf(name, sizeof(name), "%s %s", family[rnd(6)],
				 given[rnd(6)]);
			if (demo_call(c, party_cadre_add,
				      json_pack("{s:i,s:s,s:s,s:o}", "org",
						orgs[i], "name", name, "post",
						posts[j % 7], "from",
						day_str(from)),
				      NULL))
				return -1;
			count++;
		}
	}
	json_object_set_new(summary, "cadres", json_integer(count));
	return 0;
}

int party_demo(struct party_ctx *c)
{
	int64_t year = 2025, seed = 1, n_meetings = 0, n_att = 0, n_rank = 0;
	int64_t permille = 1000;
	int32_t end, root, bloc = 0, *orgs = NULL, *grass = NULL, *work = NULL;
	size_t n, nw = 0, ng = 0, galloc = 0;
	json_t *summary = NULL;
	int rc = -1;

	if (party_arg_int(c, "year", 0, 2000, 9999, &year) ||
	    party_arg_int(c, "seed", 0, 1, INT32_MAX, &seed) ||
	    party_arg_int(c, "permille", 0, 1, 1000, &permille))
		return -1;
	rng_state = (uint64_t)seed * 0x9E3779B97F4A7C15ULL + 1;
	end = clamp_day(c, day_from_ymd((int)year, 12, 31));
	root = index_root_on(c->ix, end);
	if (!root)
		return hoso_err(c->err, HOSO_ENOTFOUND, "%s",
				TR("kho chưa có cây tổ chức (hãy import trước)",
				   "the store has no organisation tree (import first)"));
	n = party_subtree(c->ix, root, end, &orgs);
	/* the first unit under the root that has grassroots organisations
	 * holds the conference and receives the directives */
	for (size_t i = 1; i < n; i++) {
		const struct index_org_version *v = index_org_on(c->ix, orgs[i],
								 end);
		if (!v || !org_kind_is_grassroots(v->kind))
			continue;
		if (!bloc) {
			int32_t ch = party_child_toward(c->ix, root, orgs[i], end);
			if (ch != orgs[i])
				bloc = ch;
		}
		if (bloc && party_child_toward(c->ix, bloc, orgs[i], end) &&
		    ng < 8) {
			ALLOC_GROW(grass, ng + 1, galloc);
			grass[ng++] = orgs[i];
		}
	}
	/* permille < 1000 fills that share of the cells only (spread by a
	 * hash of the id over the whole tree): bench/party.py measures the
	 * national shape at a reduced volume the same way */
	work = xcalloc(n ? n : 1, sizeof(*work));
	for (size_t i = 0; i < n; i++) {
		const struct index_org_version *v = index_org_on(c->ix, orgs[i],
								 end);
		if (permille < 1000 && v && org_kind_holds_members(v->kind) &&
		    ((uint32_t)orgs[i] * 2654435761u >> 8) % 1000 >=
			    (uint32_t)permille)
			continue;
		work[nw++] = orgs[i];
	}
	if (party_begin(c))
		goto out;
	if (demo_meetings(c, (int)year, work, nw, &n_meetings, &n_att) ||
	    demo_rankings(c, (int)year - 1,
			  day_from_ymd((int)year - 1, 12, 20), work, nw,
			  &n_rank) ||
	    demo_rankings(c, (int)year,
			  clamp_day(c, day_from_ymd((int)year, 12, 20)), work,
			  nw, &n_rank) ||
	    /* rows written in bulk: their summaries from a recomputation */
	    party_sum_rebuild_year(c->r->db, year - 1, c->err) ||
	    party_sum_rebuild_year(c->r->db, year, c->err)) {
		party_rollback(c);
		goto out;
	}
	if (party_commit(c))
		goto out;
	summary = json_pack("{s:I,s:I,s:I,s:I}", "year", (json_int_t)year,
			    "meetings", (json_int_t)n_meetings, "attendance",
			    (json_int_t)n_att, "rankings", (json_int_t)n_rank);
	if (bloc && ng &&
	    (demo_conference(c, (int)year, root, bloc, grass, ng, summary) ||
	     demo_directives(c, (int)year, root, bloc, summary)))
		goto out;
	if (demo_cadres(c, (int)year, orgs, n, summary))
		goto out;
	rc = party_reply(c, summary);
	summary = NULL;
out:
	json_decref(summary);
	free(orgs);
	free(work);
	free(grass);
	return rc;
}
