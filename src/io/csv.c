/* csv: streaming RFC 4180 reader and writer. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv.h"
#include "core/banned.h"

#define CSV_CHUNK (1u << 20)

int csv_open(struct csv_reader *r, const char *path, struct hoso_error *err)
{
	memset(r, 0, sizeof(*r));
	r->f = fopen(path, "rb");
	if (!r->f)
		return hoso_err(err, errno == ENOENT ? HOSO_ENOTFOUND : HOSO_EIO,
				"%s: %s", path, TR("không mở được tệp", "cannot open file"));
	r->path = path;
	r->buf_cap = CSV_CHUNK;
	r->buf = xmalloc(r->buf_cap);
	r->line = 1;
	strbuf_init(&r->rec, CSV_RECORD_MAX);
	return 0;
}

void csv_close(struct csv_reader *r)
{
	if (r->f)
		fclose(r->f);
	free(r->buf);
	free(r->offs);
	free(r->lens);
	free(r->fields);
	strbuf_release(&r->rec);
	memset(r, 0, sizeof(*r));
}

/* Next byte, or -1 at the end. */
static inline int peekc(struct csv_reader *r)
{
	if (r->buf_pos == r->buf_len) {
		if (r->eof)
			return -1;
		r->buf_len = fread(r->buf, 1, r->buf_cap, r->f);
		r->buf_pos = 0;
		r->bytes_read += r->buf_len;
		if (r->buf_len == 0) {
			r->eof = 1;
			return -1;
		}
	}
	return (unsigned char)r->buf[r->buf_pos];
}

static inline int getc_(struct csv_reader *r)
{
	int c = peekc(r);
	if (c >= 0) {
		r->buf_pos++;
		if (c == '\n')
			r->line++;
	}
	return c;
}

static void end_field(struct csv_reader *r, size_t start)
{
	if (r->n_fields + 1 > r->alloc_fields) {
		ALLOC_GROW(r->offs, r->n_fields + 1, r->alloc_fields);
		r->lens = xrealloc(r->lens, r->alloc_fields * sizeof(*r->lens));
		r->fields = xrealloc(r->fields,
				     r->alloc_fields * sizeof(*r->fields));
	}
	r->offs[r->n_fields] = start;
	r->lens[r->n_fields] = r->rec.len - start;
	r->n_fields++;
	strbuf_addc(&r->rec, '\0');
}

/* Skips to the end of the current physical line after an error. */
static void skip_line(struct csv_reader *r)
{
	int c;
	while ((c = getc_(r)) >= 0 && c != '\n')
		;
}

int csv_next(struct csv_reader *r, struct hoso_error *err)
{
	int c;
	strbuf_reset(&r->rec);
	r->n_fields = 0;
	/* Blank lines between records are skipped. */
	for (;;) {
		c = peekc(r);
		if (c == '\r' || c == '\n') {
			getc_(r);
			continue;
		}
		break;
	}
	if (c < 0) {
		if (ferror(r->f))
			return hoso_err(err, HOSO_EIO, "%s: %s", r->path,
					TR("lỗi đọc tệp", "read error")) ? CSV_EIO : CSV_EIO;
		return CSV_END;
	}
	r->rec_line = r->line;
	for (;;) {
		size_t start = r->rec.len;
		c = peekc(r);
		if (c == '"') {
			getc_(r);
			for (;;) {
				c = getc_(r);
				if (c < 0) {
					hoso_err(err, HOSO_EREJECT, "%s",
						 TR("dấu ngoặc kép không được đóng",
						    "unterminated quoted field"));
					return CSV_EBAD;
				}
				if (c == '"') {
					if (peekc(r) == '"') {
						getc_(r);
					} else {
						break;
					}
				}
				if (strbuf_addc(&r->rec, (char)c)) {
					hoso_err(err, HOSO_EREJECT, "%s",
						 TR("dòng quá dài", "record too long"));
					skip_line(r);
					return CSV_EBAD;
				}
			}
			c = peekc(r);
			if (c != ',' && c != '\n' && c != '\r' && c >= 0) {
				hoso_err(err, HOSO_EREJECT, "%s",
					 TR("ký tự sau dấu ngoặc kép đóng",
					    "character after a closing quote"));
				skip_line(r);
				return CSV_EBAD;
			}
		} else {
			/* Unquoted: copy the run up to , CR LF in one go. */
			for (;;) {
				if (r->buf_pos == r->buf_len && peekc(r) < 0)
					break;
				const char *p = r->buf + r->buf_pos;
				const char *e = r->buf + r->buf_len;
				const char *q = p;
				while (q < e && *q != ',' && *q != '\n' &&
				       *q != '\r' && *q != '"')
					q++;
				if (strbuf_add(&r->rec, p, (size_t)(q - p))) {
					hoso_err(err, HOSO_EREJECT, "%s",
						 TR("dòng quá dài", "record too long"));
					skip_line(r);
					return CSV_EBAD;
				}
				r->buf_pos += (size_t)(q - p);
				if (q < e)
					break;
			}
			if (peekc(r) == '"') {
				hoso_err(err, HOSO_EREJECT, "%s",
					 TR("dấu ngoặc kép giữa ô không có ngoặc",
					    "quote inside an unquoted field"));
				skip_line(r);
				return CSV_EBAD;
			}
		}
		end_field(r, start);
		c = getc_(r);
		if (c == ',')
			continue;
		if (c == '\r' && peekc(r) == '\n')
			getc_(r);
		break; /* LF, CR, or end of file */
	}
	if (r->n_fields > CSV_COLUMNS_MAX) {
		hoso_err(err, HOSO_EREJECT, "%s",
			 TR("quá nhiều cột", "too many columns"));
		return CSV_EBAD;
	}
	for (size_t i = 0; i < r->n_fields; i++) {
		r->fields[i].s = r->rec.buf + r->offs[i];
		r->fields[i].len = r->lens[i];
	}
	return CSV_RECORD;
}

int csv_column(const struct csv_reader *r, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < r->n_fields; i++) {
		const char *s = r->fields[i].s;
		size_t len = r->fields[i].len;
		/* A UTF-8 byte order mark before the first name is allowed. */
		if (i == 0 && len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
			s += 3;
			len -= 3;
		}
		if (len == n && memcmp(s, name, n) == 0)
			return (int)i;
	}
	return -1;
}

void csv_put(struct strbuf *out, int first, const char *s, size_t len)
{
	int quote = 0;
	if (!first)
		strbuf_addc(out, ',');
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == ',' || c == '"' || c == '\n' || c == '\r') {
			quote = 1;
			break;
		}
	}
	if (!quote) {
		strbuf_add(out, s, len);
		return;
	}
	strbuf_addc(out, '"');
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			strbuf_addc(out, '"');
		strbuf_addc(out, s[i]);
	}
	strbuf_addc(out, '"');
}
