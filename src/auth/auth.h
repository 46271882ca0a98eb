/* auth: users, argon2id passwords, sessions, API tokens, roles with subtree
 * scopes and login throttling, kept in the store (tables auth_*). */
#ifndef HOSO_AUTH_H
#define HOSO_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "db/db.h"
#include "http/http_limits.h"
#include "index/index.h"

/* Roles (a user holds one or more grants, each a role on a subtree). */
enum auth_role {
	ROLE_ADMIN = 0,  /* everything, everywhere */
	ROLE_ORGANISER,  /* read/write everything in its subtree */
	ROLE_SECRETARY,  /* read/write its cell or grassroots subtree */
	ROLE_VIEWER,     /* aggregate figures only */
	ROLE_INSPECTOR,  /* reads dossiers and lists in its subtree */
	ROLE_COUNT
};
extern const char *const auth_role_names[ROLE_COUNT];
/* The role named s, or -1. */
int auth_role_parse(const char *s);

/* What a route needs. */
enum auth_perm {
	PERM_PUBLIC = 0, /* no login (login itself, health, OpenAPI) */
	PERM_USER,       /* any logged-in user (me, logout) */
	PERM_AGGREGATE,  /* counts, breakdowns, summaries, changes, tree */
	PERM_PERSONAL,   /* search, member lists, dossiers */
	PERM_WRITE,      /* operations */
	PERM_ADMIN,      /* audit log, users */
	PERM_COUNT
};
extern const char *const auth_perm_names[PERM_COUNT];
/* 1 when role has perm (scope aside). */
int auth_role_allows(enum auth_role role, enum auth_perm perm);

struct auth_grant {
	int role;       /* enum auth_role */
	int32_t org_id; /* top of the subtree; 0 for admin: everywhere */
};

struct auth_user {
	int64_t id;
	char name[AUTH_NAME_MAX + 1];
	int disabled;
	struct auth_grant grants[AUTH_GRANTS_MAX];
	size_t n_grants;
};

/* Creates the auth and audit tables when missing (CREATE TABLE IF NOT
 * EXISTS); also initialises libsodium. Called by `serve`, `user`, `audit`. */
int auth_schema_init(struct db *db, struct hoso_error *err);

/* Lowers the argon2id cost (tests only: 1 = libsodium's minimum). */
void auth_set_fast_hash(int fast);
/* Hashes a password (argon2id, libsodium crypto_pwhash_str). out must hold
 * AUTH_PWHASH_MAX bytes. */
#define AUTH_PWHASH_MAX 128
int auth_password_hash(const char *pw, size_t len, char *out,
		       struct hoso_error *err);
/* 1 when pw matches hash, else 0. */
int auth_password_verify(const char *hash, const char *pw, size_t len);

/* 0 when name is a valid login (1..AUTH_NAME_MAX of [A-Za-z0-9._-]). */
int auth_name_check(const char *name, struct hoso_error *err);

/* ---- users (the `hoso user` commands) ---- */
/* Adds a user with one grant; returns the id or -1 (HOSO_EREJECT when the
 * name is taken). password may be NULL: the user cannot log in until
 * passwd, but can have API tokens. */
int64_t auth_user_add(struct db *db, const char *name, const char *password,
		      int role, int32_t org_id, struct hoso_error *err);
int auth_user_passwd(struct db *db, const char *name, const char *password,
		     struct hoso_error *err);
/* Disables a user and ends its sessions and tokens. */
int auth_user_disable(struct db *db, const char *name, struct hoso_error *err);
/* Adds a grant (role on org's subtree). */
int auth_user_grant(struct db *db, const char *name, int role, int32_t org_id,
		    struct hoso_error *err);
/* Loads a user and its grants, by name or by id (HOSO_ENOTFOUND). */
int auth_user_load(struct db *db, const char *name, struct auth_user *u,
		   struct hoso_error *err);
int auth_user_load_id(struct db *db, int64_t id, struct auth_user *u,
		      struct hoso_error *err);
/* Appends a JSON array of users with their grants to out. */
int auth_user_list_json(struct db *db, struct strbuf *out,
			struct hoso_error *err);
/* Resolves --org ORG (an id or a code alive on day) with plain SQL, so that
 * user commands do not build the read model; 0 with err when not found. */
int32_t auth_org_resolve_sql(struct db *db, const char *org, int32_t day,
			     int *kind, struct hoso_error *err);

/* ---- login, sessions and tokens; now is Unix seconds ---- */
enum auth_login_result {
	AUTH_LOGIN_OK = 0,
	AUTH_LOGIN_BAD = 1,       /* unknown user, bad password or disabled */
	AUTH_LOGIN_THROTTLED = 2, /* too many failures: try later */
	AUTH_LOGIN_ERROR = -1,    /* store error (err set) */
};
/* Checks name/password, throttled per name+address; records failures. */
int auth_login(struct db *db, const char *name, const char *password,
	       size_t pwlen, const char *addr, int64_t now, struct auth_user *u,
	       struct hoso_error *err);

/* New session for user; writes its id and CSRF token (hex, NUL-ended) into
 * sid and csrf (AUTH_TOKEN_HEX bytes each). Only a hash of sid is stored. */
int auth_session_create(struct db *db, int64_t user_id, int64_t now,
			char *sid, char *csrf, struct hoso_error *err);
/* Finds a live session (idle for less than ttl seconds) and touches it.
 * Returns 1 found (user id and csrf filled), 0 unknown or expired (an
 * expired one is deleted), -1 error. */
int auth_session_check(struct db *db, const char *sid, int64_t now,
		       int64_t ttl, int64_t *user_id, char *csrf,
		       struct hoso_error *err);
int auth_session_end(struct db *db, const char *sid, struct hoso_error *err);
/* The idle lifetime of sessions: $HOSO_SESSION_TTL seconds or the default. */
int64_t auth_session_ttl(void);

/* New API token ("hoso_" + hex) for user; only its hash is stored. */
int auth_token_create(struct db *db, int64_t user_id, int64_t now,
		      char *token, struct hoso_error *err);
/* 1 with user_id when the token is known, 0 when not, -1 error. */
int auth_token_check(struct db *db, const char *token, int64_t *user_id,
		     struct hoso_error *err);

/* ---- scope ---- */
/* The day scope is judged on for org: today when alive today, else the last
 * day it was alive (a dissolved unit stays with its last parent); DAY_MIN
 * when unknown. */
int32_t auth_scope_day(const struct index *ix, int32_t org, int32_t today);
/* The place a member's scope is judged by: the place today, else the last
 * place (for members who left); 0 when none. */
int32_t auth_member_scope_org(const struct index *ix, int32_t member_id,
			      int32_t today);
/* Results of auth_check. */
enum auth_decision {
	AUTH_ALLOW = 0,
	AUTH_FORBIDDEN = 1, /* no grant has the permission at all: 403 */
	AUTH_OUT_OF_SCOPE = 2, /* has it, but not over this org: 404 */
};
/* May u do perm on org (0: no particular org, e.g. /me)? Scope is judged
 * on the tree as it is today. */
int auth_check(const struct auth_user *u, enum auth_perm perm,
	       const struct index *ix, int32_t org, int32_t today);
/* The top of the first grant of u that has perm (0: everywhere). */
int32_t auth_default_org(const struct auth_user *u, enum auth_perm perm);

#endif
