/* op_member: operations of a member's life (admit, recognise, exempt, discipline, ...) for `hoso op`. */
#include "cli/cli.h"
#include "core/banned.h"

/* An empty group still needs one element in C; the count says 0. */
const struct cli_op cli_ops_member[1];
const size_t cli_n_ops_member = 0;
