/* core: allocation, capped string buffers, errors, dates, progress. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"

enum lang hoso_lang = LANG_VI;
_Thread_local int hoso_lang_thread;

static void die_oom(size_t n)
{
	fprintf(stderr, "hoso: hết bộ nhớ (out of memory, %zu bytes)\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_oom(n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		die_oom(nmemb * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die_oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void strbuf_init(struct strbuf *sb, size_t max)
{
	sb->buf = NULL;
	sb->len = 0;
	sb->alloc = 0;
	sb->max = max;
}

void strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	strbuf_init(sb, sb->max);
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

static int strbuf_grow(struct strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 > sb->max)
		return -1;
	if (sb->len + extra + 1 > sb->alloc) {
		size_t na = sb->alloc ? sb->alloc * 2 : 256;
		while (na < sb->len + extra + 1)
			na *= 2;
		if (na > sb->max)
			na = sb->max;
		sb->buf = xrealloc(sb->buf, na);
		sb->alloc = na;
	}
	return 0;
}

int strbuf_add(struct strbuf *sb, const char *s, size_t n)
{
	if (strbuf_grow(sb, n))
		return -1;
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
	return 0;
}

int strbuf_adds(struct strbuf *sb, const char *s)
{
	return strbuf_add(sb, s, strlen(s));
}

int strbuf_addc(struct strbuf *sb, char c)
{
	return strbuf_add(sb, &c, 1);
}

int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof(small))
		return strbuf_add(sb, small, (size_t)n);
	if (strbuf_grow(sb, (size_t)n))
		return -1;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
	return 0;
}

int strbuf_add_json_str(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	if (!s)
		return strbuf_add(sb, "null", 4);
	if (strbuf_addc(sb, '"'))
		return -1;
	const char *run = s;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		if (strbuf_add(sb, run, (size_t)(p - run)))
			return -1;
		char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
		size_t n = 2;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
		}
		if (strbuf_add(sb, esc, n))
			return -1;
		run = p + 1;
	}
	if (strbuf_adds(sb, run))
		return -1;
	return strbuf_addc(sb, '"');
}

int hoso_err(struct hoso_error *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Days from civil (Howard Hinnant's algorithm). */
int32_t day_from_ymd(int y, int m, int d)
{
	y -= m <= 2;
	const int era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + (int)doe - 719468);
}

void day_to_ymd(int32_t day, int *y, int *m, int *d)
{
	int z = day + 719468;
	const int era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)yoe + era * 400 + (*m <= 2);
}

int is_leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && is_leap_year(y))
		return 29;
	return dm[m - 1];
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int day_parse(const char *s, size_t len, int32_t *out)
{
	int y, m, d;
	if (len != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	if (digits(s, 4, &y) || digits(s + 5, 2, &m) || digits(s + 8, 2, &d))
		return -1;
	if (y < 1800 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	*out = day_from_ymd(y, m, d);
	return 0;
}

void day_format(int32_t day, char out[11])
{
	int y, m, d;
	day_to_ymd(day, &y, &m, &d);
	if (y < 0 || y > 9999) {
		memcpy(out, "0000-00-00", 11);
		return;
	}
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

/* The (month, day) of an anniversary of (am, ad) in year y. */
static int anniversary_md(int y, int am, int ad)
{
	if (am == 2 && ad == 29 && !is_leap_year(y))
		return 3 * 100 + 1;
	return am * 100 + ad;
}

int full_years(int32_t a, int32_t d)
{
	int ay, am, ad, dy, dm, dd;
	day_to_ymd(a, &ay, &am, &ad);
	day_to_ymd(d, &dy, &dm, &dd);
	int n = dy - ay;
	if (dm * 100 + dd < anniversary_md(dy, am, ad))
		n--;
	return n;
}

int full_months(int32_t a, int32_t d)
{
	int ay, am, ad, dy, dm, dd;
	day_to_ymd(a, &ay, &am, &ad);
	day_to_ymd(d, &dy, &dm, &dd);
	int n = (dy - ay) * 12 + (dm - am);
	/* A month is complete on the same day of month, or on the last day
	 * of a shorter month. */
	int need = ad > days_in_month(dy, dm) ? days_in_month(dy, dm) : ad;
	if (dd < need)
		n--;
	return n;
}

int32_t day_add_years(int32_t a, int n)
{
	int y, m, d;
	day_to_ymd(a, &y, &m, &d);
	y += n;
	if (m == 2 && d == 29 && !is_leap_year(y)) {
		m = 3;
		d = 1;
	}
	return day_from_ymd(y, m, d);
}

int32_t day_today(void)
{
	const char *fake = getenv("HOSO_TODAY");
	int32_t t;
	if (fake && day_parse(fake, strlen(fake), &t) == 0)
		return t;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	/* Vietnam is UTC+7 with no daylight saving time. */
	return (int32_t)((ts.tv_sec + 7 * 3600) / 86400);
}

void timestamp_now(char out[64])
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

int day_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday (3). */
	int w = (int)((day % 7 + 7 + 3) % 7);
	return w;
}

int parse_pos_int(const char *s, size_t len, int64_t max, int64_t *out)
{
	int64_t v = 0;
	if (len == 0 || len > 18)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v < 1 || v > max)
		return -1;
	*out = v;
	return 0;
}

double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_start(struct progress *p, const char *what, uint64_t total, int quiet)
{
	p->what = what;
	p->total = total;
	p->done = 0;
	p->start = p->last = now_seconds();
	p->tty = isatty(2);
	p->quiet = quiet;
}

void progress_update(struct progress *p, uint64_t done)
{
	p->done = done;
	if (p->quiet || !p->tty)
		return;
	double t = now_seconds();
	if (t - p->last < 0.2)
		return;
	p->last = t;
	double rate = (double)done / (t - p->start + 1e-9);
	if (p->total) {
		int pct = (int)(100.0 * (double)done / (double)p->total);
		if (pct > 100)
			pct = 100;
		char bar[31];
		int fill = pct * 30 / 100;
		for (int i = 0; i < 30; i++)
			bar[i] = i < fill ? '#' : '.';
		bar[30] = '\0';
		fprintf(stderr, "\r%s [%s] %3d%% %llu dòng, %.0f dòng/s ", p->what,
			bar, pct, (unsigned long long)done, rate);
	} else {
		fprintf(stderr, "\r%s: %llu dòng, %.0f dòng/s ", p->what,
			(unsigned long long)done, rate);
	}
}

void progress_end(struct progress *p)
{
	if (p->quiet)
		return;
	double t = now_seconds() - p->start;
	double rate = (double)p->done / (t + 1e-9);
	fprintf(stderr, "%s%s: %llu dòng trong %.1f s (%.0f dòng/s)\n",
		p->tty ? "\r\033[K" : "", p->what, (unsigned long long)p->done, t,
		rate);
}

long peak_rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "VmHWM:", 6) == 0) {
			v = strtol(line + 6, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}
