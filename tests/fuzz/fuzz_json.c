/* fuzz_json: libFuzzer target for the JSON request bodies: the gatekeeper's
 * body and field validation (jansson, declared fields and types) and the
 * write handlers behind it. The first byte picks a POST route of the real
 * route table ({id}-like captures filled with ids of the fuzz store), the
 * rest is the body, sent with the admin's API token. No 500, always a
 * reply. */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char paths[128][256];
static size_t n_paths;

/* The route's pattern with every capture replaced: {id} of a member route
 * by member 1, of an org route by cell 11, others by 1. */
static void fill(const char *pattern, char *out, size_t max)
{
	size_t o = 0;
	int member = strstr(pattern, "/members/{id}") != NULL;

	for (const char *p = pattern; *p && o + 8 < max;) {
		if (*p == '{') {
			const char *e = strchr(p, '}');
			const char *v = !strncmp(p, "{id}", 4) && !member ? "11" : "1";
			o += (size_t)snprintf(out + o, max - o, "%s", v);
			p = e ? e + 1 : p + 1;
		} else {
			out[o++] = *p++;
		}
	}
	out[o] = '\0';
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t n;
	const struct http_route *r;

	fz_start();
	r = api_all_routes(&n);
	for (size_t i = 0; i < n && n_paths < 128; i++) {
		if (strcmp(r[i].method, "POST") || !r[i].body ||
		    strstr(r[i].pattern, "/auth/"))
			continue;
		fill(r[i].pattern, paths[n_paths++], sizeof(paths[0]));
	}
	if (!n_paths)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char head[512];
	char *req;
	int hl;

	if (size < 1)
		return 0;
	hl = snprintf(head, sizeof(head),
		      "POST %s HTTP/1.1\r\nHost: fuzz\r\n"
		      "Authorization: Bearer %s\r\n"
		      "Content-Type: application/json\r\n"
		      "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		      paths[data[0] % n_paths], fz.token, size - 1);
	req = malloc((size_t)hl + size);
	memcpy(req, head, (size_t)hl);
	memcpy(req + hl, data + 1, size - 1);
	fz_exchange(req, (size_t)hl + size - 1);
	free(req);
	return 0;
}
