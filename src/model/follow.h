/* follow: keeps a node's read model in step with the change log (the
 * operations table) that every node writes to, so that a change made on
 * one `hoso serve` node is answered by all of them. */
#ifndef HOSO_FOLLOW_H
#define HOSO_FOLLOW_H

#include <stdint.h>

#include "core/core.h"
#include "model/registry.h"

struct follower;

/* How the follower takes the lock that guards r->ix against the request
 * threads (http_server_lock / unlock). */
struct follow_hooks {
	void (*lock)(void *arg);
	void (*unlock)(void *arg);
	void *arg;
};

/* The highest sequence number of the change log (0 when empty); read it
 * BEFORE loading the read model, then follow from it: an entry applied
 * twice does no harm (each entry reloads rows), a missed one would. */
int follow_head(struct db *db, int64_t *seq, struct hoso_error *err);

/* Starts a thread that follows the store at uri from sequence number
 * after_seq, with its own connection: woken by PostgreSQL notifications
 * (polling every 100 ms on SQLite), it applies every new entry once, in
 * order, to r's read model: the members and organisations the entry names
 * are read again from the store (an organisation's members too), an import
 * or an entry it cannot read rebuilds the whole read model. After a lost
 * connection it reconnects and catches up from the last entry applied. On
 * PostgreSQL, where sequence numbers are drawn before commit, a gap is
 * waited for until every transaction older than it has ended. NULL with
 * err when the store cannot be opened. */
struct follower *follow_start(const char *uri, struct registry *r,
			      int64_t after_seq, const struct follow_hooks *h,
			      struct hoso_error *err);
/* The last sequence number applied, without a gap before it. */
int64_t follow_applied(struct follower *f);
/* Stops the thread and frees. */
void follow_stop(struct follower *f);

#endif
