/* http_limits: every fixed bound of the server, auth and API with its reason. */
#ifndef HOSO_HTTP_LIMITS_H
#define HOSO_HTTP_LIMITS_H

/* Request bodies: a transfer or login is a few hundred bytes; 64 KiB leaves
 * room for later batch-like writes while keeping a flood cheap to refuse. */
#define HTTP_BODY_MAX (64 * 1024)
/* Login bodies: a name and a password. */
#define HTTP_LOGIN_BODY_MAX (4 * 1024)
/* A reply: Q3 of the national root has ~70 rows, a member page 200 rows;
 * 16 MiB bounds a runaway answer (audit pages are capped below too). */
#define HTTP_REPLY_MAX (16 * 1024 * 1024)
/* Path captures per route ({id}) and query parameters per request. */
#define HTTP_PARAMS_MAX 8
/* Length of one path or query value we accept (a search query, a code). */
#define HTTP_VALUE_MAX 512
/* Per-request arena block: most requests fit one block. */
#define HTTP_ARENA_BLOCK (16 * 1024)
/* Worker threads (MHD thread pool): reads run side by side, so a slow
 * question (a national report) holds up only its own thread's clients. */
#define HTTP_THREADS 4
/* How often the checkpointer copies the SQLite WAL into the store (ms):
 * at ~20k audited reads a second the WAL grows a few MB between two. */
#define HTTP_CHECKPOINT_MS 250
/* API tokens checked in the last few seconds are not looked up again: a
 * script's requests then cost no SQL for authentication. A disabled user
 * or a revoked token stops working within the TTL. */
#define HTTP_AUTH_CACHE_SLOTS 256
#define HTTP_AUTH_CACHE_TTL 5.0
/* Simultaneous connections: more queue in the kernel. */
#define HTTP_CONNECTIONS_MAX 256
/* Simultaneous connections from one address: a slow client (slowloris)
 * cannot take all HTTP_CONNECTIONS_MAX; an office behind one NAT address
 * still has room for dozens of browsers. */
#define HTTP_CONNECTIONS_PER_IP_MAX 64
/* Idle connection timeout, seconds. */
#define HTTP_CONNECTION_TIMEOUT 30
/* Per-connection memory of libmicrohttpd (headers); 16 KiB holds long
 * cookies and Accept-Language lists (nginx allows 8 KiB of headers). MHD
 * zeroes the pool after each request: 64 KiB cost 7% of a dossier read. */
#define HTTP_CONNECTION_MEMORY (16 * 1024)

/* Member list pages. */
#define API_PER_PAGE_DEFAULT 50
#define API_PER_PAGE_MAX 200
#define API_PAGE_MAX 1000000
/* Audit entries per page. */
#define API_AUDIT_LIMIT_MAX 1000

/* ---- auth ---- */
/* User names: logins, not people's full names. */
#define AUTH_NAME_MAX 64
/* Passwords: argon2id takes any length; 1 KiB bounds the work per login. */
#define AUTH_PASSWORD_MAX 1024
#define AUTH_PASSWORD_MIN 8
/* Grants held by one user (role + subtree each). */
#define AUTH_GRANTS_MAX 16
/* Random bytes in a session id, CSRF token or API token. */
#define AUTH_TOKEN_BYTES 32
/* Hex text of one token (plus prefix "hoso_" for API tokens and NUL). */
#define AUTH_TOKEN_HEX (2 * AUTH_TOKEN_BYTES + 8)
/* Default idle lifetime of a session (8 h); env HOSO_SESSION_TTL overrides. */
#define AUTH_SESSION_TTL_DEFAULT (8 * 3600)
/* Login throttling: this many failures per user+address in the window
 * answer 429 until the window passes (slows guessing to 20/hour). */
#define AUTH_LOGIN_FAILURES_MAX 5
#define AUTH_LOGIN_WINDOW (15 * 60)

#endif
