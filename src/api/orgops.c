/* orgops: routes of organisation operations and bulk reorganisation (filled in by that feature). */
#include "api/api.h"
#include "core/banned.h"

/* An empty group still needs one element in C; the count says 0. */
const struct http_route api_routes_org[1];
const size_t api_n_routes_org = 0;
