/* db: the store of record behind one opaque interface. One implementation
 * per backend (db_sqlite.c, db_pg.c), selected by the URI (db.c).
 * SQL is written with ? placeholders and bound parameters only. */
#ifndef HOSO_DB_H
#define HOSO_DB_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

struct db;
struct db_stmt;

enum db_open_flags {
	DB_OPEN_CREATE = 1 << 0,   /* create the store when missing */
	DB_OPEN_READONLY = 1 << 1, /* no writes */
	DB_OPEN_BULK = 1 << 2,     /* bulk loading: bigger cache */
	/* A new store built by one process and renamed into place when done
	 * (a crash leaves only the temporary file): no journal needed. */
	DB_OPEN_FRESH = 1 << 3,
};

/* Opens a store ("path/to/file.db", or "postgres://..." /
 * "postgresql://..." for PostgreSQL), applying pending migrations.
 * NULL on failure with err set (HOSO_ENOTFOUND when the file is missing
 * and DB_OPEN_CREATE is not given). Transactions: db_begin(write) is
 * SERIALIZABLE on PostgreSQL (a concurrent conflicting writer fails with
 * HOSO_ECONFLICT) and a consistent snapshot for reads. */
struct db *db_open(const char *uri, unsigned flags, struct hoso_error *err);
void db_close(struct db *db);
/* The schema version the store is at. */
int db_schema_version(struct db *db);

/* Statements without parameters or results (DDL, pragmas). */
int db_exec(struct db *db, const char *sql, struct hoso_error *err);

/* Transactions. db_begin takes the write lock at once when write is set. */
int db_begin(struct db *db, int write, struct hoso_error *err);
int db_commit(struct db *db, struct hoso_error *err);
int db_rollback(struct db *db);

/* Prepared statements; parameters are numbered from 1. */
struct db_stmt *db_prepare(struct db *db, const char *sql,
			   struct hoso_error *err);
void db_finalize(struct db_stmt *st);
void db_reset(struct db_stmt *st);
void db_bind_int(struct db_stmt *st, int idx, int64_t v);
/* NULL or len 0 binds SQL NULL (an empty text is "unknown" in hoso). */
void db_bind_text(struct db_stmt *st, int idx, const char *s, size_t len);
void db_bind_null(struct db_stmt *st, int idx);
/* 1: a row is ready; 0: done; -1: error (err set). */
int db_step(struct db_stmt *st, struct hoso_error *err);
int db_column_is_null(struct db_stmt *st, int col);
int64_t db_column_int(struct db_stmt *st, int col);
/* Text of a column, NULL for SQL NULL; valid until the next step. */
const char *db_column_text(struct db_stmt *st, int col, size_t *len);
/* Days travel as ISO text ('YYYY-MM-DD'); NULL is an open end. */
/* The day in a column, or dflt when NULL or not a date. */
int32_t db_column_day(struct db_stmt *st, int col, int32_t dflt);
/* Binds a day; DAY_MIN and DAY_MAX (open ends) bind NULL. */
void db_bind_day(struct db_stmt *st, int idx, int32_t day);
/* Rowid of the last insert. */
int64_t db_last_insert_id(struct db *db);
/* Rows changed by the last statement. */
int64_t db_changes(struct db *db);

/* Makes a store opened with DB_OPEN_FRESH durable and journaled (WAL),
 * ready to be renamed into place. */
int db_finish_fresh(struct db *db, struct hoso_error *err);

/* Online copy of the whole store into a new file (backup): an SQLite
 * file, or a pg_dump archive (custom format) of a PostgreSQL store. */
int db_backup_to(struct db *db, const char *path, struct hoso_error *err);
/* Replaces the PostgreSQL store at uri with a pg_dump archive (hoso
 * backup), in one transaction, after checking the archive and, when saved
 * is not NULL, dumping the current store there (pg_restore, pg_dump). */
int db_pg_restore(const char *uri, const char *file, const char *saved,
		  struct hoso_error *err);

/* The backend: "sqlite" or "postgres". */
const char *db_backend_name(struct db *db);
/* 1 when uri names a PostgreSQL store. */
int db_uri_is_postgres(const char *uri);

/* Change notifications (the change log followers of model/follow.h):
 * db_listen subscribes this connection to the commits of every other
 * connection (PostgreSQL LISTEN; a no-op on SQLite). db_wait_change waits
 * up to timeout_ms: 1 when notified, 0 on timeout (SQLite always sleeps
 * and returns 0: poll), -1 when the connection is lost (it is reopened
 * by the next statement; listen again). */
int db_listen(struct db *db, struct hoso_error *err);
int db_wait_change(struct db *db, int timeout_ms);

#endif
