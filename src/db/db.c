/* db: the public store API, dispatched to the backend chosen by the URI
 * (SQLite for a file path, PostgreSQL for postgres:// URIs). */
#include <string.h>

#include "db/db_backend.h"
#include "core/banned.h"

int db_uri_is_postgres(const char *uri)
{
	return uri && (strncmp(uri, "postgres://", 11) == 0 ||
		       strncmp(uri, "postgresql://", 13) == 0);
}

struct db *db_open(const char *uri, unsigned flags, struct hoso_error *err)
{
	if (db_uri_is_postgres(uri))
		return db_pg_open(uri, flags, err);
	return db_sqlite_open(uri, flags, err);
}

void db_close(struct db *db)
{
	if (db)
		db->ops->close(db);
}

const char *db_backend_name(struct db *db)
{
	return db->ops->name;
}

int db_schema_version(struct db *db)
{
	return db->ops->schema_version(db);
}

int db_exec(struct db *db, const char *sql, struct hoso_error *err)
{
	return db->ops->exec(db, sql, err);
}

int db_begin(struct db *db, int write, struct hoso_error *err)
{
	return db->ops->begin(db, write, err);
}

int db_commit(struct db *db, struct hoso_error *err)
{
	return db->ops->commit(db, err);
}

int db_rollback(struct db *db)
{
	return db->ops->rollback(db);
}

struct db_stmt *db_prepare(struct db *db, const char *sql,
			   struct hoso_error *err)
{
	return db->ops->prepare(db, sql, err);
}

void db_finalize(struct db_stmt *st)
{
	if (st)
		st->db->ops->finalize(st);
}

void db_reset(struct db_stmt *st)
{
	st->db->ops->reset(st);
}

void db_bind_int(struct db_stmt *st, int idx, int64_t v)
{
	st->db->ops->bind_int(st, idx, v);
}

void db_bind_text(struct db_stmt *st, int idx, const char *s, size_t len)
{
	st->db->ops->bind_text(st, idx, s, len);
}

void db_bind_null(struct db_stmt *st, int idx)
{
	st->db->ops->bind_null(st, idx);
}

int db_step(struct db_stmt *st, struct hoso_error *err)
{
	return st->db->ops->step(st, err);
}

int db_column_is_null(struct db_stmt *st, int col)
{
	return st->db->ops->column_is_null(st, col);
}

int64_t db_column_int(struct db_stmt *st, int col)
{
	return st->db->ops->column_int(st, col);
}

const char *db_column_text(struct db_stmt *st, int col, size_t *len)
{
	return st->db->ops->column_text(st, col, len);
}

int64_t db_last_insert_id(struct db *db)
{
	return db->ops->last_insert_id(db);
}

int64_t db_changes(struct db *db)
{
	return db->ops->changes(db);
}

int db_backup_to(struct db *db, const char *path, struct hoso_error *err)
{
	return db->ops->backup_to(db, path, err);
}

int db_finish_fresh(struct db *db, struct hoso_error *err)
{
	return db->ops->finish_fresh(db, err);
}

int db_listen(struct db *db, struct hoso_error *err)
{
	return db->ops->listen(db, err);
}

int db_wait_change(struct db *db, int timeout_ms)
{
	return db->ops->wait_change(db, timeout_ms);
}

int32_t db_column_day(struct db_stmt *st, int col, int32_t dflt)
{
	size_t len;
	const char *s = db_column_text(st, col, &len);
	int32_t d;
	if (!s || day_parse(s, len, &d))
		return dflt;
	return d;
}

void db_bind_day(struct db_stmt *st, int idx, int32_t day)
{
	char b[11];
	if (day == DAY_MIN || day == DAY_MAX) {
		db_bind_null(st, idx);
		return;
	}
	day_format(day, b);
	db_bind_text(st, idx, b, 10);
}
