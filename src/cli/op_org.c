/* op_org: operations of organisations (create, rename, move, merge, split, dissolve, ...) for `hoso op`. */
#include "cli/cli.h"
#include "core/banned.h"

/* An empty group still needs one element in C; the count says 0. */
const struct cli_op cli_ops_org[1];
const size_t cli_n_ops_org = 0;
