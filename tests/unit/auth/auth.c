/* Unit tests of src/auth/auth.c: passwords, users and grants, login
 * throttling, sessions and their expiry, API tokens, role rights and
 * subtree scopes (including dissolved units and members who left). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "auth/auth.h"
#include "core/core.h"
#include "http/http.h"
#include "index/index.h"
#include "model/reflist.h"

static char db_path[64];

static int setup(void **state)
{
	struct hoso_error err;
	struct db *db;
	int fd;

	snprintf(db_path, sizeof(db_path), "/tmp/hoso-auth-XXXXXX");
	fd = mkstemp(db_path);
	close(fd);
	unlink(db_path);
	db = db_open(db_path, DB_OPEN_CREATE, &err);
	assert_non_null(db);
	auth_set_fast_hash(1);
	assert_int_equal(auth_schema_init(db, &err), 0);
	/* twice: CREATE TABLE IF NOT EXISTS */
	assert_int_equal(auth_schema_init(db, &err), 0);
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	db_close(*state);
	unlink(db_path);
	return 0;
}

static void test_password_hash(void **state)
{
	struct hoso_error err;
	char h[AUTH_PWHASH_MAX], h2[AUTH_PWHASH_MAX];
	/* the same password in NFC and NFD is two different byte strings:
	 * hashing does not normalise, so only the exact bytes verify */
	const char *nfc = "m\xe1\xba\xadt kh\xe1\xba\xa9u";   /* mật khẩu */
	const char *nfd = "ma\xcc\xa3\xcc\x82t kha\xcc\x82\xcc\x89u";

	assert_int_equal(auth_password_hash(nfc, strlen(nfc), h, &err), 0);
	assert_true(strncmp(h, "$argon2id$", 10) == 0);
	assert_true(auth_password_verify(h, nfc, strlen(nfc)));
	assert_false(auth_password_verify(h, nfd, strlen(nfd)));
	assert_false(auth_password_verify(h, "mat khau", 8));
	assert_false(auth_password_verify(NULL, nfc, strlen(nfc)));
	/* salted: the same password hashes differently each time */
	assert_int_equal(auth_password_hash(nfc, strlen(nfc), h2, &err), 0);
	assert_string_not_equal(h, h2);
	(void)state;
}

static void test_names_and_roles(void **state)
{
	struct hoso_error err;

	assert_int_equal(auth_name_check("nguyen.van-a_1", &err), 0);
	assert_int_equal(auth_name_check("", &err), -1);
	assert_int_equal(auth_name_check("a b", &err), -1);
	assert_int_equal(auth_name_check("nguy\xe1\xbb\x85n", &err), -1);
	assert_int_equal(auth_role_parse("inspector"), ROLE_INSPECTOR);
	assert_int_equal(auth_role_parse("root"), -1);
	assert_true(auth_role_allows(ROLE_ADMIN, PERM_ADMIN));
	assert_false(auth_role_allows(ROLE_ORGANISER, PERM_ADMIN));
	assert_true(auth_role_allows(ROLE_SECRETARY, PERM_WRITE));
	assert_false(auth_role_allows(ROLE_VIEWER, PERM_PERSONAL));
	assert_true(auth_role_allows(ROLE_VIEWER, PERM_AGGREGATE));
	assert_true(auth_role_allows(ROLE_INSPECTOR, PERM_PERSONAL));
	assert_false(auth_role_allows(ROLE_INSPECTOR, PERM_WRITE));
	(void)state;
}

static void test_users(void **state)
{
	struct db *db = *state;
	struct hoso_error err;
	struct auth_user u;
	struct strbuf sb;

	assert_true(auth_user_add(db, "hoa", "secret-pw-1", ROLE_ORGANISER, 5,
				  &err) > 0);
	assert_int_equal(auth_user_add(db, "hoa", "x", ROLE_VIEWER, 5, &err),
			 -1);
	assert_int_equal(err.code, HOSO_EREJECT);
	assert_int_equal(auth_user_add(db, "v", NULL, ROLE_VIEWER, 0, &err), -1);
	assert_int_equal(err.code, HOSO_EUSAGE);
	assert_int_equal(auth_user_grant(db, "hoa", ROLE_VIEWER, 9, &err), 0);
	assert_int_equal(auth_user_grant(db, "hoa", ROLE_VIEWER, 9, &err), 0);
	assert_int_equal(auth_user_load(db, "hoa", &u, &err), 0);
	assert_int_equal(u.n_grants, 2);
	assert_int_equal(u.grants[0].role, ROLE_ORGANISER);
	assert_int_equal(u.grants[0].org_id, 5);
	assert_int_equal(u.grants[1].role, ROLE_VIEWER);
	assert_int_equal(auth_user_load(db, "nobody", &u, &err), -1);
	assert_int_equal(err.code, HOSO_ENOTFOUND);
	strbuf_init(&sb, 1 << 20);
	assert_int_equal(auth_user_list_json(db, &sb, &err), 0);
	assert_non_null(strstr(sb.buf, "\"name\":\"hoa\""));
	assert_non_null(strstr(sb.buf, "{\"role\":\"viewer\",\"org\":9}"));
	strbuf_release(&sb);
}

static void test_login_throttle(void **state)
{
	struct db *db = *state;
	struct hoso_error err;
	struct auth_user u;
	int64_t t = 1000000;

	assert_true(auth_user_add(db, "lan", "right-password", ROLE_ADMIN, 0,
				  &err) > 0);
	assert_int_equal(auth_login(db, "lan", "right-password", 14, "1.2.3.4",
				    t, &u, &err),
			 AUTH_LOGIN_OK);
	assert_string_equal(u.name, "lan");
	for (int i = 0; i < AUTH_LOGIN_FAILURES_MAX; i++)
		assert_int_equal(auth_login(db, "lan", "wrong", 5, "1.2.3.4",
					    t + i, &u, &err),
				 AUTH_LOGIN_BAD);
	/* now even the right password is refused from that address */
	assert_int_equal(auth_login(db, "lan", "right-password", 14, "1.2.3.4",
				    t + 10, &u, &err),
			 AUTH_LOGIN_THROTTLED);
	/* not from another address */
	assert_int_equal(auth_login(db, "lan", "right-password", 14, "5.6.7.8",
				    t + 10, &u, &err),
			 AUTH_LOGIN_OK);
	/* and again once the window has passed */
	assert_int_equal(auth_login(db, "lan", "right-password", 14, "1.2.3.4",
				    t + AUTH_LOGIN_WINDOW + 10, &u, &err),
			 AUTH_LOGIN_OK);
	/* unknown users fail the same way */
	assert_int_equal(auth_login(db, "ghost", "x", 1, "1.2.3.4", t, &u, &err),
			 AUTH_LOGIN_BAD);
	/* disabled users cannot log in */
	assert_int_equal(auth_user_disable(db, "lan", &err), 0);
	assert_int_equal(auth_login(db, "lan", "right-password", 14, "9.9.9.9",
				    t + 2 * AUTH_LOGIN_WINDOW, &u, &err),
			 AUTH_LOGIN_BAD);
}

static void test_sessions_and_tokens(void **state)
{
	struct db *db = *state;
	struct hoso_error err;
	char sid[AUTH_TOKEN_HEX], csrf[AUTH_TOKEN_HEX], c2[AUTH_TOKEN_HEX];
	char tok[AUTH_TOKEN_HEX];
	int64_t uid, t = 2000000, id;

	id = auth_user_add(db, "minh", "pw-minh-123", ROLE_VIEWER, 3, &err);
	assert_true(id > 0);
	assert_int_equal(auth_session_create(db, id, t, sid, csrf, &err), 0);
	assert_int_equal(strlen(sid), 2 * AUTH_TOKEN_BYTES);
	assert_string_not_equal(sid, csrf);
	assert_int_equal(auth_session_check(db, sid, t + 100, 3600, &uid, c2,
					    &err),
			 1);
	assert_int_equal(uid, id);
	assert_string_equal(c2, csrf);
	/* idle time counts from the last use (touched at t + 100) */
	assert_int_equal(auth_session_check(db, sid, t + 3600 + 50, 3600, &uid,
					    c2, &err),
			 1);
	/* expired: refused and deleted */
	assert_int_equal(auth_session_check(db, sid, t + 3 * 3600, 3600, &uid,
					    c2, &err),
			 0);
	assert_int_equal(auth_session_check(db, sid, t + 3700, 3600, &uid, c2,
					    &err),
			 0);
	/* logout */
	assert_int_equal(auth_session_create(db, id, t, sid, csrf, &err), 0);
	assert_int_equal(auth_session_end(db, sid, &err), 0);
	assert_int_equal(auth_session_check(db, sid, t, 3600, &uid, c2, &err),
			 0);
	assert_int_equal(auth_session_check(db, "short", t, 3600, &uid, c2,
					    &err),
			 0);
	/* API tokens */
	assert_int_equal(auth_token_create(db, id, t, tok, &err), 0);
	assert_true(strncmp(tok, "hoso_", 5) == 0);
	assert_int_equal(auth_token_check(db, tok, &uid, &err), 1);
	assert_int_equal(uid, id);
	tok[10] = tok[10] == 'a' ? 'b' : 'a';
	assert_int_equal(auth_token_check(db, tok, &uid, &err), 0);
	/* disabling a user revokes its tokens and sessions */
	tok[10] = tok[10] == 'a' ? 'b' : 'a';
	assert_int_equal(auth_session_create(db, id, t, sid, csrf, &err), 0);
	assert_int_equal(auth_user_disable(db, "minh", &err), 0);
	assert_int_equal(auth_token_check(db, tok, &uid, &err), 0);
	assert_int_equal(auth_session_check(db, sid, t, 3600, &uid, c2, &err),
			 0);
}

/* Tree: 1 root; 2, 3 under 1; 4 (cell) under 2; 5 (cell) under 3 until day
 * 100 when it is dissolved; 6 (cell) under 2. Member 1 in 4; member 2 in 5
 * until day 100 (left); member 3 in 6. */
static struct index *small_tree(void)
{
	static const struct index_org_version orgs[] = {
		{1, 0, DAY_MIN, DAY_MAX, KIND_PARTY, "TW", "Trung \xc6\xb0\xc6\xa1ng"},
		{2, 1, DAY_MIN, DAY_MAX, KIND_BLOC, "K1", "Kh\xe1\xbb\x91i 1"},
		{3, 1, DAY_MIN, DAY_MAX, KIND_PROVINCE, "T1", "T\xe1\xbb\x89nh 1"},
		{4, 2, DAY_MIN, DAY_MAX, KIND_GRASSROOTS_CELL, "C4", "Chi b\xe1\xbb\x99 4"},
		{5, 3, DAY_MIN, 100, KIND_GRASSROOTS_CELL, "C5", "Chi b\xe1\xbb\x99 5"},
		{6, 2, DAY_MIN, DAY_MAX, KIND_GRASSROOTS_CELL, "C6", "Chi b\xe1\xbb\x99 6"},
	};
	static const struct index_member members[] = {
		{1, -9000, 10, 400, DAY_MAX, SEX_F, 1, 0, 0, 0, ST_OFFICIAL,
		 "Nguy\xe1\xbb\x85n Th\xe1\xbb\x8b H\xc3\xa0", "1"},
		{2, -9000, 10, 400, 100, SEX_M, 1, 0, 0, 0, ST_LEFT,
		 "Tr\xe1\xba\xa7n V\xc4\x83n An", "2"},
		{3, -9000, 10, 400, DAY_MAX, SEX_M, 1, 0, 0, 0, ST_OFFICIAL,
		 "L\xc3\xaa An", "3"},
	};
	static const struct index_placement pl[] = {
		{1, 4, 10, DAY_MAX}, {2, 5, 10, 100}, {3, 6, 10, DAY_MAX},
	};
	struct index_input in = {orgs, 6, members, 3, pl, 3};

	return index_build(&in);
}

static void test_scope(void **state)
{
	struct index *ix = small_tree();
	struct auth_user u;
	int32_t today = 1000;

	memset(&u, 0, sizeof(u));
	u.n_grants = 1;
	u.grants[0].role = ROLE_ORGANISER;
	u.grants[0].org_id = 2;
	assert_int_equal(auth_check(&u, PERM_WRITE, ix, 4, today), AUTH_ALLOW);
	assert_int_equal(auth_check(&u, PERM_WRITE, ix, 2, today), AUTH_ALLOW);
	assert_int_equal(auth_check(&u, PERM_WRITE, ix, 1, today),
			 AUTH_OUT_OF_SCOPE);
	assert_int_equal(auth_check(&u, PERM_ADMIN, ix, 4, today),
			 AUTH_FORBIDDEN);
	/* a viewer grant elsewhere adds figures, not personal data */
	u.n_grants = 2;
	u.grants[1].role = ROLE_VIEWER;
	u.grants[1].org_id = 3;
	assert_int_equal(auth_check(&u, PERM_AGGREGATE, ix, 3, today),
			 AUTH_ALLOW);
	u.grants[0].role = ROLE_VIEWER;
	assert_int_equal(auth_check(&u, PERM_PERSONAL, ix, 3, today),
			 AUTH_FORBIDDEN);
	/* a dissolved unit is judged by its last day: 5 stays under 3 */
	assert_int_equal(auth_scope_day(ix, 5, today), 99);
	assert_int_equal(auth_check(&u, PERM_AGGREGATE, ix, 5, today),
			 AUTH_ALLOW);
	u.grants[1].org_id = 2;
	assert_int_equal(auth_check(&u, PERM_AGGREGATE, ix, 5, today),
			 AUTH_OUT_OF_SCOPE);
	/* a member who left is judged by the last place */
	assert_int_equal(auth_member_scope_org(ix, 1, today), 4);
	assert_int_equal(auth_member_scope_org(ix, 2, today), 5);
	assert_int_equal(auth_member_scope_org(ix, 99, today), 0);
	/* admins go everywhere; a disabled user nowhere */
	u.n_grants = 1;
	u.grants[0].role = ROLE_ADMIN;
	u.grants[0].org_id = 0;
	assert_int_equal(auth_check(&u, PERM_ADMIN, ix, 5, today), AUTH_ALLOW);
	assert_int_equal(auth_default_org(&u, PERM_PERSONAL), 0);
	u.disabled = 1;
	assert_int_equal(auth_check(&u, PERM_AGGREGATE, ix, 1, today),
			 AUTH_FORBIDDEN);
	index_free(ix);
	(void)state;
}

static void test_http_parsers(void **state)
{
	struct http_request req;

	memset(&req, 0, sizeof(req));
	assert_int_equal(http_accept_language(NULL), LANG_VI);
	assert_int_equal(http_accept_language("en"), LANG_EN);
	assert_int_equal(http_accept_language("en-US,en;q=0.9"), LANG_EN);
	assert_int_equal(http_accept_language("vi-VN,vi;q=0.9,en;q=0.8"),
			 LANG_VI);
	assert_int_equal(http_accept_language("fr, en;q=0.5"), LANG_EN);
	assert_int_equal(http_accept_language("en;q=0.2, vi"), LANG_VI);
	assert_int_equal(http_accept_language("eno"), LANG_VI);
	assert_true(http_route_match("/api/v1/orgs/{id}/count",
				     "/api/v1/orgs/12/count", &req));
	assert_string_equal(http_param(&req, "id"), "12");
	assert_false(http_route_match("/api/v1/orgs/{id}/count",
				      "/api/v1/orgs//count", NULL));
	assert_false(http_route_match("/api/v1/orgs/{id}",
				      "/api/v1/orgs/12/count", NULL));
	assert_false(http_route_match("/api/v1/me", "/api/v1/me/", NULL));
	assert_int_equal(http_value_check("date", "2024-02-29"), 0);
	assert_int_equal(http_value_check("date", "2023-02-29"), -1);
	assert_int_equal(http_value_check("int", "0"), -1);
	assert_int_equal(http_value_check("int", "2147483648"), -1);
	assert_int_equal(http_value_check("str", ""), -1);
	http_arena_release(&req.arena);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_hash),
		cmocka_unit_test(test_names_and_roles),
		cmocka_unit_test(test_users),
		cmocka_unit_test(test_login_throttle),
		cmocka_unit_test(test_sessions_and_tokens),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_http_parsers),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
