/* schema: versioned migrations shared by every backend, one ordered list of
 * steps per module (see schema.c). */
#ifndef HOSO_SCHEMA_H
#define HOSO_SCHEMA_H

#include <stddef.h>

struct db_migration_set {
	const char *module;
	const char *const *steps; /* step i brings the module to version i+1 */
	size_t n;                 /* number of steps, or ... */
	const size_t *n_ext;      /* ... a count defined in another file */
};
extern const struct db_migration_set db_migration_sets[];
extern const size_t db_n_migration_sets;
size_t db_migration_set_size(const struct db_migration_set *m);

/* Steps of the feature modules, each in its own file under src/db/. */
extern const char *const db_steps_member[];    /* schema_member.c */
extern const size_t db_n_steps_member;
extern const char *const db_steps_org[];       /* schema_org.c */
extern const size_t db_n_steps_org;
extern const char *const db_steps_party[];     /* schema_party.c */
extern const size_t db_n_steps_party;
extern const char *const db_steps_changelog[]; /* schema_changelog.c */
extern const size_t db_n_steps_changelog;

/* {name, CREATE statement} of the core indexes, ending with {NULL, NULL}. */
extern const char *const db_core_indexes[][2];

#endif
