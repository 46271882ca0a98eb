/* routes: joins the route groups of every feature into one table. */
#include <pthread.h>
#include <string.h>

#include "api/api.h"
#include "core/banned.h"

static const struct {
	const struct http_route *routes;
	const size_t *n;
} groups[] = {
	{api_routes_core, &api_n_routes_core},
	{api_routes_member, &api_n_routes_member},
	{api_routes_org, &api_n_routes_org},
	{api_routes_party, &api_n_routes_party},
	{api_routes_web, &api_n_routes_web},
};

static struct http_route *all;
static size_t n_all;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void join(void)
{
	size_t n = 0, k = 0;
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		n += *groups[i].n;
	all = xcalloc(n ? n : 1, sizeof(*all));
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		for (size_t j = 0; j < *groups[i].n; j++)
			all[k++] = groups[i].routes[j];
	n_all = k;
}

const struct http_route *api_all_routes(size_t *n)
{
	pthread_once(&once, join);
	*n = n_all;
	return all;
}
