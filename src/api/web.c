/* web: the web application's files (served from a web root directory) and
 * the statistical report of a unit as JSON and as an XLSX download. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "io/report_xlsx.h"

#include "core/banned.h"

/* The largest web file served: the whole application is under 200 KB; the
 * bound stops a stray large file in the web root from being read. */
#define WEB_FILE_MAX (4 * 1024 * 1024)
/* A web file name: letters, digits, '.', '-', '_' (no path, no dot first). */
#define WEB_NAME_MAX 64
/* An XLSX report is a few tens of KB even with every ethnic group. */
#define WEB_XLSX_MAX (8 * 1024 * 1024)

/* No inline script or style anywhere in the application: everything comes
 * from our own origin, nothing else may be loaded or framed. */
static const char web_csp[] =
	"default-src 'none'; script-src 'self'; style-src 'self'; "
	"img-src 'self' data:; connect-src 'self'; font-src 'self'; "
	"manifest-src 'self'; base-uri 'none'; form-action 'self'; "
	"frame-ancestors 'none'";

static char web_root[PATH_MAX];
static pthread_once_t root_once = PTHREAD_ONCE_INIT;

void api_web_set_root(const char *dir)
{
	snprintf(web_root, sizeof(web_root), "%s", dir);
}

static int has_index(const char *dir)
{
	char p[PATH_MAX + 16];
	struct stat st;

	snprintf(p, sizeof(p), "%s/index.html", dir);
	return !stat(p, &st) && S_ISREG(st.st_mode);
}

/* --web DIR, else $HOSO_WEB, else web/ next to the binary (or two levels
 * up, for build/<variant>/hoso), else /usr/share/hoso/web, else ./web. */
static void root_resolve(void)
{
	static const char *const rel[] = {"/web", "/../../web",
					  "/../share/hoso/web"};
	char exe[PATH_MAX], cand[PATH_MAX + 32];
	const char *env = getenv("HOSO_WEB");
	ssize_t n;

	if (web_root[0])
		return;
	if (env && *env) {
		api_web_set_root(env);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			snprintf(cand, sizeof(cand), "%s%s", exe, rel[i]);
			if (has_index(cand)) {
				api_web_set_root(cand);
				return;
			}
		}
	}
	api_web_set_root(has_index("/usr/share/hoso/web") ? "/usr/share/hoso/web"
							   : "web");
}

static const struct {
	const char *ext;
	const char *type;
} web_types[] = {
	{".html", "text/html; charset=utf-8"},
	{".js", "text/javascript; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},
	{".svg", "image/svg+xml"},
	{".png", "image/png"},
	{".ico", "image/x-icon"},
	{".json", "application/json; charset=utf-8"},
	{".webmanifest", "application/manifest+json"},
	{".woff2", "font/woff2"},
	{".txt", "text/plain; charset=utf-8"},
};

/* The content type of a safe file name, NULL when the name is refused:
 * one path segment, no leading dot (so no "..", no hidden files), only
 * [A-Za-z0-9._-], a known extension. */
static const char *web_type(const char *name)
{
	size_t n = strlen(name);
	const char *dot;

	if (!n || n > WEB_NAME_MAX || name[0] == '.')
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		      c == '_'))
			return NULL;
	}
	if (strstr(name, ".."))
		return NULL;
	dot = strrchr(name, '.');
	if (!dot)
		return NULL;
	for (size_t i = 0; i < sizeof(web_types) / sizeof(web_types[0]); i++)
		if (!strcmp(dot, web_types[i].ext))
			return web_types[i].type;
	return NULL;
}

static int web_not_found(struct http_request *req)
{
	return http_error(req, 404, "not_found", "không tìm thấy", "not found");
}

/* Serves dir/name from the web root (dir "" or "app"). */
static int web_send(struct http_request *req, const char *dir,
		    const char *name)
{
	const char *type = web_type(name);
	const char *inm;
	char path[PATH_MAX + 2 * WEB_NAME_MAX], *etag, *buf = NULL;
	struct stat st;
	int fd = -1, rc = -1;
	size_t got = 0;

	if (!type)
		return web_not_found(req);
	pthread_once(&root_once, root_resolve);
	snprintf(path, sizeof(path), "%s/%s%s%s", web_root, dir,
		 dir[0] ? "/" : "", name);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    st.st_size > WEB_FILE_MAX) {
		rc = web_not_found(req);
		goto out;
	}
	etag = http_arena_alloc(&req->arena, 48);
	snprintf(etag, 48, "\"%llx-%llx\"", (unsigned long long)st.st_mtime,
		 (unsigned long long)st.st_size);
	req->etag = etag;
	req->csp = web_csp;
	/* revalidate every time: updates show at once, and an unchanged file
	 * costs one 304 on a slow intranet */
	req->cache_control = "no-cache";
	req->content_type = type;
	inm = http_header(req, "If-None-Match");
	strbuf_reset(&req->out);
	if (inm && !strcmp(inm, etag)) {
		req->status = 304;
		rc = 0;
		goto out;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != (size_t)st.st_size || strbuf_add(&req->out, buf, got)) {
		req->content_type = NULL;
		rc = http_error(req, 500, "internal", "lỗi đọc tệp",
				"file read error");
		goto out;
	}
	req->status = 200;
	rc = 0;
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return rc;
}

static int h_index(struct http_request *req)
{
	return web_send(req, "", "index.html");
}

static int h_top_file(struct http_request *req)
{
	return web_send(req, "", http_param(req, "file"));
}

static int h_app_file(struct http_request *req)
{
	return web_send(req, "app", http_param(req, "file"));
}

/* ---- the statistical report ---- */
static int h_report(struct http_request *req)
{
	struct report rep;
	struct hoso_error err;
	int rc;

	if (report_build(req->reg, req->org, req->on, &rep, &err))
		return http_error_from(req, &err);
	req->status = 200;
	strbuf_reset(&req->out);
	rc = report_json(&rep, &req->out);
	report_release(&rep);
	if (rc)
		return http_error(req, 500, "internal", "lỗi nội bộ",
				  "internal error");
	return 0;
}

static int h_report_xlsx(struct http_request *req)
{
	struct report rep;
	struct hoso_error err;
	char tmp[] = "/tmp/hoso-report-XXXXXX";
	char *disp, on[11], *buf = NULL;
	struct stat st;
	int fd, rc = -1;
	size_t got = 0;

	if (report_build(req->reg, req->org, req->on, &rep, &err))
		return http_error_from(req, &err);
	/* libxlsxwriter writes to a file: a private temporary one, read back
	 * and removed at once */
	fd = mkstemp(tmp);
	if (fd < 0) {
		report_release(&rep);
		return http_error(req, 500, "internal",
				  "không tạo được tệp tạm", "no temporary file");
	}
	if (report_xlsx_write(&rep, tmp, &err)) {
		rc = http_error_from(req, &err);
		goto out;
	}
	if (fstat(fd, &st) || st.st_size > WEB_XLSX_MAX) {
		rc = http_error(req, 500, "internal", "lỗi ghi báo cáo",
				"report write error");
		goto out;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t n = pread(fd, buf + got, (size_t)st.st_size - got,
				  (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	strbuf_reset(&req->out);
	if (got != (size_t)st.st_size || strbuf_add(&req->out, buf, got)) {
		rc = http_error(req, 500, "internal", "lỗi đọc báo cáo",
				"report read error");
		goto out;
	}
	day_format(req->on, on);
	disp = http_arena_alloc(&req->arena, 96);
	snprintf(disp, 96, "attachment; filename=\"bao-cao-%d-%s.xlsx\"",
		 req->org, on);
	req->disposition = disp;
	req->content_type = "application/"
			    "vnd.openxmlformats-officedocument.spreadsheetml."
			    "sheet";
	req->status = 200;
	rc = 0;
out:
	free(buf);
	close(fd);
	unlink(tmp);
	report_release(&rep);
	return rc;
}

/* The application's pages live behind "#/..." in index.html, so three
 * file routes serve everything: "/", top-level files and app/ files. */
const struct http_route api_routes_web[] = {
	{"GET", "/", h_index, PERM_PUBLIC, 0, 0, SCOPE_NONE, NULL, NULL, NULL,
	 NULL, "The web application (index.html)", "Object"},
	{"GET", "/{file}", h_top_file, PERM_PUBLIC, 0, 0, SCOPE_NONE, NULL,
	 NULL, NULL, NULL, "A top-level file of the web application",
	 "Object"},
	{"GET", "/app/{file}", h_app_file, PERM_PUBLIC, 0, 0, SCOPE_NONE, NULL,
	 NULL, NULL, NULL, "A script, style or image of the web application",
	 "Object"},
	{"GET", "/api/v1/orgs/{id}/report", h_report, PERM_AGGREGATE, 0, 0,
	 SCOPE_ORG_PATH, "on:date", NULL, NULL, "report.read",
	 "Statistical report of a unit on a day (figures by section)",
	 "Object"},
	{"GET", "/api/v1/orgs/{id}/report.xlsx", h_report_xlsx, PERM_AGGREGATE,
	 0, 0, SCOPE_ORG_PATH, "on:date", NULL, NULL, "report.xlsx",
	 "Statistical report of a unit on a day as an XLSX workbook",
	 "Object"},
};
const size_t api_n_routes_web =
	sizeof(api_routes_web) / sizeof(api_routes_web[0]);
