/* audit: append-only log with a BLAKE2b hash chain. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "auth/audit.h"

#include "core/banned.h"

/* The hash of the first entry's predecessor. */
static const char genesis[65] =
	"0000000000000000000000000000000000000000000000000000000000000000";

void audit_time_format(int64_t t, char out[21])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Each field enters the hash as "length:bytes" (NULL as "-"), so that no
 * two different entries can be made to hash the same by moving bytes from
 * one field to the next. */
static void hash_field(crypto_generichash_state *st, const char *s)
{
	char len[24];
	int n;

	if (!s) {
		crypto_generichash_update(st, (const unsigned char *)"-", 1);
		return;
	}
	n = snprintf(len, sizeof(len), "%zu:", strlen(s));
	crypto_generichash_update(st, (const unsigned char *)len, (size_t)n);
	crypto_generichash_update(st, (const unsigned char *)s, strlen(s));
}

void audit_hash(const char *prev, int64_t seq, const char *at,
		const struct audit_entry *e, char out[65])
{
	crypto_generichash_state st;
	unsigned char h[32];
	char num[24];

	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	hash_field(&st, prev);
	snprintf(num, sizeof(num), "%lld", (long long)seq);
	hash_field(&st, num);
	hash_field(&st, at);
	hash_field(&st, e->actor);
	hash_field(&st, e->action);
	hash_field(&st, e->target);
	hash_field(&st, e->source);
	snprintf(num, sizeof(num), "%d", e->status);
	hash_field(&st, num);
	hash_field(&st, e->detail);
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

static void bind_opt(struct db_stmt *st, int i, const char *s)
{
	if (s && *s)
		db_bind_text(st, i, s, strlen(s));
	else
		db_bind_null(st, i);
}

/* Reads the chain's end: the last entry's seq and hash. */
static int chain_load(struct db *db, struct audit_chain *chain,
		      struct hoso_error *err)
{
	struct db_stmt *st;
	size_t len;
	int rc;

	st = db_prepare(db,
			"SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
			err);
	if (!st)
		return -1;
	rc = db_step(st, err);
	chain->seq = 0;
	memcpy(chain->hash, genesis, sizeof(chain->hash));
	if (rc == 1) {
		const char *h = db_column_text(st, 1, &len);
		chain->seq = db_column_int(st, 0);
		if (h && len == 64)
			memcpy(chain->hash, h, 65);
		chain->hash[64] = '\0';
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	chain->known = 1;
	return 0;
}

int64_t audit_append_chained(struct db *db, const struct audit_entry *e,
			     int64_t now, struct audit_chain *chain,
			     struct hoso_error *err)
{
	char hash[65], at[21];
	struct audit_entry ce = *e;
	struct db_stmt *st;
	int64_t next;
	int rc;

	/* empty texts are stored as NULL: hash them the same way */
	if (ce.target && !*ce.target)
		ce.target = NULL;
	if (ce.source && !*ce.source)
		ce.source = NULL;
	if (ce.detail && !*ce.detail)
		ce.detail = NULL;
	if (!ce.actor || !*ce.actor)
		ce.actor = "-";
	if (!chain->known && chain_load(db, chain, err))
		return -1;
	next = chain->seq + 1;
	audit_time_format(now, at);
	audit_hash(chain->hash, next, at, &ce, hash);
	st = db_prepare(db,
			"INSERT INTO audit_log (seq, at, actor, action, target,"
			" source, status, detail, prev_hash, hash)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			err);
	if (!st)
		return -1;
	db_bind_int(st, 1, next);
	db_bind_text(st, 2, at, strlen(at));
	db_bind_text(st, 3, ce.actor, strlen(ce.actor));
	db_bind_text(st, 4, ce.action, strlen(ce.action));
	bind_opt(st, 5, ce.target);
	bind_opt(st, 6, ce.source);
	db_bind_int(st, 7, ce.status);
	bind_opt(st, 8, ce.detail);
	db_bind_text(st, 9, chain->hash, 64);
	db_bind_text(st, 10, hash, 64);
	rc = db_step(st, err);
	db_finalize(st);
	if (rc < 0)
		return -1;
	chain->seq = next;
	memcpy(chain->hash, hash, sizeof(hash));
	return next;
}

int64_t audit_append(struct db *db, const struct audit_entry *e, int64_t now,
		     int in_tx, struct hoso_error *err)
{
	struct audit_chain chain = AUDIT_CHAIN_INIT;
	int64_t seq;

	if (!in_tx && db_begin(db, 1, err))
		return -1;
	seq = audit_append_chained(db, e, now, &chain, err);
	if (!in_tx) {
		if (seq >= 0 && db_commit(db, err))
			seq = -1;
		if (seq < 0)
			db_rollback(db);
	}
	return seq;
}

static const char *col(struct db_stmt *st, int i)
{
	size_t len;
	return db_column_text(st, i, &len);
}

int audit_list_json(struct db *db, long limit, struct strbuf *out,
		    struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT seq, at, actor, action, target, source, status, detail,"
		" hash FROM audit_log ORDER BY seq DESC LIMIT ?",
		err);
	int rc, first = 1;

	if (!st)
		return -1;
	db_bind_int(st, 1, limit);
	strbuf_addc(out, '[');
	while ((rc = db_step(st, err)) == 1) {
		if (!first)
			strbuf_addc(out, ',');
		first = 0;
		strbuf_addf(out, "{\"seq\":%lld,\"at\":",
			    (long long)db_column_int(st, 0));
		strbuf_add_json_str(out, col(st, 1));
		strbuf_adds(out, ",\"actor\":");
		strbuf_add_json_str(out, col(st, 2));
		strbuf_adds(out, ",\"action\":");
		strbuf_add_json_str(out, col(st, 3));
		strbuf_adds(out, ",\"target\":");
		strbuf_add_json_str(out, col(st, 4));
		strbuf_adds(out, ",\"source\":");
		strbuf_add_json_str(out, col(st, 5));
		strbuf_addf(out, ",\"status\":%lld,\"detail\":",
			    (long long)db_column_int(st, 6));
		strbuf_add_json_str(out, col(st, 7));
		strbuf_adds(out, ",\"hash\":");
		strbuf_add_json_str(out, col(st, 8));
		strbuf_addc(out, '}');
	}
	db_finalize(st);
	if (strbuf_addc(out, ']'))
		return hoso_err(err, HOSO_EIO, "audit list too long");
	return rc < 0 ? -1 : 0;
}

int audit_verify(struct db *db, int64_t *count, int64_t *bad_seq,
		 struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(db,
		"SELECT seq, at, actor, action, target, source, status, detail,"
		" prev_hash, hash FROM audit_log ORDER BY seq",
		err);
	char prev[65], h[65];
	int64_t expect = 1;
	int rc, broken = 0;

	*count = 0;
	*bad_seq = 0;
	if (!st)
		return -1;
	memcpy(prev, genesis, sizeof(prev));
	while ((rc = db_step(st, err)) == 1) {
		struct audit_entry e;
		int64_t seq = db_column_int(st, 0);
		const char *p = col(st, 8), *stored = col(st, 9);
		e.actor = col(st, 2);
		e.action = col(st, 3);
		e.target = col(st, 4);
		e.source = col(st, 5);
		e.status = (int)db_column_int(st, 6);
		e.detail = col(st, 7);
		audit_hash(prev, seq, col(st, 1), &e, h);
		if (seq != expect || !p || strcmp(p, prev) || !stored ||
		    strcmp(stored, h)) {
			broken = 1;
			*bad_seq = seq;
			break;
		}
		memcpy(prev, h, sizeof(prev));
		expect++;
		(*count)++;
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	return broken;
}
