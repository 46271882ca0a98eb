/* auth: users, password hashing, sessions, tokens, throttling and scopes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "auth/auth.h"
#include "model/reflist.h"

#include "core/banned.h"

const char *const auth_role_names[ROLE_COUNT] = {
	"admin", "organiser", "secretary", "viewer", "inspector",
};

const char *const auth_perm_names[PERM_COUNT] = {
	"public", "user", "aggregate", "personal", "write", "admin",
};

/* Rows: roles; columns: enum auth_perm. Written out so that a change of
 * rights is one visible edit. */
static const unsigned char role_perms[ROLE_COUNT][PERM_COUNT] = {
	/*              pub user aggr pers write admin */
	[ROLE_ADMIN] = {1, 1, 1, 1, 1, 1},
	[ROLE_ORGANISER] = {1, 1, 1, 1, 1, 0},
	[ROLE_SECRETARY] = {1, 1, 1, 1, 1, 0},
	[ROLE_VIEWER] = {1, 1, 1, 0, 0, 0},
	[ROLE_INSPECTOR] = {1, 1, 1, 1, 0, 0},
};

int auth_role_parse(const char *s)
{
	for (int i = 0; i < ROLE_COUNT; i++)
		if (s && !strcmp(s, auth_role_names[i]))
			return i;
	return -1;
}

int auth_role_allows(enum auth_role role, enum auth_perm perm)
{
	if ((int)role < 0 || role >= ROLE_COUNT || (int)perm < 0 ||
	    perm >= PERM_COUNT)
		return 0;
	return role_perms[role][perm];
}

int auth_schema_init(struct db *db, struct hoso_error *err)
{
	if (sodium_init() < 0)
		return hoso_err(err, HOSO_EIO, "%s",
				TR("không khởi tạo được libsodium",
				   "cannot initialise libsodium"));
	/* The tables come with the store's migrations (db/schema.c, version
	 * 2); opening the store has applied them. */
	(void)db;
	return 0;
}

static int fast_hash;

void auth_set_fast_hash(int fast)
{
	fast_hash = fast;
}

int auth_password_hash(const char *pw, size_t len, char *out,
		       struct hoso_error *err)
{
	unsigned long long ops = fast_hash ? crypto_pwhash_OPSLIMIT_MIN
					   : crypto_pwhash_OPSLIMIT_INTERACTIVE;
	size_t mem = fast_hash ? crypto_pwhash_MEMLIMIT_MIN
			       : crypto_pwhash_MEMLIMIT_INTERACTIVE;
	char buf[crypto_pwhash_STRBYTES];

	if (len > AUTH_PASSWORD_MAX)
		return hoso_err(err, HOSO_EREJECT, "%s",
				TR("mật khẩu quá dài", "password too long"));
	if (crypto_pwhash_str(buf, pw, len, ops, mem) != 0)
		return hoso_err(err, HOSO_EIO, "%s",
				TR("không băm được mật khẩu (hết bộ nhớ?)",
				   "cannot hash the password (out of memory?)"));
	if (strlen(buf) >= AUTH_PWHASH_MAX)
		return hoso_err(err, HOSO_EIO, "password hash too long");
	memcpy(out, buf, strlen(buf) + 1);
	return 0;
}

int auth_password_verify(const char *hash, const char *pw, size_t len)
{
	if (!hash || len > AUTH_PASSWORD_MAX)
		return 0;
	return crypto_pwhash_str_verify(hash, pw, len) == 0;
}

int auth_name_check(const char *name, struct hoso_error *err)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > AUTH_NAME_MAX)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			goto bad;
	}
	return 0;
bad:
	return hoso_err(err, HOSO_EUSAGE, "%s",
			TR("tên người dùng gồm 1-64 ký tự A-Z a-z 0-9 . _ -",
			   "a user name is 1-64 characters of A-Z a-z 0-9 . _ -"));
}

/* Runs one statement with up to three text/int parameters and no rows. */
static int exec_stmt(struct db *db, const char *sql, struct db_stmt **out,
		     struct hoso_error *err)
{
	*out = db_prepare(db, sql, err);
	return *out ? 0 : -1;
}

static int step_done(struct db_stmt *st, struct hoso_error *err)
{
	int rc = db_step(st, err);
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

static int64_t user_id_by_name(struct db *db, const char *name,
			       struct hoso_error *err)
{
	struct db_stmt *st;
	int64_t id = -1;
	int rc;

	if (exec_stmt(db, "SELECT id FROM auth_users WHERE name = ?", &st,
		      err))
		return -1;
	db_bind_text(st, 1, name, strlen(name));
	rc = db_step(st, err);
	if (rc == 1)
		id = db_column_int(st, 0);
	else if (rc == 0)
		hoso_err(err, HOSO_ENOTFOUND,
			 TR("không có người dùng %s", "no user %s"), name);
	db_finalize(st);
	return id;
}

static int insert_grant(struct db *db, int64_t uid, int role, int32_t org_id,
			struct hoso_error *err)
{
	struct db_stmt *st;
	const char *rn = auth_role_names[role];

	if (exec_stmt(db,
		      "INSERT INTO auth_grants (user_id, role, org_id)"
		      " VALUES (?, ?, ?)",
		      &st, err))
		return -1;
	db_bind_int(st, 1, uid);
	db_bind_text(st, 2, rn, strlen(rn));
	db_bind_int(st, 3, role == ROLE_ADMIN ? 0 : org_id);
	return step_done(st, err);
}

static int check_grant(int role, int32_t org_id, struct hoso_error *err)
{
	if (role < 0 || role >= ROLE_COUNT)
		return hoso_err(err, HOSO_EUSAGE, "%s",
				TR("vai trò phải là admin, organiser, "
				   "secretary, viewer hoặc inspector",
				   "the role must be admin, organiser, "
				   "secretary, viewer or inspector"));
	if (role != ROLE_ADMIN && org_id <= 0)
		return hoso_err(err, HOSO_EUSAGE, "%s",
				TR("vai trò này cần --org", "this role needs --org"));
	return 0;
}

int64_t auth_user_add(struct db *db, const char *name, const char *password,
		      int role, int32_t org_id, struct hoso_error *err)
{
	char hash[AUTH_PWHASH_MAX];
	struct db_stmt *st = NULL;
	int64_t id = -1;
	int in_tx = 0, rc;

	if (auth_name_check(name, err) || check_grant(role, org_id, err))
		return -1;
	if (password && auth_password_hash(password, strlen(password), hash,
					   err))
		return -1;
	if (db_begin(db, 1, err))
		return -1;
	in_tx = 1;
	if (exec_stmt(db, "SELECT 1 FROM auth_users WHERE name = ?", &st, err))
		goto out;
	db_bind_text(st, 1, name, strlen(name));
	rc = db_step(st, err);
	db_finalize(st);
	if (rc < 0)
		goto out;
	if (rc == 1) {
		hoso_err(err, HOSO_EREJECT,
			 TR("người dùng %s đã có", "user %s already exists"),
			 name);
		goto out;
	}
	if (exec_stmt(db,
		      "INSERT INTO auth_users (name, pwhash, disabled, created_at)"
		      " VALUES (?, ?, 0, ?)",
		      &st, err))
		goto out;
	db_bind_text(st, 1, name, strlen(name));
	if (password)
		db_bind_text(st, 2, hash, strlen(hash));
	else
		db_bind_null(st, 2);
	db_bind_int(st, 3, (int64_t)time(NULL));
	if (step_done(st, err))
		goto out;
	id = db_last_insert_id(db);
	if (insert_grant(db, id, role, org_id, err)) {
		id = -1;
		goto out;
	}
	if (db_commit(db, err)) {
		id = -1;
		goto out;
	}
	in_tx = 0;
out:
	if (in_tx)
		db_rollback(db);
	return id;
}

int auth_user_passwd(struct db *db, const char *name, const char *password,
		     struct hoso_error *err)
{
	char hash[AUTH_PWHASH_MAX];
	struct db_stmt *st;

	if (user_id_by_name(db, name, err) < 0)
		return -1;
	if (auth_password_hash(password, strlen(password), hash, err))
		return -1;
	if (exec_stmt(db, "UPDATE auth_users SET pwhash = ? WHERE name = ?",
		      &st, err))
		return -1;
	db_bind_text(st, 1, hash, strlen(hash));
	db_bind_text(st, 2, name, strlen(name));
	return step_done(st, err);
}

int auth_user_disable(struct db *db, const char *name, struct hoso_error *err)
{
	static const char *const sql[] = {
		"UPDATE auth_users SET disabled = 1 WHERE id = ?",
		"DELETE FROM auth_sessions WHERE user_id = ?",
		"DELETE FROM auth_tokens WHERE user_id = ?",
	};
	struct db_stmt *st;
	int64_t id = user_id_by_name(db, name, err);
	int rc = -1;

	if (id < 0)
		return -1;
	if (db_begin(db, 1, err))
		return -1;
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		if (exec_stmt(db, sql[i], &st, err))
			goto out;
		db_bind_int(st, 1, id);
		if (step_done(st, err))
			goto out;
	}
	rc = db_commit(db, err);
out:
	if (rc)
		db_rollback(db);
	return rc;
}

int auth_user_grant(struct db *db, const char *name, int role, int32_t org_id,
		    struct hoso_error *err)
{
	struct auth_user u;

	if (check_grant(role, org_id, err) || auth_user_load(db, name, &u, err))
		return -1;
	if (u.n_grants >= AUTH_GRANTS_MAX)
		return hoso_err(err, HOSO_EREJECT,
				TR("người dùng đã có %d quyền, tối đa",
				   "the user already holds %d grants, the most"),
				AUTH_GRANTS_MAX);
	for (size_t i = 0; i < u.n_grants; i++)
		if (u.grants[i].role == role &&
		    u.grants[i].org_id == (role == ROLE_ADMIN ? 0 : org_id))
			return 0; /* already held: granting twice is a no-op */
	return insert_grant(db, u.id, role, org_id, err);
}

static int load_user(struct db *db, const char *name, int64_t id,
		     struct auth_user *u, struct hoso_error *err)
{
	struct db_stmt *st;
	size_t len;
	const char *s;
	int rc;

	memset(u, 0, sizeof(*u));
	st = db_prepare(db,
			name ? "SELECT id, name, disabled FROM auth_users"
			       " WHERE name = ?"
			     : "SELECT id, name, disabled FROM auth_users"
			       " WHERE id = ?",
			err);
	if (!st)
		return -1;
	if (name)
		db_bind_text(st, 1, name, strlen(name));
	else
		db_bind_int(st, 1, id);
	rc = db_step(st, err);
	if (rc == 1) {
		u->id = db_column_int(st, 0);
		s = db_column_text(st, 1, &len);
		if (len > AUTH_NAME_MAX)
			len = AUTH_NAME_MAX;
		memcpy(u->name, s, len);
		u->name[len] = '\0';
		u->disabled = (int)db_column_int(st, 2);
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		if (name)
			return hoso_err(err, HOSO_ENOTFOUND,
					TR("không có người dùng %s",
					   "no user %s"),
					name);
		return hoso_err(err, HOSO_ENOTFOUND, "%s",
				TR("không có người dùng", "no such user"));
	}
	st = db_prepare(db,
			"SELECT role, org_id FROM auth_grants WHERE user_id = ?"
			" ORDER BY rowid",
			err);
	if (!st)
		return -1;
	db_bind_int(st, 1, u->id);
	while ((rc = db_step(st, err)) == 1 && u->n_grants < AUTH_GRANTS_MAX) {
		int role = auth_role_parse(db_column_text(st, 0, &len));
		if (role < 0)
			continue; /* a role of a later version: ignore */
		u->grants[u->n_grants].role = role;
		u->grants[u->n_grants].org_id = (int32_t)db_column_int(st, 1);
		u->n_grants++;
	}
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

int auth_user_load(struct db *db, const char *name, struct auth_user *u,
		   struct hoso_error *err)
{
	return load_user(db, name, 0, u, err);
}

int auth_user_load_id(struct db *db, int64_t id, struct auth_user *u,
		      struct hoso_error *err)
{
	return load_user(db, NULL, id, u, err);
}

int auth_user_list_json(struct db *db, struct strbuf *out,
			struct hoso_error *err)
{
	struct db_stmt *st;
	int64_t last = -1;
	size_t len;
	int rc, first = 1;

	st = db_prepare(db,
			"SELECT u.id, u.name, u.disabled, g.role, g.org_id"
			" FROM auth_users u LEFT JOIN auth_grants g"
			" ON g.user_id = u.id ORDER BY u.name, g.rowid",
			err);
	if (!st)
		return -1;
	strbuf_addc(out, '[');
	while ((rc = db_step(st, err)) == 1) {
		int64_t id = db_column_int(st, 0);
		if (id != last) {
			if (last >= 0)
				strbuf_adds(out, "]}");
			if (!first)
				strbuf_addc(out, ',');
			first = 0;
			strbuf_addf(out, "{\"id\":%lld,\"name\":", (long long)id);
			strbuf_add_json_str(out, db_column_text(st, 1, &len));
			strbuf_addf(out, ",\"disabled\":%s,\"grants\":[",
				    db_column_int(st, 2) ? "true" : "false");
			last = id;
		} else {
			strbuf_addc(out, ',');
		}
		if (db_column_is_null(st, 3)) {
			/* a user without grants: undo the comma above */
			if (out->len && out->buf[out->len - 1] == ',')
				out->len--;
			continue;
		}
		strbuf_adds(out, "{\"role\":");
		strbuf_add_json_str(out, db_column_text(st, 3, &len));
		strbuf_addf(out, ",\"org\":%lld}",
			    (long long)db_column_int(st, 4));
	}
	if (last >= 0)
		strbuf_adds(out, "]}");
	db_finalize(st);
	if (strbuf_addc(out, ']'))
		return hoso_err(err, HOSO_EIO, "user list too long");
	return rc < 0 ? -1 : 0;
}

static int kind_parse(const char *s, size_t len)
{
	return enum_lookup(org_kind_names, KIND_COUNT, s, len);
}

int32_t auth_org_resolve_sql(struct db *db, const char *org, int32_t day,
			     int *kind, struct hoso_error *err)
{
	char d[11];
	struct db_stmt *st;
	int64_t id = 0;
	size_t len;
	int rc, by_id = org && parse_pos_int(org, strlen(org), ID_MAX, &id) == 0;

	day_format(day, d);
	st = db_prepare(db,
			by_id ? "SELECT id, kind FROM org_versions WHERE id = ?"
				" AND (valid_from IS NULL OR valid_from <= ?)"
				" AND (valid_to IS NULL OR valid_to > ?)"
			      : "SELECT id, kind FROM org_versions WHERE code = ?"
				" AND (valid_from IS NULL OR valid_from <= ?)"
				" AND (valid_to IS NULL OR valid_to > ?)",
			err);
	if (!st)
		return 0;
	if (by_id)
		db_bind_int(st, 1, id);
	else
		db_bind_text(st, 1, org ? org : "", org ? strlen(org) : 0);
	db_bind_text(st, 2, d, 10);
	db_bind_text(st, 3, d, 10);
	rc = db_step(st, err);
	id = 0;
	if (rc == 1) {
		id = db_column_int(st, 0);
		if (kind) {
			const char *k = db_column_text(st, 1, &len);
			*kind = k ? kind_parse(k, len) : -1;
		}
	}
	db_finalize(st);
	if (rc == 0)
		hoso_err(err, HOSO_ENOTFOUND,
			 TR("không có tổ chức %s ngày %s",
			    "no organisation %s on %s"),
			 org ? org : "", d);
	return (int32_t)id;
}

/* ---- hashing of secrets: only hashes are stored ---- */
static void token_hash(const char *token, char out[65])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)token,
			   strlen(token), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

static void random_hex(char *out, size_t outmax)
{
	unsigned char b[AUTH_TOKEN_BYTES];

	randombytes_buf(b, sizeof(b));
	sodium_bin2hex(out, outmax, b, sizeof(b));
}

/* A fixed hash to verify against when the user is unknown, so that the
 * time of a failed login does not tell whether the name exists. */
static char dummy_hash[AUTH_PWHASH_MAX];

static int count_failures(struct db *db, const char *name, const char *addr,
			  int64_t now, int64_t *n, struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT count(*) FROM auth_login_failures"
		" WHERE name = ? AND addr = ? AND at > ?",
		err);
	int rc;

	if (!st)
		return -1;
	db_bind_text(st, 1, name, strlen(name));
	db_bind_text(st, 2, addr, strlen(addr));
	db_bind_int(st, 3, now - AUTH_LOGIN_WINDOW);
	rc = db_step(st, err);
	*n = rc == 1 ? db_column_int(st, 0) : 0;
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

static int failures_change(struct db *db, int add, const char *name,
			   const char *addr, int64_t now,
			   struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(db,
		add ? "INSERT INTO auth_login_failures (name, addr, at)"
		      " VALUES (?, ?, ?)"
		    : "DELETE FROM auth_login_failures WHERE (name = ? AND"
		      " addr = ?) OR at <= ?",
		err);

	if (!st)
		return -1;
	db_bind_text(st, 1, name, strlen(name));
	db_bind_text(st, 2, addr, strlen(addr));
	db_bind_int(st, 3, add ? now : now - AUTH_LOGIN_WINDOW);
	return step_done(st, err);
}

int auth_login(struct db *db, const char *name, const char *password,
	       size_t pwlen, const char *addr, int64_t now, struct auth_user *u,
	       struct hoso_error *err)
{
	struct db_stmt *st;
	char hash[AUTH_PWHASH_MAX] = "";
	struct hoso_error e2;
	int64_t fails, id = 0;
	int rc, disabled = 1, ok;
	size_t len;

	if (!addr)
		addr = "";
	if (count_failures(db, name, addr, now, &fails, err))
		return AUTH_LOGIN_ERROR;
	if (fails >= AUTH_LOGIN_FAILURES_MAX)
		return AUTH_LOGIN_THROTTLED;
	st = db_prepare(db,
			"SELECT id, pwhash, disabled FROM auth_users"
			" WHERE name = ?",
			err);
	if (!st)
		return AUTH_LOGIN_ERROR;
	db_bind_text(st, 1, name, strlen(name));
	rc = db_step(st, err);
	if (rc == 1) {
		const char *h = db_column_text(st, 1, &len);
		id = db_column_int(st, 0);
		disabled = (int)db_column_int(st, 2);
		if (h && len < sizeof(hash)) {
			memcpy(hash, h, len);
			hash[len] = '\0';
		}
	}
	db_finalize(st);
	if (rc < 0)
		return AUTH_LOGIN_ERROR;
	if (!hash[0]) {
		if (!dummy_hash[0] &&
		    auth_password_hash("not a password", 14, dummy_hash, &e2))
			dummy_hash[0] = '\0';
		auth_password_verify(dummy_hash, password, pwlen);
		ok = 0;
	} else {
		ok = auth_password_verify(hash, password, pwlen);
	}
	if (!ok || disabled) {
		if (failures_change(db, 1, name, addr, now, err))
			return AUTH_LOGIN_ERROR;
		return AUTH_LOGIN_BAD;
	}
	if (failures_change(db, 0, name, addr, now, err) ||
	    auth_user_load_id(db, id, u, err))
		return AUTH_LOGIN_ERROR;
	return AUTH_LOGIN_OK;
}

int auth_session_create(struct db *db, int64_t user_id, int64_t now,
			char *sid, char *csrf, struct hoso_error *err)
{
	char h[65];
	struct db_stmt *st;

	random_hex(sid, AUTH_TOKEN_HEX);
	random_hex(csrf, AUTH_TOKEN_HEX);
	token_hash(sid, h);
	st = db_prepare(db,
			"INSERT INTO auth_sessions"
			" (id_hash, user_id, csrf, created_at, last_seen)"
			" VALUES (?, ?, ?, ?, ?)",
			err);
	if (!st)
		return -1;
	db_bind_text(st, 1, h, 64);
	db_bind_int(st, 2, user_id);
	db_bind_text(st, 3, csrf, strlen(csrf));
	db_bind_int(st, 4, now);
	db_bind_int(st, 5, now);
	return step_done(st, err);
}

static int delete_session_hash(struct db *db, const char *h,
			       struct hoso_error *err)
{
	struct db_stmt *st =
		db_prepare(db, "DELETE FROM auth_sessions WHERE id_hash = ?", err);

	if (!st)
		return -1;
	db_bind_text(st, 1, h, 64);
	return step_done(st, err);
}

int auth_session_check(struct db *db, const char *sid, int64_t now,
		       int64_t ttl, int64_t *user_id, char *csrf,
		       struct hoso_error *err)
{
	char h[65];
	struct db_stmt *st;
	int64_t last = 0;
	size_t len;
	int rc;

	if (!sid || strlen(sid) != 2 * AUTH_TOKEN_BYTES)
		return 0;
	token_hash(sid, h);
	st = db_prepare(db,
			"SELECT user_id, csrf, last_seen FROM auth_sessions"
			" WHERE id_hash = ?",
			err);
	if (!st)
		return -1;
	db_bind_text(st, 1, h, 64);
	rc = db_step(st, err);
	if (rc == 1) {
		const char *c = db_column_text(st, 1, &len);
		*user_id = db_column_int(st, 0);
		last = db_column_int(st, 2);
		if (c && len < AUTH_TOKEN_HEX) {
			memcpy(csrf, c, len);
			csrf[len] = '\0';
		} else {
			csrf[0] = '\0';
		}
	}
	db_finalize(st);
	if (rc <= 0)
		return rc;
	if (now - last >= ttl) {
		if (delete_session_hash(db, h, err))
			return -1;
		return 0;
	}
	/* touch at most once a minute: idle time need not be exact to the
	 * second and this spares a write on most requests */
	if (now - last >= 60) {
		st = db_prepare(db,
				"UPDATE auth_sessions SET last_seen = ?"
				" WHERE id_hash = ?",
				err);
		if (!st)
			return -1;
		db_bind_int(st, 1, now);
		db_bind_text(st, 2, h, 64);
		if (step_done(st, err))
			return -1;
	}
	return 1;
}

int auth_session_end(struct db *db, const char *sid, struct hoso_error *err)
{
	char h[65];

	token_hash(sid, h);
	return delete_session_hash(db, h, err);
}

int64_t auth_session_ttl(void)
{
	const char *s = getenv("HOSO_SESSION_TTL");
	int64_t v;

	if (s && parse_pos_int(s, strlen(s), 366LL * 86400, &v) == 0)
		return v;
	return AUTH_SESSION_TTL_DEFAULT;
}

int auth_token_create(struct db *db, int64_t user_id, int64_t now,
		      char *token, struct hoso_error *err)
{
	char h[65];
	struct db_stmt *st;

	memcpy(token, "hoso_", 5);
	random_hex(token + 5, AUTH_TOKEN_HEX - 5);
	token_hash(token, h);
	st = db_prepare(db,
			"INSERT INTO auth_tokens (token_hash, user_id, created_at)"
			" VALUES (?, ?, ?)",
			err);
	if (!st)
		return -1;
	db_bind_text(st, 1, h, 64);
	db_bind_int(st, 2, user_id);
	db_bind_int(st, 3, now);
	return step_done(st, err);
}

int auth_token_check(struct db *db, const char *token, int64_t *user_id,
		     struct hoso_error *err)
{
	char h[65];
	struct db_stmt *st;
	int rc;

	if (!token || strlen(token) != 5 + 2 * AUTH_TOKEN_BYTES ||
	    memcmp(token, "hoso_", 5))
		return 0;
	token_hash(token, h);
	st = db_prepare(db, "SELECT user_id FROM auth_tokens WHERE token_hash = ?",
			err);
	if (!st)
		return -1;
	db_bind_text(st, 1, h, 64);
	rc = db_step(st, err);
	if (rc == 1)
		*user_id = db_column_int(st, 0);
	db_finalize(st);
	return rc;
}

/* ---- scope ---- */
int32_t auth_scope_day(const struct index *ix, int32_t org, int32_t today)
{
	const struct index_org_version *v;
	size_t n;

	if (index_org_on(ix, org, today))
		return today;
	n = index_org_versions(ix, org, &v);
	if (n == 0)
		return DAY_MIN;
	/* the last day of the latest version that began before today */
	for (size_t i = n; i-- > 0;)
		if (v[i].from <= today && v[i].to != DAY_MIN)
			return v[i].to - 1;
	return v[0].from; /* only future versions: judge on the first day */
}

int32_t auth_member_scope_org(const struct index *ix, int32_t member_id,
			      int32_t today)
{
	const struct index_member *m = index_member(ix, member_id);
	int32_t place;

	if (!m)
		return 0;
	place = index_member_place(ix, member_id, today);
	if (place)
		return place;
	if (m->ended != DAY_MAX && m->ended > DAY_MIN) {
		place = index_member_place(ix, member_id, m->ended - 1);
		if (place)
			return place;
	}
	/* not yet admitted: the first place */
	if (m->admitted > today)
		return index_member_place(ix, member_id, m->admitted);
	return 0;
}

int auth_check(const struct auth_user *u, enum auth_perm perm,
	       const struct index *ix, int32_t org, int32_t today)
{
	int has_perm = 0;
	int32_t day = DAY_MIN;

	if (perm == PERM_PUBLIC)
		return AUTH_ALLOW;
	if (!u || u->disabled)
		return AUTH_FORBIDDEN;
	for (size_t i = 0; i < u->n_grants; i++) {
		const struct auth_grant *g = &u->grants[i];
		if (!auth_role_allows(g->role, perm))
			continue;
		has_perm = 1;
		if (g->role == ROLE_ADMIN || org == 0)
			return AUTH_ALLOW;
		if (!ix)
			continue;
		if (day == DAY_MIN)
			day = auth_scope_day(ix, org, today);
		if (day == DAY_MIN)
			continue;
		if (index_in_subtree(ix, org, g->org_id, day))
			return AUTH_ALLOW;
	}
	return has_perm ? AUTH_OUT_OF_SCOPE : AUTH_FORBIDDEN;
}

int32_t auth_default_org(const struct auth_user *u, enum auth_perm perm)
{
	for (size_t i = 0; i < u->n_grants; i++)
		if (auth_role_allows(u->grants[i].role, perm))
			return u->grants[i].role == ROLE_ADMIN
				       ? 0
				       : u->grants[i].org_id;
	return 0;
}
