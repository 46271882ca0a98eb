/* cmds_admin: subcommands of administration (migrate, restore, reports...). */
#include "cli/cli.h"
#include "core/banned.h"

/* An empty group still needs one element in C; the count says 0. */
const struct cli_command cli_commands_admin[1];
const size_t cli_n_commands_admin = 0;
