/* schema: the versioned migrations of the store, applied in order at open.
 * A migration is never edited once released; a change is a new entry. */
#include <stddef.h>

#include "db/schema.h"

/* The SQL below is the dialect common to SQLite and PostgreSQL. Dates are
 * ISO 'YYYY-MM-DD' text, NULL for "since ever" / "still" / unknown. */
const char *const db_migrations[] = {
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
	"CREATE TABLE placements ("
	" member_id INTEGER NOT NULL,"
	" org_id INTEGER NOT NULL,"
	" valid_from TEXT NOT NULL,"
	" valid_to TEXT);"
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
	"CREATE INDEX placements_member ON placements(member_id, valid_from);"
	"CREATE INDEX placements_org ON placements(org_id);",
};
const int db_migration_count =
	(int)(sizeof(db_migrations) / sizeof(db_migrations[0]));

/* The indexes of the registry tables, which a bulk import drops and builds
 * again after loading (much faster than maintaining them row by row). */
const char *const db_core_indexes[][2] = {
	{"org_versions_id",
	 "CREATE INDEX org_versions_id ON org_versions(id, valid_from)"},
	{"org_versions_parent",
	 "CREATE INDEX org_versions_parent ON org_versions(parent_id)"},
	{"members_card", "CREATE UNIQUE INDEX members_card ON members(card_no)"},
	{"placements_member",
	 "CREATE INDEX placements_member ON placements(member_id, valid_from)"},
	{"placements_org", "CREATE INDEX placements_org ON placements(org_id)"},
	{NULL, NULL},
};
