/* db_backend: the table of functions each store backend provides, behind
 * the public db_* API of db.h (db.c dispatches through it). */
#ifndef HOSO_DB_BACKEND_H
#define HOSO_DB_BACKEND_H

#include "db/db.h"

struct db_ops {
	const char *name; /* "sqlite", "postgres" */
	void (*close)(struct db *db);
	int (*schema_version)(struct db *db);
	int (*exec)(struct db *db, const char *sql, struct hoso_error *err);
	int (*begin)(struct db *db, int write, struct hoso_error *err);
	int (*commit)(struct db *db, struct hoso_error *err);
	int (*rollback)(struct db *db);
	struct db_stmt *(*prepare)(struct db *db, const char *sql,
				   struct hoso_error *err);
	void (*finalize)(struct db_stmt *st);
	void (*reset)(struct db_stmt *st);
	void (*bind_int)(struct db_stmt *st, int idx, int64_t v);
	void (*bind_text)(struct db_stmt *st, int idx, const char *s,
			  size_t len);
	void (*bind_null)(struct db_stmt *st, int idx);
	int (*step)(struct db_stmt *st, struct hoso_error *err);
	int (*column_is_null)(struct db_stmt *st, int col);
	int64_t (*column_int)(struct db_stmt *st, int col);
	const char *(*column_text)(struct db_stmt *st, int col, size_t *len);
	int64_t (*last_insert_id)(struct db *db);
	int64_t (*changes)(struct db *db);
	int (*backup_to)(struct db *db, const char *path,
			 struct hoso_error *err);
	int (*finish_fresh)(struct db *db, struct hoso_error *err);
	int (*listen)(struct db *db, struct hoso_error *err);
	int (*wait_change)(struct db *db, int timeout_ms);
};

/* Every backend's connection and statement start with these. */
struct db {
	const struct db_ops *ops;
};
struct db_stmt {
	struct db *db;
};

/* The backends' constructors (db_sqlite.c, db_pg.c). */
struct db *db_sqlite_open(const char *uri, unsigned flags,
			  struct hoso_error *err);
struct db *db_pg_open(const char *uri, unsigned flags,
		      struct hoso_error *err);

#endif
