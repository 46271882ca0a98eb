/* core: allocation, growable capped buffers, errors, language, dates. */
#ifndef HOSO_CORE_H
#define HOSO_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "core/limits.h"

/* ---- allocation: abort on out-of-memory (git xmalloc) ---- */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
#define FREE_AND_NULL(p) \
	do { \
		free(p); \
		(p) = NULL; \
	} while (0)
/* Grow an array so that it holds at least n elements (git ALLOC_GROW). */
#define ALLOC_GROW(arr, n, alloc) \
	do { \
		if ((size_t)(n) > (size_t)(alloc)) { \
			size_t na_ = (size_t)(alloc) ? (size_t)(alloc) * 2 : 16; \
			if (na_ < (size_t)(n)) \
				na_ = (size_t)(n); \
			(arr) = xrealloc((arr), na_ * sizeof(*(arr))); \
			(alloc) = na_; \
		} \
	} while (0)

/* ---- string buffer with a maximum (curl dynbuf) ---- */
struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
	size_t max; /* appends that would pass it fail */
};
void strbuf_init(struct strbuf *sb, size_t max);
void strbuf_release(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
/* Each returns 0, or -1 when the buffer would exceed its maximum. */
int strbuf_add(struct strbuf *sb, const char *s, size_t n);
int strbuf_adds(struct strbuf *sb, const char *s);
int strbuf_addc(struct strbuf *sb, char c);
int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* JSON string literal with quotes; NULL becomes null. */
int strbuf_add_json_str(struct strbuf *sb, const char *s);

/* ---- language of the messages users read ---- */
enum lang { LANG_VI = 0, LANG_EN = 1 };
/* The process's language (the CLI's --lang), and a thread's own while it
 * serves one request (the server's workers answer requests in different
 * languages at once): 0 none, else 1 + enum lang. */
extern enum lang hoso_lang;
extern _Thread_local int hoso_lang_thread;
#define HOSO_LANG                                                          \
	(hoso_lang_thread ? (enum lang)(hoso_lang_thread - 1) : hoso_lang)
/* Pick the message in the current language. */
#define TR(vi, en) (HOSO_LANG == LANG_EN ? (en) : (vi))

/* ---- errors: 0 is success; an error has a code and a message ---- */
enum hoso_status {
	HOSO_OK = 0,
	HOSO_EREJECT = 1,   /* data rejected, nothing changed (exit 1) */
	HOSO_EUSAGE = 2,    /* bad usage (exit 2) */
	HOSO_ENOTFOUND = 3, /* not found (exit 3) */
	HOSO_EIO = 4,       /* store or file error */
	HOSO_ECONFLICT = 5, /* concurrent change */
	HOSO_ESTORAGE = 6,  /* the store is full or read-only: nothing written */
};
struct hoso_error {
	int code;
	char msg[HOSO_ERRMSG_MAX];
};
/* Set err (if not NULL) and return -1 (git error()). */
int hoso_err(struct hoso_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- dates: days since 1970-01-01 (proleptic Gregorian) ---- */
#define DAY_MIN INT32_MIN /* "since ever" */
#define DAY_MAX INT32_MAX /* "still" */
int32_t day_from_ymd(int y, int m, int d);
void day_to_ymd(int32_t day, int *y, int *m, int *d);
int is_leap_year(int y);
int days_in_month(int y, int m);
/* Strict YYYY-MM-DD of exactly len bytes; 0 on success, -1 otherwise. */
int day_parse(const char *s, size_t len, int32_t *out);
/* Writes "YYYY-MM-DD" and a NUL into out (11 bytes). */
void day_format(int32_t day, char out[11]);
/* Full years from a to d (queries.md; born 29 Feb: birthday 1 Mar). */
int full_years(int32_t a, int32_t d);
/* Full months from a to d. */
int full_months(int32_t a, int32_t d);
/* The day n years after a (29 Feb -> 1 Mar in common years). */
int32_t day_add_years(int32_t a, int n);
int32_t day_today(void);
/* Now as ISO 8601 UTC with milliseconds, "2026-11-29T07:34:41.123Z". */
void timestamp_now(char out[64]);
/* Day of week, 0 = Monday .. 6 = Sunday. */
int day_weekday(int32_t day);

/* ---- bounded number parsing (curl strparse) ---- */
/* Parses a decimal integer of exactly len bytes in [1, max]; 0 on success. */
int parse_pos_int(const char *s, size_t len, int64_t max, int64_t *out);

/* ---- progress on stderr for long work ---- */
struct progress {
	const char *what;
	uint64_t total; /* 0 if unknown */
	uint64_t done;
	double start;
	double last;
	int tty;
	int quiet;
};
void progress_start(struct progress *p, const char *what, uint64_t total, int quiet);
void progress_update(struct progress *p, uint64_t done);
void progress_end(struct progress *p);
double now_seconds(void);

/* Peak resident set size of this process in KiB (from /proc). */
long peak_rss_kib(void);

#endif
