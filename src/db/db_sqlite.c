/* db_sqlite: the SQLite backend of the store (the default). WAL journal,
 * foreign keys on, busy timeout so concurrent writers wait, not fail. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>

#include "db/db_backend.h"
#include "db/schema.h"
#include "core/banned.h"

/* The SQLite connection; the public struct db is its first member. */
/* Prepared statements are kept per connection and reused: preparing is
 * most of the cost of a short query (a dossier read spent 37% of its time
 * in the SQL parser), and the same few statements run again and again. */
#define SQ_STMT_CACHE 96

struct sq_stmt {
	struct db_stmt base;
	sqlite3_stmt *st;
	int slot; /* index in the cache, -1 when not cached */
};

struct sq_cached {
	char *sql;
	uint64_t hash;
	uint64_t last_use;
	int in_use;
	struct sq_stmt *st;
};

struct sq_db {
	struct db base;
	sqlite3 *h;
	int in_tx;
	unsigned flags;
	struct sq_cached cache[SQ_STMT_CACHE];
	uint64_t tick;
	/* BEGIN, BEGIN IMMEDIATE, COMMIT, ROLLBACK: prepared once, since
	 * every read of a dossier is a transaction of its own */
	sqlite3_stmt *tx[4];
};

enum { TX_BEGIN, TX_BEGIN_WRITE, TX_COMMIT, TX_ROLLBACK };

#define SQ(d) ((struct sq_db *)(d))
#define ST(s) ((struct sq_stmt *)(s))
static const struct db_ops sqlite_ops;
static int sq_rollback(struct db *db);

static int sqlite_err(struct sq_db *db, struct hoso_error *err, const char *what)
{
	int rc = sqlite3_extended_errcode(db->h);
	int code = HOSO_EIO;
	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		code = HOSO_EREJECT;
	else if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		code = HOSO_ECONFLICT;
	else if ((rc & 0xff) == SQLITE_FULL || (rc & 0xff) == SQLITE_READONLY ||
		 rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_FSYNC ||
		 rc == SQLITE_IOERR_TRUNCATE || rc == SQLITE_IOERR_SHMSIZE ||
		 rc == SQLITE_CANTOPEN)
		code = HOSO_ESTORAGE;
	if (code == HOSO_ESTORAGE)
		return hoso_err(err, code, "%s: %s (%s)", what,
				TR("kho dữ liệu đầy hoặc chỉ cho đọc; không có gì được ghi",
				   "the store is full or read-only; nothing was written"),
				sqlite3_errmsg(db->h));
	return hoso_err(err, code, "%s: %s (%s)", what,
			TR("lỗi kho dữ liệu", "store error"),
			sqlite3_errmsg(db->h));
}

static int exec_quiet(struct sq_db *db, const char *sql, struct hoso_error *err)
{
	char *msg = NULL;
	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		sqlite3_free(msg);
		/* the connection's last error says what kind it was */
		return sqlite_err(db, err, TR("lệnh", "statement"));
	}
	return 0;
}

/* The version a module's schema has reached (0: none yet). */
static int module_version(struct sq_db *db, const char *module, int *out,
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

static int set_module_version(struct sq_db *db, const char *module, int v,
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
static int migrate(struct sq_db *db, struct hoso_error *err)
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

/* Memory statistics take a global mutex on every allocation; hoso does not
 * read them. Must run before SQLite initialises. */
static void sqlite_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

struct db *db_sqlite_open(const char *uri, unsigned flags,
			  struct hoso_error *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sqlite_configure);
	struct sq_db *db = xcalloc(1, sizeof(*db));
	struct stat sb;
	int oflags = SQLITE_OPEN_NOMUTEX;

	db->base.ops = &sqlite_ops;
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
	/* A store on a read-only file system (a read-only mount, media): no
	 * process can write it, and SQLite could not create the WAL index, so
	 * it is opened immutable; reads work, a write fails as read-only. */
	struct statvfs vfs;
	char ro_uri[4200];
	if (!(flags & DB_OPEN_FRESH) && !statvfs(uri, &vfs) &&
	    (vfs.f_flag & ST_RDONLY) && strlen(uri) < 4000 &&
	    !strpbrk(uri, "?#%")) {
		snprintf(ro_uri, sizeof(ro_uri), "file:%s?immutable=1", uri);
		uri = ro_uri;
		flags |= DB_OPEN_READONLY;
		oflags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_READONLY |
			 SQLITE_OPEN_URI;
	}
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
	/* No memory-mapped I/O (mmap_size stays 0): the server holds one
	 * connection per worker, and each commit that grows the file made
	 * every connection unmap and map it again, which cost more than the
	 * pread() calls it spared. */
	if (!(flags & DB_OPEN_READONLY) && migrate(db, err))
		goto fail;
	return &db->base;
fail:
	sqlite3_close(db->h);
	free(db);
	return NULL;
}

static void sq_close(struct db *d)
{
	struct sq_db *db = SQ(d);
	if (db->in_tx)
		sq_rollback(d);
	for (int i = 0; i < SQ_STMT_CACHE; i++) {
		if (!db->cache[i].sql)
			continue;
		sqlite3_finalize(db->cache[i].st->st);
		free(db->cache[i].st);
		free(db->cache[i].sql);
	}
	for (int i = 0; i < 4; i++)
		sqlite3_finalize(db->tx[i]);
	sqlite3_close(db->h);
	free(db);
}

static int sq_schema_version(struct db *d)
{
	int v = -1;
	module_version(SQ(d), "core", &v, NULL);
	return v;
}

static int sq_exec(struct db *d, const char *sql, struct hoso_error *err)
{
	return exec_quiet(SQ(d), sql, err);
}

static int tx_exec(struct sq_db *db, int which, struct hoso_error *err)
{
	static const char *const sql[4] = {"BEGIN", "BEGIN IMMEDIATE",
					   "COMMIT", "ROLLBACK"};
	int rc;

	if (!db->tx[which] &&
	    sqlite3_prepare_v3(db->h, sql[which], -1,
			       SQLITE_PREPARE_PERSISTENT, &db->tx[which],
			       NULL) != SQLITE_OK)
		return sqlite_err(db, err, TR("lệnh", "statement"));
	rc = sqlite3_step(db->tx[which]);
	sqlite3_reset(db->tx[which]);
	if (rc != SQLITE_DONE)
		return sqlite_err(db, err, TR("lệnh", "statement"));
	return 0;
}

static int sq_begin(struct db *d, int write, struct hoso_error *err)
{
	struct sq_db *db = SQ(d);
	if (tx_exec(db, write ? TX_BEGIN_WRITE : TX_BEGIN, err))
		return -1;
	db->in_tx = 1;
	return 0;
}

static int sq_commit(struct db *d, struct hoso_error *err)
{
	struct sq_db *db = SQ(d);
	if (tx_exec(db, TX_COMMIT, err)) {
		sq_rollback(d);
		return -1;
	}
	db->in_tx = 0;
	return 0;
}

static int sq_rollback(struct db *d)
{
	struct sq_db *db = SQ(d);
	db->in_tx = 0;
	if (sqlite3_get_autocommit(db->h))
		return 0;
	return tx_exec(db, TX_ROLLBACK, NULL);
}

static uint64_t sql_hash(const char *sql)
{
	uint64_t h = 1469598103934665603ull;
	for (; *sql; sql++)
		h = (h ^ (unsigned char)*sql) * 1099511628211ull;
	return h;
}

static struct db_stmt *sq_prepare(struct db *d, const char *sql,
				  struct hoso_error *err)
{
	struct sq_db *db = SQ(d);
	uint64_t h = sql_hash(sql);
	int free_slot = -1, lru = -1;
	for (int i = 0; i < SQ_STMT_CACHE; i++) {
		struct sq_cached *c = &db->cache[i];
		if (!c->sql) {
			if (free_slot < 0)
				free_slot = i;
			continue;
		}
		if (c->in_use)
			continue;
		if (c->hash == h && !strcmp(c->sql, sql)) {
			c->in_use = 1;
			c->last_use = ++db->tick;
			return &c->st->base;
		}
		if (lru < 0 || c->last_use < db->cache[lru].last_use)
			lru = i;
	}
	struct sq_stmt *st = xcalloc(1, sizeof(*st));
	st->base.db = d;
	st->slot = -1;
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT,
			       &st->st, NULL) != SQLITE_OK) {
		sqlite_err(db, err, "prepare");
		free(st);
		return NULL;
	}
	int slot = free_slot >= 0 ? free_slot : lru;
	if (slot >= 0) {
		struct sq_cached *c = &db->cache[slot];
		if (c->sql) {
			sqlite3_finalize(c->st->st);
			free(c->st);
			free(c->sql);
		}
		c->sql = xstrdup(sql);
		c->hash = h;
		c->in_use = 1;
		c->last_use = ++db->tick;
		c->st = st;
		st->slot = slot;
	}
	return &st->base;
}

static void sq_finalize(struct db_stmt *st)
{
	struct sq_stmt *s = ST(st);
	if (s->slot >= 0) {
		/* back to the cache, ready for the next use */
		sqlite3_reset(s->st);
		sqlite3_clear_bindings(s->st);
		SQ(st->db)->cache[s->slot].in_use = 0;
		return;
	}
	sqlite3_finalize(s->st);
	free(s);
}

static void sq_reset(struct db_stmt *st)
{
	sqlite3_reset(ST(st)->st);
	sqlite3_clear_bindings(ST(st)->st);
}

static void sq_bind_int(struct db_stmt *st, int idx, int64_t v)
{
	sqlite3_bind_int64(ST(st)->st, idx, v);
}

static void sq_bind_text(struct db_stmt *st, int idx, const char *s,
			 size_t len)
{
	if (!s || !len)
		sqlite3_bind_null(ST(st)->st, idx);
	else
		sqlite3_bind_text(ST(st)->st, idx, s, (int)len,
				  SQLITE_TRANSIENT);
}

static void sq_bind_null(struct db_stmt *st, int idx)
{
	sqlite3_bind_null(ST(st)->st, idx);
}

static int sq_step(struct db_stmt *st, struct hoso_error *err)
{
	int rc = sqlite3_step(ST(st)->st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	sqlite_err(SQ(st->db), err, "step");
	return -1;
}

static int sq_column_is_null(struct db_stmt *st, int col)
{
	return sqlite3_column_type(ST(st)->st, col) == SQLITE_NULL;
}

static int64_t sq_column_int(struct db_stmt *st, int col)
{
	return sqlite3_column_int64(ST(st)->st, col);
}

static const char *sq_column_text(struct db_stmt *st, int col, size_t *len)
{
	const char *s = (const char *)sqlite3_column_text(ST(st)->st, col);
	if (len)
		*len = s ? (size_t)sqlite3_column_bytes(ST(st)->st, col) : 0;
	return s;
}

static int64_t sq_last_insert_id(struct db *d)
{
	return sqlite3_last_insert_rowid(SQ(d)->h);
}

static int64_t sq_changes(struct db *d)
{
	return sqlite3_changes64(SQ(d)->h);
}

static int sq_finish_fresh(struct db *d, struct hoso_error *err)
{
	struct sq_db *db = SQ(d);
	if (!(db->flags & DB_OPEN_FRESH))
		return 0;
	/* synchronous=FULL makes the switch to WAL write everything out. */
	return exec_quiet(db, "PRAGMA synchronous=FULL; PRAGMA locking_mode=NORMAL;"
			      " PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
			  err);
}

/* SQLite has no notifications: followers poll operations.seq. */
static int sq_listen(struct db *d, struct hoso_error *err)
{
	return 0;
}

static int sq_wait_change(struct db *d, int timeout_ms)
{
	struct timespec ts = {timeout_ms / 1000,
			      (long)(timeout_ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
	return 0;
}

static int sq_backup_to(struct db *d, const char *path,
			struct hoso_error *err)
{
	struct sq_db *db = SQ(d);
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

static const struct db_ops sqlite_ops = {
	.name = "sqlite",
	.close = sq_close,
	.schema_version = sq_schema_version,
	.exec = sq_exec,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.reset = sq_reset,
	.bind_int = sq_bind_int,
	.bind_text = sq_bind_text,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.column_is_null = sq_column_is_null,
	.column_int = sq_column_int,
	.column_text = sq_column_text,
	.last_insert_id = sq_last_insert_id,
	.changes = sq_changes,
	.backup_to = sq_backup_to,
	.finish_fresh = sq_finish_fresh,
	.listen = sq_listen,
	.wait_change = sq_wait_change,
};
