/* api: the /api/v1 routes (the table and its handlers) and the OpenAPI
 * document generated from that table. */
#ifndef HOSO_API_H
#define HOSO_API_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "http/http.h"
#include "model/registry.h"

/* The route table served by `hoso serve`. */
extern const struct http_route api_routes[];
extern const size_t api_n_routes;

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
