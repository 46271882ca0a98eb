/* audit: the append-only audit log, each entry chained to the previous one
 * by a BLAKE2b hash (libsodium crypto_generichash), so that an edit or a
 * deletion inside the log is detected by audit_verify. */
#ifndef HOSO_AUDIT_H
#define HOSO_AUDIT_H

#include <stdint.h>

#include "core/core.h"
#include "db/db.h"

struct audit_entry {
	const char *actor;  /* user name, "cli", or "-" before login */
	const char *action; /* "login", "member.read", "member.transfer"... */
	const char *target; /* "member:77", "org:12"; may be NULL */
	const char *source; /* "api 127.0.0.1", "cli" */
	int status;         /* HTTP status, or 0 for CLI */
	const char *detail; /* short JSON or text without personal data; NULL */
};

/* Appends e in its own write transaction (or in the caller's when one is
 * open: in_tx set). Returns the entry's sequence number or -1. */
int64_t audit_append(struct db *db, const struct audit_entry *e, int64_t now,
		     int in_tx, struct hoso_error *err);
/* The chain's end as known inside one open write transaction: a batch of
 * entries reads the last entry once, then links each new one to the one
 * before. Zero it (AUDIT_CHAIN_INIT) when the transaction begins. */
struct audit_chain {
	int known;
	int64_t seq;
	char hash[65];
};
#define AUDIT_CHAIN_INIT {0, 0, ""}
/* audit_append within the caller's open write transaction, using and
 * updating chain. */
int64_t audit_append_chained(struct db *db, const struct audit_entry *e,
			     int64_t now, struct audit_chain *chain,
			     struct hoso_error *err);
/* Appends the last limit entries (newest first) as a JSON array. */
int audit_list_json(struct db *db, long limit, struct strbuf *out,
		    struct hoso_error *err);
/* Walks the whole chain. 0 intact (*count entries); 1 broken at *bad_seq;
 * -1 error. */
int audit_verify(struct db *db, int64_t *count, int64_t *bad_seq,
		 struct hoso_error *err);

/* Hex hash of one entry given the previous entry's hex hash (exposed for
 * tests). out holds 65 bytes. */
void audit_hash(const char *prev, int64_t seq, const char *at,
		const struct audit_entry *e, char out[65]);
/* "YYYY-MM-DDTHH:MM:SSZ" of Unix time t; out holds 21 bytes. */
void audit_time_format(int64_t t, char out[21]);

#endif
