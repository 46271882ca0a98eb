/* cmds_party: subcommands of party work (meetings, rankings, conferences, directives, cadres). */
#include "cli/cli.h"
#include "core/banned.h"

/* An empty group still needs one element in C; the count says 0. */
const struct cli_command cli_commands_party[1];
const size_t cli_n_commands_party = 0;
