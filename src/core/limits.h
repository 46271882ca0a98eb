/* limits: every fixed bound of hoso in one place, with why it has its value. */
#ifndef HOSO_LIMITS_H
#define HOSO_LIMITS_H

/* A user message names a file, line, column and reason: 512 bytes is ample. */
#define HOSO_ERRMSG_MAX 512
/* One CSV field: the longest real names of units are a few hundred bytes. */
#define CSV_FIELD_MAX (64 * 1024)
/* One CSV record: fields of one row together. */
#define CSV_RECORD_MAX (256 * 1024)
/* Columns of one CSV file; the format has at most 16 known ones. */
#define CSV_COLUMNS_MAX 256
/* A person's full name: most are under 60 bytes, but real royal-family
 * names pass 300 (the conformance data has one); NFD input is longer. */
#define NAME_MAX_BYTES 2048
/* An organisation's name. */
#define ORG_NAME_MAX_BYTES 1024
/* Rows of an import: more than the national dataset (6.3 M members). */
#define IMPORT_ROWS_MAX 50000000
/* Reported bad rows: past this the report says how many more there were. */
#define IMPORT_ERRORS_MAX 10000
/* Ids are positive integers below 2^31 so they fit the read model's int32. */
#define ID_MAX 2147483647
/* Name search words and results. */
#define SEARCH_WORDS_MAX 16
#define SEARCH_LIMIT_MAX 1000

#endif
