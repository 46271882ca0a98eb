/* party: routes of party work: meetings, rankings, conferences, directives, cadres. */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "model/party.h"
#include "core/banned.h"

/* Every handler is the same: the gatekeeper has checked the declared
 * parameters and the scope of {id}; the body fields, the query parameters
 * and the other path captures become the arguments of one party action
 * (model/party.h), {id} becomes the organisation (or member) it is about,
 * and the answer is the action's JSON, as from the CLI. */
static void add_query(struct http_request *req, json_t *args)
{
	const char *p = req->route->query;

	while (p && *p) {
		const char *end = strchr(p, ',');
		const char *colon;
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char name[32];
		const char *v;
		colon = memchr(p, ':', n);
		if (colon && (size_t)(colon - p) < sizeof(name)) {
			memcpy(name, p, (size_t)(colon - p));
			name[colon - p] = '\0';
			v = http_query(req, name);
			if (v)
				json_object_set_new(args, name, json_string(v));
		}
		p = end ? end + 1 : NULL;
	}
}

static int run(struct http_request *req, const char *action,
	       const char *subject)
{
	json_t *args = req->json ? json_deep_copy(req->json) : json_object();
	json_t *reason;
	struct op_meta meta;
	struct hoso_error err;
	char source[96];
	int rc;

	add_query(req, args);
	for (size_t i = 0; i < req->n_params; i++) {
		const char *name = req->param_names[i];
		if (!strcmp(name, "id"))
			continue;
		/* {rec} and {cadre} name the row the action changes */
		if (!strcmp(name, "rec") || !strcmp(name, "cadre"))
			name = "id";
		json_object_set_new(args, name, json_string(req->params[i]));
	}
	if (req->route->scope == SCOPE_MEMBER_PATH)
		json_object_set_new(args, "member", json_integer(req->member));
	else if (req->route->scope == SCOPE_ORG_PATH)
		json_object_set_new(args, subject ? subject : "org",
				    json_integer(req->org));
	snprintf(source, sizeof(source), "api %s", req->addr);
	reason = json_object_get(args, "reason");
	meta.actor = req->user.name;
	meta.source = source;
	meta.reason = json_is_string(reason) ? json_string_value(reason)
					     : NULL;
	req->status = 200;
	strbuf_reset(&req->out);
	rc = party_do(req->reg, action, args, &meta, &req->out, &err);
	json_decref(args);
	if (rc)
		return http_error_from(req, &err);
	return 0;
}

#define HANDLER(fn, action, subject) \
	static int fn(struct http_request *req) \
	{ \
		return run(req, action, subject); \
	}
HANDLER(h_meeting_add, "meeting.add", NULL)
HANDLER(h_meeting_list, "meeting.list", NULL)
HANDLER(h_meeting_flags, "meeting.flags", NULL)
HANDLER(h_attendance, "attendance", NULL)
HANDLER(h_strike, "strike.candidates", NULL)
HANDLER(h_rank_member, "ranking.set", NULL)
HANDLER(h_rank_org, "ranking.set", "rank_org")
HANDLER(h_rank_history_member, "ranking.history", NULL)
HANDLER(h_rank_history_org, "ranking.history", "rank_org")
HANDLER(h_rank_rollup, "ranking.rollup", NULL)
HANDLER(h_rank_cap, "ranking.cap", NULL)
HANDLER(h_conf_add, "conference.add", NULL)
HANDLER(h_conf_list, "conference.list", NULL)
HANDLER(h_present, "presentation.add", NULL)
HANDLER(h_rec_add, "recommendation.add", NULL)
HANDLER(h_rec_list, "recommendation.list", NULL)
HANDLER(h_rec_consolidate, "recommendation.consolidate", NULL)
HANDLER(h_rec_forward, "recommendation.forward", NULL)
HANDLER(h_rec_answer, "recommendation.answer", NULL)
HANDLER(h_rec_close, "recommendation.close", NULL)
HANDLER(h_rec_open, "recommendation.open", NULL)
HANDLER(h_dir_add, "directive.add", NULL)
HANDLER(h_dir_list, "directive.list", NULL)
HANDLER(h_dir_assign, "directive.assign", NULL)
HANDLER(h_dir_report, "directive.report", NULL)
HANDLER(h_dir_status, "directive.status", NULL)
HANDLER(h_cadre_add, "cadre.add", NULL)
HANDLER(h_cadre_end, "cadre.end", NULL)
HANDLER(h_cadre_count, "cadre.count", NULL)

/* The routes (see handlers.c for the meaning of each column). Writes are
 * audited with their action; reads that show people (attendance, striking
 * off, dossier rankings, staff) are audited too. */
#define V1 "/api/v1"
#define ORG V1 "/orgs/{id}"
#define B HTTP_BODY_MAX
const struct http_route api_routes_party[] = {
	/* meetings */
	{"POST", ORG "/meetings", h_meeting_add, PERM_WRITE, 1, B,
	 SCOPE_ORG_PATH, NULL,
	 "date:date!,duration:int!,kind:str,thematic_part:str,topics:str,"
	 "absent:str,excused:str,minutes:str,minutes_file:str,reason:str",
	 NULL, "party.meeting.add",
	 "Record a cell meeting with its attendance", "Object"},
	{"GET", ORG "/meetings", h_meeting_list, PERM_AGGREGATE, 0, 0,
	 SCOPE_ORG_PATH, "from:date,to:date,on:date", NULL, NULL, NULL,
	 "Meetings held in a subtree over a period", "Object"},
	{"GET", ORG "/meetings/flags", h_meeting_flags, PERM_AGGREGATE, 0, 0,
	 SCOPE_ORG_PATH, "from:date!,to:date!,on:date", NULL, NULL, NULL,
	 "Skipped months, quarters without a thematic meeting, short "
	 "meetings, rolled up by child", "Object"},
	{"GET", ORG "/attendance", h_attendance, PERM_PERSONAL, 0, 0,
	 SCOPE_ORG_PATH, "from:date!,to:date!,on:date,member:int", NULL, NULL,
	 "party.attendance.read", "Attendance rates per unit and member",
	 "Object"},
	{"GET", ORG "/strike-off-candidates", h_strike, PERM_PERSONAL, 0, 0,
	 SCOPE_ORG_PATH, "year:int!,on:date", NULL, NULL,
	 "party.strike_candidates.read",
	 "Members absent without reason 3 months of a year", "Object"},
	/* rankings */
	{"POST", V1 "/members/{id}/rankings", h_rank_member, PERM_WRITE, 1, B,
	 SCOPE_MEMBER_PATH, NULL,
	 "year:int!,date:date!,level:str,score:int,note:str,reason:str", NULL,
	 "party.ranking.member", "Rank a member for a year", "Object"},
	{"GET", V1 "/members/{id}/rankings", h_rank_history_member,
	 PERM_PERSONAL, 0, 0, SCOPE_MEMBER_PATH, NULL, NULL, NULL,
	 "member.rankings.read", "A member's ranking history", "Object"},
	{"POST", ORG "/rankings", h_rank_org, PERM_WRITE, 1, B, SCOPE_ORG_PATH,
	 NULL, "year:int!,date:date!,level:str,score:int,note:str,reason:str",
	 NULL, "party.ranking.org", "Rank an organisation for a year",
	 "Object"},
	{"GET", ORG "/rankings", h_rank_history_org, PERM_AGGREGATE, 0, 0,
	 SCOPE_ORG_PATH, NULL, NULL, NULL, NULL,
	 "An organisation's ranking history", "Object"},
	{"GET", ORG "/rankings/rollup", h_rank_rollup, PERM_AGGREGATE, 0, 0,
	 SCOPE_ORG_PATH, "year:int!,subject:str,on:date", NULL, NULL, NULL,
	 "Rankings of a year by level and unit", "Object"},
	{"GET", ORG "/rankings/cap", h_rank_cap, PERM_AGGREGATE, 0, 0,
	 SCOPE_ORG_PATH, "year:int!,on:date", NULL, NULL, NULL,
	 "Grassroots organisations over the excellent cap", "Object"},
	/* conferences and recommendations */
	{"POST", ORG "/conferences", h_conf_add, PERM_WRITE, 1, B,
	 SCOPE_ORG_PATH, NULL,
	 "date:date!,title:str!,agenda:str,delegates:int,reason:str", NULL,
	 "party.conference.add", "Record a conference or congress", "Object"},
	{"GET", ORG "/conferences", h_conf_list, PERM_AGGREGATE, 0, 0,
	 SCOPE_ORG_PATH, NULL, NULL, NULL, NULL,
	 "Conferences of an organisation with presentations", "Object"},
	{"POST", ORG "/conferences/{conference}/presentations", h_present,
	 PERM_WRITE, 1, B, SCOPE_ORG_PATH, NULL,
	 "title:str!,author:str!,unit:org,reason:str", NULL,
	 "party.presentation.add", "Add a presentation to a conference",
	 "Object"},
	{"POST", ORG "/recommendations", h_rec_add, PERM_WRITE, 1, B,
	 SCOPE_ORG_PATH, NULL,
	 "to:org!,topic:str!,text:str!,date:date,conference:int,reason:str",
	 NULL, "party.recommendation.add",
	 "Submit a recommendation to a level above", "Object"},
	{"GET", ORG "/recommendations", h_rec_list, PERM_AGGREGATE, 0, 0,
	 SCOPE_ORG_PATH, "box:str", NULL, NULL, NULL,
	 "Recommendations sent or received, with their status", "Object"},
	{"POST", ORG "/recommendations/consolidate", h_rec_consolidate,
	 PERM_WRITE, 1, B, SCOPE_ORG_PATH, NULL,
	 "ids:str!,topic:str!,text:str!,to:org,date:date,reason:str", NULL,
	 "party.recommendation.consolidate",
	 "Consolidate received recommendations into one sent up", "Object"},
	{"POST", ORG "/recommendations/{rec}/forward", h_rec_forward,
	 PERM_WRITE, 1, B, SCOPE_ORG_PATH, NULL, "to:org,date:date,reason:str",
	 NULL, "party.recommendation.forward",
	 "Forward a received recommendation up", "Object"},
	{"POST", ORG "/recommendations/{rec}/answer", h_rec_answer, PERM_WRITE,
	 1, B, SCOPE_ORG_PATH, NULL, "answer:str!,date:date,reason:str", NULL,
	 "party.recommendation.answer", "Answer a received recommendation",
	 "Object"},
	{"POST", ORG "/recommendations/{rec}/close", h_rec_close, PERM_WRITE, 1,
	 B, SCOPE_ORG_PATH, NULL, "date:date,reason:str", NULL,
	 "party.recommendation.close", "Close a recommendation", "Object"},
	{"GET", ORG "/recommendations/open", h_rec_open, PERM_AGGREGATE, 0, 0,
	 SCOPE_ORG_PATH, "on:date", NULL, NULL, NULL,
	 "Open recommendations by level and topic on a day", "Object"},
	/* directives */
	{"POST", ORG "/directives", h_dir_add, PERM_WRITE, 1, B,
	 SCOPE_ORG_PATH, NULL,
	 "number:str!,date:date!,title:str!,kind:str,text:str,file:str,"
	 "reason:str",
	 NULL, "party.directive.add",
	 "Register a resolution, directive or regulation", "Object"},
	{"GET", ORG "/directives", h_dir_list, PERM_AGGREGATE, 0, 0,
	 SCOPE_ORG_PATH, NULL, NULL, NULL, NULL,
	 "Directives issued by or assigned to an organisation", "Object"},
	{"POST", ORG "/directives/{directive}/assign", h_dir_assign,
	 PERM_WRITE, 1, B, SCOPE_ORG_PATH, NULL,
	 "to:org!,deadline:date!,date:date,levels:str,reason:str", NULL,
	 "party.directive.assign", "Assign a directive to a subtree",
	 "Object"},
	{"POST", ORG "/directives/{directive}/reports", h_dir_report,
	 PERM_WRITE, 1, B, SCOPE_ORG_PATH, NULL,
	 "date:date!,summary:str!,status:str,reason:str", NULL,
	 "party.directive.report", "Report the implementation of a directive",
	 "Object"},
	{"GET", ORG "/directives/{directive}/status", h_dir_status,
	 PERM_AGGREGATE, 0, 0, SCOPE_ORG_PATH, "on:date", NULL, NULL, NULL,
	 "Which units reported, which are late, rolled up", "Object"},
	/* full-time cadres */
	{"POST", ORG "/cadres", h_cadre_add, PERM_WRITE, 1, B, SCOPE_ORG_PATH,
	 NULL, "name:str,post:str!,from:date!,to:date,member:int,reason:str",
	 NULL, "party.cadre.add", "Add a full-time cadre to a committee",
	 "Object"},
	{"POST", ORG "/cadres/{cadre}/end", h_cadre_end, PERM_WRITE, 1, B,
	 SCOPE_ORG_PATH, NULL, "to:date!,reason:str", NULL, "party.cadre.end",
	 "End a cadre's post", "Object"},
	{"GET", ORG "/cadres", h_cadre_count, PERM_PERSONAL, 0, 0,
	 SCOPE_ORG_PATH, "on:date", NULL, NULL, "party.cadres.read",
	 "Full-time cadres per committee, rolled up", "Object"},
};
const size_t api_n_routes_party =
	sizeof(api_routes_party) / sizeof(api_routes_party[0]);
