/* api: the /api/v1 routes (the table and its handlers) and the OpenAPI
 * document generated from that table. */
#ifndef HOSO_API_H
#define HOSO_API_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "http/http.h"
#include "model/registry.h"

/* Routes come in groups, one per feature, each in its own file so that
 * features grow without touching each other's tables; api_all_routes()
 * joins them into the one table `hoso serve` and OpenAPI use. To add a
 * group: define the array and its count in your file, declare them here,
 * and add a row to the groups in src/api/routes.c. */
extern const struct http_route api_routes_core[];     /* handlers.c */
extern const size_t api_n_routes_core;
extern const struct http_route api_routes_member[];   /* lifecycle.c */
extern const size_t api_n_routes_member;
extern const struct http_route api_routes_org[];      /* orgops.c */
extern const size_t api_n_routes_org;
extern const struct http_route api_routes_party[];    /* party.c */
extern const size_t api_n_routes_party;
extern const struct http_route api_routes_web[];      /* web.c */
extern const size_t api_n_routes_web;
/* The directory the web application's files are served from (web.c;
 * `hoso serve --web DIR`); call before serving. Default: $HOSO_WEB, else
 * web/ next to the binary. */
void api_web_set_root(const char *dir);
/* Every route; built once, never freed. */
const struct http_route *api_all_routes(size_t *n);

/* Appends the OpenAPI 3.1 document describing routes to out. */
int api_openapi_json(const struct http_route *routes, size_t n,
		     struct strbuf *out);

/* One page of the members active on day and placed in subtree(org, day),
 * by id, optionally only one sex (-1: any) and one status on day
 * (0 probationary, 1 official, -1 any). Appends
 * {"org","on","page","per_page","total","rows":[...]} to out. */
struct api_member_filter {
	int sex;    /* enum index_sex or -1 */
	int status; /* 0 probationary, 1 official, -1 any */
	long page;  /* from 1 */
	long per_page;
};
int api_org_members(struct registry *r, int32_t org, int32_t day,
		    const struct api_member_filter *f, struct strbuf *out,
		    struct hoso_error *err);

#endif
