/* server: libmicrohttpd glue and the gatekeeper run before every handler. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "auth/audit.h"
#include "http/http.h"

#include "core/banned.h"

struct http_server {
	struct MHD_Daemon *daemon;
	struct http_server_config cfg;
	int64_t session_ttl;
	/* Reads run side by side, each worker on its own store connection
	 * (a pool of one per thread, struct worker) and the shared read
	 * model; a write runs alone on the main connection, since it changes
	 * the read model. The lock prefers writers, so a stream of reads
	 * cannot hold a write off. Without cfg.db_uri every request is
	 * exclusive. */
	pthread_rwlock_t lock;
	/* Held by whoever writes on the main connection or the batcher's:
	 * writers of this process queue here rather than in SQLite's busy
	 * loop. Taken after lock, never before. */
	pthread_mutex_t write_lock;
	pthread_mutex_t auth_lock; /* the token cache below */
	pthread_mutex_t workers_lock;
	struct worker *workers;
	struct db *audit_db; /* the batcher's connection, or NULL */
	/* SQLite: the WAL is copied into the store by this thread's own
	 * connection (PASSIVE checkpoints, which wait for no one), not by
	 * whichever commit crosses the threshold: a checkpoint inside the
	 * batcher's commit held up every dossier read of its batch. */
	pthread_t ckpt;
	int ckpt_running;
	struct db *ckpt_db;
	pthread_cond_t ckpt_cond; /* with aq_lock and batcher_stop */
	/* Tests name a file in HOSO_ROUTE_LOG to learn which routes all the
	 * suites together called (tests/blackbox/route_coverage.py). */
	const char *route_log;
	/* API tokens and browser sessions recently checked: every request
	 * would otherwise cost two or three SQL look-ups. Entries live
	 * HTTP_AUTH_CACHE_TTL seconds, so a disabled user or revoked token
	 * stops working within that time; a logout drops its entry at once.
	 * Guarded by auth_lock. */
	struct token_cache_entry {
		char kind; /* 't' API token, 's' session id */
		char token[96];
		double expires;
		struct auth_user user;
		char csrf[AUTH_TOKEN_HEX];
	} token_cache[HTTP_AUTH_CACHE_SLOTS];
	/* Audited reads wait, suspended, for their audit entry to commit:
	 * the batcher thread writes every entry queued meanwhile in one
	 * transaction (group commit), then resumes their connections. No
	 * dossier leaves the server before its read is on record, and the
	 * workers serve other requests while a batch commits. */
	pthread_t batcher;
	int batcher_running;
	int batcher_stop; /* guarded by aq_lock */
	pthread_mutex_t aq_lock;
	pthread_cond_t aq_cond;
	struct conn_state *aq_head, **aq_tail;
};

/* An audit entry waiting for the batcher: the request's strings are copied
 * since the request may go on changing. */
struct pending_audit {
	char actor[AUTH_NAME_MAX + 1];
	char action[64];
	char target[64];
	char source[96];
	char *detail;
	int status;
	int64_t at;
};

/* A worker thread's own store connection, with the shared read model. */
struct worker {
	struct registry reg;
	struct worker *next;
};

/* The worker of this thread: MHD's threads each belong to one server. */
static _Thread_local struct http_server *tl_srv;
static _Thread_local struct worker *tl_worker;
static _Thread_local int tl_worker_failed;

/* This thread's connection, opened on its first read; NULL when there is
 * none (no db_uri, or it failed to open: reads then run exclusive). */
static struct worker *worker_get(struct http_server *srv)
{
	struct hoso_error err;
	struct db *db;
	struct worker *w;

	if (tl_srv == srv)
		return tl_worker;
	if (!srv->cfg.db_uri || tl_worker_failed)
		return NULL;
	db = db_open(srv->cfg.db_uri, 0, &err);
	if (!db) {
		fprintf(stderr, "hoso serve: %s\n", err.msg);
		tl_worker_failed = 1;
		return NULL;
	}
	if (srv->ckpt_running)
		db_exec(db, "PRAGMA wal_autocheckpoint=0", NULL);
	w = xcalloc(1, sizeof(*w));
	w->reg.db = db;
	pthread_mutex_lock(&srv->workers_lock);
	w->next = srv->workers;
	srv->workers = w;
	pthread_mutex_unlock(&srv->workers_lock);
	tl_srv = srv;
	tl_worker = w;
	return w;
}

/* State of one request across the access handler's calls. */
struct conn_state {
	struct http_request req;
	const struct http_route *route; /* NULL: no route matched */
	int method_mismatch;
	int too_large;
	char *body;
	size_t body_len, body_cap;
	double start;
	int dispatched;
	/* a read's audit entry: 1 pending, 2 queued for the batcher, 3
	 * written, -1 could not be written */
	int audit_state;
	struct pending_audit audit;
	struct conn_state *aq_next;
};

/* ---- small parsers ---- */
enum lang http_accept_language(const char *h)
{
	double best_q = -1;
	enum lang best = LANG_VI;

	if (!h)
		return LANG_VI;
	while (*h) {
		const char *end = strchr(h, ',');
		size_t n = end ? (size_t)(end - h) : strlen(h);
		const char *semi = memchr(h, ';', n);
		size_t tag_len = semi ? (size_t)(semi - h) : n;
		double q = 1.0;
		while (tag_len && (*h == ' ' || *h == '\t')) {
			h++, n--, tag_len--;
		}
		while (tag_len && (h[tag_len - 1] == ' '))
			tag_len--;
		if (semi) {
			const char *qs = memmem(semi, n - (size_t)(semi - h), "q=", 2);
			if (qs) {
				char tmp[8] = "";
				size_t ql = 0;
				qs += 2;
				while (ql < 7 && qs < h + n &&
				       ((*qs >= '0' && *qs <= '9') || *qs == '.'))
					tmp[ql++] = *qs++;
				tmp[ql] = '\0';
				q = strtod(tmp, NULL);
			}
		}
		if (tag_len >= 2 && q > best_q) {
			if (!strncasecmp(h, "en", 2) &&
			    (tag_len == 2 || h[2] == '-')) {
				best = LANG_EN;
				best_q = q;
			} else if (!strncasecmp(h, "vi", 2) &&
				   (tag_len == 2 || h[2] == '-')) {
				best = LANG_VI;
				best_q = q;
			}
		}
		if (!end)
			break;
		h = end + 1;
	}
	return best;
}

int http_value_check(const char *type, const char *v)
{
	size_t len = strlen(v);
	int32_t d;
	int64_t n;

	if (len > HTTP_VALUE_MAX)
		return -1;
	if (!strcmp(type, "date"))
		return day_parse(v, len, &d);
	if (!strcmp(type, "int"))
		return parse_pos_int(v, len, ID_MAX, &n);
	/* str and org: any non-empty text */
	return len ? 0 : -1;
}

int http_route_match(const char *pattern, const char *path,
		     struct http_request *req)
{
	const char *p = pattern, *s = path;
	size_t n = 0;

	while (*p && *s) {
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			const char *se = strchr(s, '/');
			size_t vl = se ? (size_t)(se - s) : strlen(s);
			if (!pe || vl == 0 || n >= HTTP_PARAMS_MAX)
				return 0;
			if (req) {
				req->param_names[n] = http_arena_strndup(
					&req->arena, p + 1, (size_t)(pe - p - 1));
				req->params[n] =
					http_arena_strndup(&req->arena, s, vl);
			}
			n++;
			p = pe + 1;
			s += vl;
			continue;
		}
		if (*p != *s)
			return 0;
		p++, s++;
	}
	if (*p || *s)
		return 0;
	if (req)
		req->n_params = n;
	return 1;
}

/* ---- helpers for handlers ---- */
const char *http_param(struct http_request *req, const char *name)
{
	for (size_t i = 0; i < req->n_params; i++)
		if (!strcmp(req->param_names[i], name))
			return req->params[i];
	return NULL;
}

const char *http_query(struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND,
					   name);
}

int32_t http_query_day(struct http_request *req, const char *name,
		       int32_t dflt)
{
	const char *v = http_query(req, name);
	int32_t d;

	if (!v || day_parse(v, strlen(v), &d))
		return dflt;
	return d;
}

int64_t http_query_int(struct http_request *req, const char *name,
		       int64_t dflt)
{
	const char *v = http_query(req, name);
	int64_t n;

	if (!v || parse_pos_int(v, strlen(v), ID_MAX, &n))
		return dflt;
	return n;
}

const char *http_header(struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

int http_reply(struct http_request *req, int status, const char *json,
	       size_t len)
{
	req->status = status;
	strbuf_reset(&req->out);
	if (strbuf_add(&req->out, json, len))
		return http_error(req, 500, "reply_too_large",
				  "câu trả lời quá lớn", "reply too large");
	return 0;
}

int http_reply_json(struct http_request *req, int status, json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
	int rc;

	json_decref(v);
	if (!s)
		return http_error(req, 500, "internal", "lỗi nội bộ",
				  "internal error");
	rc = http_reply(req, status, s, strlen(s));
	free(s);
	return rc;
}

int http_error(struct http_request *req, int status, const char *code,
	       const char *vi, const char *en)
{
	req->status = status;
	strbuf_reset(&req->out);
	strbuf_adds(&req->out, "{\"error\":{\"code\":");
	strbuf_add_json_str(&req->out, code);
	strbuf_adds(&req->out, ",\"message\":");
	strbuf_add_json_str(&req->out, req->lang == LANG_EN ? en : vi);
	strbuf_adds(&req->out, "}}");
	return -1;
}

int http_error_from(struct http_request *req, const struct hoso_error *err)
{
	switch (err->code) {
	case HOSO_ENOTFOUND:
		return http_error(req, 404, "not_found", err->msg, err->msg);
	case HOSO_EUSAGE:
		return http_error(req, 400, "bad_request", err->msg, err->msg);
	case HOSO_EREJECT:
		return http_error(req, 422, "rejected", err->msg, err->msg);
	case HOSO_ECONFLICT:
		return http_error(req, 409, "conflict", err->msg, err->msg);
	case HOSO_ESTORAGE:
		/* reads keep working; a write waits for space or permission */
		return http_error(req, 507, "storage",
				  "kho dữ liệu đầy hoặc chỉ cho đọc; không có gì được ghi",
				  "the store is full or read-only; nothing was written");
	default:
		fprintf(stderr, "hoso serve: %s\n", err->msg);
		return http_error(req, 500, "internal", "lỗi nội bộ của máy chủ",
				  "internal server error");
	}
}

static void pending_fill(struct pending_audit *pa, struct http_request *req,
			 const char *action, const char *target, int status,
			 const char *detail)
{
	snprintf(pa->actor, sizeof(pa->actor), "%s",
		 req->authenticated ? req->user.name : "-");
	snprintf(pa->action, sizeof(pa->action), "%s", action);
	snprintf(pa->target, sizeof(pa->target), "%s", target ? target : "");
	snprintf(pa->source, sizeof(pa->source), "api %s", req->addr);
	pa->detail = detail ? xstrdup(detail) : NULL;
	pa->status = status;
	pa->at = (int64_t)time(NULL);
}

static void pending_entry(const struct pending_audit *pa,
			  struct audit_entry *e)
{
	e->actor = pa->actor;
	e->action = pa->action;
	e->target = pa->target;
	e->source = pa->source;
	e->status = pa->status;
	e->detail = pa->detail;
}

static int64_t pending_write(struct db *db, const struct pending_audit *pa,
			     int in_tx, struct hoso_error *err)
{
	struct audit_entry e;

	pending_entry(pa, &e);
	return audit_append(db, &e, pa->at, in_tx, err);
}

int http_audit(struct http_request *req, const char *action,
	       const char *target, int status, const char *detail)
{
	struct pending_audit pa;
	struct hoso_error err;
	int64_t seq;

	pending_fill(&pa, req, action, target, status, detail);
	seq = pending_write(req->reg->db, &pa, 0, &err);
	free(pa.detail);
	if (seq < 0) {
		fprintf(stderr, "hoso serve: audit: %s\n", err.msg);
		return -1;
	}
	return 0;
}

/* ---- audit group commit ---- */
/* Queues cs's pending audit entry and suspends its connection, both under
 * aq_lock: the batcher only ever sees connections already suspended, so it
 * cannot resume one too early. -1 when the batcher is not running: the
 * caller writes the entry itself. */
static int audit_queue(struct http_server *srv, struct conn_state *cs,
		       struct MHD_Connection *c)
{
	int queued = 0;

	pthread_mutex_lock(&srv->aq_lock);
	if (srv->batcher_running && !srv->batcher_stop) {
		cs->audit_state = 2;
		cs->aq_next = NULL;
		*srv->aq_tail = cs;
		srv->aq_tail = &cs->aq_next;
		MHD_suspend_connection(c);
		pthread_cond_signal(&srv->aq_cond);
		queued = 1;
	}
	pthread_mutex_unlock(&srv->aq_lock);
	return queued ? 0 : -1;
}

/* Writes the entries of list in one transaction, then resumes their
 * connections: each either has its entry on record or answers an error. */
static void audit_write_batch(struct http_server *srv, struct conn_state *list)
{
	struct db *db = srv->audit_db ? srv->audit_db : srv->cfg.reg->db;
	struct audit_chain chain = AUDIT_CHAIN_INIT;
	struct audit_entry e;
	struct hoso_error err;
	int ok = 1;

	/* the main connection is the exclusive requests' */
	if (!srv->audit_db)
		pthread_rwlock_wrlock(&srv->lock);
	pthread_mutex_lock(&srv->write_lock);
	if (db_begin(db, 1, &err)) {
		ok = 0;
	} else {
		for (struct conn_state *cs = list; cs && ok; cs = cs->aq_next) {
			pending_entry(&cs->audit, &e);
			if (audit_append_chained(db, &e, cs->audit.at, &chain,
						 &err) < 0)
				ok = 0;
		}
		if (ok && db_commit(db, &err))
			ok = 0;
		if (!ok)
			db_rollback(db);
	}
	pthread_mutex_unlock(&srv->write_lock);
	if (!srv->audit_db)
		pthread_rwlock_unlock(&srv->lock);
	if (!ok)
		fprintf(stderr, "hoso serve: audit: %s\n", err.msg);
	while (list) {
		struct conn_state *next = list->aq_next;
		list->audit_state = ok ? 3 : -1;
		FREE_AND_NULL(list->audit.detail);
		/* from here on the connection may finish and free list */
		MHD_resume_connection(list->req.conn);
		list = next;
	}
}

static void *checkpointer(void *arg)
{
	struct http_server *srv = arg;
	struct hoso_error err;

	pthread_mutex_lock(&srv->aq_lock);
	while (!srv->batcher_stop) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += HTTP_CHECKPOINT_MS * 1000000L;
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&srv->ckpt_cond, &srv->aq_lock, &ts);
		if (srv->batcher_stop)
			break;
		pthread_mutex_unlock(&srv->aq_lock);
		if (db_exec(srv->ckpt_db, "PRAGMA wal_checkpoint(PASSIVE)",
			    &err))
			fprintf(stderr, "hoso serve: checkpoint: %s\n", err.msg);
		pthread_mutex_lock(&srv->aq_lock);
	}
	pthread_mutex_unlock(&srv->aq_lock);
	return NULL;
}

/* Starts the checkpointer for an SQLite store; the connections the
 * server writes on then leave checkpoints to it. */
static void checkpointer_start(struct http_server *s)
{
	struct hoso_error err;

	if (!s->cfg.db_uri || strcmp(db_backend_name(s->cfg.reg->db), "sqlite"))
		return;
	s->ckpt_db = db_open(s->cfg.db_uri, 0, &err);
	if (!s->ckpt_db)
		return;
	if (pthread_create(&s->ckpt, NULL, checkpointer, s)) {
		db_close(s->ckpt_db);
		s->ckpt_db = NULL;
		return;
	}
	s->ckpt_running = 1;
	db_exec(s->cfg.reg->db, "PRAGMA wal_autocheckpoint=0", NULL);
	if (s->audit_db)
		db_exec(s->audit_db, "PRAGMA wal_autocheckpoint=0", NULL);
}

static void checkpointer_stop(struct http_server *s)
{
	if (!s->ckpt_running)
		return;
	pthread_mutex_lock(&s->aq_lock);
	s->batcher_stop = 1;
	pthread_cond_signal(&s->ckpt_cond);
	pthread_mutex_unlock(&s->aq_lock);
	pthread_join(s->ckpt, NULL);
}

static void *audit_batcher(void *arg)
{
	struct http_server *srv = arg;

	pthread_mutex_lock(&srv->aq_lock);
	for (;;) {
		struct conn_state *list;
		while (!srv->aq_head && !srv->batcher_stop)
			pthread_cond_wait(&srv->aq_cond, &srv->aq_lock);
		if (!srv->aq_head)
			break; /* stopping, nothing left */
		list = srv->aq_head;
		srv->aq_head = NULL;
		srv->aq_tail = &srv->aq_head;
		pthread_mutex_unlock(&srv->aq_lock);
		audit_write_batch(srv, list);
		pthread_mutex_lock(&srv->aq_lock);
	}
	pthread_mutex_unlock(&srv->aq_lock);
	return NULL;
}

/* ---- gatekeeper ---- */
/* Looks name up in a spec; writes its type (and required flag). */
static int spec_find(const char *spec, const char *name, size_t name_len,
		     char *type, size_t type_max, int *required)
{
	const char *p = spec;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *colon = memchr(p, ':', n);
		if (colon && (size_t)(colon - p) == name_len &&
		    !memcmp(p, name, name_len)) {
			size_t tl = n - (size_t)(colon - p) - 1;
			*required = tl && colon[tl] == '!';
			if (*required)
				tl--;
			if (tl >= type_max)
				tl = type_max - 1;
			memcpy(type, colon + 1, tl);
			type[tl] = '\0';
			return 1;
		}
		p = end ? end + 1 : NULL;
	}
	return 0;
}

struct arg_check {
	struct http_request *req;
	const char *bad; /* first undeclared or invalid parameter */
	int unknown;
};

static enum MHD_Result arg_iter(void *cls, enum MHD_ValueKind kind,
				const char *key, const char *value)
{
	struct arg_check *ac = cls;
	char type[16];
	int req;

	if (!spec_find(ac->req->route->query, key, strlen(key), type,
		       sizeof(type), &req)) {
		ac->bad = key;
		ac->unknown = 1;
		return MHD_NO;
	}
	if (!value || http_value_check(type, value)) {
		ac->bad = key;
		return MHD_NO;
	}
	return MHD_YES;
}

static int check_required(struct http_request *req, const char *spec,
			  int in_body)
{
	const char *p = spec;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *colon = memchr(p, ':', n);
		if (colon && p[n - 1] == '!') {
			char name[32];
			size_t nl = (size_t)(colon - p);
			int present;
			if (nl >= sizeof(name))
				nl = sizeof(name) - 1;
			memcpy(name, p, nl);
			name[nl] = '\0';
			present = in_body ? json_object_get(req->json, name) != NULL
					  : http_query(req, name) != NULL;
			if (!present) {
				char vi[160], en[160];
				snprintf(vi, sizeof(vi), "thiếu tham số %s", name);
				snprintf(en, sizeof(en), "missing parameter %s",
					 name);
				return http_error(req, 400, "missing_parameter",
						  vi, en);
			}
		}
		p = end ? end + 1 : NULL;
	}
	return 0;
}

static int check_query(struct http_request *req)
{
	struct arg_check ac = {req, NULL, 0};
	char vi[HTTP_VALUE_MAX], en[HTTP_VALUE_MAX];

	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, arg_iter,
				  &ac);
	if (ac.bad) {
		char type[16] = "";
		int r;
		if (ac.unknown) {
			snprintf(vi, sizeof(vi), "tham số không được biết: %.64s",
				 ac.bad);
			snprintf(en, sizeof(en), "unknown parameter: %.64s",
				 ac.bad);
			return http_error(req, 400, "unknown_parameter", vi, en);
		}
		spec_find(req->route->query, ac.bad, strlen(ac.bad), type,
			  sizeof(type), &r);
		if (!strcmp(type, "date")) {
			snprintf(vi, sizeof(vi),
				 "ngày không hợp lệ ở %.64s (cần YYYY-MM-DD)",
				 ac.bad);
			snprintf(en, sizeof(en),
				 "bad date in %.64s (YYYY-MM-DD expected)",
				 ac.bad);
			return http_error(req, 400, "bad_date", vi, en);
		}
		snprintf(vi, sizeof(vi), "giá trị không hợp lệ ở %.64s", ac.bad);
		snprintf(en, sizeof(en), "bad value in %.64s", ac.bad);
		return http_error(req, 400, "bad_parameter", vi, en);
	}
	return check_required(req, req->route->query, 0);
}

static int check_body(struct http_request *req)
{
	const char *key;
	json_t *v;
	json_error_t jerr;
	char vi[160], en[160];

	if (!req->route->body || !strcmp(req->route->body, HTTP_BODY_TEXT))
		return 0;
	req->json = json_loadb(req->body ? req->body : "", req->body_len,
			       JSON_REJECT_DUPLICATES, &jerr);
	if (!req->json || !json_is_object(req->json))
		return http_error(req, 400, "bad_json",
				  "thân yêu cầu phải là một đối tượng JSON",
				  "the request body must be a JSON object");
	json_object_foreach(req->json, key, v) {
		char type[16];
		int r, ok;
		if (!spec_find(req->route->body, key, strlen(key), type,
			       sizeof(type), &r)) {
			snprintf(vi, sizeof(vi), "trường không được biết: %.64s",
				 key);
			snprintf(en, sizeof(en), "unknown field: %.64s", key);
			return http_error(req, 400, "unknown_field", vi, en);
		}
		if (!strcmp(type, "int"))
			ok = json_is_integer(v) && json_integer_value(v) > 0 &&
			     json_integer_value(v) <= ID_MAX;
		else if (!strcmp(type, "org"))
			ok = (json_is_integer(v) && json_integer_value(v) > 0 &&
			      json_integer_value(v) <= ID_MAX) ||
			     (json_is_string(v) && json_string_length(v) > 0 &&
			      json_string_length(v) <= HTTP_VALUE_MAX);
		else if (!strcmp(type, "date")) {
			int32_t d;
			ok = json_is_string(v) &&
			     !day_parse(json_string_value(v),
					json_string_length(v), &d);
			if (!ok) {
				snprintf(vi, sizeof(vi),
					 "ngày không hợp lệ ở %.64s (cần "
					 "YYYY-MM-DD)", key);
				snprintf(en, sizeof(en),
					 "bad date in %.64s (YYYY-MM-DD "
					 "expected)", key);
				return http_error(req, 400, "bad_date", vi, en);
			}
		} else /* str */
			ok = json_is_string(v) &&
			     json_string_length(v) <= HTTP_VALUE_MAX &&
			     strlen(json_string_value(v)) ==
				     json_string_length(v);
		if (!ok) {
			snprintf(vi, sizeof(vi), "giá trị không hợp lệ ở %.64s",
				 key);
			snprintf(en, sizeof(en), "bad value in %.64s", key);
			return http_error(req, 400, "bad_field", vi, en);
		}
	}
	return check_required(req, req->route->body, 1);
}

/* The cache slot of a token or session id, or NULL when it is too long to
 * be one (it is then checked in the store and refused there). */
static struct token_cache_entry *auth_slot(struct http_server *srv,
					   const char *tok)
{
	uint64_t h = 1469598103934665603ull;
	size_t n = strlen(tok);

	if (n >= sizeof(srv->token_cache[0].token))
		return NULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)tok[i]) * 1099511628211ull;
	return &srv->token_cache[h % HTTP_AUTH_CACHE_SLOTS];
}

static int auth_cached(const struct token_cache_entry *ce, char kind,
		       const char *tok, double now)
{
	return ce && ce->kind == kind && ce->expires > now &&
	       !strcmp(ce->token, tok);
}

static void auth_remember(struct token_cache_entry *ce, char kind,
			  const char *tok, const struct http_request *req,
			  double until)
{
	if (!ce)
		return;
	ce->kind = kind;
	snprintf(ce->token, sizeof(ce->token), "%s", tok);
	ce->user = req->user;
	snprintf(ce->csrf, sizeof(ce->csrf), "%s", req->csrf);
	ce->expires = until;
}

static int authenticate(struct http_server *srv, struct http_request *req)
{
	const char *authz = http_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
	struct token_cache_entry *ce = NULL;
	struct hoso_error err;
	double now = now_seconds(), until = 0;
	int64_t uid = 0;
	char kind;
	const char *tok;
	int rc;

	if (authz && !strncasecmp(authz, "Bearer ", 7)) {
		kind = 't';
		tok = authz + 7;
		req->via_token = 1;
		ce = auth_slot(srv, tok);
		pthread_mutex_lock(&srv->auth_lock);
		if (auth_cached(ce, kind, tok, now)) {
			req->user = ce->user;
			req->authenticated = 1;
		}
		pthread_mutex_unlock(&srv->auth_lock);
		if (req->authenticated)
			return 0;
		rc = auth_token_check(req->reg->db, tok, &uid, &err);
		until = now + HTTP_AUTH_CACHE_TTL;
	} else {
		kind = 's';
		tok = MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND,
						  "hoso_session");
		if (!tok)
			return 0;
		ce = auth_slot(srv, tok);
		pthread_mutex_lock(&srv->auth_lock);
		if (auth_cached(ce, kind, tok, now)) {
			req->user = ce->user;
			memcpy(req->csrf, ce->csrf, sizeof(req->csrf));
			snprintf(req->sid, sizeof(req->sid), "%s", tok);
			req->authenticated = 1;
		}
		pthread_mutex_unlock(&srv->auth_lock);
		if (req->authenticated)
			return 0;
		rc = auth_session_check(req->reg->db, tok, (int64_t)time(NULL),
					srv->session_ttl, &uid, req->csrf, &err);
		if (rc == 1)
			snprintf(req->sid, sizeof(req->sid), "%s", tok);
		/* A checked session lives at least ttl - 60 s more (it is
		 * touched once a minute): cache it only when that leaves the
		 * whole cache time, so it never outlives its idle limit. */
		if (srv->session_ttl > 60 + (int64_t)HTTP_AUTH_CACHE_TTL)
			until = now + HTTP_AUTH_CACHE_TTL;
	}
	if (rc < 0) {
		http_error_from(req, &err);
		return -1;
	}
	if (rc == 0)
		return 0;
	if (auth_user_load_id(req->reg->db, uid, &req->user, &err) ||
	    req->user.disabled)
		return 0;
	req->authenticated = 1;
	if (until > now) {
		pthread_mutex_lock(&srv->auth_lock);
		auth_remember(ce, kind, tok, req, until);
		pthread_mutex_unlock(&srv->auth_lock);
	}
	return 0;
}

/* After a logout: the session must not live on in the cache. */
static void auth_forget(struct http_server *srv, const char *sid)
{
	struct token_cache_entry *ce = auth_slot(srv, sid);

	pthread_mutex_lock(&srv->auth_lock);
	if (ce && ce->kind == 's' && !strcmp(ce->token, sid))
		memset(ce, 0, sizeof(*ce));
	pthread_mutex_unlock(&srv->auth_lock);
}

/* Resolves an org given as an id or a code; 0 when unknown. */
static int32_t resolve_org(struct http_request *req, const char *s,
			   int32_t day)
{
	const struct index_org_version *v;
	struct hoso_error err;
	int64_t id;

	if (!parse_pos_int(s, strlen(s), ID_MAX, &id))
		return index_org_versions(req->reg->ix, (int32_t)id, &v)
			       ? (int32_t)id
			       : 0;
	return registry_resolve_org(req->reg, s, day, &err);
}

static int not_found(struct http_request *req)
{
	return http_error(req, 404, "not_found", "không tìm thấy", "not found");
}

static int check_scope(struct http_request *req)
{
	const struct http_route *r = req->route;
	struct index *ix = req->reg->ix;
	int32_t day = req->on, target = 0;
	const char *v;
	int64_t id;

	switch (r->scope) {
	case SCOPE_NONE:
		break;
	case SCOPE_ORG_PATH:
		if (http_query(req, "from") && !http_query(req, "on"))
			day = http_query_day(req, "from", req->on);
		req->org = resolve_org(req, http_param(req, "id"), day);
		if (!req->org)
			return not_found(req);
		target = req->org;
		break;
	case SCOPE_ORG_QUERY:
		v = http_query(req, "in");
		if (v) {
			req->org = resolve_org(req, v, day);
			if (!req->org)
				return not_found(req);
		} else {
			req->org = auth_default_org(&req->user, r->perm);
			if (!req->org)
				req->org = index_root_on(ix, day);
			if (!req->org)
				return not_found(req);
		}
		target = req->org;
		break;
	case SCOPE_MEMBER_PATH:
		v = http_param(req, "id");
		if (parse_pos_int(v, strlen(v), ID_MAX, &id) ||
		    !index_member(ix, (int32_t)id))
			return not_found(req);
		req->member = (int32_t)id;
		break;
	case SCOPE_MEMBER_CARD: {
		struct hoso_error err;
		struct db_stmt *st;
		int rc;
		v = http_query(req, "card");
		st = db_prepare(req->reg->db,
				"SELECT id FROM members WHERE card_no = ?", &err);
		if (!st)
			return http_error_from(req, &err);
		db_bind_text(st, 1, v, strlen(v));
		rc = db_step(st, &err);
		if (rc == 1)
			req->member = (int32_t)db_column_int(st, 0);
		db_finalize(st);
		if (rc < 0)
			return http_error_from(req, &err);
		if (rc == 0 || !index_member(ix, req->member))
			return not_found(req);
		break;
	}
	}
	if (req->member) {
		target = auth_member_scope_org(ix, req->member, req->today);
		if (!target && auth_check(&req->user, r->perm, ix, 1,
					  req->today) != AUTH_ALLOW)
			return not_found(req);
	}
	if (target && auth_check(&req->user, r->perm, ix, target, req->today))
		return not_found(req);
	if (r->scope_body_org && req->json) {
		json_t *o = json_object_get(req->json, r->scope_body_org);
		char buf[24];
		const char *s = buf;
		int32_t bday = req->today;
		json_t *eff = json_object_get(req->json, "effective");
		if (eff && json_is_string(eff))
			day_parse(json_string_value(eff),
				  json_string_length(eff), &bday);
		if (json_is_integer(o))
			snprintf(buf, sizeof(buf), "%lld",
				 (long long)json_integer_value(o));
		else
			s = json_string_value(o);
		req->body_org = s ? resolve_org(req, s, bday) : 0;
		if (!req->body_org ||
		    auth_check(&req->user, r->perm, ix, req->body_org,
			       req->today))
			return not_found(req);
	}
	return 0;
}

/* Runs the gatekeeper then the handler; the reply is left in req. */
/* A read whose audit entry could not be written discloses nothing. */
static void audit_refused(struct http_request *req)
{
	req->content_type = NULL;
	req->disposition = NULL;
	req->etag = NULL;
	req->csp = NULL;
	http_error(req, 503, "audit_unavailable",
		   "không ghi được nhật ký truy cập nên không trả dữ liệu; "
		   "thử lại sau",
		   "the access could not be recorded in the audit log, so "
		   "nothing is shown; try again later");
}

static void dispatch(struct http_server *srv, struct conn_state *cs)
{
	struct http_request *req = &cs->req;
	const struct http_route *r = cs->route;
	int saved = hoso_lang_thread;
	char target[48] = "";

	req->lang = http_accept_language(http_header(req, "Accept-Language"));
	hoso_lang_thread = 1 + (int)req->lang;
	req->today = day_today();
	req->on = req->today;
	if (!r) {
		if (cs->method_mismatch)
			http_error(req, 405, "method_not_allowed",
				   "phương thức không được phép",
				   "method not allowed");
		else
			not_found(req);
		goto out;
	}
	if (cs->too_large) {
		http_error(req, 413, "payload_too_large",
			   "thân yêu cầu quá lớn", "request body too large");
		goto out;
	}
	if (r->perm != PERM_PUBLIC) {
		if (authenticate(srv, req))
			goto out;
		if (!req->authenticated) {
			http_error(req, 401, "unauthorized",
				   "cần đăng nhập (phiên hết hạn hoặc khóa "
				   "không hợp lệ)",
				   "login required (session expired or bad "
				   "token)");
			goto out;
		}
		/* Cookie sessions come from browsers: a write must echo the
		 * session's CSRF token, which another site cannot read. */
		if (!req->via_token && strcmp(req->method, "GET") &&
		    strcmp(req->method, "HEAD")) {
			const char *t = http_header(req, "X-CSRF-Token");
			if (!t || !req->csrf[0] || strcmp(t, req->csrf)) {
				http_error(req, 403, "csrf",
					   "thiếu hoặc sai mã chống giả mạo "
					   "(X-CSRF-Token)",
					   "missing or wrong X-CSRF-Token");
				goto out;
			}
		}
		if (auth_check(&req->user, r->perm, NULL, 0, req->today) !=
		    AUTH_ALLOW) {
			http_error(req, 403, "forbidden",
				   "vai trò của bạn không có quyền này",
				   "your role does not allow this");
			goto out;
		}
	}
	if (!r->body && cs->body_len) {
		http_error(req, 400, "unexpected_body",
			   "yêu cầu này không có thân",
			   "this request takes no body");
		goto out;
	}
	if (check_query(req) || check_body(req))
		goto out;
	req->on = http_query_day(req, "on", req->today);
	if (r->perm != PERM_PUBLIC && check_scope(req))
		goto out;
	r->handler(req);
	if (req->session_ended && req->sid[0])
		auth_forget(srv, req->sid);
	/* reads are audited when they disclosed something; writes also when
	 * the registry refused them */
	if (r->audit && (req->status < 400 || (r->writes && req->status == 422))) {
		if (req->member)
			snprintf(target, sizeof(target), "member:%d",
				 req->member);
		else if (req->org)
			snprintf(target, sizeof(target), "org:%d", req->org);
		const char *t = req->audit_target ? req->audit_target : target;
		/* A read is disclosed only once its audit entry is written:
		 * queued for the batcher, or written here when it is not
		 * running. A write has its result already committed. */
		if (r->writes) {
			http_audit(req, r->audit, t, req->status,
				   req->audit_detail);
		} else {
			pending_fill(&cs->audit, req, r->audit, t,
				     req->status, req->audit_detail);
			cs->audit_state = 1; /* on_request sees to it */
		}
	}
out:
	hoso_lang_thread = saved;
}

static void access_log(struct http_server *srv, struct conn_state *cs)
{
	if (srv->route_log && cs->route) {
		FILE *f = fopen(srv->route_log, "a");
		if (f) {
			fprintf(f, "%s %s\n", cs->route->method,
				cs->route->pattern);
			fclose(f);
		}
	}
	if (srv->cfg.quiet)
		return;
	/* the route's pattern, not the path: ids and search words in paths
	 * and queries would put personal data into the log */
	fprintf(stderr, "%s %s %d %.1fms\n", cs->req.method,
		cs->route ? cs->route->pattern : "-", cs->req.status,
		(now_seconds() - cs->start) * 1000.0);
}

static void client_addr(struct MHD_Connection *c, char *out, size_t max)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	snprintf(out, max, "?");
	if (!ci || !ci->client_addr)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET,
			  &((const struct sockaddr_in *)ci->client_addr)->sin_addr,
			  out, (socklen_t)max);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr,
			  out, (socklen_t)max);
}

static void find_route(struct http_server *srv, struct conn_state *cs,
		       const char *url, const char *method)
{
	for (size_t i = 0; i < srv->cfg.n_routes; i++) {
		const struct http_route *r = &srv->cfg.routes[i];
		if (!http_route_match(r->pattern, url, NULL))
			continue;
		if (strcmp(r->method, method) &&
		    !(!strcmp(method, "HEAD") && !strcmp(r->method, "GET"))) {
			cs->method_mismatch = 1;
			continue;
		}
		cs->route = r;
		cs->req.route = r;
		http_route_match(r->pattern, url, &cs->req);
		return;
	}
}

static enum MHD_Result send_reply(struct http_server *srv,
				  struct MHD_Connection *c,
				  struct conn_state *cs)
{
	struct http_request *req = &cs->req;
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (!req->status)
		http_error(req, 500, "internal", "lỗi nội bộ", "internal error");
	resp = MHD_create_response_from_buffer(req->out.len,
					       req->out.buf ? req->out.buf : "",
					       MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				req->content_type
					? req->content_type
					: "application/json; charset=utf-8");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
				req->cache_control ? req->cache_control
						   : "no-store");
	/* web files and downloads (api/web.c) */
	if (req->disposition)
		MHD_add_response_header(resp, "Content-Disposition",
					req->disposition);
	if (req->etag)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, req->etag);
	/* Security headers on every reply: JSON replies load nothing, may be
	 * framed by no one and leak no referrer (a web file sets its own CSP). */
	MHD_add_response_header(resp, "Content-Security-Policy",
				req->csp ? req->csp
					 : "default-src 'none'; "
					   "frame-ancestors 'none'; "
					   "base-uri 'none'; form-action 'none'");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Content-Language",
				req->lang == LANG_EN ? "en" : "vi");
	if (req->set_cookie[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE,
					req->set_cookie);
	if (req->status == 405 && cs->route == NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, POST");
	ret = MHD_queue_response(c, (unsigned)req->status, resp);
	MHD_destroy_response(resp);
	access_log(srv, cs);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct conn_state *cs = *con_cls;
	struct worker *w;
	const char *xfp;
	int suspended;

	if (!cs) {
		cs = xcalloc(1, sizeof(*cs));
		cs->start = now_seconds();
		cs->req.method = method;
		cs->req.path = url;
		cs->req.conn = c;
		cs->req.reg = srv->cfg.reg;
		cs->req.routes = srv->cfg.routes;
		cs->req.n_routes = srv->cfg.n_routes;
		strbuf_init(&cs->req.out, HTTP_REPLY_MAX);
		client_addr(c, cs->req.addr, sizeof(cs->req.addr));
		xfp = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						  "X-Forwarded-Proto");
		cs->req.https = xfp && !strcasecmp(xfp, "https");
		find_route(srv, cs, url, method);
		cs->body_cap = cs->route ? cs->route->body_cap : 0;
		*con_cls = cs;
		return MHD_YES;
	}
	if (*upload_size) {
		size_t n = *upload_size;
		if (cs->too_large || cs->body_len + n > cs->body_cap) {
			/* read on to the end of the body, keep nothing */
			cs->too_large = 1;
			FREE_AND_NULL(cs->body);
		} else {
			cs->body = xrealloc(cs->body, cs->body_len + n + 1);
			memcpy(cs->body + cs->body_len, upload, n);
			cs->body_len += n;
			cs->body[cs->body_len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (cs->dispatched) {
		/* resumed by the audit batcher */
		if (cs->audit_state < 0)
			audit_refused(&cs->req);
		return send_reply(srv, c, cs);
	}
	cs->req.body = cs->body;
	cs->req.body_len = cs->too_large ? 0 : cs->body_len;
	/* GET and HEAD of a route that writes nothing run side by side */
	w = cs->route && !cs->route->writes &&
			    (!strcmp(method, "GET") || !strcmp(method, "HEAD"))
		    ? worker_get(srv)
		    : NULL;
	if (w) {
		pthread_rwlock_rdlock(&srv->lock);
		w->reg.ix = srv->cfg.reg->ix; /* as of now: writes replace it */
		cs->req.reg = &w->reg;
		dispatch(srv, cs);
	} else {
		pthread_rwlock_wrlock(&srv->lock);
		pthread_mutex_lock(&srv->write_lock);
		cs->req.reg = srv->cfg.reg;
		dispatch(srv, cs);
		pthread_mutex_unlock(&srv->write_lock);
	}
	cs->dispatched = 1;
	/* once queued, cs->audit_state belongs to the batcher */
	suspended = cs->audit_state == 1 && !audit_queue(srv, cs, c);
	if (!suspended && cs->audit_state == 1) {
		/* no batcher (stopping): write the entry here */
		struct hoso_error err;
		pthread_mutex_lock(&srv->write_lock);
		if (pending_write(cs->req.reg->db, &cs->audit, 0, &err) < 0) {
			fprintf(stderr, "hoso serve: audit: %s\n", err.msg);
			audit_refused(&cs->req);
		}
		pthread_mutex_unlock(&srv->write_lock);
		cs->audit_state = 3;
	}
	pthread_rwlock_unlock(&srv->lock);
	if (suspended)
		return MHD_YES; /* resumed by the batcher (audit_write_batch) */
	return send_reply(srv, c, cs);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct conn_state *cs = *con_cls;

	if (!cs)
		return;
	if (cs->req.json)
		json_decref(cs->req.json);
	free(cs->audit.detail);
	strbuf_release(&cs->req.out);
	http_arena_release(&cs->req.arena);
	free(cs->body);
	free(cs);
	*con_cls = NULL;
}

/* Closes the workers' and the batcher's connections, frees s. */
static void server_free(struct http_server *s)
{
	while (s->workers) {
		struct worker *w = s->workers;
		s->workers = w->next;
		db_close(w->reg.db);
		free(w);
	}
	if (s->audit_db)
		db_close(s->audit_db);
	if (s->ckpt_db) {
		/* a last full copy, so that the store file stands alone */
		db_exec(s->ckpt_db, "PRAGMA wal_checkpoint(PASSIVE)", NULL);
		db_close(s->ckpt_db);
	}
	pthread_rwlock_destroy(&s->lock);
	pthread_mutex_destroy(&s->write_lock);
	pthread_mutex_destroy(&s->auth_lock);
	pthread_mutex_destroy(&s->workers_lock);
	pthread_mutex_destroy(&s->aq_lock);
	pthread_cond_destroy(&s->aq_cond);
	pthread_cond_destroy(&s->ckpt_cond);
	free(s);
}

struct http_server *http_server_start(const struct http_server_config *cfg,
				      struct hoso_error *err)
{
	struct http_server *s = xcalloc(1, sizeof(*s));
	pthread_rwlockattr_t rwa;
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)cfg->port);
	if (inet_pton(AF_INET, cfg->host, &sa.sin_addr) != 1) {
		free(s);
		hoso_err(err, HOSO_EUSAGE,
			 TR("địa chỉ nghe không hợp lệ: %s",
			    "bad listen address: %s"),
			 cfg->host);
		return NULL;
	}
	s->cfg = *cfg;
	s->session_ttl = auth_session_ttl();
	s->route_log = getenv("HOSO_ROUTE_LOG");
	pthread_rwlockattr_init(&rwa);
	pthread_rwlockattr_setkind_np(
		&rwa, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&s->lock, &rwa);
	pthread_rwlockattr_destroy(&rwa);
	pthread_mutex_init(&s->write_lock, NULL);
	pthread_mutex_init(&s->auth_lock, NULL);
	pthread_mutex_init(&s->workers_lock, NULL);
	pthread_mutex_init(&s->aq_lock, NULL);
	pthread_cond_init(&s->aq_cond, NULL);
	pthread_cond_init(&s->ckpt_cond, NULL);
	s->aq_tail = &s->aq_head;
	/* The batcher writes on its own connection when it can have one,
	 * so that reads need not stop while a batch commits. Without the
	 * batcher, audited reads write their entries inline. Both this and
	 * the checkpointer are set up before the first request. */
	if (cfg->db_uri) {
		s->audit_db = db_open(cfg->db_uri, 0, err);
		if (!s->audit_db)
			fprintf(stderr, "hoso serve: %s\n", err->msg);
	}
	checkpointer_start(s);
	s->daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME,
		(uint16_t)cfg->port, NULL, NULL, on_request, s,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)HTTP_THREADS,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_CONNECTIONS_MAX,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned)HTTP_CONNECTIONS_PER_IP_MAX,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_CONNECTION_TIMEOUT,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)HTTP_CONNECTION_MEMORY, MHD_OPTION_NOTIFY_COMPLETED,
		on_completed, s, MHD_OPTION_END);
	if (!s->daemon) {
		checkpointer_stop(s);
		server_free(s);
		hoso_err(err, HOSO_EIO,
			 TR("không mở được cổng %s:%u (đang bận?)",
			    "cannot listen on %s:%u (in use?)"),
			 cfg->host, cfg->port);
		return NULL;
	}
	pthread_mutex_lock(&s->aq_lock);
	s->batcher_running =
		pthread_create(&s->batcher, NULL, audit_batcher, s) == 0;
	pthread_mutex_unlock(&s->aq_lock);
	return s;
}

unsigned http_server_port(const struct http_server *s)
{
	const union MHD_DaemonInfo *di =
		MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);

	return di ? di->port : s->cfg.port;
}

void http_server_lock(void *server)
{
	pthread_rwlock_wrlock(&((struct http_server *)server)->lock);
}

void http_server_unlock(void *server)
{
	pthread_rwlock_unlock(&((struct http_server *)server)->lock);
}

void http_server_stop(struct http_server *s)
{
	if (!s)
		return;
	/* stop accepting first, then let requests in flight finish */
	MHD_quiesce_daemon(s->daemon);
	/* the batcher writes what is queued and resumes those connections;
	 * reads after this write their audit entries inline */
	if (s->batcher_running) {
		pthread_mutex_lock(&s->aq_lock);
		s->batcher_stop = 1;
		pthread_cond_signal(&s->aq_cond);
		pthread_mutex_unlock(&s->aq_lock);
		pthread_join(s->batcher, NULL);
	}
	checkpointer_stop(s);
	MHD_stop_daemon(s->daemon);
	server_free(s);
}
