/* harness: an in-process `hoso serve` for the HTTP fuzz targets: a small
 * store in a temporary folder, an admin with an API token, the real route
 * table and server on a loopback port, and a raw request/reply exchange. A
 * reply 500 (a handler failed on input the gatekeeper let through) or no
 * reply at all aborts: both are findings. */
#ifndef HOSO_FUZZ_HARNESS_H
#define HOSO_FUZZ_HARNESS_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "auth/auth.h"
#include "http/http.h"
#include "io/import.h"
#include "model/registry.h"

static const char fz_orgs[] =
	"id,parent_id,kind,code,name,valid_from,valid_to\n"
	"1,,party,TW,Ban Chấp hành Trung ương,,\n"
	"2,1,bloc,K01,Đảng ủy Khối Cơ quan,,\n"
	"3,1,province,T01,Thành ủy Hà Nội,,\n"
	"10,2,grassroots,CS10,Đảng bộ Bộ Nội vụ,,\n"
	"11,10,cell,CB11,Chi bộ Vụ Tổ chức,,\n"
	"12,10,cell,CB12,Chi bộ Văn phòng cũ,,2015-01-01\n"
	"12,10,cell,CB12,Chi bộ Văn phòng,2015-01-01,\n"
	"20,3,grassroots_cell,CS20,Chi bộ cơ sở Trường Y,,\n";
static const char fz_members[] =
	"id,card_no,full_name,sex,birth_date,ethnicity,religion,hometown,"
	"education,expertise,theory_level,admitted_on,official_on,status,"
	"ended_on,org_id\n"
	"1,10000001,Nguyễn Thị Hà,F,1980-01-02,Kinh,,Hà Nội,12/12,bachelor,"
	"intermediate,2005-03-02,2006-03-02,official,,11\n"
	"2,10000002,Trần Văn An,M,1975-05-06,Kinh,Phật giáo,Nam Định,12/12,"
	"master,advanced,2000-06-01,2001-06-01,official,,11\n"
	"3,,Lê Minh Châu,F,1998-07-08,Tày,,,12/12,college,none,2024-02-03,,"
	"probationary,,12\n"
	"4,10000004,Phạm Văn Dũng,M,1960-09-10,Kinh,,Hà Nội,10/10,,,"
	"1985-01-01,1986-01-01,official,,20\n";
static const char fz_placements[] =
	"member_id,org_id,valid_from,valid_to\n"
	"1,11,2005-03-02,\n"
	"2,12,2000-06-01,2018-01-01\n"
	"2,11,2018-01-01,\n"
	"3,12,2024-02-03,\n"
	"4,20,1985-01-01,\n";

static struct {
	char dir[64];
	char token[AUTH_TOKEN_HEX];
	unsigned port;
	struct registry *reg;
	struct http_server *srv;
} fz;

static void fz_put(const char *name, const char *body)
{
	char path[160];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fz.dir, name);
	f = fopen(path, "wb");
	if (!f || fputs(body, f) < 0)
		abort();
	fclose(f);
}

static void fz_die(const char *what, const struct hoso_error *err)
{
	fprintf(stderr, "fuzz harness: %s: %s\n", what, err ? err->msg : "");
	abort();
}

/* Builds the store and starts the server once per fuzzing process. */
static void fz_start(void)
{
	struct hoso_error err = {0};
	struct http_server_config cfg = {0};
	struct import_opts o = {0};
	struct import_result res;
	const char *base = access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm";
	char store[128];
	struct db *db;
	int64_t uid;

	snprintf(fz.dir, sizeof(fz.dir), "%s/hoso-fuzz-http-XXXXXX", base);
	if (!mkdtemp(fz.dir))
		abort();
	fz_put("orgs.csv", fz_orgs);
	fz_put("members.csv", fz_members);
	fz_put("placements.csv", fz_placements);
	snprintf(store, sizeof(store), "%s/store.db", fz.dir);
	db = db_open(store, DB_OPEN_CREATE, &err);
	o.dir = fz.dir;
	o.quiet = 1;
	o.actor = "fuzz";
	if (!db || import_dataset(db, &o, stderr, &res, &err))
		fz_die("import", &err);
	db_close(db);
	fz.reg = registry_open(store, 0, &err);
	if (!fz.reg || auth_schema_init(fz.reg->db, &err) ||
	    registry_load_index(fz.reg, 1, &err))
		fz_die("open", &err);
	auth_set_fast_hash(1);
	uid = auth_user_add(fz.reg->db, "fuzz", "fuzz-password", ROLE_ADMIN, 0,
			    &err);
	if (uid < 0 ||
	    auth_token_create(fz.reg->db, uid, (int64_t)time(NULL), fz.token,
			      &err))
		fz_die("user", &err);
	cfg.host = "127.0.0.1";
	cfg.port = 0;
	cfg.routes = api_all_routes(&cfg.n_routes);
	cfg.reg = fz.reg;
	cfg.quiet = 1;
	fz.srv = http_server_start(&cfg, &err);
	if (!fz.srv)
		fz_die("serve", &err);
	fz.port = http_server_port(fz.srv);
}

static int fz_exchange(const char *req, size_t len);

/* 1 when the server answers a health check. */
static int fz_alive(void)
{
	static const char h[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n"
				"Connection: close\r\n\r\n";
	for (int i = 0; i < 5; i++)
		if (fz_exchange(h, sizeof(h) - 1) == 200)
			return 1;
	return 0;
}

/* Sends req[0..len) on a new connection, half-closes, reads the reply.
 * Returns the HTTP status (0 when the server closed without a reply, which
 * it may do for bytes that are not HTTP). */
static int fz_exchange(const char *req, size_t len)
{
	struct sockaddr_in sa = {0};
	struct timeval tv = {2, 0};
	char buf[4096];
	size_t got = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0), status = 0;

	if (fd < 0)
		abort();
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)fz.port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	{
		/* a new loopback source address each time (127.0.x.y): the
		 * server's per-address connection limit holds connections a
		 * fuzz input left half-sent until its idle timeout */
		static unsigned next;
		struct sockaddr_in src = {0};
		unsigned k = next++ % 60000;
		src.sin_family = AF_INET;
		src.sin_addr.s_addr =
			htonl(0x7f000000u | ((k / 250 + 1) << 8) | (k % 250 + 1));
		bind(fd, (struct sockaddr *)&src, sizeof(src));
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		abort();
	for (size_t off = 0; off < len;) {
		ssize_t n = send(fd, req + off, len - off, MSG_NOSIGNAL);
		if (n <= 0)
			break; /* the server refused early: read its reply */
		off += (size_t)n;
	}
	if (!memmem(req, len, "\r\n\r\n", 4) && !memmem(req, len, "\n\n", 2)) {
		/* no end of headers: nothing to answer yet */
		close(fd);
		return 0;
	}
	shutdown(fd, SHUT_WR);
	for (;;) {
		char tmp[4096];
		ssize_t n = recv(fd, tmp, sizeof(tmp), 0);
		if (n < 0) {
			/* an incomplete request (a short body): the server
			 * waits for more until its idle timeout; it must still
			 * answer everyone else */
			close(fd);
			if (!fz_alive()) {
				fprintf(stderr, "fuzz harness: server hung "
						"after:\n%.*s\n", (int)len, req);
				abort();
			}
			return 0;
		}
		if (n == 0)
			break;
		/* keep the head, count the rest */
		if (got < sizeof(buf) - 1) {
			size_t k = sizeof(buf) - 1 - got;
			if (k > (size_t)n)
				k = (size_t)n;
			memcpy(buf + got, tmp, k);
			buf[got + k] = '\0';
		}
		got += (size_t)n;
		/* a whole reply (keep-alive may hold the connection open) */
		{
			const char *end = strstr(buf, "\r\n\r\n");
			const char *cl = strcasestr(buf, "\r\nContent-Length:");
			if (end && cl && cl < end &&
			    got >= (size_t)(end + 4 - buf) +
					   strtoul(cl + 17, NULL, 10))
				break;
		}
	}
	buf[got < sizeof(buf) ? got : sizeof(buf) - 1] = '\0';
	close(fd);
	if (got >= 12 && !memcmp(buf, "HTTP/1.", 7))
		status = atoi(buf + 9);
	if (status >= 500 && status != 503 && status != 505 && status != 501) {
		fprintf(stderr, "fuzz harness: reply %d to:\n%.*s\n---\n%s\n",
			status, (int)(len < 2000 ? len : 2000), req, buf);
		abort();
	}
	return status;
}

#endif
