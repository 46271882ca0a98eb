/* report_xlsx: the 31 December statistical report of a unit, as JSON and as
 * an XLSX workbook (libxlsxwriter), from one struct so both agree. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "io/report_xlsx.h"

#include "core/banned.h"

/* ---- building ---- */
static void kinds_walk(const struct index *ix, int32_t org, int32_t day,
		       int64_t *kinds, int depth)
{
	const struct index_org_version *v = index_org_on(ix, org, day);
	int32_t *kids = NULL;
	size_t n;

	/* the tree is a few levels deep; the bound only guards a cycle */
	if (!v || depth > 64)
		return;
	if (v->kind < KIND_COUNT)
		kinds[v->kind]++;
	n = index_children(ix, org, day, &kids);
	for (size_t i = 0; i < n; i++)
		kinds_walk(ix, kids[i], day, kinds, depth + 1);
	free(kids);
}

static void count_add(struct report_count **arr, size_t *n, size_t *alloc,
		      const char *value, size_t len)
{
	for (size_t i = 0; i < *n; i++) {
		const char *v = (*arr)[i].value;
		if ((!v && !len) ||
		    (v && len && strlen(v) == len && !memcmp(v, value, len))) {
			(*arr)[i].n++;
			return;
		}
	}
	ALLOC_GROW(*arr, *n + 1, *alloc);
	(*arr)[*n].value = len ? xstrndup(value, len) : NULL;
	(*arr)[*n].n = 1;
	(*n)++;
}

static int count_cmp(const void *a, const void *b)
{
	const struct report_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	if (!x->value || !y->value)
		return !x->value - !y->value; /* unknown last */
	return strcmp(x->value, y->value);
}

/* Education and ethnic group are free text the read model does not hold:
 * one pass over the members, each counted when their place on day (from
 * the read model, as Q1 does) is in the subtree. A place exists only on
 * days of a membership period, the earlier ones of a readmitted member
 * included, so the place alone says who was a member that day. */
static int text_counts(struct registry *r, struct report *rep,
		       struct hoso_error *err)
{
	struct db_stmt *st;
	size_t a_ed = 0, a_eth = 0;
	int rc;

	st = db_prepare(r->db,
			"SELECT id, education, ethnicity FROM members",
			err);
	if (!st)
		return -1;
	while ((rc = db_step(st, err)) == 1) {
		int32_t id = (int32_t)db_column_int(st, 0);
		int32_t place = index_member_place(r->ix, id, rep->on);
		const char *s;
		size_t len = 0;
		if (!place || !index_in_subtree(r->ix, place, rep->org, rep->on))
			continue;
		s = db_column_text(st, 1, &len);
		count_add(&rep->education, &rep->n_education, &a_ed, s,
			  s ? len : 0);
		len = 0;
		s = db_column_text(st, 2, &len);
		count_add(&rep->ethnicity, &rep->n_ethnicity, &a_eth, s,
			  s ? len : 0);
	}
	db_finalize(st);
	if (rc < 0)
		return -1;
	qsort(rep->education, rep->n_education, sizeof(*rep->education),
	      count_cmp);
	qsort(rep->ethnicity, rep->n_ethnicity, sizeof(*rep->ethnicity),
	      count_cmp);
	return 0;
}

int report_build(struct registry *r, int32_t org, int32_t day,
		 struct report *out, struct hoso_error *err)
{
	const struct index_org_version *v = index_org_on(r->ix, org, day);
	int y, m, dd;

	memset(out, 0, sizeof(*out));
	if (!v) {
		char d[11];
		day_format(day, d);
		return hoso_err(err, HOSO_ENOTFOUND,
				TR("tổ chức %d không tồn tại vào ngày %s",
				   "organisation %d does not exist on %s"),
				org, d);
	}
	out->org = org;
	out->on = day;
	snprintf(out->name, sizeof(out->name), "%s", v->name);
	snprintf(out->code, sizeof(out->code), "%s", v->code ? v->code : "");
	if (v->parent_id) {
		const struct index_org_version *p =
			index_org_on(r->ix, v->parent_id, day);
		if (p)
			snprintf(out->parent_name, sizeof(out->parent_name),
				 "%s", p->name);
	}
	day_to_ymd(day, &y, &m, &dd);
	out->from = day_from_ymd(y, 1, 1);
	out->to = day + 1;
	if (index_breakdown(r->ix, org, day, &out->b) ||
	    index_changes(r->ix, org, out->from, out->to, &out->c))
		return hoso_err(err, HOSO_ENOTFOUND, "%s",
				TR("tổ chức không tồn tại vào ngày này",
				   "the organisation does not exist on that day"));
	kinds_walk(r->ix, org, day, out->kinds, 0);
	if (text_counts(r, out, err)) {
		report_release(out);
		return -1;
	}
	return 0;
}

void report_release(struct report *rep)
{
	for (size_t i = 0; i < rep->n_education; i++)
		free(rep->education[i].value);
	for (size_t i = 0; i < rep->n_ethnicity; i++)
		free(rep->ethnicity[i].value);
	free(rep->education);
	free(rep->ethnicity);
	rep->education = rep->ethnicity = NULL;
	rep->n_education = rep->n_ethnicity = 0;
}

/* ---- the items of the report, in print order ---- */
struct item {
	const char *section; /* Vietnamese title of the section */
	const char *key;     /* machine key: "sex.M", "changes.died" */
	const char *label;   /* Vietnamese row label */
	int64_t n;
	int64_t base; /* percentage base (0: none) */
};

typedef void (*item_fn)(void *ctx, const struct item *it);

static const char *const kind_labels[KIND_COUNT] = {
	"Đảng (cấp Trung ương)", "Đảng bộ tỉnh, thành phố",
	"Đảng bộ khối",          "Đảng bộ cấp trên cơ sở",
	"Đảng bộ cơ sở",         "Chi bộ cơ sở",
	"Đảng bộ bộ phận",       "Chi bộ trực thuộc",
};

static void each_item(const struct report *r, item_fn fn, void *ctx)
{
	static const char *const age_k[] = {"le30", "31_40", "41_50", "51_60",
					    "gt60"};
	static const char *const age_l[] = {"Từ 30 tuổi trở xuống",
					    "Từ 31 đến 40 tuổi",
					    "Từ 41 đến 50 tuổi",
					    "Từ 51 đến 60 tuổi", "Trên 60 tuổi"};
	static const char *const th_l[] = {"Chưa qua đào tạo", "Sơ cấp",
					   "Trung cấp", "Cao cấp", "Cử nhân"};
	static const char *const ex_l[] = {"Chưa qua đào tạo", "Trung cấp",
					   "Cao đẳng", "Đại học", "Thạc sĩ",
					   "Tiến sĩ"};
	static const char *const my_k[] = {"lt10", "10_29", "ge30"};
	static const char *const my_l[] = {"Dưới 10 năm", "Từ 10 đến 29 năm",
					   "Từ 30 năm trở lên"};
	const struct index_breakdown *b = &r->b;
	const int64_t t = b->total;
	char key[96], lab[160];
	struct item it;

#define ITEM(S, K, L, N, B)                                                    \
	do {                                                                   \
		it.section = (S), it.key = (K), it.label = (L), it.n = (N);    \
		it.base = (B);                                                 \
		fn(ctx, &it);                                                  \
	} while (0)
	ITEM("Tổng số", "total", "Tổng số đảng viên", t, 0);
	ITEM("Tổng số", "status.official", "Đảng viên chính thức",
	     b->status[1], t);
	ITEM("Tổng số", "status.probationary", "Đảng viên dự bị", b->status[0],
	     t);
	ITEM("Giới tính", "sex.M", "Nam", b->sex[0], t);
	ITEM("Giới tính", "sex.F", "Nữ", b->sex[1], t);
	for (int i = 0; i < 5; i++) {
		snprintf(key, sizeof(key), "age.%s", age_k[i]);
		ITEM("Độ tuổi", key, age_l[i], b->age[i], t);
	}
	ITEM("Dân tộc", "ethnicity.kinh", "Dân tộc Kinh", b->ethnicity[0], t);
	ITEM("Dân tộc", "ethnicity.minority", "Dân tộc thiểu số",
	     b->ethnicity[1], t);
	for (size_t i = 0; i < r->n_ethnicity; i++) {
		const char *v = r->ethnicity[i].value;
		snprintf(key, sizeof(key), "ethnic_group.%s", v ? v : "-");
		snprintf(lab, sizeof(lab), "  – %s", v ? v : "(chưa ghi)");
		ITEM("Dân tộc", key, lab, r->ethnicity[i].n, t);
	}
	ITEM("Tôn giáo", "religion.none", "Không theo tôn giáo", b->religion[0],
	     t);
	ITEM("Tôn giáo", "religion.some", "Có đạo", b->religion[1], t);
	for (size_t i = 0; i < r->n_education; i++) {
		const char *v = r->education[i].value;
		snprintf(key, sizeof(key), "education.%s", v ? v : "-");
		ITEM("Trình độ giáo dục phổ thông", key, v ? v : "(chưa ghi)",
		     r->education[i].n, t);
	}
	for (int i = 0; i < EXP_COUNT; i++) {
		snprintf(key, sizeof(key), "expertise.%s", expertise_names[i]);
		ITEM("Trình độ chuyên môn", key, ex_l[i], b->expertise[i], t);
	}
	for (int i = 0; i < TH_COUNT; i++) {
		snprintf(key, sizeof(key), "theory_level.%s", theory_names[i]);
		ITEM("Trình độ lý luận chính trị", key, th_l[i], b->theory[i],
		     t);
	}
	for (int i = 0; i < 3; i++) {
		snprintf(key, sizeof(key), "membership_years.%s", my_k[i]);
		ITEM("Tuổi đảng", key, my_l[i], b->membership_years[i], t);
	}
	for (int i = 0; i < KIND_COUNT; i++) {
		snprintf(key, sizeof(key), "orgs.%s", org_kind_names[i]);
		ITEM("Tổ chức đảng theo loại", key, kind_labels[i],
		     r->kinds[i], 0);
	}
	ITEM("Biến động trong kỳ", "changes.admitted", "Kết nạp đảng viên mới",
	     r->c.admitted, 0);
	ITEM("Biến động trong kỳ", "changes.made_official",
	     "Công nhận đảng viên chính thức", r->c.made_official, 0);
	ITEM("Biến động trong kỳ", "changes.moved_in", "Chuyển đến",
	     r->c.moved_in, 0);
	ITEM("Biến động trong kỳ", "changes.moved_out", "Chuyển đi",
	     r->c.moved_out, 0);
	ITEM("Biến động trong kỳ", "changes.left", "Xóa tên, ra khỏi Đảng",
	     r->c.left, 0);
	ITEM("Biến động trong kỳ", "changes.expelled", "Khai trừ",
	     r->c.expelled, 0);
	ITEM("Biến động trong kỳ", "changes.died", "Từ trần", r->c.died, 0);
#undef ITEM
}

/* ---- JSON ---- */
struct json_ctx {
	struct strbuf *out;
	const char *section;
	int first_item, rc;
};

static void json_item(void *p, const struct item *it)
{
	struct json_ctx *c = p;

	if (!c->section || strcmp(c->section, it->section)) {
		if (c->section)
			c->rc |= strbuf_adds(c->out, "]},");
		c->rc |= strbuf_adds(c->out, "{\"title\":");
		c->rc |= strbuf_add_json_str(c->out, it->section);
		c->rc |= strbuf_adds(c->out, ",\"rows\":[");
		c->section = it->section;
		c->first_item = 1;
	}
	if (!c->first_item)
		c->rc |= strbuf_addc(c->out, ',');
	c->first_item = 0;
	c->rc |= strbuf_adds(c->out, "{\"key\":");
	c->rc |= strbuf_add_json_str(c->out, it->key);
	c->rc |= strbuf_adds(c->out, ",\"label\":");
	c->rc |= strbuf_add_json_str(c->out, it->label);
	c->rc |= strbuf_addf(c->out, ",\"n\":%lld,\"percent\":",
			     (long long)it->n);
	if (it->base)
		c->rc |= strbuf_addf(c->out, "%.1f",
				     100.0 * (double)it->n / (double)it->base);
	else
		c->rc |= strbuf_adds(c->out, "null");
	c->rc |= strbuf_addc(c->out, '}');
}

int report_json(const struct report *rep, struct strbuf *out)
{
	struct json_ctx c = {out, NULL, 1, 0};
	char on[11], from[11], to[11];

	day_format(rep->on, on);
	day_format(rep->from, from);
	day_format(rep->to, to);
	c.rc |= strbuf_addf(out, "{\"org\":%d,\"on\":\"%s\",\"from\":\"%s\","
			    "\"to\":\"%s\",\"name\":",
			    rep->org, on, from, to);
	c.rc |= strbuf_add_json_str(out, rep->name);
	c.rc |= strbuf_adds(out, ",\"code\":");
	c.rc |= strbuf_add_json_str(out, rep->code[0] ? rep->code : NULL);
	c.rc |= strbuf_adds(out, ",\"parent_name\":");
	c.rc |= strbuf_add_json_str(out, rep->parent_name[0] ? rep->parent_name
							     : NULL);
	c.rc |= strbuf_adds(out, ",\"sections\":[");
	each_item(rep, json_item, &c);
	if (c.section)
		c.rc |= strbuf_adds(out, "]}");
	c.rc |= strbuf_adds(out, "]}");
	return c.rc ? -1 : 0;
}

/* ---- XLSX ---- */
struct xlsx_ctx {
	lxw_worksheet *ws, *data;
	lxw_format *head, *cell, *num, *pct, *bold;
	const char *section;
	lxw_row_t row, drow;
	int stt; /* running number of the section (I, II, ...) */
};

static const char *const roman[] = {"I",   "II",  "III", "IV",  "V",
				    "VI",  "VII", "VIII", "IX", "X",
				    "XI",  "XII", "XIII", "XIV", "XV"};

static void xlsx_item(void *p, const struct item *it)
{
	struct xlsx_ctx *c = p;

	if (!c->section || strcmp(c->section, it->section)) {
		c->row++;
		worksheet_write_string(c->ws, c->row, 0,
				       roman[c->stt % 15], c->bold);
		worksheet_write_string(c->ws, c->row, 1, it->section, c->bold);
		worksheet_write_blank(c->ws, c->row, 2, c->bold);
		worksheet_write_blank(c->ws, c->row, 3, c->bold);
		c->stt++;
		c->section = it->section;
	}
	c->row++;
	worksheet_write_blank(c->ws, c->row, 0, c->cell);
	worksheet_write_string(c->ws, c->row, 1, it->label, c->cell);
	worksheet_write_number(c->ws, c->row, 2, (double)it->n, c->num);
	if (it->base)
		worksheet_write_number(c->ws, c->row, 3,
				       (double)it->n / (double)it->base,
				       c->pct);
	else
		worksheet_write_blank(c->ws, c->row, 3, c->cell);
	worksheet_write_string(c->data, c->drow, 0, it->key, NULL);
	worksheet_write_number(c->data, c->drow, 1, (double)it->n, NULL);
	c->drow++;
}

int report_xlsx_write(const struct report *rep, const char *path,
		      struct hoso_error *err)
{
	lxw_workbook *wb = workbook_new(path);
	lxw_format *title, *center, *italic, *right;
	struct xlsx_ctx c;
	char line[512], on[11];
	int y, m, d;
	lxw_error rc;

	if (!wb)
		return hoso_err(err, HOSO_EIO,
				TR("không tạo được tệp %s", "cannot create %s"),
				path);
	memset(&c, 0, sizeof(c));
	c.ws = workbook_add_worksheet(wb, "Báo cáo");
	c.data = workbook_add_worksheet(wb, "Số liệu");
	title = workbook_add_format(wb);
	format_set_bold(title);
	format_set_font_size(title, 14);
	format_set_align(title, LXW_ALIGN_CENTER);
	center = workbook_add_format(wb);
	format_set_align(center, LXW_ALIGN_CENTER);
	format_set_bold(center);
	italic = workbook_add_format(wb);
	format_set_italic(italic);
	format_set_align(italic, LXW_ALIGN_CENTER);
	right = workbook_add_format(wb);
	format_set_align(right, LXW_ALIGN_CENTER);
	format_set_bold(right);
	c.head = workbook_add_format(wb);
	format_set_bold(c.head);
	format_set_border(c.head, LXW_BORDER_THIN);
	format_set_align(c.head, LXW_ALIGN_CENTER);
	format_set_bg_color(c.head, 0xDDDDDD);
	c.bold = workbook_add_format(wb);
	format_set_bold(c.bold);
	format_set_border(c.bold, LXW_BORDER_THIN);
	c.cell = workbook_add_format(wb);
	format_set_border(c.cell, LXW_BORDER_THIN);
	c.num = workbook_add_format(wb);
	format_set_border(c.num, LXW_BORDER_THIN);
	format_set_num_format(c.num, "#,##0");
	c.pct = workbook_add_format(wb);
	format_set_border(c.pct, LXW_BORDER_THIN);
	format_set_num_format(c.pct, "0.0%");

	worksheet_set_paper(c.ws, 9); /* A4 */
	worksheet_set_portrait(c.ws);
	worksheet_set_margins(c.ws, 0.8, 0.6, 0.8, 0.8);
	worksheet_fit_to_pages(c.ws, 1, 0);
	worksheet_set_column(c.ws, 0, 0, 6, NULL);
	worksheet_set_column(c.ws, 1, 1, 48, NULL);
	worksheet_set_column(c.ws, 2, 3, 14, NULL);
	worksheet_set_column(c.data, 0, 0, 40, NULL);
	worksheet_set_column(c.data, 1, 1, 14, NULL);

	/* the official header: the issuing unit on the left, the Party on
	 * the right, then the place and date line */
	worksheet_merge_range(c.ws, 0, 0, 0, 1,
			      rep->parent_name[0] ? rep->parent_name
						  : rep->name,
			      center);
	worksheet_merge_range(c.ws, 0, 2, 0, 3, "ĐẢNG CỘNG SẢN VIỆT NAM",
			      right);
	worksheet_merge_range(c.ws, 1, 0, 1, 1, rep->name, center);
	day_to_ymd(rep->on, &y, &m, &d);
	snprintf(line, sizeof(line), "ngày %02d tháng %02d năm %04d", d, m, y);
	worksheet_merge_range(c.ws, 1, 2, 1, 3, line, italic);
	worksheet_merge_range(c.ws, 3, 0, 3, 3,
			      "BÁO CÁO THỐNG KÊ ĐẢNG VIÊN VÀ TỔ CHỨC ĐẢNG",
			      title);
	snprintf(line, sizeof(line), "Tính đến ngày %02d/%02d/%04d", d, m, y);
	worksheet_merge_range(c.ws, 4, 0, 4, 3, line, italic);
	snprintf(line, sizeof(line), "Đơn vị: %s%s%s%s", rep->name,
		 rep->code[0] ? " (" : "", rep->code, rep->code[0] ? ")" : "");
	worksheet_merge_range(c.ws, 5, 0, 5, 3, line, NULL);
	c.row = 7;
	worksheet_write_string(c.ws, c.row, 0, "STT", c.head);
	worksheet_write_string(c.ws, c.row, 1, "Chỉ tiêu", c.head);
	worksheet_write_string(c.ws, c.row, 2, "Số lượng", c.head);
	worksheet_write_string(c.ws, c.row, 3, "Tỷ lệ", c.head);

	day_format(rep->on, on);
	worksheet_write_string(c.data, 0, 0, "org", NULL);
	worksheet_write_number(c.data, 0, 1, rep->org, NULL);
	worksheet_write_string(c.data, 1, 0, "on", NULL);
	worksheet_write_string(c.data, 1, 1, on, NULL);
	c.drow = 2;
	each_item(rep, xlsx_item, &c);
	c.row += 2;
	worksheet_merge_range(c.ws, c.row, 2, c.row, 3, "NGƯỜI LẬP BÁO CÁO",
			      right);

	rc = workbook_close(wb);
	if (rc != LXW_NO_ERROR)
		return hoso_err(err, HOSO_EIO,
				TR("không ghi được tệp %s: %s",
				   "cannot write %s: %s"),
				path, lxw_strerror(rc));
	return 0;
}
