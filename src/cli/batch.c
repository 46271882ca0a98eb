/* batch: answers many questions in one process (one JSON array of argv a
 * line on stdin, one JSON answer a line on stdout), so the read model is
 * built once. Used by the benchmarks and the black-box tests. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/banned.h"

#define BATCH_ARGS_MAX 32

static int exit_code(int code)
{
	return code == HOSO_EUSAGE ? 2 : code == HOSO_ENOTFOUND ? 3 : 1;
}

/* Runs one line; writes its answer line into out. */
static void batch_one(struct registry *r, char *line, struct strbuf *out,
		      struct strbuf *ans)
{
	struct hoso_error err = {0};
	json_error_t jerr;
	json_t *arr = json_loads(line, 0, &jerr);
	char *argv[BATCH_ARGS_MAX];
	int argc = 0, rc = 0;
	double t0 = now_seconds();
	strbuf_reset(ans);
	if (!json_is_array(arr) || json_array_size(arr) == 0 ||
	    json_array_size(arr) > BATCH_ARGS_MAX) {
		hoso_err(&err, HOSO_EUSAGE, "%s",
			 TR("mỗi dòng phải là một mảng JSON các chuỗi",
			    "each line must be a JSON array of strings"));
		rc = -1;
		goto done;
	}
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *v = json_array_get(arr, i);
		if (!json_is_string(v)) {
			hoso_err(&err, HOSO_EUSAGE, "%s",
				 TR("mỗi dòng phải là một mảng JSON các chuỗi",
				    "each line must be a JSON array of strings"));
			rc = -1;
			goto done;
		}
		argv[argc++] = (char *)json_string_value(v);
	}
	if (!strcmp(argv[0], "op")) {
		rc = cli_run_op(r, argc, argv, ans, &err);
	} else {
		struct question q;
		int json;
		rc = cli_parse_question(argc, argv, &q, &json, &err);
		if (!rc)
			rc = registry_answer(r, &q, ans, &err);
	}
	double ms;
done:
	ms = (now_seconds() - t0) * 1000.0;
	if (!rc) {
		strbuf_addf(out, "{\"exit\":0,\"ms\":%.4f,\"result\":%s}\n", ms,
			    ans->buf ? ans->buf : "null");
		json_decref(arr);
		return;
	}
	strbuf_addf(out, "{\"exit\":%d,\"ms\":%.4f,\"error\":",
		    exit_code(err.code), ms);
	strbuf_add_json_str(out, err.msg);
	strbuf_adds(out, "}\n");
	json_decref(arr);
}

int cmd_batch(int argc, char **argv)
{
	struct hoso_error err = {0};
	struct registry *r = registry_open(cli_db_uri(), 0, &err);
	struct strbuf out, ans;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	if (!r)
		return cli_fail(&err);
	if (registry_load_index(r, cli.quiet, &err)) {
		registry_close(r);
		return cli_fail(&err);
	}
	strbuf_init(&out, 256u << 20);
	strbuf_init(&ans, 64u << 20);
	while ((n = getline(&line, &cap, stdin)) > 0) {
		if (n == 1 && line[0] == '\n')
			continue;
		strbuf_reset(&out);
		batch_one(r, line, &out, &ans);
		fwrite(out.buf, 1, out.len, stdout);
		fflush(stdout);
	}
	free(line);
	strbuf_release(&out);
	strbuf_release(&ans);
	registry_close(r);
	return 0;
}
