/* org_members: paged lists of the members of a subtree on a day. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "index/index.h"
#include "model/reflist.h"

#include "core/banned.h"

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

/* Organisations of subtree(org, day) that hold members. */
static size_t subtree_cells(const struct index *ix, int32_t org, int32_t day,
			    int32_t **out)
{
	int32_t *stack = NULL, *cells = NULL;
	size_t ns = 0, as = 0, nc = 0, ac = 0;

	ALLOC_GROW(stack, ns + 1, as);
	stack[ns++] = org;
	while (ns) {
		int32_t id = stack[--ns], *kids = NULL;
		const struct index_org_version *v = index_org_on(ix, id, day);
		size_t nk;
		if (!v)
			continue;
		if (org_kind_holds_members(v->kind)) {
			ALLOC_GROW(cells, nc + 1, ac);
			cells[nc++] = id;
		}
		nk = index_children(ix, id, day, &kids);
		ALLOC_GROW(stack, ns + nk, as);
		for (size_t i = 0; i < nk; i++)
			stack[ns++] = kids[i];
		free(kids);
	}
	free(stack);
	*out = cells;
	return nc;
}

int api_org_members(struct registry *r, int32_t org, int32_t day,
		    const struct api_member_filter *f, struct strbuf *out,
		    struct hoso_error *err)
{
	const struct index *ix = r->ix;
	struct db_stmt *st = NULL;
	int32_t *cells = NULL, *ids = NULL;
	size_t nc, n = 0, alloc = 0, first, last;
	char d[11];
	int rc = -1;

	if (!index_org_on(ix, org, day)) {
		day_format(day, d);
		return hoso_err(err, HOSO_ENOTFOUND,
				TR("không có tổ chức %d ngày %s",
				   "no organisation %d on %s"),
				org, d);
	}
	day_format(day, d);
	nc = subtree_cells(ix, org, day, &cells);
	/* The store gives the candidates; the read model decides (its place
	 * and activity rules are the ones Q1 counts with). The second part
	 * covers members loaded without placements. */
	st = db_prepare(r->db,
			"SELECT member_id FROM placements WHERE org_id = ?"
			" AND (valid_from IS NULL OR valid_from <= ?)"
			" AND (valid_to IS NULL OR valid_to > ?)"
			" UNION SELECT id FROM members m WHERE org_id = ? AND"
			" NOT EXISTS (SELECT 1 FROM placements p"
			" WHERE p.member_id = m.id)",
			err);
	if (!st)
		goto out;
	for (size_t i = 0; i < nc; i++) {
		int s;
		db_reset(st);
		db_bind_int(st, 1, cells[i]);
		db_bind_text(st, 2, d, 10);
		db_bind_text(st, 3, d, 10);
		db_bind_int(st, 4, cells[i]);
		while ((s = db_step(st, err)) == 1) {
			int32_t mid = (int32_t)db_column_int(st, 0);
			const struct index_member *m = index_member(ix, mid);
			if (!m || m->admitted > day || day >= m->ended ||
			    index_member_place(ix, mid, day) != cells[i])
				continue;
			if (f->sex >= 0 && m->sex != f->sex)
				continue;
			if (f->status >= 0 &&
			    (m->official <= day) != (f->status == 1))
				continue;
			ALLOC_GROW(ids, n + 1, alloc);
			ids[n++] = mid;
		}
		if (s < 0)
			goto out;
	}
	qsort(ids, n, sizeof(*ids), cmp_i32);
	strbuf_addf(out,
		    "{\"org\":%d,\"on\":\"%s\",\"page\":%ld,\"per_page\":%ld,"
		    "\"total\":%zu,\"rows\":[",
		    org, d, f->page, f->per_page, n);
	first = (size_t)(f->page - 1) * (size_t)f->per_page;
	last = first + (size_t)f->per_page;
	for (size_t i = first; i < n && i < last; i++) {
		const struct index_member *m = index_member(ix, ids[i]);
		char b[11];
		day_format(m->birth, b);
		strbuf_addf(out, "%s{\"id\":%d,\"full_name\":",
			    i == first ? "" : ",", m->id);
		strbuf_add_json_str(out, m->full_name);
		strbuf_adds(out, ",\"card_no\":");
		strbuf_add_json_str(out, m->card_no);
		strbuf_addf(out,
			    ",\"sex\":\"%s\",\"birth_date\":\"%s\","
			    "\"status\":\"%s\",\"org_id\":%d}",
			    m->sex == SEX_F ? "F" : "M", b,
			    m->official <= day ? "official" : "probationary",
			    index_member_place(ix, m->id, day));
	}
	if (strbuf_adds(out, "]}")) {
		hoso_err(err, HOSO_EIO, "member list too long");
		goto out;
	}
	rc = 0;
out:
	db_finalize(st);
	free(cells);
	free(ids);
	return rc;
}
