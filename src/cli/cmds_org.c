/* cmds_org: subcommands of organisation operations (reorganisation plans...). */
#include "cli/cli.h"
#include "core/banned.h"

/* An empty group still needs one element in C; the count says 0. */
const struct cli_command cli_commands_org[1];
const size_t cli_n_commands_org = 0;
