/* http: the HTTP server (libmicrohttpd), the route table's shape, the
 * gatekeeper that authenticates and checks permission, scope and limits
 * before any handler, and the reply helpers handlers use. */
#ifndef HOSO_HTTP_H
#define HOSO_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "auth/auth.h"
#include "core/core.h"
#include "http/http_limits.h"
#include "model/registry.h"

/* ---- per-request arena: everything a handler allocates with it is freed
 * when the request completes ---- */
struct http_arena_block;
struct http_arena {
	struct http_arena_block *head;
};
void *http_arena_alloc(struct http_arena *a, size_t n);
char *http_arena_strndup(struct http_arena *a, const char *s, size_t n);
void http_arena_release(struct http_arena *a);

/* What the gatekeeper resolves and checks against the user's grants before
 * the handler runs. */
enum http_scope {
	SCOPE_NONE = 0,    /* no particular organisation */
	SCOPE_ORG_PATH,    /* {id} is an organisation (id or code) */
	SCOPE_MEMBER_PATH, /* {id} is a member id */
	SCOPE_ORG_QUERY,   /* ?in=ORG, default: the user's own top */
	SCOPE_MEMBER_CARD, /* ?card=NO names a member */
};

struct http_request;

/* A route. Parameter specs are comma-separated "name:type" with a trailing
 * '!' when required; types: date (YYYY-MM-DD), int (1..2^31-1), str, org
 * (an id or a code; in a body an integer or a string). The gatekeeper
 * refuses undeclared parameters and fields, wrong types and missing
 * required ones with 400 before the handler runs, and the OpenAPI document
 * is generated from the same specs. */
/* body spec of a route whose body is text, not JSON (a CSV reorganisation
 * plan): the gatekeeper only caps its size; the handler reads req->body. */
#define HTTP_BODY_TEXT "text/csv"

struct http_route {
	const char *method;  /* "GET", "POST" */
	const char *pattern; /* "/api/v1/orgs/{id}/count" */
	int (*handler)(struct http_request *req);
	enum auth_perm perm;
	int writes;          /* changes the store: CSRF for cookie sessions */
	size_t body_cap;     /* largest body accepted; 0: no body */
	enum http_scope scope;
	const char *query;   /* query parameters, e.g. "on:date" */
	const char *body;    /* JSON object fields, e.g. "to:org!,effective:date!" */
	const char *scope_body_org; /* a body field naming a second org that
				       must be in scope too (transfer "to") */
	const char *audit;   /* audit action written after the handler */
	const char *summary; /* one line for the OpenAPI document */
	const char *reply;   /* OpenAPI: name of the 200 reply's schema */
};

struct http_request {
	const struct http_route *route;
	const char *method;
	const char *path;
	struct http_arena arena;
	/* path captures, in pattern order */
	const char *param_names[HTTP_PARAMS_MAX];
	const char *params[HTTP_PARAMS_MAX];
	size_t n_params;
	void *conn; /* struct MHD_Connection */
	const char *body;
	size_t body_len;
	json_t *json; /* the parsed body when the route declares one */
	/* who */
	int authenticated;
	int via_token;
	struct auth_user user;
	char sid[AUTH_TOKEN_HEX];
	char csrf[AUTH_TOKEN_HEX];
	char addr[64];
	int https; /* X-Forwarded-Proto: https */
	enum lang lang;
	/* resolved by the gatekeeper */
	int32_t today;
	int32_t on;         /* ?on= or today */
	int32_t org;        /* SCOPE_ORG_*: the org id */
	int32_t member;     /* SCOPE_MEMBER_*: the member id */
	int32_t body_org;   /* scope_body_org resolved */
	struct registry *reg;
	const struct http_route *routes; /* the whole table (OpenAPI) */
	size_t n_routes;
	/* reply */
	int status;
	struct strbuf out;
	char set_cookie[256];
	/* replies that are not JSON (web files, downloads), set by the
	 * handler; NULL keeps the JSON defaults */
	const char *content_type;  /* NULL: application/json */
	const char *cache_control; /* NULL: no-store */
	const char *disposition;   /* Content-Disposition, or NULL */
	const char *etag;          /* ETag, or NULL */
	const char *csp;           /* Content-Security-Policy, or NULL */
	const char *audit_target;
	const char *audit_detail;
	int session_ended; /* set by logout: drop the session from caches */
};

/* ---- helpers for handlers ---- */
/* Path capture or query parameter, NULL when absent. */
const char *http_param(struct http_request *req, const char *name);
const char *http_query(struct http_request *req, const char *name);
/* A validated date or int query parameter, or dflt when absent. */
int32_t http_query_day(struct http_request *req, const char *name,
		       int32_t dflt);
int64_t http_query_int(struct http_request *req, const char *name,
		       int64_t dflt);
/* Header value, NULL when absent. */
const char *http_header(struct http_request *req, const char *name);
/* Sets the reply: status and JSON text. Returns 0. */
int http_reply(struct http_request *req, int status, const char *json,
	       size_t len);
/* Replies with jansson value v (stolen). */
int http_reply_json(struct http_request *req, int status, json_t *v);
/* Error reply {"error":{"code","message"}} in the request's language.
 * Returns -1 so that a handler can `return http_error(...)`. */
int http_error(struct http_request *req, int status, const char *code,
	       const char *vi, const char *en);
/* Error reply from a hoso_error (NOTFOUND 404, USAGE 400, REJECT 422,
 * CONFLICT 409, else 500). */
int http_error_from(struct http_request *req, const struct hoso_error *err);
/* Appends an audit entry for this request (actor, source filled in). */
int http_audit(struct http_request *req, const char *action,
	       const char *target, int status, const char *detail);

/* ---- matching and parsing (exposed for tests) ---- */
/* 1 when path matches pattern; fills names/values (arena copies). */
int http_route_match(const char *pattern, const char *path,
		     struct http_request *req);
/* The language an Accept-Language header prefers (vi by default). */
enum lang http_accept_language(const char *header);
/* Checks one parameter value against a type of a spec; 0 when valid. */
int http_value_check(const char *type, const char *value);

/* ---- the server ---- */
struct http_server_config {
	const char *host; /* "127.0.0.1" */
	unsigned port;    /* 0: any free port */
	const struct http_route *routes;
	size_t n_routes;
	struct registry *reg;
	/* The store's URI: each worker thread opens its own connection to
	 * serve reads side by side; NULL serves every request alone on reg. */
	const char *db_uri;
	int quiet; /* no access log */
};
struct http_server;
/* Starts serving in background threads; NULL with err on failure. */
struct http_server *http_server_start(const struct http_server_config *cfg,
				      struct hoso_error *err);
/* The port actually bound. */
unsigned http_server_port(const struct http_server *s);
/* Stops accepting, finishes requests in flight, frees. */
void http_server_stop(struct http_server *s);
/* Takes / releases the lock every request runs under, exclusively (for a
 * thread that updates the read model, model/follow.h); arg is the server. */
void http_server_lock(void *server);
void http_server_unlock(void *server);

#endif
