/* schema_party: migrations of party work: meetings, rankings, conferences, directives, cadres. Append steps; never edit one released. */
#include "db/schema.h"

/* An empty list still needs one element in C; the count says 0. */
const char *const db_steps_party[1];
const size_t db_n_steps_party = 0;
