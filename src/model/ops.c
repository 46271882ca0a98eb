/* ops: operations that change the registry. Each is checked against the
 * store, written with its operation record in one transaction, then applied
 * to the read model. */
#include <stdlib.h>
#include <string.h>

#include "model/registry.h"
#include "model/reflist.h"
#include "core/banned.h"

struct ops_placement {
	int32_t org_id, from, to;
};

/* Is org a cell alive over [from, to) in the store? */
static int org_is_cell_over(struct db *db, int32_t org, int32_t from,
			    int32_t to, int32_t *gap, struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		db,
		"SELECT kind, valid_from, valid_to FROM org_versions"
		" WHERE id = ? ORDER BY coalesce(valid_from, '')",
		err);
	int32_t cur = from;
	int step;
	if (!st)
		return -1;
	db_bind_int(st, 1, org);
	while ((step = db_step(st, err)) == 1 && cur < to) {
		size_t len;
		const char *kind = db_column_text(st, 0, &len);
		int32_t f = db_column_day(st, 1, DAY_MIN), t = db_column_day(st, 2, DAY_MAX);
		int k = enum_lookup(org_kind_names, KIND_COUNT, kind, len);
		if (t <= cur)
			continue;
		if (f > cur || !org_kind_holds_members(k))
			break;
		cur = t;
	}
	db_finalize(st);
	if (step < 0)
		return -1;
	*gap = cur;
	return cur >= to ? 1 : 0;
}

int registry_write_op(struct db *db, const char *kind, int32_t effective,
		      
const char *payload, const struct op_meta *meta,
		      int64_t *seq, struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		db,
		"INSERT INTO operations(kind, actor, source, entered_at,"
		" effective_on, payload, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
		err);
	const char *actor = meta && meta->actor ? meta->actor : "cli";
	const char *source = meta && meta->source ? meta->source : "cli";
	char now[64];
	int rc;
	if (!st)
		return -1;
	timestamp_now(now);
	db_bind_text(st, 1, kind, strlen(kind));
	db_bind_text(st, 2, actor, strlen(actor));
	db_bind_text(st, 3, source, strlen(source));
	db_bind_text(st, 4, now, strlen(now));
	db_bind_day(st, 5, effective);
	db_bind_text(st, 6, payload, strlen(payload));
	if (meta && meta->reason)
		db_bind_text(st, 7, meta->reason, strlen(meta->reason));
	rc = db_step(st, err) < 0 ? -1 : 0;
	db_finalize(st);
	if (!rc)
		*seq = db_last_insert_id(db);
	return rc;
}

/* Reloads one member and its placements from the store into the index. */
static int refresh_member(struct registry *r, int64_t member_id,
			  struct hoso_error *err)
{
	struct db_stmt *st;
	struct index_member m;
	struct index_placement *pl = NULL;
	size_t n = 0, alloc = 0;
	int step, rc = -1;
	const struct index_member *old;
	if (!r->ix)
		return 0;
	old = index_member(r->ix, (int32_t)member_id);
	if (!old)
		return hoso_err(err, HOSO_EIO, "read model: member %lld missing",
				(long long)member_id);
	m = *old;
	st = db_prepare(r->db,
			"SELECT org_id, valid_from, valid_to FROM placements"
			" WHERE member_id = ? ORDER BY valid_from",
			err);
	if (!st)
		return -1;
	db_bind_int(st, 1, member_id);
	while ((step = db_step(st, err)) == 1) {
		ALLOC_GROW(pl, n + 1, alloc);
		pl[n].member_id = (int32_t)member_id;
		pl[n].org_id = (int32_t)db_column_int(st, 0);
		pl[n].from = db_column_day(st, 1, DAY_MIN);
		pl[n].to = db_column_day(st, 2, DAY_MAX);
		n++;
	}
	if (step == 0) {
		index_put_member(r->ix, &m, pl, n);
		rc = 0;
	}
	db_finalize(st);
	free(pl);
	return rc;
}

int64_t registry_op_transfer(struct registry *r, int64_t member_id,
			     int32_t org_id, int32_t day,
			     const struct op_meta *meta,
			     struct hoso_error *err)
{
	struct db_stmt *st = NULL;
	struct ops_placement cur = {0};
	int32_t admitted = 0, ended = DAY_MAX, gap;
	int found = 0, step, ok, is_last = 1;
	int64_t seq = -1;
	char dbuf[11], gbuf[11];
	struct strbuf payload;

	day_format(day, dbuf);
	strbuf_init(&payload, 4096);
	if (db_begin(r->db, 1, err))
		goto fail_nobegin;
	st = db_prepare(r->db,
			"SELECT admitted_on, ended_on FROM members WHERE id = ?",
			err);
	if (!st)
		goto fail;
	db_bind_int(st, 1, member_id);
	step = db_step(st, err);
	if (step < 0)
		goto fail;
	if (step == 0) {
		hoso_err(err, HOSO_ENOTFOUND,
			 TR("không tìm thấy đảng viên %lld",
			    "member %lld not found"),
			 (long long)member_id);
		goto fail;
	}
	admitted = db_column_day(st, 0, DAY_MIN);
	ended = db_column_day(st, 1, DAY_MAX);
	db_finalize(st);
	st = NULL;
	if (day < admitted || day >= ended) {
		hoso_err(err, HOSO_EREJECT,
			 TR("đảng viên %lld không còn sinh hoạt đảng vào ngày %s",
			    "member %lld is not a member on %s"),
			 (long long)member_id, dbuf);
		goto fail;
	}
	st = db_prepare(r->db,
			"SELECT org_id, valid_from, valid_to FROM placements"
			" WHERE member_id = ? ORDER BY valid_from",
			err);
	if (!st)
		goto fail;
	db_bind_int(st, 1, member_id);
	while ((step = db_step(st, err)) == 1) {
		int32_t f = db_column_day(st, 1, DAY_MIN), t = db_column_day(st, 2, DAY_MAX);
		if (found) {
			is_last = 0;
			continue;
		}
		if (f <= day && day < t) {
			cur.org_id = (int32_t)db_column_int(st, 0);
			cur.from = f;
			cur.to = t;
			found = 1;
		}
	}
	if (step < 0)
		goto fail;
	db_finalize(st);
	st = NULL;
	if (!found) {
		hoso_err(err, HOSO_EREJECT,
			 TR("đảng viên %lld không sinh hoạt ở chi bộ nào vào ngày %s",
			    "member %lld has no placement on %s"),
			 (long long)member_id, dbuf);
		goto fail;
	}
	if (cur.org_id == org_id) {
		hoso_err(err, HOSO_EREJECT,
			 TR("đảng viên %lld đã sinh hoạt ở tổ chức %d vào ngày %s",
			    "member %lld is already placed in %d on %s"),
			 (long long)member_id, org_id, dbuf);
		goto fail;
	}
	ok = org_is_cell_over(r->db, org_id, day, cur.to, &gap, err);
	if (ok < 0)
		goto fail;
	if (!ok) {
		day_format(gap, gbuf);
		hoso_err(err, HOSO_EREJECT,
			 TR("tổ chức %d không phải là chi bộ đang hoạt động vào ngày %s (chỉ chuyển đến chi bộ)",
			    "organisation %d is not a live cell on %s (members move only into cells)"),
			 org_id, gbuf);
		goto fail;
	}
	/* End the current placement on day (or drop it when it started that
	 * day), and insert the new one up to where the old one ended. */
	if (cur.from == day) {
		st = db_prepare(r->db,
				"DELETE FROM placements WHERE member_id = ?"
				" AND valid_from = ?",
				err);
		if (!st)
			goto fail;
		db_bind_int(st, 1, member_id);
		db_bind_day(st, 2, cur.from);
	} else {
		st = db_prepare(r->db,
				"UPDATE placements SET valid_to = ?"
				" WHERE member_id = ? AND valid_from = ?",
				err);
		if (!st)
			goto fail;
		db_bind_day(st, 1, day);
		db_bind_int(st, 2, member_id);
		db_bind_day(st, 3, cur.from);
	}
	if (db_step(st, err) < 0)
		goto fail;
	db_finalize(st);
	st = db_prepare(r->db,
			"INSERT INTO placements(member_id, org_id, valid_from,"
			" valid_to) VALUES (?, ?, ?, ?)",
			err);
	if (!st)
		goto fail;
	db_bind_int(st, 1, member_id);
	db_bind_int(st, 2, org_id);
	db_bind_day(st, 3, day);
	db_bind_day(st, 4, cur.to);
	if (db_step(st, err) < 0)
		goto fail;
	db_finalize(st);
	st = NULL;
	if (is_last) {
		st = db_prepare(r->db, "UPDATE members SET org_id = ? WHERE id = ?",
				err);
		if (!st)
			goto fail;
		db_bind_int(st, 1, org_id);
		db_bind_int(st, 2, member_id);
		if (db_step(st, err) < 0)
			goto fail;
		db_finalize(st);
		st = NULL;
	}
	strbuf_addf(&payload,
		    "{\"member_id\":%lld,\"from_org\":%d,\"to_org\":%d,"
		    "\"effective\":\"%s\"}",
		    (long long)member_id, cur.org_id, org_id, dbuf);
	if (registry_write_op(r->db, "transfer", day, payload.buf, meta, &seq, err))
		goto fail;
	if (db_commit(r->db, err))
		goto fail_nobegin;
	strbuf_release(&payload);
	if (refresh_member(r, member_id, err))
		return -1;
	return seq;
fail:
	db_finalize(st);
	db_rollback(r->db);
fail_nobegin:
	strbuf_release(&payload);
	return -1;
}
