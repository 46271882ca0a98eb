/* lifecycle: routes of member lifecycle operations and lists. Handlers
 * call model/lifecycle.h like `hoso op` does, so the JSON is the CLI's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "model/lifecycle.h"
#include "core/banned.h"

static int32_t body_day(struct http_request *req, const char *key)
{
	json_t *v = json_object_get(req->json, key);
	int32_t d = DAY_MIN;
	if (v && json_is_string(v))
		day_parse(json_string_value(v), json_string_length(v), &d);
	return d;
}

static const char *body_str(struct http_request *req, const char *key)
{
	json_t *v = json_object_get(req->json, key);
	return v && json_is_string(v) ? json_string_value(v) : NULL;
}

static int64_t body_int(struct http_request *req, const char *key)
{
	json_t *v = json_object_get(req->json, key);
	return v && json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static void api_meta(struct http_request *req, struct op_meta *meta,
		     char *source, size_t max)
{
	snprintf(source, max, "api %s", req->addr);
	meta->actor = req->user.name;
	meta->source = source;
	meta->reason = body_str(req, "reason");
}

static int reply_out(struct http_request *req, struct strbuf *out, int rc,
		     struct hoso_error *err)
{
	if (rc)
		return http_error_from(req, err);
	req->status = 200;
	strbuf_reset(&req->out);
	strbuf_add(&req->out, out->buf ? out->buf : "{}", out->len);
	return 0;
}

/* POST /members/{id}/<op>: the op is the last segment of the pattern. */
static int h_member_op(struct http_request *req)
{
	const char *name = strrchr(req->route->pattern, '/') + 1;
	struct lc_args a;
	struct op_meta meta;
	struct hoso_error err = {0};
	struct strbuf out;
	char source[96];
	int k = -1, rc;
	for (int i = 0; i < LC_KIND_COUNT; i++)
		if (!strcmp(name, lc_kind_names[i]))
			k = i;
	if (k < 0)
		return http_error(req, 404, "not_found", "không tìm thấy",
				  "not found");
	api_meta(req, &meta, source, sizeof(source));
	memset(&a, 0, sizeof(a));
	a.kind = (enum lc_kind)k;
	a.member_id = req->member;
	a.day = body_day(req, "effective");
	a.since = body_day(req, "since");
	a.until = body_day(req, "until");
	a.org_id = req->body_org ? req->body_org : (int32_t)body_int(req, "to");
	a.what = k == LC_DISCIPLINE	? body_str(req, "form")
		 : k == LC_CARD_ISSUE	? body_str(req, "card")
					: body_str(req, "kind");
	a.years = (int)body_int(req, "years");
	a.unfit = body_int(req, "unfit") != 0;
	a.undo_seq = body_int(req, "seq");
	a.approval = body_str(req, "approval");
	strbuf_init(&out, 1 << 16);
	rc = lifecycle_apply(req->reg, &a, &meta, &out, &err) < 0 ? -1 : 0;
	rc = reply_out(req, &out, rc, &err);
	strbuf_release(&out);
	return rc;
}

/* The candidate must belong to a cell in the scope's subtree. */
static int candidate_in_scope(struct http_request *req, int64_t cand)
{
	struct hoso_error err;
	struct db_stmt *st = db_prepare(
		req->reg->db, "SELECT org_id FROM lc_candidates WHERE id = ?",
		&err);
	int32_t org = 0;
	if (!st)
		return http_error_from(req, &err);
	db_bind_int(st, 1, cand);
	if (db_step(st, &err) == 1)
		org = (int32_t)db_column_int(st, 0);
	db_finalize(st);
	if (!org || !index_in_subtree(req->reg->ix, org, req->org, req->today))
		return http_error(req, 404, "not_found",
				  "không tìm thấy quần chúng trong tổ chức này",
				  "no such candidate in this organisation");
	return 0;
}

static int h_candidate_add(struct http_request *req)
{
	struct lc_candidate c;
	struct op_meta meta;
	struct hoso_error err = {0};
	struct strbuf out;
	char source[96];
	int rc;
	api_meta(req, &meta, source, sizeof(source));
	memset(&c, 0, sizeof(c));
	c.org_id = req->org;
	c.full_name = body_str(req, "full_name");
	c.sex = body_str(req, "sex");
	c.birth = body_day(req, "birth_date");
	c.ethnicity = body_str(req, "ethnicity");
	c.religion = body_str(req, "religion");
	c.hometown = body_str(req, "hometown");
	c.education = body_str(req, "education");
	c.expertise = body_str(req, "expertise");
	c.theory_level = body_str(req, "theory_level");
	strbuf_init(&out, 1 << 14);
	rc = lifecycle_candidate_add(req->reg, &c, &meta, &out, &err) < 0 ? -1
									   : 0;
	rc = reply_out(req, &out, rc, &err);
	strbuf_release(&out);
	return rc;
}

static int h_candidate_step(struct http_request *req)
{
	struct op_meta meta;
	struct hoso_error err = {0};
	struct strbuf out;
	char source[96];
	int64_t cand;
	const char *cid = http_param(req, "cid");
	int rc;
	if (!cid || parse_pos_int(cid, strlen(cid), ID_MAX, &cand))
		return http_error(req, 404, "not_found", "không tìm thấy",
				  "not found");
	if (candidate_in_scope(req, cand))
		return -1;
	api_meta(req, &meta, source, sizeof(source));
	strbuf_init(&out, 1 << 14);
	rc = lifecycle_candidate_step(req->reg, cand, body_str(req, "step"),
				      body_day(req, "effective"),
				      body_int(req, "introducer1"),
				      body_int(req, "introducer2"),
				      body_str(req, "approval"), &meta, &out,
				      &err) < 0
		     ? -1
		     : 0;
	rc = reply_out(req, &out, rc, &err);
	strbuf_release(&out);
	return rc;
}

static int h_admission(struct http_request *req)
{
	struct op_meta meta;
	struct hoso_error err = {0};
	struct strbuf out;
	char source[96];
	int64_t cand = body_int(req, "candidate");
	int rc;
	if (candidate_in_scope(req, cand))
		return -1;
	api_meta(req, &meta, source, sizeof(source));
	strbuf_init(&out, 1 << 14);
	rc = lifecycle_admit(req->reg, cand, body_day(req, "effective"),
			     body_str(req, "approval"), &meta, &out, &err) < 0
		     ? -1
		     : 0;
	rc = reply_out(req, &out, rc, &err);
	strbuf_release(&out);
	return rc;
}

static int list(struct http_request *req, int which)
{
	struct hoso_error err = {0};
	struct strbuf out;
	int rc;
	strbuf_init(&out, (size_t)1 << 28);
	switch (which) {
	case 0:
		rc = lifecycle_list_candidates(req->reg, req->org, req->on,
					       &out, &err);
		break;
	case 1:
		rc = lifecycle_list_due(req->reg, req->org, req->on,
					(int)http_query_int(req, "days", 30),
					&out, &err);
		break;
	case 2:
		rc = lifecycle_list_badges(req->reg, req->org, req->on, &out,
					   &err);
		break;
	case 3:
		rc = lifecycle_list_in_transit(req->reg, req->org, req->on,
					       &out, &err);
		break;
	case 4:
		rc = lifecycle_list_temporary(req->reg, req->org, req->on,
					      &out, &err);
		break;
	default:
		rc = lifecycle_history(req->reg, req->member, req->on, &out,
				       &err);
	}
	rc = reply_out(req, &out, rc, &err);
	strbuf_release(&out);
	return rc;
}

static int h_candidates(struct http_request *req)
{
	return list(req, 0);
}

static int h_due(struct http_request *req)
{
	if (http_query_int(req, "days", 30) > 3650)
		return http_error(req, 400, "bad_parameter",
				  "days tối đa là 3650", "days is at most 3650");
	return list(req, 1);
}

static int h_badges(struct http_request *req)
{
	return list(req, 2);
}

static int h_in_transit(struct http_request *req)
{
	return list(req, 3);
}

static int h_temporary(struct http_request *req)
{
	return list(req, 4);
}

static int h_history(struct http_request *req)
{
	return list(req, 5);
}

/* The route table of this feature (see handlers.c for the columns). Every
 * write is PERM_WRITE with the member's (or the organisation's) scope; a
 * body "to" naming a cell is scope-checked too. */
#define V1 "/api/v1"
#define MOP(op, body, to, summary)                                          \
	{"POST", V1 "/members/{id}/" op, h_member_op, PERM_WRITE, 1,       \
	 HTTP_BODY_MAX, SCOPE_MEMBER_PATH, NULL,                            \
	 body ",approval:str,reason:str", to, "member." op, summary, "Object"}
const struct http_route api_routes_member[] = {
	MOP("recognise", "effective:date!,unfit:int", NULL,
	    "Recognise a probationer as official (or strike off when unfit)"),
	MOP("transfer-out", "effective:date!,since:date,to:int", NULL,
	    "Official transfer letter: the member is in transit"),
	MOP("receive", "effective:date!,to:org!", "to",
	    "Receive a member in transit into a cell"),
	MOP("temp-transfer", "effective:date!,to:org!,until:date!,kind:str",
	    "to", "Temporary transfer (still counted at home)"),
	MOP("exempt", "effective:date!,kind:str!,until:date", NULL,
	    "Exemption from activity for age or health"),
	MOP("strike-off", "effective:date!", NULL, "Strike off"),
	MOP("discipline", "effective:date!,form:str!", NULL, "Discipline"),
	MOP("expel", "effective:date!", NULL, "Expel (badges returned)"),
	MOP("leave", "effective:date!", NULL, "Leave the party"),
	MOP("death", "effective:date!", NULL, "Record a death"),
	MOP("readmit", "effective:date!,to:org!,since:date", "to",
	    "Readmit once, with a new probation"),
	MOP("card-issue", "effective:date!,card:str!", NULL,
	    "Issue or replace the party card"),
	MOP("badge-award", "effective:date!,years:int!", NULL,
	    "Award a party badge"),
	{"POST", V1 "/members/{id}/undo", h_member_op, PERM_WRITE, 1,
	 HTTP_BODY_MAX, SCOPE_MEMBER_PATH, NULL, "seq:int!,reason:str", NULL,
	 "member.undo", "Undo an operation by a compensating one", "Object"},
	{"GET", V1 "/members/{id}/history", h_history, PERM_PERSONAL, 0, 0,
	 SCOPE_MEMBER_PATH, "on:date", NULL, NULL, "member.read",
	 "A member's lifecycle history and party age", "Object"},
	{"POST", V1 "/orgs/{id}/candidates", h_candidate_add, PERM_WRITE, 1,
	 HTTP_BODY_MAX, SCOPE_ORG_PATH, NULL,
	 "full_name:str!,sex:str!,birth_date:date!,ethnicity:str!,"
	 "religion:str,hometown:str,education:str,expertise:str,"
	 "theory_level:str,reason:str",
	 NULL, "candidate.add", "Register a candidate in a cell", "Object"},
	{"POST", V1 "/orgs/{id}/candidates/{cid}/steps", h_candidate_step,
	 PERM_WRITE, 1, HTTP_BODY_MAX, SCOPE_ORG_PATH, NULL,
	 "step:str!,effective:date!,introducer1:int,introducer2:int,"
	 "approval:str,reason:str",
	 NULL, "candidate.step", "Record a step of a candidate", "Object"},
	{"POST", V1 "/orgs/{id}/admissions", h_admission, PERM_WRITE, 1,
	 HTTP_BODY_MAX, SCOPE_ORG_PATH, NULL,
	 "candidate:int!,effective:date!,approval:str,reason:str", NULL,
	 "member.admit", "Admission ceremony of a candidate", "Object"},
	{"GET", V1 "/orgs/{id}/candidates", h_candidates, PERM_PERSONAL, 0, 0,
	 SCOPE_ORG_PATH, "on:date", NULL, NULL, "candidates.list",
	 "Candidates, their state and overdue steps", "Object"},
	{"GET", V1 "/orgs/{id}/due", h_due, PERM_PERSONAL, 0, 0,
	 SCOPE_ORG_PATH, "on:date,days:int", NULL, NULL, "due.list",
	 "Probationers due or overdue for recognition", "Object"},
	{"GET", V1 "/orgs/{id}/badges", h_badges, PERM_PERSONAL, 0, 0,
	 SCOPE_ORG_PATH, "on:date!", NULL, NULL, "badges.list",
	 "Members eligible for a party badge on an award day", "Object"},
	{"GET", V1 "/orgs/{id}/in-transit", h_in_transit, PERM_PERSONAL, 0, 0,
	 SCOPE_ORG_PATH, "on:date", NULL, NULL, "transit.list",
	 "Members in transit from cells of the subtree", "Object"},
	{"GET", V1 "/orgs/{id}/temporary", h_temporary, PERM_PERSONAL, 0, 0,
	 SCOPE_ORG_PATH, "on:date", NULL, NULL, "temporary.list",
	 "Members hosted temporarily in the subtree", "Object"},
};
const size_t api_n_routes_member =
	sizeof(api_routes_member) / sizeof(api_routes_member[0]);
