/* schema_org: migrations of organisation operations and reorganisation plans. Append steps; never edit one released. */
#include "db/schema.h"

/* An empty list still needs one element in C; the count says 0. */
const char *const db_steps_org[1];
const size_t db_n_steps_org = 0;
