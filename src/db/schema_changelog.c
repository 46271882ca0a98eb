/* schema_changelog: migrations of the change log that several nodes follow. Append steps; never edit one released. */
#include "db/schema.h"

/* An empty list still needs one element in C; the count says 0. */
const char *const db_steps_changelog[1];
const size_t db_n_steps_changelog = 0;
