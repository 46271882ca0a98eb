/* cmd_audit: `hoso audit`, read the audit log and verify its hash chain. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/audit.h"
#include "auth/auth.h"
#include "cli/cli.h"
#include "cli/commands.h"

#include "core/banned.h"

int cmd_audit(int argc, char **argv)
{
	struct hoso_error err = {0};
	struct db *db = NULL;
	int64_t limit = 50, count = 0, bad = 0;
	int verify = 0, rc = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "verify")) {
			verify = 1;
		} else if (!strcmp(argv[i], "--limit") && i + 1 < argc) {
			const char *v = argv[++i];
			if (parse_pos_int(v, strlen(v), 1000000, &limit))
				return cli_usage("%s", "--limit N");
		} else {
			return cli_usage(TR("tùy chọn không rõ: %s",
					    "unknown option: %s"),
					 argv[i]);
		}
	}
	db = db_open(cli_db_uri(), 0, &err);
	if (!db)
		return cli_fail(&err);
	if (auth_schema_init(db, &err))
		goto fail;
	if (verify) {
		rc = audit_verify(db, &count, &bad, &err);
		if (rc < 0)
			goto fail;
		if (rc == 1)
			fprintf(stderr,
				TR("nhật ký bị sửa hoặc mất: chuỗi băm gãy ở "
				   "mục %lld\n",
				   "the audit log was altered: the hash chain "
				   "breaks at entry %lld\n"),
				(long long)bad);
		else
			printf(TR("nhật ký nguyên vẹn: %lld mục\n",
				  "audit log intact: %lld entries\n"),
			       (long long)count);
		goto out;
	} else {
		struct strbuf sb;
		strbuf_init(&sb, 256 * 1024 * 1024);
		if (audit_list_json(db, (long)limit, &sb, &err)) {
			strbuf_release(&sb);
			goto fail;
		}
		printf("%s\n", sb.buf);
		strbuf_release(&sb);
	}
	goto out;
fail:
	rc = cli_fail(&err);
out:
	db_close(db);
	return rc;
}
