/* schema: the versioned migrations of the store, applied in order at open.
 * Each feature has its own ordered list (a "module"), so features add
 * tables without renumbering each other's steps; the store records the
 * version reached by each module. A step is never edited once released; a
 * change is a new step. Write SQL that SQLite and PostgreSQL both accept:
 * ? parameters, no date functions (bind timestamps from C), INTEGER
 * PRIMARY KEY for generated ids (the PostgreSQL backend maps it). */
#include <stddef.h>

#include "db/schema.h"

/* The SQL below is the dialect common to SQLite and PostgreSQL. Dates are
 * ISO 'YYYY-MM-DD' text, NULL for "since ever" / "still" / unknown. */
static const char *const core_steps[] = {
	/* 1: the registry core */
	"CREATE TABLE org_versions ("
	" id INTEGER NOT NULL,"
	" parent_id INTEGER,"
	" kind TEXT NOT NULL,"
	" code TEXT,"
	" name TEXT NOT NULL,"
	" valid_from TEXT,"
	" valid_to TEXT);"
	"CREATE TABLE members ("
	" id INTEGER PRIMARY KEY,"
	" card_no TEXT,"
	" full_name TEXT NOT NULL,"
	" sex TEXT NOT NULL,"
	" birth_date TEXT NOT NULL,"
	" ethnicity TEXT NOT NULL,"
	" religion TEXT,"
	" hometown TEXT,"
	" education TEXT,"
	" expertise TEXT,"
	" theory_level TEXT,"
	" admitted_on TEXT NOT NULL,"
	" official_on TEXT,"
	" status TEXT NOT NULL,"
	" ended_on TEXT,"
	" org_id INTEGER NOT NULL);"
	/* Clustered by member and day: a member's history is one range, and
	 * an import that writes them in that order needs no index sort. */
	"CREATE TABLE placements ("
	" member_id INTEGER NOT NULL,"
	" org_id INTEGER NOT NULL,"
	" valid_from TEXT NOT NULL,"
	" valid_to TEXT,"
	" PRIMARY KEY (member_id, valid_from)) WITHOUT ROWID;"
	/* Every change is an operation: who, when entered, the day it takes
	 * effect, what (kind + JSON payload) and why. */
	"CREATE TABLE operations ("
	" seq INTEGER PRIMARY KEY,"
	" kind TEXT NOT NULL,"
	" actor TEXT NOT NULL,"
	" source TEXT,"
	" entered_at TEXT NOT NULL,"
	" effective_on TEXT,"
	" payload TEXT NOT NULL,"
	" reason TEXT);"
	"CREATE INDEX org_versions_id ON org_versions(id, valid_from);"
	"CREATE INDEX org_versions_parent ON org_versions(parent_id);"
	"CREATE UNIQUE INDEX members_card ON members(card_no);"
	"CREATE INDEX placements_org ON placements(org_id);",
};

static const char *const auth_steps[] = {
	/* 1: accounts, grants, sessions, API tokens, login throttling and the
	 * hash-chained audit log (src/auth). Names carry auth_ / audit_. */
	"CREATE TABLE auth_users ("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE,"
	" pwhash TEXT,"
	" disabled INTEGER NOT NULL DEFAULT 0,"
	" created_at INTEGER NOT NULL);"
	"CREATE TABLE auth_grants ("
	" user_id INTEGER NOT NULL,"
	" role TEXT NOT NULL,"
	" org_id INTEGER NOT NULL);"
	"CREATE INDEX auth_grants_user ON auth_grants(user_id);"
	"CREATE TABLE auth_sessions ("
	" id_hash TEXT PRIMARY KEY,"
	" user_id INTEGER NOT NULL,"
	" csrf TEXT NOT NULL,"
	" created_at INTEGER NOT NULL,"
	" last_seen INTEGER NOT NULL);"
	"CREATE TABLE auth_tokens ("
	" id INTEGER PRIMARY KEY,"
	" token_hash TEXT NOT NULL UNIQUE,"
	" user_id INTEGER NOT NULL,"
	" created_at INTEGER NOT NULL);"
	"CREATE TABLE auth_login_failures ("
	" name TEXT NOT NULL,"
	" addr TEXT NOT NULL,"
	" at INTEGER NOT NULL);"
	"CREATE INDEX auth_login_failures_key"
	" ON auth_login_failures(name, addr, at);"
	"CREATE TABLE audit_log ("
	" seq INTEGER PRIMARY KEY,"
	" at TEXT NOT NULL,"
	" actor TEXT NOT NULL,"
	" action TEXT NOT NULL,"
	" target TEXT,"
	" source TEXT,"
	" status INTEGER NOT NULL,"
	" detail TEXT,"
	" prev_hash TEXT NOT NULL,"
	" hash TEXT NOT NULL);",
};
#define STEPS(a) (a), sizeof(a) / sizeof((a)[0])
const struct db_migration_set db_migration_sets[] = {
	/* module, steps, count: core first, then in dependency order */
	{"core", STEPS(core_steps), NULL},
	{"auth", STEPS(auth_steps), NULL},
	{"member", db_steps_member, 0, &db_n_steps_member},
	{"org", db_steps_org, 0, &db_n_steps_org},
	{"party", db_steps_party, 0, &db_n_steps_party},
	{"changelog", db_steps_changelog, 0, &db_n_steps_changelog},
};
const size_t db_n_migration_sets =
	sizeof(db_migration_sets) / sizeof(db_migration_sets[0]);

size_t db_migration_set_size(const struct db_migration_set *m)
{
	return m->n_ext ? *m->n_ext : m->n;
}

/* The indexes of the registry tables, which a bulk import drops and builds
 * again after loading (much faster than maintaining them row by row). */
const char *const db_core_indexes[][2] = {
	{"org_versions_id",
	 "CREATE INDEX org_versions_id ON org_versions(id, valid_from)"},
	{"org_versions_parent",
	 "CREATE INDEX org_versions_parent ON org_versions(parent_id)"},
	{"members_card", "CREATE UNIQUE INDEX members_card ON members(card_no)"},
	{"placements_org", "CREATE INDEX placements_org ON placements(org_id)"},
	{NULL, NULL},
};
