/* import / export of the interchange format v1 (spec/interchange.md). */
#ifndef HOSO_IMPORT_H
#define HOSO_IMPORT_H

#include <stdint.h>
#include <stdio.h>

#include "core/core.h"
#include "db/db.h"

struct import_opts {
	const char *dir;
	int replace; /* replace a non-empty store */
	int quiet;   /* no progress on stderr */
	const char *actor;
	const char *reason;
};

struct import_result {
	uint64_t org_rows, orgs, members, placements;
	uint64_t bad_rows;   /* rows rejected */
	double seconds;
};

/* Reads the dataset in opts->dir (with periods.csv and period_placements.csv
 * when present: docs/interchange-extensions.md), checks every rule, and
 * writes all of it in one transaction with its operation record, or
 * nothing. Each bad row is
 * written to errout as "file:line: column: reason" (every bad row, in file
 * and line order). Returns 0, or -1 with err (HOSO_EREJECT when rows were
 * rejected, HOSO_EUSAGE when the store is not empty and replace is off). */
int import_dataset(struct db *db, const struct import_opts *opts,
		   FILE *errout, struct import_result *res,
		   struct hoso_error *err);

/* Writes orgs.csv, members.csv and placements.csv of the store into dir
 * (created when missing), and the earlier periods of readmitted members to
 * periods.csv and period_placements.csv. export | import | export is
 * byte-identical. */
int export_dataset(struct db *db, const char *dir, struct hoso_error *err);

/* Looks up an ethnic group or province the way import accepts them
 * (case, hyphens vs spaces, tone placement, other names): index or -1. */
int reflist_ethnic_lookup(const char *s, size_t len);
int reflist_province_lookup(const char *s, size_t len);

#endif
