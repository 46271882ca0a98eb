/* openapi: the OpenAPI 3.1 document, generated from the route table so
 * that it cannot drift from what the gatekeeper enforces. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api/api.h"

#include "core/banned.h"

/* Reply schemas by name: the keys every reply of that kind has. */
static const char *const reply_schemas[] = {
	"Health", "{\"type\":\"object\",\"required\":[\"status\"]}",
	"Object", "{\"type\":\"object\"}",
	"Login", "{\"type\":\"object\",\"required\":[\"user\",\"csrf\","
		 "\"idle_timeout\"]}",
	"Me", "{\"type\":\"object\",\"required\":[\"id\",\"name\",\"grants\"]}",
	"Org", "{\"type\":\"object\",\"required\":[\"id\",\"on\",\"code\","
	       "\"name\",\"kind\",\"parent_id\",\"valid_from\",\"valid_to\","
	       "\"members\",\"path\",\"children\"]}",
	"OrgVersions", "{\"type\":\"object\",\"required\":[\"id\","
		       "\"versions\"]}",
	"Count", "{\"type\":\"object\",\"required\":[\"org\",\"on\","
		 "\"count\"]}",
	"Breakdown", "{\"type\":\"object\",\"required\":[\"org\",\"on\","
		     "\"total\",\"sex\",\"age\",\"ethnicity\",\"religion\","
		     "\"theory_level\",\"expertise\",\"membership_years\","
		     "\"status\"]}",
	"Summary", "{\"type\":\"object\",\"required\":[\"org\",\"on\","
		   "\"rows\"]}",
	"Changes", "{\"type\":\"object\",\"required\":[\"org\",\"from\","
		   "\"to\",\"admitted\",\"made_official\",\"moved_in\","
		   "\"moved_out\",\"left\",\"expelled\",\"died\"]}",
	"Search", "{\"type\":\"object\",\"required\":[\"query\",\"org\","
		  "\"on\",\"total\",\"rows\"]}",
	"Member", "{\"type\":\"object\",\"required\":[\"id\",\"full_name\","
		  "\"placements\"]}",
	"MemberPage", "{\"type\":\"object\",\"required\":[\"org\",\"on\","
		      "\"page\",\"per_page\",\"total\",\"rows\"]}",
	"Transfer", "{\"type\":\"object\",\"required\":[\"seq\","
		    "\"member_id\",\"org_id\",\"effective\"]}",
	"Audit", "{\"type\":\"object\",\"required\":[\"entries\"]}",
	"Error", "{\"type\":\"object\",\"required\":[\"error\"],"
		 "\"properties\":{\"error\":{\"type\":\"object\",\"required\":"
		 "[\"code\",\"message\"],\"properties\":{\"code\":{\"type\":"
		 "\"string\"},\"message\":{\"type\":\"string\"}}}}}",
};

static json_t *type_schema(const char *type, int in_body)
{
	if (!strcmp(type, "date"))
		return json_pack("{s:s,s:s,s:s}", "type", "string", "format",
				 "date", "pattern",
				 "^[0-9]{4}-[0-9]{2}-[0-9]{2}$");
	if (!strcmp(type, "int"))
		return json_pack("{s:s,s:i,s:i}", "type", "integer", "minimum",
				 1, "maximum", ID_MAX);
	if (!strcmp(type, "org"))
		return in_body ? json_pack("{s:[{s:s,s:i},{s:s}]}", "oneOf",
					   "type", "integer", "minimum", 1,
					   "type", "string")
			       : json_pack("{s:s,s:s}", "type", "string",
					   "description", "an id or a code");
	return json_pack("{s:s,s:i}", "type", "string", "maxLength",
			 HTTP_VALUE_MAX);
}

/* Calls fn for each "name:type[!]" of a spec. */
static void spec_each(const char *spec, int in_body, json_t *acc,
		      void (*fn)(json_t *acc, const char *name, json_t *schema,
				 int required))
{
	const char *p = spec;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *colon = memchr(p, ':', n);
		char name[32], type[16];
		size_t nl, tl;
		int required;
		if (colon) {
			nl = (size_t)(colon - p);
			tl = n - nl - 1;
			required = tl && colon[tl] == '!';
			if (required)
				tl--;
			if (nl >= sizeof(name))
				nl = sizeof(name) - 1;
			if (tl >= sizeof(type))
				tl = sizeof(type) - 1;
			memcpy(name, p, nl);
			name[nl] = '\0';
			memcpy(type, colon + 1, tl);
			type[tl] = '\0';
			fn(acc, name, type_schema(type, in_body), required);
		}
		p = end ? end + 1 : NULL;
	}
}

static void add_query(json_t *params, const char *name, json_t *schema,
		      int required)
{
	json_array_append_new(params,
			      json_pack("{s:s,s:s,s:b,s:o}", "name", name, "in",
					"query", "required", required, "schema",
					schema));
}

static void add_field(json_t *obj, const char *name, json_t *schema,
		      int required)
{
	json_object_set_new(json_object_get(obj, "properties"), name, schema);
	if (required)
		json_array_append_new(json_object_get(obj, "required"),
				      json_string(name));
}

static json_t *json_ref(const char *name)
{
	char ref[96];

	snprintf(ref, sizeof(ref), "#/components/schemas/%s", name);
	return json_pack("{s:{s:{s:{s:s}}}}", "content", "application/json",
			 "schema", "$ref", ref);
}

static json_t *operation(const struct http_route *r)
{
	json_t *op, *params = json_array(), *responses, *ok, *errs;
	const char *p = r->pattern;
	char opid[128];
	size_t k = 0;

	/* path parameters */
	while ((p = strchr(p, '{'))) {
		const char *e = strchr(p, '}');
		char name[32];
		size_t nl = e ? (size_t)(e - p - 1) : 0;
		if (!e || nl >= sizeof(name))
			break;
		memcpy(name, p + 1, nl);
		name[nl] = '\0';
		json_array_append_new(
			params,
			json_pack("{s:s,s:s,s:b,s:{s:s}}", "name", name, "in",
				  "path", "required", 1, "schema", "type",
				  "string"));
		p = e;
	}
	spec_each(r->query, 0, params, add_query);
	/* operationId: method + pattern letters */
	k = (size_t)snprintf(opid, sizeof(opid), "%s", r->method);
	for (p = r->pattern; *p && k + 1 < sizeof(opid); p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
			opid[k++] = *p;
		else if (*p == '/')
			opid[k++] = '_';
	opid[k] = '\0';
	ok = json_ref(r->reply ? r->reply : "Object");
	json_object_set_new(ok, "description", json_string("OK"));
	errs = json_ref("Error");
	json_object_set_new(errs, "description",
			    json_string("Error (Vietnamese message, English "
					"when Accept-Language prefers en)"));
	responses = json_pack("{s:o,s:o}", "200", ok, "default", errs);
	op = json_pack("{s:s,s:s,s:o,s:o,s:s,s:b}", "summary", r->summary,
		       "operationId", opid, "parameters", params, "responses",
		       responses, "x-permission", auth_perm_names[r->perm],
		       "x-writes", r->writes);
	if (r->perm == PERM_PUBLIC)
		json_object_set_new(op, "security", json_array());
	if (r->body && !strcmp(r->body, HTTP_BODY_TEXT)) {
		json_object_set_new(
			op, "requestBody",
			json_pack("{s:b,s:{s:{s:{s:s}}}}", "required", 1,
				  "content", HTTP_BODY_TEXT, "schema", "type",
				  "string"));
		json_object_set_new(op, "x-body-max",
				    json_integer((json_int_t)r->body_cap));
	} else if (r->body) {
		json_t *schema = json_pack("{s:s,s:{},s:[],s:b}", "type",
					   "object", "properties", "required",
					   "additionalProperties", 0);
		spec_each(r->body, 1, schema, add_field);
		json_object_set_new(
			op, "requestBody",
			json_pack("{s:b,s:{s:{s:o}}}", "required", 1, "content",
				  "application/json", "schema", schema));
		json_object_set_new(op, "x-body-max",
				    json_integer((json_int_t)r->body_cap));
	}
	return op;
}

int api_openapi_json(const struct http_route *routes, size_t n,
		     struct strbuf *out)
{
	json_t *doc, *paths = json_object(), *schemas = json_object();
	char *s, lower[8];
	int rc = -1;

	for (size_t i = 0; i < sizeof(reply_schemas) / sizeof(reply_schemas[0]);
	     i += 2)
		json_object_set_new(schemas, reply_schemas[i],
				    json_loads(reply_schemas[i + 1], 0, NULL));
	for (size_t i = 0; i < n; i++) {
		json_t *item = json_object_get(paths, routes[i].pattern);
		size_t k;
		if (!item) {
			item = json_object();
			json_object_set_new(paths, routes[i].pattern, item);
		}
		for (k = 0; routes[i].method[k] && k + 1 < sizeof(lower); k++)
			lower[k] = (char)(routes[i].method[k] | 0x20);
		lower[k] = '\0';
		json_object_set_new(item, lower, operation(&routes[i]));
	}
	doc = json_pack(
		"{s:s,s:{s:s,s:s,s:s},s:o,s:{s:o,s:{s:{s:s,s:s,s:s},s:{s:s,"
		"s:s}}},s:[{s:[]},{s:[]}]}",
		"openapi", "3.1.0", "info", "title", "hoso API", "version", "1",
		"description",
		"Sổ đảng viên — registry of party organisations and members",
		"paths", paths, "components", "schemas", schemas,
		"securitySchemes", "session", "type", "apiKey", "in", "cookie",
		"name", "hoso_session", "bearer", "type", "http", "scheme",
		"bearer", "security", "session", "bearer");
	if (!doc)
		return -1;
	s = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (s && !strbuf_adds(out, s))
		rc = 0;
	free(s);
	return rc;
}
