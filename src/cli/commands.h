/* commands: the server-side subcommands (serve, user, audit). Each takes
 * argv[0] = its own name and uses the global --db (cli_db_uri()). */
#ifndef HOSO_COMMANDS_H
#define HOSO_COMMANDS_H

/* hoso serve [--listen HOST:PORT]: the HTTP JSON API until SIGTERM/SIGINT. */
int cmd_serve(int argc, char **argv);
/* hoso user add|passwd|disable|list|grant|token ... */
int cmd_user(int argc, char **argv);
/* hoso audit [--limit N] | hoso audit verify */
int cmd_audit(int argc, char **argv);

#endif
