/* cmd_serve: `hoso serve`, the HTTP JSON API over the store. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "auth/auth.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "http/http.h"
#include "model/follow.h"

#include "core/banned.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	stop_requested = sig;
}

/* Splits "HOST:PORT" (or ":PORT", or "PORT") into host and port. */
static int parse_listen(const char *s, char *host, size_t hmax,
			unsigned *port)
{
	const char *colon = strrchr(s, ':');
	const char *p = colon ? colon + 1 : s;
	int64_t v = 0;
	size_t hl = colon ? (size_t)(colon - s) : 0;

	if (!strcmp(p, "0"))
		v = 0;
	else if (parse_pos_int(p, strlen(p), 65535, &v))
		return -1;
	if (hl >= hmax)
		return -1;
	if (hl) {
		memcpy(host, s, hl);
		host[hl] = '\0';
	} else {
		snprintf(host, hmax, "127.0.0.1");
	}
	*port = (unsigned)v;
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	struct http_server_config cfg = {0};
	struct http_server *srv = NULL;
	struct registry *r = NULL;
	struct follower *fol = NULL;
	int64_t head = 0;
	struct hoso_error err = {0};
	struct sigaction sa;
	sigset_t block, old;
	char host[64] = "127.0.0.1";
	unsigned port = 8080;
	int rc = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--listen") && i + 1 < argc) {
			if (parse_listen(argv[++i], host, sizeof(host), &port))
				return cli_usage("%s",
						 TR("--listen HOST:CỔNG",
						    "--listen HOST:PORT"));
		} else if (!strcmp(argv[i], "--web") && i + 1 < argc) {
			api_web_set_root(argv[++i]);
		} else {
			return cli_usage(TR("tùy chọn không rõ: %s",
					    "unknown option: %s"),
					 argv[i]);
		}
	}
	r = registry_open(cli_db_uri(), 0, &err);
	if (!r)
		return cli_fail(&err);
	/* the change log position is read before the read model is built:
	 * the follower re-applies what came in between (harmless) */
	if (auth_schema_init(r->db, &err) || follow_head(r->db, &head, &err) ||
	    registry_load_index(r, cli.quiet, &err)) {
		rc = cli_fail(&err);
		goto out;
	}
	/* Block the stop signals in every thread; the main thread waits for
	 * them below, so no worker is interrupted mid-request. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	cfg.host = host;
	cfg.port = port;
	cfg.routes = api_all_routes(&cfg.n_routes);
	cfg.reg = r;
	cfg.db_uri = cli_db_uri();
	cfg.quiet = getenv("HOSO_NO_ACCESS_LOG") != NULL;
	srv = http_server_start(&cfg, &err);
	if (!srv) {
		rc = cli_fail(&err);
		goto out;
	}
	/* several nodes on one store: follow the others' changes */
	fol = follow_start(cli_db_uri(), r, head,
			   &(struct follow_hooks){http_server_lock,
						  http_server_unlock, srv},
			   &err);
	if (!fol) {
		http_server_stop(srv);
		rc = cli_fail(&err);
		goto out;
	}
	fprintf(stderr, "%s http://%s:%u/\n", TR("đang phục vụ", "serving"),
		host, http_server_port(srv));
	fflush(stderr);
	while (!stop_requested)
		sigsuspend(&old);
	fprintf(stderr, "%s\n",
		TR("đang dừng (chờ các yêu cầu đang chạy)...",
		   "stopping (waiting for requests in flight)..."));
	follow_stop(fol);
	http_server_stop(srv);
	rc = 0;
out:
	registry_close(r);
	return rc;
}
