/* Unit tests of src/auth/audit.c: the hash chain holds, and an edit, a
 * deletion or a reordering inside the log is found by audit_verify. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "auth/audit.h"
#include "auth/auth.h"
#include "core/core.h"

static char db_path[64];

static struct db *fresh_db(void)
{
	struct hoso_error err;
	struct db *db;
	int fd;

	snprintf(db_path, sizeof(db_path), "/tmp/hoso-audit-XXXXXX");
	fd = mkstemp(db_path);
	close(fd);
	unlink(db_path);
	db = db_open(db_path, DB_OPEN_CREATE, &err);
	assert_non_null(db);
	assert_int_equal(auth_schema_init(db, &err), 0);
	return db;
}

static void fill(struct db *db, int n)
{
	struct hoso_error err;
	char target[32];

	for (int i = 0; i < n; i++) {
		struct audit_entry e = {"admin", "member.read", NULL,
					"api 127.0.0.1", 200, NULL};
		snprintf(target, sizeof(target), "member:%d", i + 1);
		e.target = target;
		/* Vietnamese text in NFC and NFD both hash as their bytes */
		e.detail = i % 2 ? "l\xc3\xbd do" : "ly\xcc\x81 do";
		assert_int_equal(audit_append(db, &e, 1700000000 + i, 0, &err),
				 i + 1);
	}
}

static int verify(struct db *db, int64_t *count, int64_t *bad)
{
	struct hoso_error err;
	return audit_verify(db, count, bad, &err);
}

static void test_chain_intact(void **state)
{
	struct db *db = fresh_db();
	struct hoso_error err;
	struct strbuf sb;
	int64_t count, bad;

	assert_int_equal(verify(db, &count, &bad), 0);
	assert_int_equal(count, 0);
	fill(db, 6);
	assert_int_equal(verify(db, &count, &bad), 0);
	assert_int_equal(count, 6);
	strbuf_init(&sb, 1 << 20);
	assert_int_equal(audit_list_json(db, 2, &sb, &err), 0);
	assert_non_null(strstr(sb.buf, "{\"seq\":6,\"at\":\"2023-11-14T22:13:25Z\""));
	assert_null(strstr(sb.buf, "\"seq\":4"));
	strbuf_release(&sb);
	db_close(db);
	unlink(db_path);
	(void)state;
}

static void test_tamper(void **state)
{
	static const char *const attacks[] = {
		"UPDATE audit_log SET actor = 'mallory' WHERE seq = 3",
		"UPDATE audit_log SET detail = 'l\xc3\xbd do' WHERE seq = 3",
		"DELETE FROM audit_log WHERE seq = 2",
		"UPDATE audit_log SET status = 403 WHERE seq = 5",
		"UPDATE audit_log SET at = '2020-01-01T00:00:00Z' WHERE seq = 1",
	};
	static const int64_t where[] = {3, 3, 3, 5, 1};

	for (size_t i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++) {
		struct db *db = fresh_db();
		struct hoso_error err;
		int64_t count, bad;
		fill(db, 6);
		assert_int_equal(db_exec(db, attacks[i], &err), 0);
		assert_int_equal(verify(db, &count, &bad), 1);
		assert_int_equal(bad, where[i]);
		db_close(db);
		unlink(db_path);
	}
	(void)state;
}

static void test_field_boundaries(void **state)
{
	/* moving bytes from one field to the next changes the hash */
	struct audit_entry a = {"ab", "c", NULL, NULL, 0, NULL};
	struct audit_entry b = {"a", "bc", NULL, NULL, 0, NULL};
	struct audit_entry c = {"a", "bc", "", NULL, 0, NULL};
	char ha[65], hb[65], hc[65];

	audit_hash("0", 1, "t", &a, ha);
	audit_hash("0", 1, "t", &b, hb);
	audit_hash("0", 1, "t", &c, hc);
	assert_string_not_equal(ha, hb);
	assert_string_not_equal(hb, hc);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain_intact),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_field_boundaries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
