/* db_sqlite: the SQLite backend of the store (the default). WAL journal,
 * foreign keys on, busy timeout so concurrent writers wait, not fail. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db/db.h"
#include "db/schema.h"
#include "core/banned.h"

struct db {
	sqlite3 *h;
	int in_tx;
	unsigned flags;
};

struct db_stmt {
	struct db *db;
	sqlite3_stmt *st;
};

static int sqlite_err(struct db *db, struct hoso_error *err, const char *what)
{
	int rc = sqlite3_extended_errcode(db->h);
	int code = HOSO_EIO;
	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		code = HOSO_EREJECT;
	else if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		code = HOSO_ECONFLICT;
	return hoso_err(err, code, "%s: %s (%s)", what,
			TR("lỗi kho dữ liệu", "store error"),
			sqlite3_errmsg(db->h));
}

static int exec_quiet(struct db *db, const char *sql, struct hoso_error *err)
{
	char *msg = NULL;
	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		hoso_err(err, HOSO_EIO, "%s: %s",
			 TR("lỗi kho dữ liệu", "store error"),
			 msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* The version a module's schema has reached (0: none yet). */
static int module_version(struct db *db, const char *module, int *out,
			  struct hoso_error *err)
{
	sqlite3_stmt *st;
	*out = 0;
	if (sqlite3_prepare_v2(db->h,
			       "SELECT version FROM schema_migrations"
			       " WHERE module = ?",
			       -1, &st, NULL))
		return sqlite_err(db, err, "schema_migrations");
	sqlite3_bind_text(st, 1, module, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int set_module_version(struct db *db, const char *module, int v,
			      struct hoso_error *err)
{
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(db->h,
			       "INSERT INTO schema_migrations(module, version)"
			       " VALUES (?, ?) ON CONFLICT(module)"
			       " DO UPDATE SET version = excluded.version",
			       -1, &st, NULL))
		return sqlite_err(db, err, "schema_migrations");
	sqlite3_bind_text(st, 1, module, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, v);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : sqlite_err(db, err, "migrate");
	sqlite3_finalize(st);
	return rc;
}

/* Applies every module's pending steps, each step in its own transaction
 * with the version it reaches. */
static int migrate(struct db *db, struct hoso_error *err)
{
	if (exec_quiet(db,
		       "CREATE TABLE IF NOT EXISTS schema_migrations ("
		       " module TEXT PRIMARY KEY, version INTEGER NOT NULL)",
		       err))
		return -1;
	for (size_t m = 0; m < db_n_migration_sets; m++) {
		const struct db_migration_set *set = &db_migration_sets[m];
		size_t n = db_migration_set_size(set);
		int v;
		if (module_version(db, set->module, &v, err))
			return -1;
		if ((size_t)v > n)
			return hoso_err(err, HOSO_EIO,
					TR("kho dữ liệu được tạo bởi phiên bản hoso mới hơn (%s: lược đồ %d > %zu)",
					   "the store was made by a newer hoso (%s: schema %d > %zu)"),
					set->module, v, n);
		for (; (size_t)v < n; v++) {
			if (exec_quiet(db, "BEGIN IMMEDIATE", err))
				return -1;
			if (exec_quiet(db, set->steps[v], err) ||
			    set_module_version(db, set->module, v + 1, err) ||
			    exec_quiet(db, "COMMIT", err)) {
				exec_quiet(db, "ROLLBACK", NULL);
				return -1;
			}
		}
	}
	return 0;
}

struct db *db_open(const char *uri, unsigned flags, struct hoso_error *err)
{
	struct db *db = xcalloc(1, sizeof(*db));
	struct stat sb;
	int oflags = SQLITE_OPEN_NOMUTEX;

	if (strncmp(uri, "postgres://", 11) == 0 ||
	    strncmp(uri, "postgresql://", 13) == 0) {
		hoso_err(err, HOSO_EUSAGE, "%s",
			 TR("chưa hỗ trợ PostgreSQL trong bản dựng này",
			    "PostgreSQL is not supported by this build yet"));
		free(db);
		return NULL;
	}
	if (stat(uri, &sb) != 0 && !(flags & DB_OPEN_CREATE)) {
		hoso_err(err, HOSO_ENOTFOUND,
			 TR("không tìm thấy kho dữ liệu %s (hãy chạy hoso import trước)",
			    "store %s not found (run hoso import first)"),
			 uri);
		free(db);
		return NULL;
	}
	oflags |= (flags & DB_OPEN_READONLY) ? SQLITE_OPEN_READONLY
					     : SQLITE_OPEN_READWRITE |
						       SQLITE_OPEN_CREATE;
	db->flags = flags;
	if (sqlite3_open_v2(uri, &db->h, oflags, NULL) != SQLITE_OK) {
		hoso_err(err, HOSO_EIO, "%s %s: %s",
			 TR("không mở được kho dữ liệu", "cannot open store"),
			 uri, db->h ? sqlite3_errmsg(db->h) : "?");
		goto fail;
	}
	sqlite3_busy_timeout(db->h, 10000);
	if ((flags & DB_OPEN_FRESH) &&
	    exec_quiet(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
			   " PRAGMA locking_mode=EXCLUSIVE",
		       err))
		goto fail;
	if (!(flags & (DB_OPEN_READONLY | DB_OPEN_FRESH)) &&
	    exec_quiet(db, "PRAGMA journal_mode=WAL", err))
		goto fail;
	if (exec_quiet(db, "PRAGMA foreign_keys=ON;"
			   "PRAGMA synchronous=NORMAL;"
			   "PRAGMA temp_store=MEMORY",
		       err))
		goto fail;
	if ((flags & DB_OPEN_BULK) &&
	    exec_quiet(db, "PRAGMA cache_size=-262144", err))
		goto fail;
	if (!(flags & DB_OPEN_READONLY) && migrate(db, err))
		goto fail;
	return db;
fail:
	sqlite3_close(db->h);
	free(db);
	return NULL;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	if (db->in_tx)
		db_rollback(db);
	sqlite3_close(db->h);
	free(db);
}

int db_schema_version(struct db *db)
{
	int v = -1;
	module_version(db, "core", &v, NULL);
	return v;
}

int db_exec(struct db *db, const char *sql, struct hoso_error *err)
{
	return exec_quiet(db, sql, err);
}

int db_begin(struct db *db, int write, struct hoso_error *err)
{
	if (exec_quiet(db, write ? "BEGIN IMMEDIATE" : "BEGIN", err))
		return -1;
	db->in_tx = 1;
	return 0;
}

int db_commit(struct db *db, struct hoso_error *err)
{
	if (exec_quiet(db, "COMMIT", err)) {
		db_rollback(db);
		return -1;
	}
	db->in_tx = 0;
	return 0;
}

int db_rollback(struct db *db)
{
	db->in_tx = 0;
	if (sqlite3_get_autocommit(db->h))
		return 0;
	return exec_quiet(db, "ROLLBACK", NULL);
}

struct db_stmt *db_prepare(struct db *db, const char *sql,
			   struct hoso_error *err)
{
	struct db_stmt *st = xcalloc(1, sizeof(*st));
	st->db = db;
	if (sqlite3_prepare_v2(db->h, sql, -1, &st->st, NULL) != SQLITE_OK) {
		sqlite_err(db, err, "prepare");
		free(st);
		return NULL;
	}
	return st;
}

void db_finalize(struct db_stmt *st)
{
	if (!st)
		return;
	sqlite3_finalize(st->st);
	free(st);
}

void db_reset(struct db_stmt *st)
{
	sqlite3_reset(st->st);
	sqlite3_clear_bindings(st->st);
}

void db_bind_int(struct db_stmt *st, int idx, int64_t v)
{
	sqlite3_bind_int64(st->st, idx, v);
}

void db_bind_text(struct db_stmt *st, int idx, const char *s, size_t len)
{
	if (!s || !len)
		sqlite3_bind_null(st->st, idx);
	else
		sqlite3_bind_text(st->st, idx, s, (int)len, SQLITE_TRANSIENT);
}

void db_bind_null(struct db_stmt *st, int idx)
{
	sqlite3_bind_null(st->st, idx);
}

int db_step(struct db_stmt *st, struct hoso_error *err)
{
	int rc = sqlite3_step(st->st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	sqlite_err(st->db, err, "step");
	return -1;
}

int db_column_is_null(struct db_stmt *st, int col)
{
	return sqlite3_column_type(st->st, col) == SQLITE_NULL;
}

int64_t db_column_int(struct db_stmt *st, int col)
{
	return sqlite3_column_int64(st->st, col);
}

const char *db_column_text(struct db_stmt *st, int col, size_t *len)
{
	const char *s = (const char *)sqlite3_column_text(st->st, col);
	if (len)
		*len = s ? (size_t)sqlite3_column_bytes(st->st, col) : 0;
	return s;
}

int64_t db_last_insert_id(struct db *db)
{
	return sqlite3_last_insert_rowid(db->h);
}

int64_t db_changes(struct db *db)
{
	return sqlite3_changes64(db->h);
}

int db_finish_fresh(struct db *db, struct hoso_error *err)
{
	if (!(db->flags & DB_OPEN_FRESH))
		return 0;
	/* synchronous=FULL makes the switch to WAL write everything out. */
	return exec_quiet(db, "PRAGMA synchronous=FULL; PRAGMA locking_mode=NORMAL;"
			      " PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
			  err);
}

int db_backup_to(struct db *db, const char *path, struct hoso_error *err)
{
	sqlite3 *dst;
	int rc;
	if (sqlite3_open(path, &dst) != SQLITE_OK) {
		hoso_err(err, HOSO_EIO, "%s %s",
			 TR("không tạo được tệp sao lưu", "cannot create backup"),
			 path);
		sqlite3_close(dst);
		return -1;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", db->h, "main");
	if (!b) {
		hoso_err(err, HOSO_EIO, "backup: %s", sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return -1;
	}
	do {
		rc = sqlite3_backup_step(b, 1024);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	rc = rc == SQLITE_DONE ? 0 : -1;
	if (rc)
		hoso_err(err, HOSO_EIO, "backup: %s", sqlite3_errmsg(dst));
	sqlite3_close(dst);
	return rc;
}
