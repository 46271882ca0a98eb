/* schema_org: migrations of organisation operations and reorganisation plans. Append steps; never edit one released. */
#include "db/schema.h"

const char *const db_steps_org[] = {
	/* 1: codes are looked up among live units on every org operation
	 * (uniqueness, plans naming units by code); org-undo records which
	 * operation compensated which, so that one is not undone twice. */
	"CREATE INDEX org_versions_code ON org_versions(code);"
	"CREATE TABLE orgop_undone ("
	" op_seq INTEGER NOT NULL,"
	" undone_by INTEGER NOT NULL);"
	"CREATE UNIQUE INDEX orgop_undone_seq ON orgop_undone(op_seq);",
};
const size_t db_n_steps_org = sizeof(db_steps_org) / sizeof(db_steps_org[0]);
