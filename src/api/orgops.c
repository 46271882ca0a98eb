/* orgops: routes of organisation operations and bulk reorganisation. The
 * handlers build a struct orgop from the body and call model/orgops.h, so
 * the API and `hoso op org-*` / `hoso reorg` give the same results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "model/orgops.h"
#include "core/banned.h"

/* A plan is one reviewable decision of a few thousand rows at most; 16 MiB
 * holds 100 k rows of plain CSV. */
#define API_PLAN_BODY_MAX (16 * 1024 * 1024)

static const char *body_str(struct http_request *req, const char *key)
{
	return json_string_value(json_object_get(req->json, key));
}

/* A body field of type org (an integer or a code) as text in the arena. */
static const char *body_org(struct http_request *req, const char *key)
{
	json_t *v = json_object_get(req->json, key);
	char *buf;
	if (json_is_string(v))
		return json_string_value(v);
	if (!json_is_integer(v))
		return NULL;
	buf = http_arena_alloc(&req->arena, 24);
	snprintf(buf, 24, "%lld", (long long)json_integer_value(v));
	return buf;
}

static const char *path_org(struct http_request *req)
{
	char *buf = http_arena_alloc(&req->arena, 16);
	snprintf(buf, 16, "%d", req->org);
	return buf;
}

/* Is every organisation of list (';' or ',' separated ids or codes, alive
 * on day) within the caller's scope for this route? Replies 404 when
 * not, as the gatekeeper does. */
static int list_in_scope(struct http_request *req, const char *list,
			 int32_t day)
{
	const char *p = list;
	while (p && *p) {
		size_t n = strcspn(p, ";, ");
		if (n) {
			struct hoso_error err;
			char *s = http_arena_strndup(&req->arena, p, n);
			int64_t id;
			int32_t org = 0;
			const struct index_org_version *v;
			if (!parse_pos_int(s, n, ID_MAX, &id))
				org = index_org_versions(req->reg->ix,
							 (int32_t)id, &v)
					      ? (int32_t)id
					      : 0;
			else
				org = registry_resolve_org(req->reg, s, day,
							   &err);
			if (!org || auth_check(&req->user, req->route->perm,
					       req->reg->ix, org, req->today))
				return http_error(req, 404, "not_found",
						  "không tìm thấy",
						  "not found");
		}
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

static int apply(struct http_request *req, struct orgop *op)
{
	json_t *eff = json_object_get(req->json, "effective");
	struct op_meta meta;
	struct hoso_error err;
	char source[96], *detail;
	int64_t seq;

	if (eff)
		day_parse(json_string_value(eff), json_string_length(eff),
			  &op->day);
	else
		op->day = req->today;
	snprintf(source, sizeof(source), "api %s", req->addr);
	meta.actor = req->user.name;
	meta.reason = body_str(req, "reason");
	meta.source = source;
	req->status = 200;
	strbuf_reset(&req->out);
	seq = orgops_apply(req->reg, op, &meta, &req->out, &err);
	if (seq < 0)
		return http_error_from(req, &err);
	detail = http_arena_alloc(&req->arena, 48);
	snprintf(detail, 48, "{\"seq\":%lld}", (long long)seq);
	req->audit_detail = detail;
	return 0;
}

static int h_create(struct http_request *req)
{
	struct orgop op = {.kind = ORGOP_CREATE};
	json_t *id = json_object_get(req->json, "id");
	op.parent = body_org(req, "parent");
	op.new_kind = body_str(req, "kind");
	op.name = body_str(req, "name");
	op.code = body_str(req, "code");
	op.new_id = id ? (int32_t)json_integer_value(id) : 0;
	req->org = req->body_org; /* audited as the parent */
	return apply(req, &op);
}

static int h_rename(struct http_request *req)
{
	struct orgop op = {.kind = ORGOP_RENAME};
	op.org = path_org(req);
	op.name = body_str(req, "name");
	return apply(req, &op);
}

static int h_recode(struct http_request *req)
{
	struct orgop op = {.kind = ORGOP_RECODE};
	op.org = path_org(req);
	op.code = body_str(req, "code");
	return apply(req, &op);
}

static int h_move(struct http_request *req)
{
	struct orgop op = {.kind = ORGOP_MOVE};
	op.org = path_org(req);
	op.parent = body_org(req, "parent");
	return apply(req, &op);
}

static int h_kind(struct http_request *req)
{
	struct orgop op = {.kind = ORGOP_KIND};
	json_t *eff = json_object_get(req->json, "effective");
	int32_t day = req->today;
	day_parse(json_string_value(eff), json_string_length(eff), &day);
	op.org = path_org(req);
	op.new_kind = body_str(req, "kind");
	op.parent = body_org(req, "parent");
	if (op.parent && list_in_scope(req, op.parent, day))
		return -1;
	return apply(req, &op);
}

/* {id} takes over the units listed in "from". */
static int h_merge(struct http_request *req)
{
	struct orgop op = {.kind = ORGOP_MERGE};
	json_t *eff = json_object_get(req->json, "effective");
	int32_t day = req->today;
	day_parse(json_string_value(eff), json_string_length(eff), &day);
	op.org = body_str(req, "from");
	op.target = path_org(req);
	if (list_in_scope(req, op.org, day))
		return -1;
	return apply(req, &op);
}

static int h_split(struct http_request *req)
{
	struct orgop op = {.kind = ORGOP_SPLIT};
	json_t *id = json_object_get(req->json, "id");
	json_t *eff = json_object_get(req->json, "effective");
	int32_t day = req->today;
	day_parse(json_string_value(eff), json_string_length(eff), &day);
	op.org = path_org(req);
	op.name = body_str(req, "name");
	op.code = body_str(req, "code");
	op.new_kind = body_str(req, "kind");
	op.parent = body_org(req, "parent");
	op.members = body_str(req, "members");
	op.children = body_str(req, "children");
	op.new_id = id ? (int32_t)json_integer_value(id) : 0;
	if ((op.children && list_in_scope(req, op.children, day)) ||
	    (op.parent && list_in_scope(req, op.parent, day)))
		return -1;
	return apply(req, &op);
}

static int h_dissolve(struct http_request *req)
{
	struct orgop op = {.kind = ORGOP_DISSOLVE};
	json_t *eff = json_object_get(req->json, "effective");
	int32_t day = req->today;
	day_parse(json_string_value(eff), json_string_length(eff), &day);
	op.org = path_org(req);
	op.target = body_org(req, "members_to");
	op.parent = body_org(req, "children_to");
	if ((op.target && list_in_scope(req, op.target, day)) ||
	    (op.parent && list_in_scope(req, op.parent, day)))
		return -1;
	return apply(req, &op);
}

static int h_undo(struct http_request *req)
{
	struct orgop op = {.kind = ORGOP_UNDO};
	const char *s = http_param(req, "seq");
	int64_t seq;
	if (parse_pos_int(s, strlen(s), INT64_MAX, &seq))
		return http_error(req, 404, "not_found", "không tìm thấy",
				  "not found");
	op.undo_seq = seq;
	req->audit_target = http_arena_strndup(&req->arena, s, strlen(s));
	return apply(req, &op);
}

/* Every organisation a plan's result names (changed ones, and the parents
 * before and after in "headcounts") that the read model knows must be in
 * the caller's scope; units the plan creates are judged by their
 * parents. */
static int plan_in_scope(struct http_request *req, const char *result)
{
	json_t *doc = json_loads(result, 0, NULL), *op, *v;
	size_t i, k;
	int ok = 1;
	const struct index_org_version *ver;
	if (!doc)
		return http_error(req, 500, "internal", "lỗi nội bộ",
				  "internal error");
	json_array_foreach(json_object_get(doc, "operations"), i, op) {
		json_array_foreach(json_object_get(op, "orgs"), k, v) {
			int32_t id = (int32_t)json_integer_value(v);
			if (index_org_versions(req->reg->ix, id, &ver) &&
			    auth_check(&req->user, req->route->perm,
				       req->reg->ix, id, req->today))
				ok = 0;
		}
		json_array_foreach(json_object_get(op, "headcounts"), k, v) {
			int32_t id = (int32_t)json_integer_value(
				json_object_get(v, "org"));
			if (index_org_versions(req->reg->ix, id, &ver) &&
			    auth_check(&req->user, req->route->perm,
				       req->reg->ix, id, req->today))
				ok = 0;
		}
	}
	json_decref(doc);
	if (!ok)
		return http_error(req, 403, "out_of_scope",
				  "kế hoạch thay đổi tổ chức ngoài phạm vi "
				  "quyền của bạn",
				  "the plan changes organisations outside "
				  "your scope");
	return 0;
}

static int h_reorganise(struct http_request *req)
{
	struct orgops_plan plan;
	struct op_meta meta;
	struct hoso_error err;
	char source[96], *detail;
	int dry = http_query_int(req, "dry_run", 0) != 0;

	if (orgops_plan_parse(req->body ? req->body : "", req->body_len, &plan,
			      &err))
		return http_error_from(req, &err);
	snprintf(source, sizeof(source), "api %s", req->addr);
	meta.actor = req->user.name;
	meta.reason = http_query(req, "reason");
	meta.source = source;
	req->status = 200;
	strbuf_reset(&req->out);
	/* the dry run tells what the plan touches; the scope is checked on
	 * that before anything is written */
	if (orgops_plan_run(req->reg, &plan, 1, &meta, &req->out, &err)) {
		orgops_plan_release(&plan);
		return http_error_from(req, &err);
	}
	if (plan_in_scope(req, req->out.buf)) {
		orgops_plan_release(&plan);
		return -1;
	}
	if (!dry) {
		strbuf_reset(&req->out);
		if (orgops_plan_run(req->reg, &plan, 0, &meta, &req->out,
				    &err)) {
			orgops_plan_release(&plan);
			return http_error_from(req, &err);
		}
	}
	detail = http_arena_alloc(&req->arena, 64);
	snprintf(detail, 64, "{\"rows\":%zu,\"dry_run\":%s}", plan.n,
		 dry ? "true" : "false");
	req->audit_detail = detail;
	req->audit_target = "plan";
	orgops_plan_release(&plan);
	return 0;
}

/* Routes: see the comment at the table of handlers.c for the columns.
 * Every write names its effective day; {id} is checked against the
 * caller's scope by the gatekeeper, and so is a required body field
 * naming a second unit (column 10); optional ones and lists (merge
 * sources, members_to, children_to, split children) are checked by the
 * handler. */
#define V1 "/api/v1"
#define EFF "effective:date!,reason:str"
const struct http_route api_routes_org[] = {
	{"POST", V1 "/orgs", h_create, PERM_WRITE, 1, HTTP_BODY_MAX,
	 SCOPE_NONE, NULL,
	 "parent:org!,kind:str!,name:str!,code:str,id:int," EFF, "parent",
	 "org.create", "Create an organisation under a parent from a day",
	 "Object"},
	{"POST", V1 "/orgs/{id}/rename", h_rename, PERM_WRITE, 1,
	 HTTP_BODY_MAX, SCOPE_ORG_PATH, NULL, "name:str!," EFF, NULL,
	 "org.rename", "Rename an organisation from a day", "Object"},
	{"POST", V1 "/orgs/{id}/recode", h_recode, PERM_WRITE, 1,
	 HTTP_BODY_MAX, SCOPE_ORG_PATH, NULL, "code:str!," EFF, NULL,
	 "org.recode", "Change an organisation's code from a day (\"\" removes it)",
	 "Object"},
	{"POST", V1 "/orgs/{id}/move", h_move, PERM_WRITE, 1, HTTP_BODY_MAX,
	 SCOPE_ORG_PATH, NULL, "parent:org!," EFF, "parent", "org.move",
	 "Move an organisation under another parent from a day", "Object"},
	{"POST", V1 "/orgs/{id}/merge", h_merge, PERM_WRITE, 1, HTTP_BODY_MAX,
	 SCOPE_ORG_PATH, NULL, "from:str!," EFF, NULL, "org.merge",
	 "Merge the units listed in from (ids or codes, ';'-separated) into "
	 "{id}: members and children follow", "Object"},
	{"POST", V1 "/orgs/{id}/split", h_split, PERM_WRITE, 1, HTTP_BODY_MAX,
	 SCOPE_ORG_PATH, NULL,
	 "name:str!,code:str,kind:str,parent:org,members:str,children:str,"
	 "id:int," EFF, NULL, "org.split",
	 "Split members and children of {id} into a new unit", "Object"},
	{"POST", V1 "/orgs/{id}/dissolve", h_dissolve, PERM_WRITE, 1,
	 HTTP_BODY_MAX, SCOPE_ORG_PATH, NULL,
	 "members_to:org,children_to:org," EFF, NULL, "org.dissolve",
	 "Dissolve an organisation; its members and children move in the "
	 "same operation", "Object"},
	{"POST", V1 "/orgs/{id}/kind", h_kind, PERM_WRITE, 1, HTTP_BODY_MAX,
	 SCOPE_ORG_PATH, NULL, "kind:str!,parent:org," EFF, NULL,
	 "org.kind", "Change an organisation's kind from a day", "Object"},
	{"POST", V1 "/org-operations/{seq}/undo", h_undo, PERM_ADMIN, 1,
	 HTTP_BODY_MAX, SCOPE_NONE, NULL, "reason:str", NULL, "org.undo",
	 "Undo an organisation operation by a compensating operation",
	 "Object"},
	{"POST", V1 "/reorganisations", h_reorganise, PERM_WRITE, 1,
	 API_PLAN_BODY_MAX, SCOPE_NONE, "dry_run:int,reason:str",
	 HTTP_BODY_TEXT, NULL, "org.reorganise",
	 "Apply a reorganisation plan (CSV body, docs/reorganisation-plan.md), "
	 "all or nothing; ?dry_run=1 only reports", "Object"},
};
const size_t api_n_routes_org =
	sizeof(api_routes_org) / sizeof(api_routes_org[0]);
