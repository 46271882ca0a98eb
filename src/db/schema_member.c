/* schema_member: migrations of member lifecycle: candidates, status history, cards, discipline, exemptions, rule sets, holidays. Append steps; never edit one released. */
#include "db/schema.h"

/* An empty list still needs one element in C; the count says 0. */
const char *const db_steps_member[1];
const size_t db_n_steps_member = 0;
