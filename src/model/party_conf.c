/* party_conf: conferences and congresses, their presentations, and the
 * recommendations units send up: submitted, consolidated into one at the
 * level that receives them, forwarded further up, answered, closed. Every
 * step is an event with its day, so the open ones are known as of a day. */
#include <stdlib.h>
#include <string.h>

#include "model/party_int.h"
#include "model/reflist.h"
#include "core/banned.h"

enum rec_status { REC_SUBMITTED = 0, REC_CONSOLIDATED, REC_FORWARDED,
		  REC_ANSWERED, REC_CLOSED, REC_COUNT };
static const char *const rec_status_names[REC_COUNT] = {
	"submitted", "consolidated", "forwarded", "answered", "closed"};

static int rec_event(struct party_ctx *c, int64_t rec, int32_t day,
		     int status, int32_t org, int64_t seq)
{
	struct db_stmt *st = db_prepare(
		c->r->db,
		"INSERT INTO party_rec_events(rec_id, day, status, org_id, seq)"
		" VALUES (?, ?, ?, ?, ?)",
		c->err);
	if (!st)
		return -1;
	db_bind_int(st, 1, rec);
	db_bind_day(st, 2, day);
	party_bind_str(st, 3, rec_status_names[status]);
	db_bind_int(st, 4, org);
	db_bind_int(st, 5, seq);
	return party_exec(st, c->err);
}

/* ---- conferences ---- */

int party_conference_add(struct party_ctx *c)
{
	int32_t day = 0, org = 0;
	int64_t delegates = 0, seq = 0, id;
	const char *title = NULL, *agenda = NULL;
	struct db_stmt *st;
	int rc;

	if (party_arg_day(c, "date", 1, &day) ||
	    party_arg_org(c, "org", 1, day, &org) ||
	    party_arg_str(c, "title", 1, &title) ||
	    party_arg_str(c, "agenda", 0, &agenda) ||
	    party_arg_int(c, "delegates", 0, 1, 100000, &delegates))
		return -1;
	if (party_begin(c))
		return -1;
	if (party_write_op(c, "party.conference", day, &seq))
		goto fail;
	st = db_prepare(c->r->db,
			"INSERT INTO party_conferences(org_id, held_on, title,"
			" agenda, delegates, seq) VALUES (?, ?, ?, ?, ?, ?)",
			c->err);
	if (!st)
		goto fail;
	db_bind_int(st, 1, org);
	db_bind_day(st, 2, day);
	party_bind_str(st, 3, title);
	party_bind_str(st, 4, agenda);
	if (delegates)
		db_bind_int(st, 5, delegates);
	else
		db_bind_null(st, 5);
	db_bind_int(st, 6, seq);
	if (party_exec(st, c->err))
		goto fail;
	id = db_last_insert_id(c->r->db);
	if (party_commit(c))
		return -1;
	rc = party_reply(c, json_pack("{s:I,s:I,s:i,s:o,s:s}", "seq",
				      (json_int_t)seq, "id", (json_int_t)id,
				      "org", org, "date", party_json_day(day),
				      "title", title));
	return rc;
fail:
	party_rollback(c);
	return -1;
}

/* The day of conference id held by org; 0 with err when it is not org's. */
static int32_t conference_day(struct party_ctx *c, int64_t id, int32_t org)
{
	struct db_stmt *st = db_prepare(
		c->r->db,
		"SELECT held_on, org_id FROM party_conferences WHERE id = ?",
		c->err);
	int32_t day = 0;
	int step;

	if (!st)
		return 0;
	db_bind_int(st, 1, id);
	step = db_step(st, c->err);
	if (step == 1 && (!org || db_column_int(st, 1) == org))
		day = party_col_day(st, 0, 0);
	db_finalize(st);
	if (step >= 0 && !day)
		hoso_err(c->err, HOSO_ENOTFOUND,
			 TR("không tìm thấy hội nghị %lld của tổ chức %d",
			    "conference %lld of organisation %d not found"),
			 (long long)id, org);
	return day;
}

int party_presentation_add(struct party_ctx *c)
{
	int64_t conf = 0, seq = 0, id;
	int32_t org = 0, unit = 0, day;
	const char *title = NULL, *author = NULL;
	struct db_stmt *st;

	if (party_arg_org(c, "org", 1, c->today, &org) ||
	    party_arg_int(c, "conference", 1, 1, ID_MAX, &conf) ||
	    party_arg_str(c, "title", 1, &title) ||
	    party_arg_str(c, "author", 1, &author))
		return -1;
	day = conference_day(c, conf, org);
	if (!day || party_arg_org(c, "unit", 0, day, &unit))
		return -1;
	if (party_begin(c))
		return -1;
	if (party_write_op(c, "party.presentation", day, &seq))
		goto fail;
	st = db_prepare(c->r->db,
			"INSERT INTO party_presentations(conference_id, title,"
			" author, unit_id, seq) VALUES (?, ?, ?, ?, ?)",
			c->err);
	if (!st)
		goto fail;
	db_bind_int(st, 1, conf);
	party_bind_str(st, 2, title);
	party_bind_str(st, 3, author);
	if (unit)
		db_bind_int(st, 4, unit);
	else
		db_bind_null(st, 4);
	db_bind_int(st, 5, seq);
	if (party_exec(st, c->err))
		goto fail;
	id = db_last_insert_id(c->r->db);
	if (party_commit(c))
		return -1;
	return party_reply(c, json_pack("{s:I,s:I,s:I,s:s,s:s,s:o}", "seq",
					(json_int_t)seq, "id", (json_int_t)id,
					"conference", (json_int_t)conf, "title",
					title, "author", author, "unit",
					unit ? party_org_brief(c->ix, unit, day)
					     : json_null()));
fail:
	party_rollback(c);
	return -1;
}

int party_conference_list(struct party_ctx *c)
{
	int32_t org = 0;
	struct db_stmt *st = NULL, *pst = NULL;
	json_t *arr = NULL;
	int rc = -1, step, pstep;

	if (party_arg_org(c, "org", 1, c->today, &org))
		return -1;
	st = db_prepare(c->r->db,
			"SELECT id, held_on, title, agenda, delegates,"
			" (SELECT count(*) FROM party_recommendations r"
			"  WHERE r.conference_id = party_conferences.id)"
			" FROM party_conferences WHERE org_id = ?"
			" ORDER BY held_on, id",
			c->err);
	pst = db_prepare(c->r->db,
			 "SELECT id, title, author, unit_id FROM"
			 " party_presentations WHERE conference_id = ?"
			 " ORDER BY id",
			 c->err);
	if (!st || !pst)
		goto out;
	db_bind_int(st, 1, org);
	arr = json_array();
	while ((step = db_step(st, c->err)) == 1) {
		int32_t day = party_col_day(st, 1, c->today);
		json_t *pres = json_array();
		db_reset(pst);
		db_bind_int(pst, 1, db_column_int(st, 0));
		while ((pstep = db_step(pst, c->err)) == 1)
			json_array_append_new(
				pres,
				json_pack("{s:I,s:o,s:o,s:o}", "id",
					  (json_int_t)db_column_int(pst, 0),
					  "title", party_col_json_text(pst, 1),
					  "author", party_col_json_text(pst, 2),
					  "unit",
					  db_column_is_null(pst, 3)
						  ? json_null()
						  : party_org_brief(
							    c->ix,
							    (int32_t)db_column_int(
								    pst, 3),
							    day)));
		json_array_append_new(
			arr,
			json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:I}", "id",
				  (json_int_t)db_column_int(st, 0), "date",
				  party_col_json_text(st, 1), "title",
				  party_col_json_text(st, 2), "agenda",
				  party_col_json_text(st, 3), "delegates",
				  db_column_is_null(st, 4)
					  ? json_null()
					  : json_integer(db_column_int(st, 4)),
				  "presentations", pres, "recommendations",
				  (json_int_t)db_column_int(st, 5)));
		if (pstep < 0)
			goto out;
	}
	if (step < 0)
		goto out;
	rc = party_reply(c, json_pack("{s:o,s:O}", "org",
				      party_org_brief(c->ix, org, c->today),
				      "conferences", arr));
out:
	json_decref(arr);
	db_finalize(st);
	db_finalize(pst);
	return rc;
}

/* ---- recommendations ---- */

struct rec {
	int64_t id, parent;
	int32_t from, to;
	int status;
};

static int rec_load(struct party_ctx *c, int64_t id, struct rec *r)
{
	struct db_stmt *st = db_prepare(
		c->r->db,
		"SELECT from_org, to_org, status, coalesce(parent_id, 0) FROM"
		" party_recommendations WHERE id = ?",
		c->err);
	int step;

	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	step = db_step(st, c->err);
	if (step == 1) {
		size_t len;
		const char *s = db_column_text(st, 2, &len);
		r->id = id;
		r->from = (int32_t)db_column_int(st, 0);
		r->to = (int32_t)db_column_int(st, 1);
		r->status = enum_lookup(rec_status_names, REC_COUNT, s, len);
		r->parent = db_column_int(st, 3);
	}
	db_finalize(st);
	if (step == 0)
		return hoso_err(c->err, HOSO_ENOTFOUND,
				TR("không tìm thấy kiến nghị %lld",
				   "recommendation %lld not found"),
				(long long)id);
	return step < 0 ? -1 : 0;
}

/* The addressee `to` must be above org on day. */
static int check_above(struct party_ctx *c, int32_t org, int32_t to,
		       int32_t day)
{
	char dbuf[11];

	if (to != org && party_child_toward(c->ix, to, org, day))
		return 0;
	day_format(day, dbuf);
	return hoso_err(c->err, HOSO_EREJECT,
			TR("kiến nghị chỉ gửi lên cấp trên: tổ chức %d không ở trên tổ chức %d vào ngày %s",
			   "recommendations go up: organisation %d is not above %d on %s"),
			to, org, dbuf);
}

static int32_t parent_on(const struct index *ix, int32_t org, int32_t day)
{
	const struct index_org_version *v = index_org_on(ix, org, day);
	return v ? v->parent_id : 0;
}

static int rec_set(struct party_ctx *c, int64_t id, int status, int32_t to,
		   int64_t parent, const char *answer, int32_t day,
		   int64_t seq)
{
	struct db_stmt *st = db_prepare(
		c->r->db,
		"UPDATE party_recommendations SET status = ?, to_org = ?,"
		" parent_id = coalesce(?, parent_id),"
		" answer = coalesce(?, answer), updated_on = ?, seq = ?"
		" WHERE id = ?",
		c->err);
	if (!st)
		return -1;
	party_bind_str(st, 1, rec_status_names[status]);
	db_bind_int(st, 2, to);
	if (parent)
		db_bind_int(st, 3, parent);
	else
		db_bind_null(st, 3);
	party_bind_str(st, 4, answer);
	db_bind_day(st, 5, day);
	db_bind_int(st, 6, seq);
	db_bind_int(st, 7, id);
	if (party_exec(st, c->err))
		return -1;
	return rec_event(c, id, day, status, to, seq);
}

static int rec_insert(struct party_ctx *c, int64_t conf, int32_t from,
		      int32_t to, const char *topic, const char *text,
		      int status, int32_t day, int64_t seq, int64_t *id)
{
	struct db_stmt *st = db_prepare(
		c->r->db,
		"INSERT INTO party_recommendations(conference_id, from_org,"
		" to_org, topic, text, status, submitted_on, updated_on, seq)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		c->err);
	if (!st)
		return -1;
	if (conf)
		db_bind_int(st, 1, conf);
	else
		db_bind_null(st, 1);
	db_bind_int(st, 2, from);
	db_bind_int(st, 3, to);
	party_bind_str(st, 4, topic);
	party_bind_str(st, 5, text);
	party_bind_str(st, 6, rec_status_names[status]);
	db_bind_day(st, 7, day);
	db_bind_day(st, 8, day);
	db_bind_int(st, 9, seq);
	if (party_exec(st, c->err))
		return -1;
	*id = db_last_insert_id(c->r->db);
	return rec_event(c, *id, day, status, to, seq);
}

int party_rec_add(struct party_ctx *c)
{
	int32_t day = c->today, org = 0, to = 0;
	int64_t conf = 0, seq = 0, id = 0;
	const char *topic = NULL, *text = NULL;

	if (party_arg_day(c, "date", 0, &day) ||
	    party_arg_org(c, "org", 1, day, &org) ||
	    party_arg_org(c, "to", 1, day, &to) ||
	    party_arg_str(c, "topic", 1, &topic) ||
	    party_arg_str(c, "text", 1, &text) ||
	    party_arg_int(c, "conference", 0, 1, ID_MAX, &conf) ||
	    (conf && !conference_day(c, conf, 0)) ||
	    check_above(c, org, to, day))
		return -1;
	if (party_begin(c))
		return -1;
	if (party_write_op(c, "party.recommendation", day, &seq) ||
	    rec_insert(c, conf, org, to, topic, text, REC_SUBMITTED, day, seq,
		       &id)) {
		party_rollback(c);
		return -1;
	}
	if (party_commit(c))
		return -1;
	return party_reply(c, json_pack("{s:I,s:I,s:i,s:i,s:s,s:s}", "seq",
					(json_int_t)seq, "id", (json_int_t)id,
					"from", org, "to", to, "status",
					"submitted", "topic", topic));
}

/* Rejects unless rec is addressed to org and still moving. */
static int check_addressee(struct party_ctx *c, const struct rec *r,
			   int32_t org)
{
	if (r->to != org)
		return hoso_err(c->err, HOSO_EREJECT,
				TR("kiến nghị %lld không gửi đến tổ chức %d",
				   "recommendation %lld is not addressed to %d"),
				(long long)r->id, org);
	if (r->status != REC_SUBMITTED && r->status != REC_FORWARDED)
		return hoso_err(c->err, HOSO_EREJECT,
				TR("kiến nghị %lld đã ở trạng thái %s",
				   "recommendation %lld is already %s"),
				(long long)r->id,
				r->status >= 0 ? rec_status_names[r->status]
					       : "?");
	return 0;
}

int party_rec_consolidate(struct party_ctx *c)
{
	int32_t day = c->today, org = 0, to = 0, *ids = NULL;
	size_t n = 0;
	int64_t seq = 0, id = 0;
	const char *topic = NULL, *text = NULL;
	json_t *merged = NULL;
	int rc = -1, began = 0;

	if (party_arg_day(c, "date", 0, &day) ||
	    party_arg_org(c, "org", 1, day, &org) ||
	    party_arg_str(c, "topic", 1, &topic) ||
	    party_arg_str(c, "text", 1, &text) ||
	    party_arg_ids(c, "ids", &ids, &n))
		goto out;
	to = parent_on(c->ix, org, day);
	if (party_arg_org(c, "to", 0, day, &to))
		goto out;
	if (!n) {
		hoso_err(c->err, HOSO_EUSAGE, "%s",
			 TR("cần ids: các kiến nghị được tổng hợp",
			    "ids needed: the recommendations to consolidate"));
		goto out;
	}
	if (!to || check_above(c, org, to, day))
		goto out;
	if (party_begin(c))
		goto out;
	began = 1;
	merged = json_array();
	for (size_t i = 0; i < n; i++) {
		struct rec r;
		if (rec_load(c, ids[i], &r) || check_addressee(c, &r, org))
			goto out;
		for (size_t j = 0; j < i; j++)
			if (ids[j] == ids[i]) {
				hoso_err(c->err, HOSO_EUSAGE,
					 TR("kiến nghị %d được ghi hai lần",
					    "recommendation %d is listed twice"),
					 ids[i]);
				goto out;
			}
		json_array_append_new(merged, json_integer(ids[i]));
	}
	if (party_write_op(c, "party.recommendation.consolidate", day, &seq) ||
	    rec_insert(c, 0, org, to, topic, text, REC_FORWARDED, day, seq,
		       &id))
		goto out;
	for (size_t i = 0; i < n; i++)
		if (rec_set(c, ids[i], REC_CONSOLIDATED, org, id, NULL, day,
			    seq))
			goto out;
	began = 0;
	if (party_commit(c))
		goto out;
	rc = party_reply(c, json_pack("{s:I,s:I,s:i,s:i,s:s,s:O}", "seq",
				      (json_int_t)seq, "id", (json_int_t)id,
				      "from", org, "to", to, "status",
				      "forwarded", "consolidated", merged));
out:
	if (began)
		party_rollback(c);
	json_decref(merged);
	free(ids);
	return rc;
}

/* forward, answer, close: one recommendation changes status */
static int rec_step(struct party_ctx *c, int status)
{
	int32_t day = c->today, org = 0, to = 0;
	int64_t id = 0, seq = 0;
	const char *answer = NULL;
	struct rec r;

	if (party_arg_day(c, "date", 0, &day) ||
	    party_arg_org(c, "org", 1, day, &org) ||
	    party_arg_int(c, "id", 1, 1, ID_MAX, &id) || rec_load(c, id, &r))
		return -1;
	to = r.to;
	if (status == REC_FORWARDED) {
		to = parent_on(c->ix, org, day);
		if (party_arg_org(c, "to", 0, day, &to) ||
		    check_addressee(c, &r, org) || !to ||
		    check_above(c, org, to, day))
			return -1;
	} else if (status == REC_ANSWERED) {
		if (party_arg_str(c, "answer", 1, &answer) ||
		    check_addressee(c, &r, org))
			return -1;
	} else {
		/* the sender withdraws, or the addressee files it */
		if (r.from != org && r.to != org)
			return hoso_err(c->err, HOSO_EREJECT,
					TR("chỉ đơn vị gửi hoặc nhận mới đóng được kiến nghị %lld",
					   "only the sender or the addressee closes recommendation %lld"),
					(long long)id);
		if (r.status == REC_CLOSED || r.status == REC_CONSOLIDATED)
			return hoso_err(c->err, HOSO_EREJECT,
					TR("kiến nghị %lld đã ở trạng thái %s",
					   "recommendation %lld is already %s"),
					(long long)id,
					rec_status_names[r.status]);
	}
	if (party_begin(c))
		return -1;
	if (party_write_op(c, status == REC_FORWARDED  ? "party.recommendation.forward"
			      : status == REC_ANSWERED ? "party.recommendation.answer"
						       : "party.recommendation.close",
			   day, &seq) ||
	    rec_set(c, id, status, to, 0, answer, day, seq)) {
		party_rollback(c);
		return -1;
	}
	if (party_commit(c))
		return -1;
	return party_reply(c, json_pack("{s:I,s:I,s:s,s:i,s:o}", "seq",
					(json_int_t)seq, "id", (json_int_t)id,
					"status", rec_status_names[status],
					"to", to, "date", party_json_day(day)));
}

int party_rec_forward(struct party_ctx *c)
{
	return rec_step(c, REC_FORWARDED);
}

int party_rec_answer(struct party_ctx *c)
{
	return rec_step(c, REC_ANSWERED);
}

int party_rec_close(struct party_ctx *c)
{
	return rec_step(c, REC_CLOSED);
}

static const char *const boxes[] = {"sent", "received"};

int party_rec_list(struct party_ctx *c)
{
	int32_t org = 0;
	int box = 0, rc = -1, step;
	struct db_stmt *st = NULL, *up = NULL;
	json_t *arr = NULL;

	if (party_arg_org(c, "org", 1, c->today, &org) ||
	    party_arg_enum(c, "box", 0, boxes, 2, &box))
		return -1;
	st = db_prepare(c->r->db,
			box == 0 ? "SELECT id, from_org, to_org, topic, text,"
				   " status, coalesce(parent_id, 0), answer,"
				   " submitted_on, updated_on, conference_id"
				   " FROM party_recommendations"
				   " WHERE from_org = ? ORDER BY id"
				 : "SELECT id, from_org, to_org, topic, text,"
				   " status, coalesce(parent_id, 0), answer,"
				   " submitted_on, updated_on, conference_id"
				   " FROM party_recommendations"
				   " WHERE to_org = ? ORDER BY id",
			c->err);
	up = db_prepare(c->r->db,
			"SELECT coalesce(parent_id, 0), status, answer, to_org"
			" FROM party_recommendations WHERE id = ?",
			c->err);
	if (!st || !up)
		goto out;
	db_bind_int(st, 1, org);
	arr = json_array();
	while ((step = db_step(st, c->err)) == 1) {
		int64_t parent = db_column_int(st, 6);
		json_t *via = json_array(), *eff = party_col_json_text(st, 5);
		json_t *ans = party_col_json_text(st, 7);
		json_t *at = json_integer(db_column_int(st, 2));
		/* the status a sender sees is the one at the end of the
		 * consolidation chain */
		for (int depth = 0; parent && depth < PARTY_DEPTH_MAX; depth++) {
			int ustep;
			db_reset(up);
			db_bind_int(up, 1, parent);
			ustep = db_step(up, c->err);
			if (ustep < 0) {
				json_decref(via);
				json_decref(eff);
				json_decref(ans);
				json_decref(at);
				goto out;
			}
			if (ustep == 0)
				break;
			json_array_append_new(via, json_integer(parent));
			json_decref(eff);
			json_decref(ans);
			json_decref(at);
			eff = party_col_json_text(up, 1);
			ans = party_col_json_text(up, 2);
			at = json_integer(db_column_int(up, 3));
			parent = db_column_int(up, 0);
		}
		json_array_append_new(
			arr,
			json_pack("{s:I,s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,"
				  "s:o,s:o}",
				  "id", (json_int_t)db_column_int(st, 0), "from",
				  (json_int_t)db_column_int(st, 1), "to",
				  (json_int_t)db_column_int(st, 2), "topic",
				  party_col_json_text(st, 3), "text",
				  party_col_json_text(st, 4), "status",
				  party_col_json_text(st, 5), "effective_status",
				  eff, "answer", ans, "now_at", at, "via", via,
				  "submitted_on", party_col_json_text(st, 8),
				  "updated_on", party_col_json_text(st, 9),
				  "conference",
				  db_column_is_null(st, 10)
					  ? json_null()
					  : json_integer(db_column_int(st, 10))));
	}
	if (step < 0)
		goto out;
	rc = party_reply(c, json_pack("{s:i,s:s,s:O}", "org", org, "box",
				      boxes[box], "recommendations", arr));
out:
	json_decref(arr);
	db_finalize(st);
	db_finalize(up);
	return rc;
}

/* Open recommendations as of a day (the last event of each on or before
 * it is submitted or forwarded) addressed within subtree(org, on), counted
 * by the level (kind) of the addressee and by topic. */
int party_rec_open(struct party_ctx *c)
{
	int32_t on = c->today, org = 0;
	struct db_stmt *st = NULL;
	json_t *levels = NULL, *rows = NULL;
	int64_t total = 0, cur = 0, last_org = 0;
	int last_status = -1, rc = -1, step;
	char *last_topic = NULL;

	if (party_arg_day(c, "on", 0, &on) ||
	    party_arg_org(c, "org", 1, on, &org))
		return -1;
	st = db_prepare(c->r->db,
			"SELECT e.rec_id, e.status, e.org_id, r.topic FROM"
			" party_rec_events e JOIN party_recommendations r"
			" ON r.id = e.rec_id WHERE e.day <= ?"
			" ORDER BY e.rec_id, e.day, e.seq",
			c->err);
	if (!st)
		goto out;
	db_bind_day(st, 1, on);
	levels = json_object();
	rows = json_array();
	for (;;) {
		int64_t rid = 0;
		step = db_step(st, c->err);
		if (step < 0)
			goto out;
		if (step == 1)
			rid = db_column_int(st, 0);
		if (cur && (step == 0 || rid != cur) &&
		    (last_status == REC_SUBMITTED ||
		     last_status == REC_FORWARDED) &&
		    party_child_toward(c->ix, org, (int32_t)last_org, on)) {
			const struct index_org_version *v =
				index_org_on(c->ix, (int32_t)last_org, on);
			const char *lv = v ? org_kind_names[v->kind] : "unknown";
			json_t *byl = json_object_get(levels, lv), *n;
			if (!byl) {
				byl = json_object();
				json_object_set_new(levels, lv, byl);
			}
			n = json_object_get(byl, last_topic);
			json_object_set_new(byl, last_topic,
					    json_integer(n ? json_integer_value(n) + 1
						       : 1));
			total++;
			if (json_array_size(rows) < PARTY_LIST_MAX)
				json_array_append_new(
					rows,
					json_pack("{s:I,s:s,s:s,s:o}", "id",
						  (json_int_t)cur, "status",
						  rec_status_names[last_status],
						  "topic", last_topic, "to",
						  party_org_brief(c->ix,
								  (int32_t)last_org,
								  on)));
		}
		if (step == 0)
			break;
		cur = rid;
		{
			size_t len;
			const char *s = db_column_text(st, 1, &len);
			const char *t;
			last_status = enum_lookup(rec_status_names, REC_COUNT,
						  s, len);
			last_org = db_column_int(st, 2);
			t = db_column_text(st, 3, &len);
			free(last_topic);
			last_topic = xstrndup(t ? t : "", t ? len : 0);
		}
	}
	rc = party_reply(c, json_pack("{s:i,s:o,s:I,s:O,s:O}", "org", org, "on",
				      party_json_day(on), "total",
				      (json_int_t)total, "by_level", levels,
				      "open", rows));
out:
	free(last_topic);
	json_decref(levels);
	json_decref(rows);
	db_finalize(st);
	return rc;
}
