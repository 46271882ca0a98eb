/* db_pg: the PostgreSQL backend of the store (libpq). The portable SQL of
 * the code base is translated once per statement (? -> $n, INTEGER ->
 * BIGINT, INTEGER PRIMARY KEY -> identity column, rowid -> ctid, aliases
 * for FROM subqueries); rows are streamed (single-row mode) so that a big
 * read does not sit in memory; bulk loads use COPY behind db_step; write
 * transactions are SERIALIZABLE and announce their commit with NOTIFY. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "db/db_backend.h"
#include "db/schema.h"
#include "core/banned.h"

#define PG_CHANNEL "hoso_changes"
#define PG_COPY_FLUSH (4u << 20) /* bytes of COPY data sent at a time */
#define PG_MIGRATE_LOCK 0x686f736fL /* "hoso": one migrator at a time */
#define PG_IDENT_MAX 64 /* tables with a generated id */

struct pg_stmt;

/* A growable text buffer (strbuf is capped; COPY data is not). */
struct pg_buf {
	char *buf;
	size_t len, alloc;
};

struct pg_db {
	struct db base;
	PGconn *c;
	char *uri; /* for pg_dump (hoso backup) */
	unsigned flags;
	int in_tx, write_tx;
	struct pg_stmt *active; /* streaming its rows, owns the connection */
	int64_t last_id, changes;
	/* tables whose id is generated (INTEGER PRIMARY KEY): name, column */
	char *ident[PG_IDENT_MAX][2];
	size_t n_ident;
	unsigned char dirty[PG_IDENT_MAX]; /* explicit ids inserted */
	/* COPY rows waiting to be sent (bulk loads) */
	char *copy_sql;
	struct pg_buf copy;
};

enum pg_state { ST_IDLE, ST_STREAMING, ST_BUFFERED, ST_DONE };

struct pg_stmt {
	struct db_stmt base;
	char *sql;
	int nparams;
	char **vals;
	Oid *types;
	unsigned char *is_test; /* the parameter is tested with IS [NOT] NULL */
	enum pg_state state;
	PGresult *row; /* the current row (row 0) */
	PGresult **q;  /* results drained while another statement ran */
	size_t qn, qi, qa;
	int ident;      /* index in ident[] of an INSERT's table, or -1 */
	int returning;  /* RETURNING id was added: the row is absorbed */
	int explicit_id;
	char *copy_sql; /* "COPY t(cols) FROM STDIN" when the INSERT fits */
};

#define PG(d) ((struct pg_db *)(d))
#define PST(s) ((struct pg_stmt *)(s))
static const struct db_ops pg_ops;

static void buf_add(struct pg_buf *b, const char *s, size_t n)
{
	ALLOC_GROW(b->buf, b->len + n + 1, b->alloc);
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

static void buf_adds(struct pg_buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static int is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* Does p start with word w (case-insensitive, whole word)? */
static int word_is(const char *p, const char *w)
{
	size_t n = strlen(w);
	return !strncasecmp(p, w, n) && !is_word(p[n]);
}

/* After a FROM-subquery's ')': is an alias already there? */
static int has_alias(const char *p)
{
	static const char *const kw[] = {
		"WHERE", "GROUP", "ORDER", "LIMIT", "UNION", "JOIN", "LEFT",
		"INNER", "CROSS", "ON", "HAVING", "EXCEPT", "INTERSECT",
		"OFFSET", "WINDOW", "RIGHT", "FULL", "NATURAL", NULL};
	p = skip_space(p);
	if (!is_word(*p))
		return 0;
	for (int i = 0; kw[i]; i++)
		if (word_is(p, kw[i]))
			return 0;
	return 1;
}

/* Translates the portable SQL of the code base into PostgreSQL's dialect,
 * outside string literals, quoted names and comments. Sets *nparams to
 * the highest parameter number and marks parameters tested with IS. */
static char *translate(const char *sql, int *nparams, unsigned char **is_test)
{
	struct pg_buf o = {0};
	const char *p = sql;
	int next = 0, maxp = 0, depth = 0, n_alias = 0;
	unsigned long alias_at = 0; /* bit d: paren depth d needs an alias */
	char prev_word[16] = "";
	unsigned char *tests = NULL;
	size_t tests_alloc = 0;

	buf_add(&o, "", 0);
	while (*p) {
		char c = *p;
		if (c == '\'' || c == '"') {
			const char *e = p + 1;
			while (*e && !(*e == c && e[1] != c)) {
				if (*e == c)
					e++;
				e++;
			}
			if (*e)
				e++;
			buf_add(&o, p, (size_t)(e - p));
			p = e;
			continue;
		}
		if (c == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
			continue;
		}
		if (c == '?') {
			int idx;
			char num[16];
			p++;
			if (*p >= '0' && *p <= '9') {
				idx = 0;
				while (*p >= '0' && *p <= '9' && idx < 100000)
					idx = idx * 10 + (*p++ - '0');
			} else {
				idx = ++next;
			}
			if (idx > maxp)
				maxp = idx;
			if ((size_t)idx + 1 > tests_alloc) {
				size_t na = (size_t)idx + 16;
				tests = xrealloc(tests, na);
				memset(tests + tests_alloc, 0, na - tests_alloc);
				tests_alloc = na;
			}
			if (word_is(skip_space(p), "IS"))
				tests[idx] = 1;
			snprintf(num, sizeof(num), "$%d", idx);
			buf_adds(&o, num);
			continue;
		}
		if (c == '(') {
			depth++;
			if (depth < 64) {
				if ((!strcasecmp(prev_word, "FROM") ||
				     !strcasecmp(prev_word, "JOIN")) &&
				    word_is(skip_space(p + 1), "SELECT"))
					alias_at |= 1ul << depth;
				else
					alias_at &= ~(1ul << depth);
			}
			buf_add(&o, p++, 1);
			prev_word[0] = '\0';
			continue;
		}
		if (c == ')') {
			buf_add(&o, p++, 1);
			if (depth > 0 && depth < 64 && (alias_at >> depth & 1) &&
			    !has_alias(p)) {
				char a[32];
				snprintf(a, sizeof(a), " AS hoso_sq%d", ++n_alias);
				buf_adds(&o, a);
			}
			if (depth > 0)
				depth--;
			prev_word[0] = '\0';
			continue;
		}
		if (is_word(c) && (p == sql || !is_word(p[-1]))) {
			const char *e = p;
			while (is_word(*e))
				e++;
			if (word_is(p, "INTEGER")) {
				const char *n = skip_space(e);
				if (word_is(n, "PRIMARY")) {
					buf_adds(&o, "BIGINT GENERATED BY DEFAULT"
						     " AS IDENTITY");
				} else {
					buf_adds(&o, "BIGINT");
				}
			} else if (word_is(p, "WITHOUT") &&
				   word_is(skip_space(e), "ROWID")) {
				/* SQLite's clustered tables: PostgreSQL has
				 * only heaps */
				e = skip_space(e) + 5;
			} else if (word_is(p, "rowid")) {
				buf_adds(&o, "ctid");
			} else {
				buf_add(&o, p, (size_t)(e - p));
			}
			size_t wl = (size_t)(e - p);
			if (wl < sizeof(prev_word)) {
				memcpy(prev_word, p, wl);
				prev_word[wl] = '\0';
			} else {
				prev_word[0] = '\0';
			}
			p = e;
			continue;
		}
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			prev_word[0] = '\0';
		buf_add(&o, p++, 1);
	}
	*nparams = maxp;
	if (is_test)
		*is_test = tests;
	else
		free(tests);
	return o.buf;
}

/* ---- errors ---- */
static int conn_err(struct pg_db *db, struct hoso_error *err, const char *what)
{
	return hoso_err(err, HOSO_EIO, "%s: %s (%s)", what,
			TR("mất kết nối tới PostgreSQL",
			   "lost the connection to PostgreSQL"),
			db->c ? PQerrorMessage(db->c) : "?");
}

/* Maps a failed result: serialization failures and deadlocks are
 * conflicts (the caller may retry), unique violations rejections. */
static int res_err(struct pg_db *db, const PGresult *res,
		   struct hoso_error *err, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE)
				: NULL;
	const char *msg = res ? PQresultErrorMessage(res) : "";
	char clean[512];
	size_t n = 0;

	if (!res || !state)
		return conn_err(db, err, what);
	/* one line: libpq ends messages with a newline */
	for (; msg[n] && msg[n] != '\n' && n + 1 < sizeof(clean); n++)
		clean[n] = msg[n];
	clean[n] = '\0';
	if (!strcmp(state, "40001") || !strcmp(state, "40P01") ||
	    !strcmp(state, "55P03"))
		return hoso_err(err, HOSO_ECONFLICT, "%s (%s)",
				TR("xung đột với một thay đổi đồng thời từ nơi khác; không có gì được ghi, hãy thử lại",
				   "conflict with a concurrent change made elsewhere; nothing was written, try again"),
				state);
	if (!strcmp(state, "23505"))
		return hoso_err(err, HOSO_EREJECT, "%s: %s (%s)", what,
				TR("trùng giá trị duy nhất",
				   "duplicate of a unique value"),
				clean);
	if (!strncmp(state, "08", 2) || PQstatus(db->c) != CONNECTION_OK)
		return conn_err(db, err, what);
	return hoso_err(err, HOSO_EIO, "%s: %s (%s %s)", what,
			TR("lỗi kho dữ liệu", "store error"), state, clean);
}

/* ---- connection ---- */
static void ignore_notice(void *arg, const char *msg)
{
}

/* Outside a transaction a lost connection is opened again. */
static int ensure_conn(struct pg_db *db, struct hoso_error *err)
{
	if (PQstatus(db->c) == CONNECTION_OK)
		return 0;
	if (db->in_tx)
		return conn_err(db, err, "PostgreSQL");
	db->active = NULL;
	PQreset(db->c);
	if (PQstatus(db->c) != CONNECTION_OK)
		return conn_err(db, err, "PostgreSQL");
	return 0;
}

static int flush_copy(struct pg_db *db, struct hoso_error *err);

/* The active statement's remaining results are read into its queue, so
 * that the connection can run another one. */
static void drain_active(struct pg_db *db)
{
	struct pg_stmt *st = db->active;
	PGresult *res;
	if (!st)
		return;
	while ((res = PQgetResult(db->c))) {
		ALLOC_GROW(st->q, st->qn + 1, st->qa);
		st->q[st->qn++] = res;
	}
	st->state = ST_BUFFERED;
	db->active = NULL;
}

/* Makes the connection free for a new command. */
static int make_ready(struct pg_db *db, struct hoso_error *err)
{
	if (flush_copy(db, err))
		return -1;
	drain_active(db);
	return ensure_conn(db, err);
}

/* Runs SQL without parameters (possibly several statements). */
static int run(struct pg_db *db, const char *sql, struct hoso_error *err)
{
	PGresult *res;
	int rc = 0;
	if (make_ready(db, err))
		return -1;
	res = PQexec(db->c, sql);
	if (!res || (PQresultStatus(res) != PGRES_COMMAND_OK &&
		     PQresultStatus(res) != PGRES_TUPLES_OK))
		rc = res_err(db, res, err, "exec");
	PQclear(res);
	return rc;
}

/* Runs a one-value query with text parameters; *out gets the value (0 if
 * none). */
static int query_int(struct pg_db *db, const char *sql, int n,
		     const char *const *vals, int64_t *out,
		     struct hoso_error *err)
{
	PGresult *res;
	int rc = 0;
	*out = 0;
	if (make_ready(db, err))
		return -1;
	res = PQexecParams(db->c, sql, n, NULL, vals, NULL, NULL, 0);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = res_err(db, res, err, "query");
	else if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
		*out = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return rc;
}

/* ---- migrations: the same steps as SQLite, versions in the same table;
 * an advisory lock keeps two nodes starting at once from both applying
 * a step ---- */
static int migrate(struct pg_db *db, struct hoso_error *err)
{
	char lock[96];
	snprintf(lock, sizeof(lock), "SELECT pg_advisory_xact_lock(%ld)",
		 (long)PG_MIGRATE_LOCK);
	if (run(db,
		"CREATE TABLE IF NOT EXISTS schema_migrations ("
		" module TEXT PRIMARY KEY, version BIGINT NOT NULL)",
		err)) {
		/* two nodes creating it at once: the loser sees it exists */
		if (run(db, "SELECT 1 FROM schema_migrations LIMIT 1", NULL))
			return -1;
	}
	for (size_t m = 0; m < db_n_migration_sets; m++) {
		const struct db_migration_set *set = &db_migration_sets[m];
		size_t n = db_migration_set_size(set);
		for (;;) {
			const char *vals[2] = {set->module, NULL};
			char vbuf[24];
			int64_t v;
			char *sql;
			int np;
			if (run(db, "BEGIN", err))
				return -1;
			if (run(db, lock, err) ||
			    query_int(db,
				      "SELECT version FROM schema_migrations"
				      " WHERE module = $1",
				      1, vals, &v, err))
				goto fail;
			if ((size_t)v > n) {
				hoso_err(err, HOSO_EIO,
					 TR("kho dữ liệu được tạo bởi phiên bản hoso mới hơn (%s: lược đồ %lld > %zu)",
					    "the store was made by a newer hoso (%s: schema %lld > %zu)"),
					 set->module, (long long)v, n);
				goto fail;
			}
			if ((size_t)v == n) {
				if (run(db, "COMMIT", err))
					return -1;
				break;
			}
			sql = translate(set->steps[v], &np, NULL);
			int rc = run(db, sql, err);
			free(sql);
			if (rc)
				goto fail;
			snprintf(vbuf, sizeof(vbuf), "%lld", (long long)v + 1);
			vals[1] = vbuf;
			if (query_int(db,
				      "INSERT INTO schema_migrations(module, version)"
				      " VALUES ($1, $2) ON CONFLICT(module)"
				      " DO UPDATE SET version = excluded.version"
				      " RETURNING version",
				      2, vals, &v, err) ||
			    run(db, "COMMIT", err))
				goto fail;
			continue;
		fail:
			run(db, "ROLLBACK", NULL);
			return -1;
		}
	}
	return 0;
}

/* Remembers the tables with a generated id (for RETURNING and for moving
 * their sequence past ids inserted explicitly). */
static int load_identities(struct pg_db *db, struct hoso_error *err)
{
	PGresult *res = PQexec(db->c,
			       "SELECT table_name, column_name"
			       " FROM information_schema.columns"
			       " WHERE table_schema = current_schema()"
			       " AND is_identity = 'YES'");
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		res_err(db, res, err, "identities");
		PQclear(res);
		return -1;
	}
	for (int i = 0; i < PQntuples(res) && db->n_ident < PG_IDENT_MAX; i++) {
		db->ident[db->n_ident][0] = xstrdup(PQgetvalue(res, i, 0));
		db->ident[db->n_ident][1] = xstrdup(PQgetvalue(res, i, 1));
		db->n_ident++;
	}
	PQclear(res);
	return 0;
}

/* Moves the sequences of tables that got explicit ids past the highest
 * id (never backwards: another node may have drawn one meanwhile). */
static int sync_sequences(struct pg_db *db, struct hoso_error *err)
{
	for (size_t i = 0; i < db->n_ident; i++) {
		char *t, *c, sql[512];
		const char *vals[2];
		int64_t v;
		int rc;
		if (!db->dirty[i])
			continue;
		db->dirty[i] = 0;
		t = PQescapeIdentifier(db->c, db->ident[i][0],
				       strlen(db->ident[i][0]));
		c = PQescapeIdentifier(db->c, db->ident[i][1],
				       strlen(db->ident[i][1]));
		if (!t || !c) {
			PQfreemem(t);
			PQfreemem(c);
			return conn_err(db, err, "sequence");
		}
		snprintf(sql, sizeof(sql),
			 "SELECT setval(pg_get_serial_sequence($1, $2),"
			 " greatest((SELECT coalesce(max(%s), 0) FROM %s) + 1,"
			 " nextval(pg_get_serial_sequence($1, $2))), false)",
			 c, t);
		PQfreemem(t);
		PQfreemem(c);
		vals[0] = db->ident[i][0];
		vals[1] = db->ident[i][1];
		rc = query_int(db, sql, 2, vals, &v, err);
		if (rc)
			return -1;
	}
	return 0;
}

struct db *db_pg_open(const char *uri, unsigned flags, struct hoso_error *err)
{
	struct pg_db *db = xcalloc(1, sizeof(*db));
	db->base.ops = &pg_ops;
	db->flags = flags;
	db->uri = xstrdup(uri);
	db->c = PQconnectdb(uri);
	if (!db->c || PQstatus(db->c) != CONNECTION_OK) {
		hoso_err(err, HOSO_EIO, "%s: %s",
			 TR("không kết nối được tới PostgreSQL",
			    "cannot connect to PostgreSQL"),
			 db->c ? PQerrorMessage(db->c) : "?");
		goto fail;
	}
	PQsetNoticeProcessor(db->c, ignore_notice, NULL);
	if (run(db, "SET client_min_messages = warning", err))
		goto fail;
	if (!(flags & DB_OPEN_READONLY) && migrate(db, err))
		goto fail;
	if (load_identities(db, err))
		goto fail;
	return &db->base;
fail:
	PQfinish(db->c);
	free(db->uri);
	free(db);
	return NULL;
}

/* ---- statements ---- */
static void stmt_clear(struct pg_stmt *st)
{
	struct pg_db *db = PG(st->base.db);
	PGresult *res;
	if (db->active == st) {
		while ((res = PQgetResult(db->c)))
			PQclear(res);
		db->active = NULL;
	}
	PQclear(st->row);
	st->row = NULL;
	for (size_t i = st->qi; i < st->qn; i++)
		PQclear(st->q[i]);
	st->qn = st->qi = 0;
	st->state = ST_IDLE;
}

/* Recognises "INSERT INTO t(cols) VALUES (?, ..., ?)": its table (for
 * the generated id) and whether it can go through COPY. */
static void study_insert(struct pg_db *db, struct pg_stmt *st, const char *sql)
{
	const char *p = skip_space(sql), *t, *cols = NULL, *cols_end = NULL;
	size_t tl;
	st->ident = -1;
	if (!word_is(p, "INSERT"))
		return;
	p = skip_space(p + 6);
	if (!word_is(p, "INTO"))
		return;
	t = p = skip_space(p + 4);
	while (is_word(*p))
		p++;
	tl = (size_t)(p - t);
	p = skip_space(p);
	if (*p == '(') {
		cols = p + 1;
		cols_end = strchr(p, ')');
	}
	for (size_t i = 0; i < db->n_ident; i++) {
		if (strlen(db->ident[i][0]) == tl &&
		    !strncasecmp(db->ident[i][0], t, tl)) {
			st->ident = (int)i;
			break;
		}
	}
	if (st->ident >= 0 && cols && cols_end) {
		const char *col = db->ident[st->ident][1];
		size_t cl = strlen(col);
		for (const char *q = cols; q + cl <= cols_end; q++)
			if (!strncasecmp(q, col, cl) &&
			    (q == cols || !is_word(q[-1])) && !is_word(q[cl]))
				st->explicit_id = 1;
	}
	/* INSERT ... SELECT gets RETURNING too: its caller reads the new id
	 * as SQLite's last_insert_rowid (the last row's) */
	if (strcasestr(sql, "RETURNING") || strcasestr(sql, "ON CONFLICT"))
		return;
	if (st->ident >= 0)
		st->returning = 1;
	/* COPY: VALUES followed only by placeholders */
	if ((db->flags & DB_OPEN_BULK) && cols && cols_end) {
		const char *v = skip_space(cols_end + 1);
		if (!word_is(v, "VALUES"))
			return;
		v = skip_space(v + 6);
		if (*v != '(')
			return;
		for (v++; *v && *v != ')'; v++)
			if (*v != '?' && *v != ',' && *v != ' ')
				return;
		if (*v != ')' || *skip_space(v + 1))
			return;
		struct pg_buf b = {0};
		buf_adds(&b, "COPY ");
		buf_add(&b, t, (size_t)(cols_end + 1 - t));
		buf_adds(&b, " FROM STDIN");
		st->copy_sql = b.buf;
	}
}

static struct db_stmt *pg_prepare(struct db *d, const char *sql,
				  struct hoso_error *err)
{
	struct pg_db *db = PG(d);
	struct pg_stmt *st = xcalloc(1, sizeof(*st));
	char *t = translate(sql, &st->nparams, &st->is_test);
	st->base.db = d;
	st->sql = t;
	st->vals = xcalloc((size_t)st->nparams + 1, sizeof(*st->vals));
	st->types = xcalloc((size_t)st->nparams + 1, sizeof(*st->types));
	if (!st->is_test)
		st->is_test = xcalloc((size_t)st->nparams + 1, 1);
	study_insert(db, st, sql);
	if (st->returning) {
		struct pg_buf b = {0};
		buf_adds(&b, t);
		buf_adds(&b, " RETURNING ");
		buf_adds(&b, db->ident[st->ident][1]);
		free(st->sql);
		st->sql = b.buf;
	}
	return &st->base;
}

static void pg_finalize(struct db_stmt *s)
{
	struct pg_stmt *st = PST(s);
	stmt_clear(st);
	for (int i = 0; i <= st->nparams; i++)
		free(st->vals[i]);
	free(st->vals);
	free(st->types);
	free(st->is_test);
	free(st->q);
	free(st->sql);
	free(st->copy_sql);
	free(st);
}

static void pg_reset(struct db_stmt *s)
{
	struct pg_stmt *st = PST(s);
	stmt_clear(st);
	for (int i = 0; i <= st->nparams; i++) {
		FREE_AND_NULL(st->vals[i]);
		st->types[i] = 0;
	}
}

static void set_param(struct pg_stmt *st, int idx, char *v, Oid type)
{
	if (idx < 1 || idx > st->nparams) {
		free(v);
		return;
	}
	free(st->vals[idx]);
	st->vals[idx] = v;
	/* int8 for integers; text left to the server's inference, except
	 * where "? IS NULL" gives it nothing to infer from */
	st->types[idx] = type ? type : (st->is_test[idx] ? 25 : 0);
}

static void pg_bind_int(struct db_stmt *s, int idx, int64_t v)
{
	char b[24];
	snprintf(b, sizeof(b), "%lld", (long long)v);
	set_param(PST(s), idx, xstrdup(b), 20);
}

static void pg_bind_text(struct db_stmt *s, int idx, const char *v, size_t len)
{
	if (!v || !len) {
		set_param(PST(s), idx, NULL, 0);
		return;
	}
	char *c = xmalloc(len + 1);
	memcpy(c, v, len);
	c[len] = '\0';
	set_param(PST(s), idx, c, 0);
}

static void pg_bind_null(struct db_stmt *s, int idx)
{
	set_param(PST(s), idx, NULL, 0);
}

/* ---- COPY: rows of a bulk INSERT are gathered and sent in batches ---- */
static void copy_field(struct pg_buf *b, const char *v)
{
	if (!v) {
		buf_add(b, "\\N", 2);
		return;
	}
	for (const char *p = v; *p; p++) {
		switch (*p) {
		case '\\': buf_add(b, "\\\\", 2); break;
		case '\t': buf_add(b, "\\t", 2); break;
		case '\n': buf_add(b, "\\n", 2); break;
		case '\r': buf_add(b, "\\r", 2); break;
		default: buf_add(b, p, 1);
		}
	}
}

static int flush_copy(struct pg_db *db, struct hoso_error *err)
{
	PGresult *res;
	int rc = 0;
	if (!db->copy_sql)
		return 0;
	drain_active(db);
	res = PQexec(db->c, db->copy_sql);
	if (!res || PQresultStatus(res) != PGRES_COPY_IN) {
		rc = res_err(db, res, err, "COPY");
		PQclear(res);
		goto out;
	}
	PQclear(res);
	if (PQputCopyData(db->c, db->copy.buf, (int)db->copy.len) != 1 ||
	    PQputCopyEnd(db->c, NULL) != 1) {
		rc = conn_err(db, err, "COPY");
		goto out;
	}
	while ((res = PQgetResult(db->c))) {
		if (!rc && PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = res_err(db, res, err, "COPY");
		PQclear(res);
	}
out:
	FREE_AND_NULL(db->copy_sql);
	db->copy.len = 0;
	return rc;
}

static int copy_row(struct pg_db *db, struct pg_stmt *st,
		    struct hoso_error *err)
{
	if (db->copy_sql && strcmp(db->copy_sql, st->copy_sql) &&
	    flush_copy(db, err))
		return -1;
	if (!db->copy_sql)
		db->copy_sql = xstrdup(st->copy_sql);
	for (int i = 1; i <= st->nparams; i++) {
		if (i > 1)
			buf_add(&db->copy, "\t", 1);
		copy_field(&db->copy, st->vals[i]);
	}
	buf_add(&db->copy, "\n", 1);
	if (st->explicit_id)
		db->dirty[st->ident] = 1;
	db->changes = 1;
	st->state = ST_DONE;
	if (db->copy.len >= PG_COPY_FLUSH)
		return flush_copy(db, err);
	return 0;
}

static PGresult *next_result(struct pg_db *db, struct pg_stmt *st)
{
	if (st->state == ST_BUFFERED)
		return st->qi < st->qn ? st->q[st->qi++] : NULL;
	return PQgetResult(db->c);
}

static int pg_step(struct db_stmt *s, struct hoso_error *err)
{
	struct pg_stmt *st = PST(s);
	struct pg_db *db = PG(s->db);
	PGresult *res;
	int rc = 0;

	if (st->state == ST_DONE)
		return 0;
	if (st->state == ST_IDLE) {
		if (st->copy_sql && db->in_tx)
			return copy_row(db, st, err);
		if (make_ready(db, err))
			return -1;
		if (!PQsendQueryParams(db->c, st->sql, st->nparams,
				       st->types + 1,
				       (const char *const *)st->vals + 1, NULL,
				       NULL, 0)) {
			st->state = ST_DONE;
			return conn_err(db, err, "query");
		}
		PQsetSingleRowMode(db->c);
		st->state = ST_STREAMING;
		db->active = st;
	}
	PQclear(st->row);
	st->row = NULL;
	while ((res = next_result(db, st))) {
		ExecStatusType t = PQresultStatus(res);
		if (t == PGRES_SINGLE_TUPLE && st->returning) {
			db->last_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
			PQclear(res);
			continue;
		}
		if (t == PGRES_SINGLE_TUPLE) {
			st->row = res;
			return 1;
		}
		if (t == PGRES_TUPLES_OK || t == PGRES_COMMAND_OK) {
			const char *n = PQcmdTuples(res);
			db->changes = *n ? strtoll(n, NULL, 10) : 0;
		} else if (!rc) {
			rc = res_err(db, res, err, "step");
		}
		PQclear(res);
	}
	/* the statement is complete */
	if (db->active == st)
		db->active = NULL;
	st->state = ST_DONE;
	if (!rc && st->explicit_id) {
		db->dirty[st->ident] = 1;
		if (!db->in_tx)
			rc = sync_sequences(db, err);
	}
	return rc;
}

static int pg_column_is_null(struct db_stmt *s, int col)
{
	struct pg_stmt *st = PST(s);
	return !st->row || col >= PQnfields(st->row) ||
	       PQgetisnull(st->row, 0, col);
}

static int64_t pg_column_int(struct db_stmt *s, int col)
{
	struct pg_stmt *st = PST(s);
	const char *v;
	if (pg_column_is_null(s, col))
		return 0;
	v = PQgetvalue(st->row, 0, col);
	/* booleans of comparisons come back as t / f */
	if (v[0] == 't' && !v[1])
		return 1;
	if (v[0] == 'f' && !v[1])
		return 0;
	return strtoll(v, NULL, 10);
}

static const char *pg_column_text(struct db_stmt *s, int col, size_t *len)
{
	struct pg_stmt *st = PST(s);
	if (pg_column_is_null(s, col)) {
		if (len)
			*len = 0;
		return NULL;
	}
	if (len)
		*len = (size_t)PQgetlength(st->row, 0, col);
	return PQgetvalue(st->row, 0, col);
}

/* ---- transactions ---- */
static int pg_begin(struct db *d, int write, struct hoso_error *err)
{
	struct pg_db *db = PG(d);
	/* Writes are SERIALIZABLE: two nodes changing the same member or
	 * organisation at once cannot both commit. Reads see one snapshot. */
	const char *sql = write ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
				: "BEGIN ISOLATION LEVEL REPEATABLE READ";
	if (run(db, sql, err)) {
		/* A connection cut while idle (server restart, failover,
		 * pg_terminate_backend) is found only by this first use: no
		 * transaction was open, so connect again and begin once more. */
		if (PQstatus(db->c) == CONNECTION_OK ||
		    ensure_conn(db, err) || run(db, sql, err))
			return -1;
	}
	db->in_tx = 1;
	db->write_tx = write;
	return 0;
}

static int pg_rollback(struct db *d)
{
	struct pg_db *db = PG(d);
	PGresult *res;
	FREE_AND_NULL(db->copy_sql);
	db->copy.len = 0;
	drain_active(db);
	db->in_tx = 0;
	db->write_tx = 0;
	memset(db->dirty, 0, sizeof(db->dirty));
	if (PQstatus(db->c) != CONNECTION_OK ||
	    PQtransactionStatus(db->c) == PQTRANS_IDLE)
		return 0;
	res = PQexec(db->c, "ROLLBACK");
	PQclear(res);
	return 0;
}

static int pg_commit(struct db *d, struct hoso_error *err)
{
	struct pg_db *db = PG(d);
	PGresult *res;
	int rc = 0;

	if (make_ready(db, err) || sync_sequences(db, err))
		goto fail;
	/* delivered to the listening nodes only if the commit succeeds */
	if (db->write_tx && run(db, "NOTIFY " PG_CHANNEL, err))
		goto fail;
	res = PQexec(db->c, "COMMIT");
	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = res_err(db, res, err, "commit");
	} else if (!strcmp(PQcmdStatus(res), "ROLLBACK")) {
		/* an earlier statement failed: the server rolled back */
		rc = hoso_err(err, HOSO_ECONFLICT, "%s",
			      TR("giao dịch đã bị hủy; không có gì được ghi",
				 "the transaction was aborted; nothing was written"));
	}
	PQclear(res);
	if (rc)
		goto fail;
	db->in_tx = 0;
	db->write_tx = 0;
	return 0;
fail:
	pg_rollback(d);
	return -1;
}

static int pg_exec(struct db *d, const char *sql, struct hoso_error *err)
{
	struct pg_db *db = PG(d);
	int np, rc;
	char *t;
	/* SQLite's settings mean nothing here */
	if (word_is(skip_space(sql), "PRAGMA"))
		return 0;
	t = translate(sql, &np, NULL);
	rc = run(db, t, err);
	free(t);
	return rc;
}

static void pg_close(struct db *d)
{
	struct pg_db *db = PG(d);
	if (db->in_tx)
		pg_rollback(d);
	drain_active(db);
	PQfinish(db->c);
	for (size_t i = 0; i < db->n_ident; i++) {
		free(db->ident[i][0]);
		free(db->ident[i][1]);
	}
	free(db->copy_sql);
	free(db->copy.buf);
	free(db->uri);
	free(db);
}

static int pg_schema_version(struct db *d)
{
	const char *vals[1] = {"core"};
	int64_t v = -1;
	if (query_int(PG(d), "SELECT version FROM schema_migrations"
			     " WHERE module = $1",
		      1, vals, &v, NULL))
		return -1;
	return (int)v;
}

static int64_t pg_last_insert_id(struct db *d)
{
	return PG(d)->last_id;
}

static int64_t pg_changes(struct db *d)
{
	return PG(d)->changes;
}

/* Runs a PostgreSQL client program (argv[0] on the PATH, no shell), its
 * standard output thrown away when quiet; 0 when it exits 0. Its own
 * messages go to our standard error. */
static int run_tool(const char *const argv[], int quiet,
		    struct hoso_error *err)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return hoso_err(err, HOSO_EIO, "%s: %s", argv[0],
				strerror(errno));
	if (pid == 0) {
		if (quiet) {
			int fd = open("/dev/null", O_WRONLY);
			if (fd >= 0)
				dup2(fd, 1);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return hoso_err(err, HOSO_EIO, "%s: %s", argv[0],
					strerror(errno));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return hoso_err(err, HOSO_EIO,
				TR("không chạy được %s (cài gói postgresql-client)",
				   "cannot run %s (install postgresql-client)"),
				argv[0]);
	return hoso_err(err, HOSO_EIO,
			TR("%s thất bại (mã %d); không có gì thay đổi",
			   "%s failed (status %d); nothing changed"),
			argv[0], WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/* pg_dump of the database at uri into path (custom format, one
 * snapshot: a consistent prefix of the operations even while nodes
 * write). Written beside and renamed, so path is whole or absent. */
static int dump_to(const char *uri, const char *path, struct hoso_error *err)
{
	char part[4200];
	int rc;

	if ((size_t)snprintf(part, sizeof(part), "%s.part", path) >=
	    sizeof(part))
		return hoso_err(err, HOSO_EUSAGE, "%s",
				TR("đường dẫn quá dài", "path too long"));
	const char *const argv[] = {"pg_dump", "--format=custom",
				    "--no-owner", "--no-privileges",
				    "--file", part, "--dbname", uri, NULL};
	rc = run_tool(argv, 0, err);
	if (!rc && rename(part, path))
		rc = hoso_err(err, HOSO_EIO, "%s: %s", path, strerror(errno));
	if (rc)
		remove(part);
	return rc;
}

static int pg_backup_to(struct db *d, const char *path,
			struct hoso_error *err)
{
	return dump_to(PG(d)->uri, path, err);
}

int db_pg_restore(const char *uri, const char *file, const char *saved,
		  struct hoso_error *err)
{
	const char *const list[] = {"pg_restore", "--list", file, NULL};
	/* one transaction: a damaged archive or a crash leaves the old store */
	const char *const restore[] = {"pg_restore", "--clean", "--if-exists",
				       "--single-transaction",
				       "--exit-on-error", "--no-owner",
				       "--no-privileges", "--dbname", uri,
				       file, NULL};

	if (run_tool(list, 1, err)) {
		hoso_err(err, HOSO_EREJECT, "%s: %s",
			 TR("tệp sao lưu hỏng hoặc không phải của pg_dump",
			    "the backup is damaged or not made by pg_dump"),
			 file);
		return -1;
	}
	if (saved && dump_to(uri, saved, err))
		return -1;
	return run_tool(restore, 0, err);
}

static int pg_finish_fresh(struct db *d, struct hoso_error *err)
{
	return 0;
}

/* ---- change notifications ---- */
static int pg_listen(struct db *d, struct hoso_error *err)
{
	return run(PG(d), "LISTEN " PG_CHANNEL, err);
}

static int take_notifies(struct pg_db *db)
{
	PGnotify *n;
	int got = 0;
	while ((n = PQnotifies(db->c))) {
		got = 1;
		PQfreemem(n);
	}
	return got;
}

static int pg_wait_change(struct db *d, int timeout_ms)
{
	struct pg_db *db = PG(d);
	struct pollfd pfd;

	if (PQstatus(db->c) != CONNECTION_OK) {
		PQreset(db->c);
		if (PQstatus(db->c) != CONNECTION_OK) {
			/* the server is away: wait before trying again */
			poll(NULL, 0, timeout_ms);
		}
		return -1;
	}
	if (!PQconsumeInput(db->c))
		return -1;
	if (take_notifies(db))
		return 1;
	pfd.fd = PQsocket(db->c);
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (pfd.fd < 0)
		return -1;
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return 0;
	if (!PQconsumeInput(db->c) || PQstatus(db->c) != CONNECTION_OK)
		return -1;
	return take_notifies(db);
}

static const struct db_ops pg_ops = {
	.name = "postgres",
	.close = pg_close,
	.schema_version = pg_schema_version,
	.exec = pg_exec,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.reset = pg_reset,
	.bind_int = pg_bind_int,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.column_is_null = pg_column_is_null,
	.column_int = pg_column_int,
	.column_text = pg_column_text,
	.last_insert_id = pg_last_insert_id,
	.changes = pg_changes,
	.backup_to = pg_backup_to,
	.finish_fresh = pg_finish_fresh,
	.listen = pg_listen,
	.wait_change = pg_wait_change,
};
