/* csv: a streaming RFC 4180 reader with physical line numbers, and a writer
 * that quotes only when needed. */
#ifndef HOSO_CSV_H
#define HOSO_CSV_H

#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

struct csv_field {
	const char *s; /* NUL-terminated, valid until the next record */
	size_t len;
};

struct csv_reader {
	FILE *f;
	const char *path; /* for messages: the file's name */
	char *buf;        /* read buffer */
	size_t buf_len, buf_pos, buf_cap;
	int eof;
	uint64_t line;       /* physical line of the next byte */
	uint64_t rec_line;   /* physical line where the last record started */
	uint64_t bytes_read; /* for progress */
	struct strbuf rec;   /* the unescaped fields of the last record */
	size_t *offs;        /* field offsets into rec */
	size_t *lens;
	size_t n_fields, alloc_fields;
	struct csv_field *fields;
};

enum csv_status {
	CSV_RECORD = 1, /* a record is ready */
	CSV_END = 0,    /* end of file */
	CSV_EBAD = -1,  /* malformed record (message in err); reading goes on */
	CSV_EIO = -2,   /* cannot read: stop */
};

int csv_open(struct csv_reader *r, const char *path, struct hoso_error *err);
void csv_close(struct csv_reader *r);
/* Reads the next record. On CSV_EBAD the bad record has been skipped and
 * r->rec_line tells where it started. */
int csv_next(struct csv_reader *r, struct hoso_error *err);
static inline size_t csv_nfields(const struct csv_reader *r)
{
	return r->n_fields;
}
static inline struct csv_field csv_get(const struct csv_reader *r, size_t i)
{
	return r->fields[i];
}
/* Index of the column named name in the header record just read, or -1. */
int csv_column(const struct csv_reader *r, const char *name);

/* Writer: appends one field (quoted when it holds , " CR or LF), a
 * separator before every field but the first of a row. */
void csv_put(struct strbuf *out, int first, const char *s, size_t len);

#endif
