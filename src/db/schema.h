/* schema: versioned migrations shared by every backend. */
#ifndef HOSO_SCHEMA_H
#define HOSO_SCHEMA_H

/* Migration i (0-based) brings the store from version i to version i+1. */
extern const char *const db_migrations[];
extern const int db_migration_count;

/* {name, CREATE statement} of the core indexes, ending with {NULL, NULL}. */
extern const char *const db_core_indexes[][2];

#endif
