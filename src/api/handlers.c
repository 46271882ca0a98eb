/* handlers: the /api/v1 route table and its handlers. The gatekeeper
 * (http/server.c) has already authenticated the caller, checked the role,
 * the scope, the parameters and the body, so handlers only do the work. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "auth/audit.h"
#include "index/index.h"
#include "model/reflist.h"

#include "core/banned.h"

static json_t *json_day(int32_t d)
{
	char b[11];

	if (d == DAY_MIN || d == DAY_MAX)
		return json_null();
	day_format(d, b);
	return json_string(b);
}

static json_t *json_text(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static int h_healthz(struct http_request *req)
{
	return http_reply_json(req, 200, json_pack("{s:s}", "status", "ok"));
}

static int h_openapi(struct http_request *req)
{
	req->status = 200;
	strbuf_reset(&req->out);
	if (api_openapi_json(req->routes, req->n_routes, &req->out))
		return http_error(req, 500, "internal", "lỗi nội bộ",
				  "internal error");
	return 0;
}

static int h_login(struct http_request *req)
{
	const char *name = json_string_value(json_object_get(req->json, "user"));
	json_t *pw = json_object_get(req->json, "password");
	struct hoso_error err;
	char sid[AUTH_TOKEN_HEX], csrf[AUTH_TOKEN_HEX], target[96];
	int64_t now = (int64_t)time(NULL), ttl = auth_session_ttl();
	int rc;

	snprintf(target, sizeof(target), "user:%s", name);
	rc = auth_login(req->reg->db, name, json_string_value(pw),
			json_string_length(pw), req->addr, now, &req->user,
			&err);
	if (rc == AUTH_LOGIN_ERROR)
		return http_error_from(req, &err);
	if (rc == AUTH_LOGIN_THROTTLED) {
		http_error(req, 429, "too_many_attempts",
			   "đăng nhập sai quá nhiều lần, hãy thử lại sau 15 phút",
			   "too many failed logins, try again in 15 minutes");
		http_audit(req, "login.throttled", target, 429, NULL);
		return -1;
	}
	if (rc == AUTH_LOGIN_BAD) {
		http_error(req, 401, "bad_credentials",
			   "sai tên người dùng hoặc mật khẩu",
			   "wrong user name or password");
		http_audit(req, "login.failed", target, 401, NULL);
		return -1;
	}
	if (auth_session_create(req->reg->db, req->user.id, now, sid, csrf,
				&err))
		return http_error_from(req, &err);
	req->authenticated = 1;
	snprintf(req->set_cookie, sizeof(req->set_cookie),
		 "hoso_session=%s; Path=/; HttpOnly; SameSite=Strict; "
		 "Max-Age=%lld%s",
		 sid, (long long)ttl, req->https ? "; Secure" : "");
	http_reply_json(req, 200,
			json_pack("{s:s,s:s,s:I}", "user", req->user.name,
				  "csrf", csrf, "idle_timeout", (json_int_t)ttl));
	http_audit(req, "login", target, 200, NULL);
	return 0;
}

static int h_logout(struct http_request *req)
{
	struct hoso_error err;

	if (req->sid[0] && auth_session_end(req->reg->db, req->sid, &err))
		return http_error_from(req, &err);
	req->session_ended = 1; /* the server forgets it at once */
	snprintf(req->set_cookie, sizeof(req->set_cookie),
		 "hoso_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
		 req->https ? "; Secure" : "");
	return http_reply_json(req, 200, json_pack("{s:b}", "ok", 1));
}

static int h_me(struct http_request *req)
{
	json_t *grants = json_array();

	for (size_t i = 0; i < req->user.n_grants; i++) {
		const struct auth_grant *g = &req->user.grants[i];
		json_array_append_new(
			grants,
			json_pack("{s:s,s:o}", "role", auth_role_names[g->role],
				  "org",
				  g->org_id ? json_integer(g->org_id)
					    : json_null()));
	}
	return http_reply_json(
		req, 200,
		json_pack("{s:I,s:s,s:o,s:o}", "id", (json_int_t)req->user.id,
			  "name", req->user.name, "grants", grants, "csrf",
			  req->csrf[0] ? json_string(req->csrf) : json_null()));
}

static json_t *org_brief(const struct index_org_version *v)
{
	return json_pack("{s:i,s:o,s:s,s:s}", "id", v->id, "code",
			 json_text(v->code), "name", v->name, "kind",
			 org_kind_names[v->kind]);
}

static int h_org(struct http_request *req)
{
	const struct index *ix = req->reg->ix;
	const struct index_org_version *v = index_org_on(ix, req->org, req->on);
	const struct index_org_version *p;
	json_t *path, *kids, *o;
	int32_t *ids = NULL;
	int64_t count = 0;
	size_t n;

	if (!v)
		return http_error(req, 404, "not_found",
				  "tổ chức không tồn tại vào ngày này",
				  "the organisation does not exist on that day");
	path = json_array();
	for (p = v; p->parent_id;) {
		p = index_org_on(ix, p->parent_id, req->on);
		if (!p)
			break;
		json_array_insert_new(path, 0, org_brief(p));
	}
	kids = json_array();
	n = index_children(ix, req->org, req->on, &ids);
	for (size_t i = 0; i < n; i++) {
		const struct index_org_version *c = index_org_on(ix, ids[i],
								 req->on);
		if (!c)
			continue;
		o = org_brief(c);
		if (index_count(ix, ids[i], req->on, &count))
			count = 0;
		json_object_set_new(o, "members", json_integer(count));
		json_array_append_new(kids, o);
	}
	free(ids);
	if (index_count(ix, req->org, req->on, &count))
		count = 0;
	o = json_pack("{s:i,s:o,s:o,s:s,s:s,s:o,s:o,s:o,s:I,s:o,s:o}", "id",
		      v->id, "on", json_day(req->on), "code", json_text(v->code),
		      "name", v->name, "kind", org_kind_names[v->kind],
		      "parent_id",
		      v->parent_id ? json_integer(v->parent_id) : json_null(),
		      "valid_from", json_day(v->from), "valid_to",
		      json_day(v->to), "members", (json_int_t)count, "path",
		      path, "children", kids);
	return http_reply_json(req, 200, o);
}

static int h_versions(struct http_request *req)
{
	const struct index_org_version *v;
	size_t n = index_org_versions(req->reg->ix, req->org, &v);
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(
			arr,
			json_pack("{s:o,s:s,s:o,s:s,s:o,s:o}", "parent_id",
				  v[i].parent_id ? json_integer(v[i].parent_id)
						 : json_null(),
				  "kind", org_kind_names[v[i].kind], "code",
				  json_text(v[i].code), "name", v[i].name,
				  "valid_from", json_day(v[i].from), "valid_to",
				  json_day(v[i].to)));
	return http_reply_json(req, 200,
			       json_pack("{s:i,s:o}", "id", req->org,
					 "versions", arr));
}

/* Q1-Q6 go through registry_answer so that HTTP answers are the CLI's. */
static int answer(struct http_request *req, struct question *q)
{
	struct hoso_error err;
	char org[16];

	snprintf(org, sizeof(org), "%d", req->org);
	if (req->org)
		q->org = org;
	req->status = 200;
	strbuf_reset(&req->out);
	if (registry_answer(req->reg, q, &req->out, &err))
		return http_error_from(req, &err);
	return 0;
}

static int h_count(struct http_request *req)
{
	struct question q = {.kind = Q_COUNT, .on = req->on};
	return answer(req, &q);
}

static int h_breakdown(struct http_request *req)
{
	struct question q = {.kind = Q_BREAKDOWN, .on = req->on};
	return answer(req, &q);
}

static int h_summary(struct http_request *req)
{
	struct question q = {.kind = Q_SUMMARY, .on = req->on};
	return answer(req, &q);
}

static int h_changes(struct http_request *req)
{
	struct question q = {.kind = Q_CHANGES};

	q.from = http_query_day(req, "from", DAY_MIN);
	q.to = http_query_day(req, "to", DAY_MAX);
	if (q.from >= q.to)
		return http_error(req, 400, "bad_range",
				  "ngày from phải trước ngày to",
				  "from must be before to");
	return answer(req, &q);
}

static int h_search(struct http_request *req)
{
	struct question q = {.kind = Q_SEARCH, .on = req->on};

	q.query = http_query(req, "q");
	q.limit = (long)http_query_int(req, "limit", 20);
	if (q.limit > SEARCH_LIMIT_MAX)
		return http_error(req, 400, "bad_parameter",
				  "limit tối đa là 1000",
				  "limit is at most 1000");
	return answer(req, &q);
}

static int h_member(struct http_request *req)
{
	struct question q = {.kind = Q_MEMBER, .member_id = req->member};
	struct hoso_error err;

	req->status = 200;
	strbuf_reset(&req->out);
	if (registry_answer(req->reg, &q, &req->out, &err))
		return http_error_from(req, &err);
	return 0;
}

static int h_org_members(struct http_request *req)
{
	struct api_member_filter f = {-1, -1, 1, API_PER_PAGE_DEFAULT};
	const char *sex = http_query(req, "sex");
	const char *status = http_query(req, "status");
	struct hoso_error err;

	f.page = (long)http_query_int(req, "page", 1);
	f.per_page = (long)http_query_int(req, "per_page", API_PER_PAGE_DEFAULT);
	if (f.per_page > API_PER_PAGE_MAX || f.page > API_PAGE_MAX)
		return http_error(req, 400, "bad_parameter",
				  "per_page tối đa là 200",
				  "per_page is at most 200");
	if (sex) {
		if (!strcmp(sex, "M"))
			f.sex = SEX_M;
		else if (!strcmp(sex, "F"))
			f.sex = SEX_F;
		else
			return http_error(req, 400, "bad_parameter",
					  "sex phải là M hoặc F",
					  "sex must be M or F");
	}
	if (status) {
		if (!strcmp(status, "probationary"))
			f.status = 0;
		else if (!strcmp(status, "official"))
			f.status = 1;
		else
			return http_error(req, 400, "bad_parameter",
					  "status phải là probationary hoặc "
					  "official",
					  "status must be probationary or "
					  "official");
	}
	req->status = 200;
	strbuf_reset(&req->out);
	if (api_org_members(req->reg, req->org, req->on, &f, &req->out, &err))
		return http_error_from(req, &err);
	return 0;
}

static int h_transfer(struct http_request *req)
{
	json_t *eff = json_object_get(req->json, "effective");
	json_t *reason = json_object_get(req->json, "reason");
	struct op_meta meta;
	struct hoso_error err;
	char source[96], *detail;
	int32_t day;
	int64_t seq;

	day_parse(json_string_value(eff), json_string_length(eff), &day);
	snprintf(source, sizeof(source), "api %s", req->addr);
	meta.actor = req->user.name;
	meta.reason = reason ? json_string_value(reason) : NULL;
	meta.source = source;
	seq = registry_op_transfer(req->reg, req->member, req->body_org, day,
				   &meta, &err);
	if (seq < 0)
		return http_error_from(req, &err);
	detail = http_arena_alloc(&req->arena, 64);
	snprintf(detail, 64, "{\"seq\":%lld,\"to\":%d}", (long long)seq,
		 req->body_org);
	req->audit_detail = detail;
	return http_reply_json(req, 200,
			       json_pack("{s:I,s:i,s:i,s:o}", "seq",
					 (json_int_t)seq, "member_id",
					 req->member, "org_id", req->body_org,
					 "effective", json_day(day)));
}

static int h_audit(struct http_request *req)
{
	long limit = (long)http_query_int(req, "limit", 100);
	struct hoso_error err;

	if (limit > API_AUDIT_LIMIT_MAX)
		limit = API_AUDIT_LIMIT_MAX;
	req->status = 200;
	strbuf_reset(&req->out);
	strbuf_adds(&req->out, "{\"entries\":");
	if (audit_list_json(req->reg->db, limit, &req->out, &err))
		return http_error_from(req, &err);
	strbuf_addc(&req->out, '}');
	return 0;
}

/*
 * The route table. To add a route: write a handler above that only does the
 * work (the gatekeeper has checked everything declared here), then add one
 * line: method, path pattern ({name} captures a segment), handler, the
 * permission (auth.h enum auth_perm), whether it writes (cookie sessions
 * then need X-CSRF-Token), the body cap (0: no body), what {id} or ?in=
 * names for the scope check (http.h enum http_scope), the declared query
 * parameters and body fields ("name:type", '!' = required; undeclared ones
 * are refused), a body field naming a second org to scope-check, the audit
 * action (NULL: none), and the summary and reply schema for OpenAPI. The
 * black-box test (tests/blackbox/api.py) fails when a route is not called.
 */
#define V1 "/api/v1"
const struct http_route api_routes_core[] = {
	{"GET", "/healthz", h_healthz, PERM_PUBLIC, 0, 0, SCOPE_NONE, NULL,
	 NULL, NULL, NULL, "Liveness check", "Health"},
	{"GET", V1 "/openapi.json", h_openapi, PERM_PUBLIC, 0, 0, SCOPE_NONE,
	 NULL, NULL, NULL, NULL, "This OpenAPI document", "Object"},
	{"POST", V1 "/auth/login", h_login, PERM_PUBLIC, 1, HTTP_LOGIN_BODY_MAX,
	 SCOPE_NONE, NULL, "user:str!,password:str!", NULL, NULL,
	 "Log in: sets the session cookie, returns the CSRF token", "Login"},
	{"POST", V1 "/auth/logout", h_logout, PERM_USER, 1, 0, SCOPE_NONE, NULL,
	 NULL, NULL, NULL, "End the session", "Object"},
	{"GET", V1 "/me", h_me, PERM_USER, 0, 0, SCOPE_NONE, NULL, NULL, NULL,
	 NULL, "The logged-in user and its grants", "Me"},
	{"GET", V1 "/orgs/{id}", h_org, PERM_AGGREGATE, 0, 0, SCOPE_ORG_PATH,
	 "on:date", NULL, NULL, NULL,
	 "An organisation on a day: version, path to the root, children with "
	 "headcounts", "Org"},
	{"GET", V1 "/orgs/{id}/versions", h_versions, PERM_AGGREGATE, 0, 0,
	 SCOPE_ORG_PATH, NULL, NULL, NULL, NULL,
	 "Every version of an organisation", "OrgVersions"},
	{"GET", V1 "/orgs/{id}/count", h_count, PERM_AGGREGATE, 0, 0,
	 SCOPE_ORG_PATH, "on:date", NULL, NULL, NULL, "Q1 headcount", "Count"},
	{"GET", V1 "/orgs/{id}/breakdown", h_breakdown, PERM_AGGREGATE, 0, 0,
	 SCOPE_ORG_PATH, "on:date", NULL, NULL, NULL, "Q2 breakdown",
	 "Breakdown"},
	{"GET", V1 "/orgs/{id}/summary", h_summary, PERM_AGGREGATE, 0, 0,
	 SCOPE_ORG_PATH, "on:date", NULL, NULL, NULL, "Q3 summary of children",
	 "Summary"},
	{"GET", V1 "/orgs/{id}/changes", h_changes, PERM_AGGREGATE, 0, 0,
	 SCOPE_ORG_PATH, "from:date!,to:date!", NULL, NULL, NULL,
	 "Q5 changes over [from, to)", "Changes"},
	{"GET", V1 "/orgs/{id}/members", h_org_members, PERM_PERSONAL, 0, 0,
	 SCOPE_ORG_PATH,
	 "on:date,page:int,per_page:int,sex:str,status:str", NULL, NULL,
	 "members.list", "Members of a subtree on a day, by id, paged",
	 "MemberPage"},
	{"GET", V1 "/search", h_search, PERM_PERSONAL, 0, 0, SCOPE_ORG_QUERY,
	 "q:str!,in:org,on:date,limit:int", NULL, NULL, "search",
	 "Q4 name search", "Search"},
	{"GET", V1 "/members", h_member, PERM_PERSONAL, 0, 0, SCOPE_MEMBER_CARD,
	 "card:str!", NULL, NULL, "member.read", "Q6 dossier by card number",
	 "Member"},
	{"GET", V1 "/members/{id}", h_member, PERM_PERSONAL, 0, 0,
	 SCOPE_MEMBER_PATH, NULL, NULL, NULL, "member.read", "Q6 dossier",
	 "Member"},
	{"POST", V1 "/members/{id}/transfer", h_transfer, PERM_WRITE, 1,
	 HTTP_BODY_MAX, SCOPE_MEMBER_PATH, NULL,
	 "to:org!,effective:date!,reason:str", "to", "member.transfer",
	 "Transfer a member to another cell from a day", "Transfer"},
	{"GET", V1 "/audit", h_audit, PERM_ADMIN, 0, 0, SCOPE_NONE, "limit:int",
	 NULL, NULL, NULL, "The newest audit entries", "Audit"},
};
const size_t api_n_routes_core =
	sizeof(api_routes_core) / sizeof(api_routes_core[0]);
