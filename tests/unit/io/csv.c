/* Tests src/io/csv.c: RFC 4180 quoting, physical line numbers of records
 * that hold line breaks, CRLF, bad quoting as a row error, the writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "io/csv.h"

static char path[64];

static void write_file(const char *text)
{
	snprintf(path, sizeof(path), "/tmp/hoso-csv-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void test_quoted_fields_and_lines(void **state)
{
	struct csv_reader r;
	struct hoso_error err;
	write_file("id,name\r\n1,\"Chi bộ \"\"A\"\", B\"\r\n2,\"hai\ndòng\"\n3,Nguyễn\n");
	assert_int_equal(csv_open(&r, path, &err), 0);
	assert_int_equal(csv_next(&r, &err), CSV_RECORD);
	assert_int_equal(csv_column(&r, "name"), 1);
	assert_int_equal(csv_next(&r, &err), CSV_RECORD);
	assert_int_equal(r.rec_line, 2);
	assert_string_equal(csv_get(&r, 1).s, "Chi bộ \"A\", B");
	assert_int_equal(csv_next(&r, &err), CSV_RECORD);
	assert_int_equal(r.rec_line, 3);
	assert_string_equal(csv_get(&r, 1).s, "hai\ndòng");
	assert_int_equal(csv_next(&r, &err), CSV_RECORD);
	assert_int_equal(r.rec_line, 5); /* the line break above counted */
	assert_string_equal(csv_get(&r, 1).s, "Nguyễn");
	assert_int_equal(csv_next(&r, &err), CSV_END);
	csv_close(&r);
	unlink(path);
}

static void test_bad_quote_is_row_error(void **state)
{
	struct csv_reader r;
	struct hoso_error err;
	write_file("a,b\n1,x\"y\n2,\"ok\"z\n3,fine\n4,\"never closed\n");
	assert_int_equal(csv_open(&r, path, &err), 0);
	assert_int_equal(csv_next(&r, &err), CSV_RECORD);
	assert_int_equal(csv_next(&r, &err), CSV_EBAD);
	assert_int_equal(r.rec_line, 2);
	assert_int_equal(csv_next(&r, &err), CSV_EBAD);
	assert_int_equal(r.rec_line, 3);
	assert_int_equal(csv_next(&r, &err), CSV_RECORD);
	assert_string_equal(csv_get(&r, 1).s, "fine");
	assert_int_equal(csv_next(&r, &err), CSV_EBAD);
	assert_int_equal(r.rec_line, 5);
	assert_int_equal(csv_next(&r, &err), CSV_END);
	csv_close(&r);
	unlink(path);
}

static void test_bom_and_empty_fields(void **state)
{
	struct csv_reader r;
	struct hoso_error err;
	write_file("\xef\xbb\xbfid,x,y\n7,,\n");
	assert_int_equal(csv_open(&r, path, &err), 0);
	assert_int_equal(csv_next(&r, &err), CSV_RECORD);
	assert_int_equal(csv_column(&r, "id"), 0);
	assert_int_equal(csv_next(&r, &err), CSV_RECORD);
	assert_int_equal(csv_nfields(&r), 3);
	assert_int_equal(csv_get(&r, 2).len, 0);
	csv_close(&r);
	unlink(path);
}

static void test_writer_quotes_when_needed(void **state)
{
	struct strbuf sb;
	strbuf_init(&sb, 1024);
	csv_put(&sb, 1, "plain", 5);
	csv_put(&sb, 0, "a,b", 3);
	csv_put(&sb, 0, "say \"hi\"", 8);
	csv_put(&sb, 0, "", 0);
	assert_string_equal(sb.buf, "plain,\"a,b\",\"say \"\"hi\"\"\",");
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoted_fields_and_lines),
		cmocka_unit_test(test_bad_quote_is_row_error),
		cmocka_unit_test(test_bom_and_empty_fields),
		cmocka_unit_test(test_writer_quotes_when_needed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
