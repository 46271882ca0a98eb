/* party_dir: directives, resolutions and regulations assigned to subtrees
 * with a deadline and the implementation reports of each unit (who has
 * reported, who is late, as of any day, rolled up the tree); and the
 * full-time cadres of each committee's apparatus. */
#include <stdlib.h>
#include <string.h>

#include "model/party_int.h"
#include "model/reflist.h"
#include "core/banned.h"

static const char *const directive_kinds[] = {
	"resolution", "directive", "regulation", "decision", "conclusion",
	"guidance"};
static const char *const level_names[] = {"all", "grassroots"};
static const char *const report_status[] = {"done", "in_progress"};

/* Does org of kind k report under an assignment of levels? "grassroots"
 * stops at grassroots organisations (cells and sub-committees report to
 * them, not to the issuer). */
static int reports_under(int levels, int k)
{
	return levels == 0 || (k != KIND_CELL && k != KIND_SUB_COMMITTEE);
}

int party_directive_add(struct party_ctx *c)
{
	int32_t day = 0, org = 0;
	int kind = 0, step;
	int64_t seq = 0, id;
	const char *number = NULL, *title = NULL, *text = NULL, *file = NULL;
	struct db_stmt *st;

	if (party_arg_day(c, "date", 1, &day) ||
	    party_arg_org(c, "org", 1, day, &org) ||
	    party_arg_str(c, "number", 1, &number) ||
	    party_arg_str(c, "title", 1, &title) ||
	    party_arg_enum(c, "kind", 0, directive_kinds, 6, &kind) ||
	    party_arg_str(c, "text", 0, &text) ||
	    party_arg_str(c, "file", 0, &file))
		return -1;
	if (party_begin(c))
		return -1;
	st = db_prepare(c->r->db,
			"SELECT id FROM party_directives WHERE issuer_org = ?"
			" AND number = ?",
			c->err);
	if (!st)
		goto fail;
	db_bind_int(st, 1, org);
	party_bind_str(st, 2, number);
	step = db_step(st, c->err);
	db_finalize(st);
	if (step < 0)
		goto fail;
	if (step == 1) {
		hoso_err(c->err, HOSO_EREJECT,
			 TR("tổ chức %d đã có văn bản số %s",
			    "organisation %d already has a document numbered %s"),
			 org, number);
		goto fail;
	}
	if (party_write_op(c, "party.directive", day, &seq))
		goto fail;
	st = db_prepare(c->r->db,
			"INSERT INTO party_directives(number, kind, issued_on,"
			" issuer_org, title, body, file, seq)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			c->err);
	if (!st)
		goto fail;
	party_bind_str(st, 1, number);
	party_bind_str(st, 2, directive_kinds[kind]);
	db_bind_day(st, 3, day);
	db_bind_int(st, 4, org);
	party_bind_str(st, 5, title);
	party_bind_str(st, 6, text);
	party_bind_str(st, 7, file);
	db_bind_int(st, 8, seq);
	if (party_exec(st, c->err))
		goto fail;
	id = db_last_insert_id(c->r->db);
	if (party_commit(c))
		return -1;
	return party_reply(c, json_pack("{s:I,s:I,s:s,s:s,s:i,s:o,s:s}", "seq",
					(json_int_t)seq, "id", (json_int_t)id,
					"number", number, "kind",
					directive_kinds[kind], "issuer", org,
					"date", party_json_day(day), "title",
					title));
fail:
	party_rollback(c);
	return -1;
}

struct directive {
	int64_t id;
	int32_t issuer, issued;
};

static int directive_load(struct party_ctx *c, struct directive *d)
{
	int64_t id = 0;
	struct db_stmt *st;
	int step;

	if (party_arg_int(c, "directive", 1, 1, ID_MAX, &id))
		return -1;
	st = db_prepare(c->r->db,
			"SELECT issuer_org, issued_on FROM party_directives"
			" WHERE id = ?",
			c->err);
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	step = db_step(st, c->err);
	if (step == 1) {
		d->id = id;
		d->issuer = (int32_t)db_column_int(st, 0);
		d->issued = party_col_day(st, 1, 0);
	}
	db_finalize(st);
	if (step == 0)
		return hoso_err(c->err, HOSO_ENOTFOUND,
				TR("không tìm thấy văn bản %lld",
				   "directive %lld not found"),
				(long long)id);
	return step < 0 ? -1 : 0;
}

int party_directive_assign(struct party_ctx *c)
{
	struct directive d;
	int32_t day = c->today, org = 0, to = 0, deadline = 0;
	int levels = 0;
	int64_t seq = 0, id;
	struct db_stmt *st;
	char dbuf[11];

	if (party_arg_day(c, "date", 0, &day) ||
	    party_arg_org(c, "org", 1, day, &org) || directive_load(c, &d) ||
	    party_arg_org(c, "to", 1, day, &to) ||
	    party_arg_day(c, "deadline", 1, &deadline) ||
	    party_arg_enum(c, "levels", 0, level_names, 2, &levels))
		return -1;
	day_format(day, dbuf);
	/* the issuer assigns within its subtree; a unit above it may pass
	 * it on within its own */
	if (!party_child_toward(c->ix, org, to, day) ||
	    (d.issuer != org && !party_child_toward(c->ix, d.issuer, org, day)))
		return hoso_err(c->err, HOSO_EREJECT,
				TR("tổ chức %d không giao được văn bản này cho %d vào ngày %s (ngoài phạm vi)",
				   "organisation %d cannot assign this directive to %d on %s (out of its subtree)"),
				org, to, dbuf);
	if (deadline <= day || day < d.issued)
		return hoso_err(c->err, HOSO_EREJECT, "%s",
				TR("hạn báo cáo phải sau ngày giao, ngày giao không trước ngày ban hành",
				   "the deadline must follow the assignment, which cannot precede the issue"));
	if (party_begin(c))
		return -1;
	if (party_write_op(c, "party.directive.assign", day, &seq))
		goto fail;
	st = db_prepare(c->r->db,
			"INSERT INTO party_assignments(directive_id, top_org,"
			" assigned_on, deadline, levels, seq)"
			" VALUES (?, ?, ?, ?, ?, ?)",
			c->err);
	if (!st)
		goto fail;
	db_bind_int(st, 1, d.id);
	db_bind_int(st, 2, to);
	db_bind_day(st, 3, day);
	db_bind_day(st, 4, deadline);
	party_bind_str(st, 5, level_names[levels]);
	db_bind_int(st, 6, seq);
	if (party_exec(st, c->err))
		goto fail;
	id = db_last_insert_id(c->r->db);
	if (party_commit(c))
		return -1;
	return party_reply(c, json_pack("{s:I,s:I,s:I,s:i,s:o,s:o,s:s}", "seq",
					(json_int_t)seq, "id", (json_int_t)id,
					"directive", (json_int_t)d.id, "to", to,
					"assigned_on", party_json_day(day),
					"deadline", party_json_day(deadline),
					"levels", level_names[levels]));
fail:
	party_rollback(c);
	return -1;
}

struct assignment {
	int64_t id;
	int32_t top, assigned, deadline;
	int levels;
};

/* The assignments of directive id, in order. */
static int assignments_load(struct party_ctx *c, int64_t id,
			    struct assignment **out, size_t *n)
{
	struct db_stmt *st = db_prepare(
		c->r->db,
		"SELECT id, top_org, assigned_on, deadline, levels FROM"
		" party_assignments WHERE directive_id = ? ORDER BY id",
		c->err);
	size_t alloc = 0;
	int step;

	*out = NULL;
	*n = 0;
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	while ((step = db_step(st, c->err)) == 1) {
		struct assignment *a;
		size_t len;
		const char *lv;
		ALLOC_GROW(*out, *n + 1, alloc);
		a = &(*out)[(*n)++];
		a->id = db_column_int(st, 0);
		a->top = (int32_t)db_column_int(st, 1);
		a->assigned = party_col_day(st, 2, 0);
		a->deadline = party_col_day(st, 3, 0);
		lv = db_column_text(st, 4, &len);
		a->levels = enum_lookup(level_names, 2, lv, len) == 1;
	}
	db_finalize(st);
	if (step < 0) {
		FREE_AND_NULL(*out);
		return -1;
	}
	return 0;
}

int party_directive_report(struct party_ctx *c)
{
	struct directive d;
	struct assignment *as = NULL;
	size_t n = 0;
	int32_t day = 0, org = 0;
	int status = 0, covered = 0, rc = -1;
	int64_t seq = 0, id;
	const char *summary = NULL;
	const struct index_org_version *v;
	struct db_stmt *st;
	char dbuf[11];

	if (party_arg_day(c, "date", 1, &day) ||
	    party_arg_org(c, "org", 1, day, &org) || directive_load(c, &d) ||
	    party_arg_str(c, "summary", 1, &summary) ||
	    party_arg_enum(c, "status", 0, report_status, 2, &status) ||
	    assignments_load(c, d.id, &as, &n))
		goto out;
	day_format(day, dbuf);
	v = index_org_on(c->ix, org, day);
	for (size_t i = 0; i < n; i++)
		if (as[i].assigned <= day && v &&
		    reports_under(as[i].levels, v->kind) &&
		    party_child_toward(c->ix, as[i].top, org, day))
			covered = 1;
	if (!covered) {
		hoso_err(c->err, HOSO_EREJECT,
			 TR("văn bản %lld chưa được giao cho tổ chức %d vào ngày %s",
			    "directive %lld was not assigned to organisation %d on %s"),
			 (long long)d.id, org, dbuf);
		goto out;
	}
	if (day > c->today) {
		hoso_err(c->err, HOSO_EREJECT,
			 TR("ngày báo cáo %s ở tương lai",
			    "report day %s is in the future"),
			 dbuf);
		goto out;
	}
	if (party_begin(c))
		goto out;
	if (party_write_op(c, "party.directive.report", day, &seq)) {
		party_rollback(c);
		goto out;
	}
	st = db_prepare(c->r->db,
			"INSERT INTO party_directive_reports(directive_id, org_id,"
			" reported_on, status, summary, seq)"
			" VALUES (?, ?, ?, ?, ?, ?)",
			c->err);
	if (!st) {
		party_rollback(c);
		goto out;
	}
	db_bind_int(st, 1, d.id);
	db_bind_int(st, 2, org);
	db_bind_day(st, 3, day);
	party_bind_str(st, 4, report_status[status]);
	party_bind_str(st, 5, summary);
	db_bind_int(st, 6, seq);
	if (party_exec(st, c->err)) {
		party_rollback(c);
		goto out;
	}
	id = db_last_insert_id(c->r->db);
	if (party_commit(c))
		goto out;
	rc = party_reply(c, json_pack("{s:I,s:I,s:I,s:i,s:o,s:s}", "seq",
				      (json_int_t)seq, "id", (json_int_t)id,
				      "directive", (json_int_t)d.id, "org", org,
				      "date", party_json_day(day), "status",
				      report_status[status]));
out:
	free(as);
	return rc;
}

int party_directive_list(struct party_ctx *c)
{
	int32_t org = 0;
	struct db_stmt *st = NULL, *ast = NULL;
	json_t *issued = NULL, *assigned = NULL;
	int rc = -1, step;

	if (party_arg_org(c, "org", 1, c->today, &org))
		return -1;
	st = db_prepare(c->r->db,
			"SELECT id, number, kind, issued_on, issuer_org, title,"
			" file FROM party_directives ORDER BY issued_on, id",
			c->err);
	ast = db_prepare(c->r->db,
			 "SELECT top_org, assigned_on, deadline, levels FROM"
			 " party_assignments WHERE directive_id = ?",
			 c->err);
	if (!st || !ast)
		goto out;
	issued = json_array();
	assigned = json_array();
	/* directives are a few hundred a year: one pass over all of them */
	while ((step = db_step(st, c->err)) == 1) {
		int32_t issuer = (int32_t)db_column_int(st, 4);
		json_t *as = json_array();
		int mine = 0, astep;
		db_reset(ast);
		db_bind_int(ast, 1, db_column_int(st, 0));
		while ((astep = db_step(ast, c->err)) == 1) {
			int32_t top = (int32_t)db_column_int(ast, 0);
			if (party_child_toward(c->ix, top, org, c->today))
				mine = 1;
			json_array_append_new(
				as, json_pack("{s:o,s:o,s:o,s:o}", "to",
					      party_org_brief(c->ix, top,
							      c->today),
					      "assigned_on",
					      party_col_json_text(ast, 1),
					      "deadline",
					      party_col_json_text(ast, 2),
					      "levels",
					      party_col_json_text(ast, 3)));
		}
		if (astep < 0) {
			json_decref(as);
			goto out;
		}
		if (issuer != org && !mine) {
			json_decref(as);
			continue;
		}
		json_array_append_new(
			issuer == org ? issued : assigned,
			json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id",
				  (json_int_t)db_column_int(st, 0), "number",
				  party_col_json_text(st, 1), "kind",
				  party_col_json_text(st, 2), "date",
				  party_col_json_text(st, 3), "issuer",
				  party_org_brief(c->ix, issuer, c->today),
				  "title", party_col_json_text(st, 5), "file",
				  party_col_json_text(st, 6), "assignments",
				  as));
	}
	if (step < 0)
		goto out;
	rc = party_reply(c, json_pack("{s:i,s:O,s:O}", "org", org, "issued",
				      issued, "assigned", assigned));
out:
	json_decref(issued);
	json_decref(assigned);
	db_finalize(st);
	db_finalize(ast);
	return rc;
}

/* per child of the viewer: units due, reported in time, reported late,
 * late (nothing yet, deadline passed), pending */
struct dir_row {
	int64_t due, on_time, late_reported, late, pending;
};

static json_t *dir_row_json(json_t *o, const struct dir_row *r)
{
	json_object_set_new(o, "due", json_integer(r->due));
	json_object_set_new(o, "reported_on_time", json_integer(r->on_time));
	json_object_set_new(o, "reported_late", json_integer(r->late_reported));
	json_object_set_new(o, "late", json_integer(r->late));
	json_object_set_new(o, "pending", json_integer(r->pending));
	return o;
}

int party_directive_status(struct party_ctx *c)
{
	struct directive d;
	struct assignment *as = NULL;
	size_t n = 0, nk = 0;
	int32_t on = c->today, org = 0, *kids = NULL, *orgs = NULL;
	struct party_imap first, done, child_row;
	struct dir_row total = {0}, *rows = NULL;
	struct db_stmt *st = NULL;
	json_t *late = NULL, *by = NULL, *asg = NULL;
	int rc = -1, step;

	party_imap_init(&first);
	party_imap_init(&done);
	party_imap_init(&child_row);
	if (party_arg_day(c, "on", 0, &on) ||
	    party_arg_org(c, "org", 1, on, &org) || directive_load(c, &d) ||
	    assignments_load(c, d.id, &as, &n))
		goto out;
	/* the first report of each unit up to `on` */
	st = db_prepare(c->r->db,
			"SELECT org_id, min(reported_on), max(CASE WHEN status ="
			" 'done' THEN 1 ELSE 0 END) FROM party_directive_reports"
			" WHERE directive_id = ? AND reported_on <= ?"
			" GROUP BY org_id",
			c->err);
	if (!st)
		goto out;
	db_bind_int(st, 1, d.id);
	db_bind_day(st, 2, on);
	while ((step = db_step(st, c->err)) == 1) {
		int32_t o = (int32_t)db_column_int(st, 0);
		*party_imap_get(&first, o, 0) = party_col_day(st, 1, 0);
		*party_imap_get(&done, o, 0) = db_column_int(st, 2);
	}
	if (step < 0)
		goto out;
	nk = index_children(c->ix, org, on, &kids);
	rows = xcalloc(nk + 1, sizeof(*rows));
	for (size_t i = 0; i < nk; i++)
		*party_imap_get(&child_row, kids[i], 0) = (int64_t)i + 1;
	late = json_array();
	asg = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct assignment *a = &as[i];
		int32_t start;
		size_t no;
		struct dir_row arow = {0};
		if (a->assigned > on)
			continue;
		/* the units both under the assignment and under the viewer */
		if (party_child_toward(c->ix, a->top, org, on))
			start = org;
		else if (party_child_toward(c->ix, org, a->top, on))
			start = a->top;
		else
			continue;
		free(orgs);
		no = party_subtree(c->ix, start, on, &orgs);
		for (size_t j = 0; j < no; j++) {
			const struct index_org_version *v =
				index_org_on(c->ix, orgs[j], on);
			int64_t *f = party_imap_find(&first, orgs[j]);
			int32_t child;
			int64_t *slot;
			struct dir_row *r;
			if (!v || !reports_under(a->levels, v->kind))
				continue;
			child = party_child_toward(c->ix, org, orgs[j], on);
			slot = party_imap_find(&child_row, child);
			r = &rows[slot ? *slot : 0];
			r->due++;
			total.due++;
			arow.due++;
			if (f && *f <= a->deadline) {
				r->on_time++;
				total.on_time++;
				arow.on_time++;
			} else if (f) {
				r->late_reported++;
				total.late_reported++;
				arow.late_reported++;
			} else if (on > a->deadline) {
				r->late++;
				total.late++;
				arow.late++;
				if (json_array_size(late) < PARTY_LIST_MAX)
					json_array_append_new(
						late,
						json_pack("{s:o,s:o}", "org",
							  party_org_brief(c->ix,
									  orgs[j],
									  on),
							  "deadline",
							  party_json_day(
								  a->deadline)));
			} else {
				r->pending++;
				total.pending++;
				arow.pending++;
			}
		}
		json_array_append_new(
			asg, dir_row_json(json_pack("{s:I,s:o,s:o,s:o,s:s}", "id",
						    (json_int_t)a->id, "to",
						    party_org_brief(c->ix,
								    a->top, on),
						    "assigned_on",
						    party_json_day(a->assigned),
						    "deadline",
						    party_json_day(a->deadline),
						    "levels",
						    level_names[a->levels]),
					  &arow));
	}
	by = json_array();
	for (size_t i = 0; i < nk; i++)
		if (rows[i + 1].due)
			json_array_append_new(
				by, dir_row_json(json_pack("{s:o}", "org",
							   party_org_brief(
								   c->ix,
								   kids[i], on)),
						 &rows[i + 1]));
	{
		json_t *res = json_pack("{s:i,s:I,s:o}", "org", org, "directive",
					(json_int_t)d.id, "on",
					party_json_day(on));
		json_object_set_new(res, "totals",
				    dir_row_json(json_object(), &total));
		json_object_set(res, "assignments", asg);
		json_object_set(res, "by_child", by);
		json_object_set(res, "late_units", late);
		rc = party_reply(c, res);
	}
out:
	json_decref(late);
	json_decref(by);
	json_decref(asg);
	db_finalize(st);
	party_imap_release(&first);
	party_imap_release(&done);
	party_imap_release(&child_row);
	free(rows);
	free(kids);
	free(orgs);
	free(as);
	return rc;
}

/* ---- full-time cadres ---- */

int party_cadre_add(struct party_ctx *c)
{
	int32_t from = 0, to = DAY_MAX, org = 0;
	int64_t member = 0, seq = 0, id;
	const char *name = NULL, *post = NULL;
	const struct index_org_version *v;
	struct db_stmt *st;
	char dbuf[11];

	if (party_arg_day(c, "from", 1, &from) ||
	    party_arg_day(c, "to", 0, &to) ||
	    party_arg_org(c, "org", 1, from, &org) ||
	    party_arg_str(c, "post", 1, &post) ||
	    party_arg_int(c, "member", 0, 1, ID_MAX, &member) ||
	    party_arg_str(c, "name", 0, &name))
		return -1;
	day_format(from, dbuf);
	if (member) {
		const struct index_member *m = index_member(c->ix,
							    (int32_t)member);
		if (!m)
			return hoso_err(c->err, HOSO_ENOTFOUND,
					TR("không tìm thấy đảng viên %lld",
					   "member %lld not found"),
					(long long)member);
		if (!name)
			name = m->full_name;
	}
	if (!name)
		return hoso_err(c->err, HOSO_EUSAGE, "%s",
				TR("cần name hoặc member", "name or member needed"));
	v = index_org_on(c->ix, org, from);
	if (!v || org_kind_holds_members(v->kind))
		return hoso_err(c->err, HOSO_EREJECT,
				TR("tổ chức %d không có cơ quan tham mưu của cấp ủy vào ngày %s (chi bộ không có cán bộ chuyên trách)",
				   "organisation %d has no committee apparatus on %s (cells have no full-time cadres)"),
				org, dbuf);
	if (to <= from)
		return hoso_err(c->err, HOSO_EREJECT, "%s",
				TR("to phải sau from", "to must follow from"));
	if (party_begin(c))
		return -1;
	if (party_write_op(c, "party.cadre", from, &seq))
		goto fail;
	st = db_prepare(c->r->db,
			"INSERT INTO party_cadres(org_id, member_id, full_name,"
			" post, valid_from, valid_to, seq)"
			" VALUES (?, ?, ?, ?, ?, ?, ?)",
			c->err);
	if (!st)
		goto fail;
	db_bind_int(st, 1, org);
	if (member)
		db_bind_int(st, 2, member);
	else
		db_bind_null(st, 2);
	party_bind_str(st, 3, name);
	party_bind_str(st, 4, post);
	db_bind_day(st, 5, from);
	db_bind_day(st, 6, to);
	db_bind_int(st, 7, seq);
	if (party_exec(st, c->err))
		goto fail;
	id = db_last_insert_id(c->r->db);
	if (party_commit(c))
		return -1;
	return party_reply(c, json_pack("{s:I,s:I,s:i,s:s,s:s,s:o,s:o}", "seq",
					(json_int_t)seq, "id", (json_int_t)id,
					"org", org, "name", name, "post", post,
					"from", party_json_day(from), "to",
					party_json_day(to)));
fail:
	party_rollback(c);
	return -1;
}

int party_cadre_end(struct party_ctx *c)
{
	int32_t to = 0, org = 0, from = 0, cur_to = DAY_MAX;
	int64_t id = 0, seq = 0;
	struct db_stmt *st;
	int step, found = 0;

	if (party_arg_day(c, "to", 1, &to) ||
	    party_arg_int(c, "id", 1, 1, ID_MAX, &id))
		return -1;
	st = db_prepare(c->r->db,
			"SELECT org_id, valid_from, valid_to FROM party_cadres"
			" WHERE id = ?",
			c->err);
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	step = db_step(st, c->err);
	if (step == 1) {
		found = 1;
		org = (int32_t)db_column_int(st, 0);
		from = party_col_day(st, 1, 0);
		cur_to = party_col_day(st, 2, DAY_MAX);
	}
	db_finalize(st);
	if (step < 0)
		return -1;
	{
		int32_t named = 0;
		if (party_arg_org(c, "org", 1, from, &named))
			return -1;
		if (!found || named != org)
			return hoso_err(c->err, HOSO_ENOTFOUND,
					TR("không tìm thấy cán bộ %lld của tổ chức %d",
					   "cadre %lld of organisation %d not found"),
					(long long)id, named);
	}
	if (cur_to != DAY_MAX || to <= from)
		return hoso_err(c->err, HOSO_EREJECT,
				TR("cán bộ %lld đã thôi, hoặc ngày thôi không sau ngày bắt đầu",
				   "cadre %lld has already left, or the end is not after the start"),
				(long long)id);
	if (party_begin(c))
		return -1;
	if (party_write_op(c, "party.cadre.end", to, &seq))
		goto fail;
	st = db_prepare(c->r->db,
			"UPDATE party_cadres SET valid_to = ?, seq = ? WHERE id = ?",
			c->err);
	if (!st)
		goto fail;
	db_bind_day(st, 1, to);
	db_bind_int(st, 2, seq);
	db_bind_int(st, 3, id);
	if (party_exec(st, c->err))
		goto fail;
	if (party_commit(c))
		return -1;
	return party_reply(c, json_pack("{s:I,s:I,s:i,s:o}", "seq",
					(json_int_t)seq, "id", (json_int_t)id,
					"org", org, "to", party_json_day(to)));
fail:
	party_rollback(c);
	return -1;
}

int party_cadre_count(struct party_ctx *c)
{
	int32_t on = c->today, org = 0, *kids = NULL;
	size_t nk;
	int64_t total = 0, *counts = NULL;
	struct party_imap child_row;
	struct db_stmt *st = NULL;
	json_t *by = NULL, *staff = NULL, *committees = NULL;
	int rc = -1, step;

	party_imap_init(&child_row);
	if (party_arg_day(c, "on", 0, &on) ||
	    party_arg_org(c, "org", 1, on, &org))
		goto out;
	nk = index_children(c->ix, org, on, &kids);
	counts = xcalloc(nk + 1, sizeof(*counts));
	for (size_t i = 0; i < nk; i++)
		*party_imap_get(&child_row, kids[i], 0) = (int64_t)i + 1;
	/* cadres are ~1,300 per 300,000 members: all of them on `on` in one
	 * read, each climbed to the child of org it sits under */
	st = db_prepare(c->r->db,
			"SELECT org_id, count(*) FROM party_cadres"
			" WHERE valid_from <= ? AND (valid_to IS NULL OR"
			" valid_to > ?) GROUP BY org_id ORDER BY org_id",
			c->err);
	if (!st)
		goto out;
	db_bind_day(st, 1, on);
	db_bind_day(st, 2, on);
	committees = json_array();
	while ((step = db_step(st, c->err)) == 1) {
		int32_t o = (int32_t)db_column_int(st, 0);
		int32_t child = party_child_toward(c->ix, org, o, on);
		int64_t *slot;
		if (!child)
			continue;
		slot = party_imap_find(&child_row, child);
		counts[slot && child != org ? *slot : 0] += db_column_int(st, 1);
		total += db_column_int(st, 1);
		if (json_array_size(committees) < PARTY_LIST_MAX)
			json_array_append_new(
				committees,
				json_pack("{s:o,s:I}", "org",
					  party_org_brief(c->ix, o, on), "cadres",
					  (json_int_t)db_column_int(st, 1)));
	}
	db_finalize(st);
	st = NULL;
	if (step < 0)
		goto out;
	by = json_array();
	for (size_t i = 0; i < nk; i++)
		json_array_append_new(
			by, json_pack("{s:o,s:I}", "org",
				      party_org_brief(c->ix, kids[i], on),
				      "cadres", (json_int_t)counts[i + 1]));
	st = db_prepare(c->r->db,
			"SELECT id, full_name, post, valid_from, member_id FROM"
			" party_cadres WHERE org_id = ? AND valid_from <= ?"
			" AND (valid_to IS NULL OR valid_to > ?) ORDER BY id",
			c->err);
	if (!st)
		goto out;
	db_bind_int(st, 1, org);
	db_bind_day(st, 2, on);
	db_bind_day(st, 3, on);
	staff = json_array();
	while ((step = db_step(st, c->err)) == 1)
		json_array_append_new(
			staff,
			json_pack("{s:I,s:o,s:o,s:o,s:o}", "id",
				  (json_int_t)db_column_int(st, 0), "name",
				  party_col_json_text(st, 1), "post",
				  party_col_json_text(st, 2), "from",
				  party_col_json_text(st, 3), "member",
				  db_column_is_null(st, 4)
					  ? json_null()
					  : json_integer(db_column_int(st, 4))));
	if (step < 0)
		goto out;
	rc = party_reply(c, json_pack("{s:i,s:o,s:I,s:I,s:O,s:O,s:O}", "org",
				      org, "on", party_json_day(on), "total",
				      (json_int_t)total, "own",
				      (json_int_t)counts[0], "staff", staff,
				      "by_child", by, "committees",
				      committees));
out:
	json_decref(by);
	json_decref(staff);
	json_decref(committees);
	db_finalize(st);
	party_imap_release(&child_row);
	free(counts);
	free(kids);
	return rc;
}
