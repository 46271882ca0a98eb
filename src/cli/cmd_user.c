/* cmd_user: `hoso user`, accounts, grants and API tokens. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "auth/audit.h"
#include "auth/auth.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "model/reflist.h"

#include "core/banned.h"

/* Reads one line (the password) from stdin without its newline. */
static int read_password(char *buf, size_t max, struct hoso_error *err)
{
	size_t n;

	if (!fgets(buf, (int)max, stdin))
		return hoso_err(err, HOSO_EUSAGE, "%s",
				TR("không đọc được mật khẩu từ stdin",
				   "cannot read the password from stdin"));
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	if (n < AUTH_PASSWORD_MIN)
		return hoso_err(err, HOSO_EREJECT,
				TR("mật khẩu cần ít nhất %d ký tự",
				   "a password needs at least %d characters"),
				AUTH_PASSWORD_MIN);
	return 0;
}

static void audit_cli(struct db *db, const char *action, const char *name,
		      const char *detail)
{
	struct audit_entry e = {"cli", action, NULL, "cli", 0, detail};
	struct hoso_error err;
	char target[96];

	snprintf(target, sizeof(target), "user:%s", name);
	e.target = target;
	if (audit_append(db, &e, (int64_t)time(NULL), 0, &err) < 0)
		fprintf(stderr, "hoso: audit: %s\n", err.msg);
}

/* Parses --role R [--org ORG] [--password-stdin] after the name. */
struct user_opts {
	int role;
	const char *org;
	int password_stdin;
};

static int parse_opts(int argc, char **argv, int from, struct user_opts *o)
{
	o->role = -1;
	o->org = NULL;
	o->password_stdin = 0;
	for (int i = from; i < argc; i++) {
		if (!strcmp(argv[i], "--role") && i + 1 < argc) {
			o->role = auth_role_parse(argv[++i]);
			if (o->role < 0)
				return cli_usage("%s",
						 "--role admin|organiser|"
						 "secretary|viewer|inspector");
		} else if (!strcmp(argv[i], "--org") && i + 1 < argc) {
			o->org = argv[++i];
		} else if (!strcmp(argv[i], "--password-stdin")) {
			o->password_stdin = 1;
		} else {
			return cli_usage(TR("tùy chọn không rõ: %s",
					    "unknown option: %s"),
					 argv[i]);
		}
	}
	return 0;
}

/* The org of a grant, checked against the role. */
static int grant_org(struct db *db, const struct user_opts *o, int32_t *org,
		     struct hoso_error *err)
{
	int kind = -1;

	*org = 0;
	if (o->role == ROLE_ADMIN)
		return 0;
	if (!o->org)
		return hoso_err(err, HOSO_EUSAGE, "%s",
				TR("vai trò này cần --org", "this role needs --org"));
	*org = auth_org_resolve_sql(db, o->org, day_today(), &kind, err);
	if (!*org)
		return -1;
	/* a secretary works for one cell or one grassroots organisation */
	if (o->role == ROLE_SECRETARY && kind != KIND_CELL &&
	    kind != KIND_GRASSROOTS_CELL && kind != KIND_GRASSROOTS &&
	    kind != KIND_SUB_COMMITTEE)
		return hoso_err(err, HOSO_EREJECT, "%s",
				TR("vai trò secretary chỉ gán cho chi bộ hoặc tổ "
				   "chức cơ sở",
				   "the secretary role is for a cell or a "
				   "grassroots organisation"));
	return 0;
}

static int usage(void)
{
	return cli_usage("%s",
			 TR("hoso user add TÊN --role VAI_TRÒ [--org TỔ_CHỨC] "
			    "[--password-stdin] | passwd TÊN | disable TÊN | "
			    "list | grant TÊN --role VAI_TRÒ [--org TỔ_CHỨC] | "
			    "token TÊN",
			    "hoso user add NAME --role ROLE [--org ORG] "
			    "[--password-stdin] | passwd NAME | disable NAME | "
			    "list | grant NAME --role ROLE [--org ORG] | "
			    "token NAME"));
}

int cmd_user(int argc, char **argv)
{
	struct hoso_error err = {0};
	struct user_opts o;
	struct db *db = NULL;
	char pw[AUTH_PASSWORD_MAX + 2];
	const char *sub, *name;
	int32_t org;
	int rc = 0;

	if (argc < 2)
		return usage();
	sub = argv[1];
	name = argc > 2 ? argv[2] : NULL;
	if (strcmp(sub, "list") && (!name || name[0] == '-'))
		return usage();
	if (parse_opts(argc, argv, strcmp(sub, "list") ? 3 : 2, &o))
		return 2;
	db = db_open(cli_db_uri(), 0, &err);
	if (!db)
		return cli_fail(&err);
	if (auth_schema_init(db, &err))
		goto fail;
	if (!strcmp(sub, "add")) {
		if (o.role < 0) {
			rc = cli_usage("%s", TR("thiếu --role", "--role missing"));
			goto out;
		}
		if (grant_org(db, &o, &org, &err) ||
		    (o.password_stdin && read_password(pw, sizeof(pw), &err)) ||
		    auth_user_add(db, name, o.password_stdin ? pw : NULL, o.role,
				  org, &err) < 0)
			goto fail;
		audit_cli(db, "user.add", name, auth_role_names[o.role]);
		if (!o.password_stdin && !cli.quiet)
			fprintf(stderr, "%s\n",
				TR("chưa có mật khẩu: dùng `hoso user passwd` "
				   "hoặc khóa API (`hoso user token`)",
				   "no password yet: use `hoso user passwd` or "
				   "an API token (`hoso user token`)"));
	} else if (!strcmp(sub, "passwd")) {
		if (read_password(pw, sizeof(pw), &err) ||
		    auth_user_passwd(db, name, pw, &err))
			goto fail;
		audit_cli(db, "user.passwd", name, NULL);
	} else if (!strcmp(sub, "disable")) {
		if (auth_user_disable(db, name, &err))
			goto fail;
		audit_cli(db, "user.disable", name, NULL);
	} else if (!strcmp(sub, "grant")) {
		if (o.role < 0) {
			rc = cli_usage("%s", TR("thiếu --role", "--role missing"));
			goto out;
		}
		if (grant_org(db, &o, &org, &err) ||
		    auth_user_grant(db, name, o.role, org, &err))
			goto fail;
		audit_cli(db, "user.grant", name, auth_role_names[o.role]);
	} else if (!strcmp(sub, "token")) {
		struct auth_user u;
		char token[AUTH_TOKEN_HEX];
		if (auth_user_load(db, name, &u, &err))
			goto fail;
		if (u.disabled) {
			hoso_err(&err, HOSO_EREJECT,
				 TR("người dùng %s đã bị khóa",
				    "user %s is disabled"),
				 name);
			goto fail;
		}
		if (auth_token_create(db, u.id, (int64_t)time(NULL), token,
				      &err))
			goto fail;
		audit_cli(db, "user.token", name, NULL);
		printf("%s\n", token);
		sodium_memzero(token, sizeof(token));
	} else if (!strcmp(sub, "list")) {
		struct strbuf sb;
		strbuf_init(&sb, 64 * 1024 * 1024);
		if (auth_user_list_json(db, &sb, &err)) {
			strbuf_release(&sb);
			goto fail;
		}
		printf("%s\n", sb.buf);
		strbuf_release(&sb);
	} else {
		rc = usage();
	}
	goto out;
fail:
	rc = cli_fail(&err);
out:
	sodium_memzero(pw, sizeof(pw));
	db_close(db);
	return rc;
}
