/* web: routes of the web application: static files and report downloads (filled in by that feature). */
#include "api/api.h"
#include "core/banned.h"

/* An empty group still needs one element in C; the count says 0. */
const struct http_route api_routes_web[1];
const size_t api_n_routes_web = 0;
