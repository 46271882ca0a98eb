/* party: routes of party work: meetings, rankings, conferences, directives, cadres (filled in by that feature). */
#include "api/api.h"
#include "core/banned.h"

/* An empty group still needs one element in C; the count says 0. */
const struct http_route api_routes_party[1];
const size_t api_n_routes_party = 0;
