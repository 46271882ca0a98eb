/* cli: shared pieces of the command-line subcommands. */
#ifndef HOSO_CLI_H
#define HOSO_CLI_H

#include "core/core.h"
#include "model/registry.h"

struct cli_globals {
	const char *db; /* --db, else $HOSO_DB, else ./hoso.db */
	int quiet;
};
extern struct cli_globals cli;

struct cli_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
	const char *help_vi;
	const char *help_en;
};

/* Commands come in groups, one per feature, each in its own file so that
 * features grow without touching each other's tables (main.c joins them;
 * to add a group, declare it here and list it in main.c's groups). */
extern const struct cli_command cli_commands_member[]; /* cmds_member.c */
extern const size_t cli_n_commands_member;
extern const struct cli_command cli_commands_org[];    /* cmds_org.c */
extern const size_t cli_n_commands_org;
extern const struct cli_command cli_commands_party[];  /* cmds_party.c */
extern const size_t cli_n_commands_party;
extern const struct cli_command cli_commands_admin[];  /* cmds_admin.c */
extern const size_t cli_n_commands_admin;

/* An operation of `hoso op NAME ...` (and of `batch` lines ["op", NAME,
 * ...]): argv[0] is "op", argv[1] the name. It appends its JSON result to
 * out, or returns -1 with err. */
struct cli_op {
	const char *name;
	int (*fn)(struct registry *r, int argc, char **argv,
		  struct strbuf *out, struct hoso_error *err);
	const char *usage;
	const char *help_vi;
	const char *help_en;
};
extern const struct cli_op cli_ops_member[]; /* op_member.c */
extern const size_t cli_n_ops_member;
extern const struct cli_op cli_ops_org[];    /* op_org.c */
extern const size_t cli_n_ops_org;

/* The store to open: --db, else $HOSO_DB, else ./hoso.db. */
const char *cli_db_uri(void);
/* Prints err's message and returns the exit status for it. */
int cli_fail(const struct hoso_error *err);
/* Prints a usage error and returns 2. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Parses the argv of a question (argv[0] = count, breakdown, ...). */
int cli_parse_question(int argc, char **argv, struct question *q, int *json,
		       struct hoso_error *err);
/* Prints a JSON answer as a readable table in the current language. */
void cli_print_table(struct registry *r, const struct question *q,
		     const char *json);

/* Runs an operation given as argv (argv[0] = "op", argv[1] = its name);
 * appends its JSON result to out. */
int cli_run_op(struct registry *r, int argc, char **argv, struct strbuf *out,
	       struct hoso_error *err);

int cmd_batch(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_op(int argc, char **argv);

#endif
