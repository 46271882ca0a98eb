/* import: reads a dataset (spec/interchange.md, and the earlier membership
 * periods of docs/interchange-extensions.md), checks every rule, and writes
 * all of it in one transaction, or nothing. Every bad row is reported, one
 * line each, in file and line order. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/schema.h"
#include "io/csv.h"
#include "io/import.h"
#include "model/reflist.h"
#include "text/text.h"
#include "core/banned.h"

enum imp_file { F_ORGS = 0, F_MEMBERS = 1, F_PLACEMENTS = 2, F_PERIODS = 3,
		F_PERIOD_PLACEMENTS = 4 };
static const char *const file_names[] = {"orgs.csv", "members.csv",
					 "placements.csv", "periods.csv",
					 "period_placements.csv"};

struct imp_error {
	uint8_t file;
	uint32_t line;
	const char *column;
	char *reason;
};

struct imp_org_version {
	int32_t id, parent, from, to;
	uint32_t line;
	uint8_t kind;
	uint8_t bad;      /* the row was rejected */
	uint8_t unusable; /* ... and its kind or dates are unknown */
	char *code;
};

/* One organisation: its versions sorted by from. */
struct imp_org {
	int32_t id;
	uint32_t first, n; /* into the sorted versions */
	uint8_t bad;       /* a row has unknown kind or dates: skip its checks */
	uint8_t holds;     /* some version may hold members */
};

/* One per member of the country: kept small (28 bytes). */
struct imp_member {
	int32_t id, admitted, ended, org_id, birth;
	uint32_t line;
	uint8_t status;
	uint8_t bad : 1;
	uint8_t row_ok : 1;      /* the members.csv row itself is good: its
				  * dates can check the other files */
	uint8_t has_pl : 1;      /* rows in placements.csv */
	uint8_t period_lost : 1; /* a periods.csv row of this member was bad */
};

/* An earlier, closed membership period (periods.csv) of a readmitted
 * member; the members.csv row is the current one. */
struct imp_period {
	int32_t member; /* index into members (after sort) */
	int32_t member_id, admitted, official, ended;
	uint32_t line;
	uint8_t status;
	uint8_t has_pl; /* rows in period_placements.csv */
};

/* One per placement of the country: kept small (24 bytes); its member's
 * id is im->mem[member].id. */
struct imp_placement {
	int32_t member; /* index into members (after sort), -1 bad */
	int32_t org_id, from, to;
	uint32_t line;
	/* 0: the current period (placements.csv, or synthesized); else the
	 * index + 1 of an earlier period (period_placements.csv) */
	uint32_t period;
};
_Static_assert(sizeof(struct imp_member) == 28 &&
		       sizeof(struct imp_placement) == 24,
	       "the importer holds one per member and placement of the country");

struct importer {
	struct db *db;
	const struct import_opts *opts;
	struct imp_error *errs;
	size_t n_errs, alloc_errs;
	uint64_t bad_rows;

	struct imp_org_version *ver;
	size_t n_ver, alloc_ver;
	struct imp_org *orgs;
	size_t n_orgs;

	struct imp_member *mem;
	size_t n_mem, alloc_mem;
	int32_t *mem_by_id; /* indexes sorted by id */

	struct imp_placement *pl;
	size_t n_pl, alloc_pl;

	struct imp_period *per; /* sorted by member, then admitted_on */
	size_t n_per, alloc_per;

	/* card numbers: open addressing over an arena of strings */
	char *card_arena;
	size_t card_len, card_alloc;
	uint64_t *card_slots; /* (offset + 1) << 8 | len, 0 empty */
	size_t card_cap, n_cards;

	/* member ids seen: open addressing, 0 is empty */
	int32_t *id_slots;
	size_t id_cap, n_ids;

	/* A row whose id could not be read may be the one others refer to:
	 * then "not found" errors of references are not reported. */
	int lost_org_id, lost_member_id;
	/* A periods.csv row whose member could not be read or found (a typo
	 * in member_id), or a bad header: a placement of
	 * period_placements.csv may belong to the period it meant. */
	int lost_period;

	int any_bad;
	struct db_stmt *ins_org, *ins_mem, *ins_pl;
};

/* Adds a member id; 1 when it was already there. */
static int id_add(struct importer *im, int32_t id)
{
	if ((im->n_ids + 1) * 2 > im->id_cap) {
		size_t ncap = im->id_cap ? im->id_cap * 2 : 1 << 16;
		int32_t *ns = xcalloc(ncap, sizeof(*ns));
		for (size_t i = 0; i < im->id_cap; i++) {
			int32_t e = im->id_slots[i];
			if (!e)
				continue;
			size_t h = ((uint32_t)e * 2654435761u) & (ncap - 1);
			while (ns[h])
				h = (h + 1) & (ncap - 1);
			ns[h] = e;
		}
		free(im->id_slots);
		im->id_slots = ns;
		im->id_cap = ncap;
	}
	size_t h = ((uint32_t)id * 2654435761u) & (im->id_cap - 1);
	while (im->id_slots[h]) {
		if (im->id_slots[h] == id)
			return 1;
		h = (h + 1) & (im->id_cap - 1);
	}
	im->id_slots[h] = id;
	im->n_ids++;
	return 0;
}

static void add_error(struct importer *im, enum imp_file file, uint64_t line,
		      const char *column, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void add_error(struct importer *im, enum imp_file file, uint64_t line,
		      const char *column, const char *fmt, ...)
{
	char msg[HOSO_ERRMSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	im->any_bad = 1;
	im->bad_rows++;
	if (im->n_errs >= IMPORT_ERRORS_MAX)
		return;
	ALLOC_GROW(im->errs, im->n_errs + 1, im->alloc_errs);
	struct imp_error *e = &im->errs[im->n_errs++];
	e->file = (uint8_t)file;
	e->line = (uint32_t)line;
	e->column = column;
	e->reason = xstrdup(msg);
}

/* ---- reference lists: exact names first, then the canonical form ---- */

static char *ref_key(const char *s, size_t len)
{
	char *c = text_canon(s, len);
	if (!c)
		return NULL;
	/* hyphens count as spaces; runs of spaces as one; trimmed */
	char *w = c;
	int space = 1;
	for (char *p = c; *p; p++) {
		char ch = *p == '-' ? ' ' : *p;
		if (ch == ' ') {
			if (space)
				continue;
			space = 1;
		} else {
			space = 0;
		}
		*w++ = ch;
	}
	if (w > c && w[-1] == ' ')
		w--;
	*w = '\0';
	return c;
}

static int ref_lookup(const char *const *names, size_t stride, int n,
		      const char *s, size_t len)
{
	/* Fast path: the stored spelling, byte for byte. */
	for (int i = 0; i < n; i++) {
		const char *name = names[(size_t)i * stride];
		if (strlen(name) == len && memcmp(name, s, len) == 0)
			return i;
	}
	char *key = ref_key(s, len);
	int found = -1;
	if (!key)
		return -1;
	for (int i = 0; i < n && found < 0; i++) {
		for (size_t j = 0; j < stride && names[(size_t)i * stride + j];
		     j++) {
			const char *name = names[(size_t)i * stride + j];
			char *k = ref_key(name, strlen(name));
			int eq = k && strcmp(k, key) == 0;
			free(k);
			if (eq) {
				found = i;
				break;
			}
		}
	}
	free(key);
	return found;
}

int reflist_ethnic_lookup(const char *s, size_t len)
{
	return ref_lookup(&ethnic_names[0][0], 6, ETHNIC_COUNT, s, len);
}

int reflist_province_lookup(const char *s, size_t len)
{
	return ref_lookup(province_names, 1, PROVINCE_COUNT, s, len);
}

/* ---- small helpers ---- */

static int parse_id(struct csv_field f, int32_t *out)
{
	int64_t v;
	if (parse_pos_int(f.s, f.len, ID_MAX, &v))
		return -1;
	*out = (int32_t)v;
	return 0;
}

/* An optional date: empty gives dflt. */
static int parse_opt_day(struct csv_field f, int32_t dflt, int32_t *out)
{
	if (f.len == 0) {
		*out = dflt;
		return 0;
	}
	return day_parse(f.s, f.len, out);
}

static const char *fmt_day(int32_t d, char buf[11])
{
	if (d == DAY_MIN || d == DAY_MAX)
		return TR("(không giới hạn)", "(open)");
	day_format(d, buf);
	return buf;
}

/* Column indexes of a file, from its header. */
struct columns {
	int idx[16];
};

static int read_header(struct importer *im, struct csv_reader *r,
		       enum imp_file file, const char *const *names, int n,
		       const char *const *optional, struct columns *cols,
		       struct hoso_error *err)
{
	int rc = csv_next(r, err);
	if (rc != CSV_RECORD)
		return hoso_err(err, HOSO_EREJECT, "%s:1: %s", file_names[file],
				TR("thiếu dòng tiêu đề", "missing header row"));
	for (int i = 0; i < n; i++) {
		cols->idx[i] = csv_column(r, names[i]);
		int opt = 0;
		for (int j = 0; optional && optional[j]; j++)
			if (strcmp(optional[j], names[i]) == 0)
				opt = 1;
		if (cols->idx[i] < 0 && !opt) {
			add_error(im, file, 1, names[i], "%s",
				  TR("thiếu cột bắt buộc trong dòng tiêu đề",
				     "required column missing from the header"));
		}
	}
	return 0;
}

static struct csv_field col(struct csv_reader *r, const struct columns *c,
			    int i)
{
	static const struct csv_field empty = {"", 0};
	int k = c->idx[i];
	if (k < 0 || (size_t)k >= csv_nfields(r))
		return empty;
	return csv_get(r, (size_t)k);
}

/* Text cell: valid UTF-8, NFC; NULL with an error message on bad input. */
static char *text_cell(struct csv_field f, size_t max, const char **why)
{
	if (f.len > max) {
		*why = TR("quá dài", "too long");
		return NULL;
	}
	char *s = text_nfc(f.s, f.len);
	if (!s)
		*why = TR("không phải UTF-8 hợp lệ", "not valid UTF-8");
	return s;
}

static int is_blank_record(struct csv_reader *r)
{
	return csv_nfields(r) == 1 && csv_get(r, 0).len == 0;
}

/* ---- orgs.csv ---- */

enum { O_ID, O_PARENT, O_KIND, O_CODE, O_NAME, O_FROM, O_TO, O_N };
static const char *const org_cols[] = {"id", "parent_id", "kind", "code",
				       "name", "valid_from", "valid_to"};

static int read_orgs(struct importer *im, const char *path,
		     struct hoso_error *err)
{
	struct csv_reader r;
	struct columns c;
	static const char *const opt[] = {"code", "valid_from", "valid_to",
					  NULL};
	int rc;
	if (csv_open(&r, path, err))
		return -1;
	if (read_header(im, &r, F_ORGS, org_cols, O_N, opt, &c, err)) {
		csv_close(&r);
		return -1;
	}
	if (im->any_bad) {
		csv_close(&r);
		return 0;
	}
	while ((rc = csv_next(&r, err)) != CSV_END) {
		if (rc == CSV_EIO) {
			csv_close(&r);
			return -1;
		}
		if (rc == CSV_EBAD) {
			add_error(im, F_ORGS, r.rec_line, "-", "%s", err->msg);
			im->lost_org_id = 1;
			continue;
		}
		if (is_blank_record(&r))
			continue;
		struct imp_org_version v = {0};
		const char *why = NULL, *bad = NULL;
		char *name = NULL, *code = NULL;
		int k = -1;
		v.line = (uint32_t)r.rec_line;
		v.parent = 0;
		if (parse_id(col(&r, &c, O_ID), &v.id)) {
			bad = "id";
			why = TR("phải là số nguyên dương", "must be a positive integer");
			im->lost_org_id = 1;
		} else if (col(&r, &c, O_PARENT).len &&
			   parse_id(col(&r, &c, O_PARENT), &v.parent)) {
			bad = "parent_id";
			why = TR("phải trống hoặc là số nguyên dương",
				 "must be empty or a positive integer");
		} else if ((k = enum_lookup(org_kind_names, KIND_COUNT,
					    col(&r, &c, O_KIND).s,
					    col(&r, &c, O_KIND).len)) < 0) {
			bad = "kind";
			why = TR("loại tổ chức không hợp lệ (party, province, bloc, upper, grassroots, grassroots_cell, sub_committee, cell)",
				 "unknown kind (party, province, bloc, upper, grassroots, grassroots_cell, sub_committee, cell)");
		} else if (col(&r, &c, O_CODE).len &&
			   !(code = text_cell(col(&r, &c, O_CODE), 64, &why))) {
			bad = "code";
		} else if (col(&r, &c, O_NAME).len == 0) {
			bad = "name";
			why = TR("tên tổ chức là bắt buộc", "the name is required");
		} else if (!(name = text_cell(col(&r, &c, O_NAME),
					      ORG_NAME_MAX_BYTES, &why))) {
			bad = "name";
		} else if (parse_opt_day(col(&r, &c, O_FROM), DAY_MIN, &v.from)) {
			bad = "valid_from";
			why = TR("ngày không hợp lệ (YYYY-MM-DD)",
				 "invalid date (YYYY-MM-DD)");
		} else if (parse_opt_day(col(&r, &c, O_TO), DAY_MAX, &v.to)) {
			bad = "valid_to";
			why = TR("ngày không hợp lệ (YYYY-MM-DD)",
				 "invalid date (YYYY-MM-DD)");
		} else if (v.to <= v.from) {
			bad = "valid_to";
			why = TR("phải sau valid_from", "must be after valid_from");
		} else if ((k == KIND_PARTY) != (v.parent == 0)) {
			bad = "parent_id";
			why = k == KIND_PARTY
				      ? TR("tổ chức gốc (party) không có cấp trên",
					   "the root (party) has no parent")
				      : TR("chỉ tổ chức gốc (party) được để trống cấp trên",
					   "only the root (party) may have no parent");
		}
		v.kind = (uint8_t)(k < 0 ? 0 : k);
		if (bad) {
			add_error(im, F_ORGS, r.rec_line, bad, "%s", why);
			v.bad = 1;
			/* A row with a bad name or parent still tells the kind
			 * and dates, which the checks of other rows use. */
			v.unusable = !strcmp(bad, "id") || !strcmp(bad, "kind") ||
				     !strcmp(bad, "valid_from") ||
				     !strcmp(bad, "valid_to");
			free(code);
			code = NULL;
			if (v.id == 0 || v.from >= v.to) {
				free(name);
				name = NULL;
				/* unusable: keep only its id for references */
				if (v.id == 0)
					continue;
				v.from = DAY_MIN;
				v.to = DAY_MAX;
			}
		}
		v.code = code;
		ALLOC_GROW(im->ver, im->n_ver + 1, im->alloc_ver);
		im->ver[im->n_ver++] = v;
		if (!im->any_bad) {
			char fb[11], tb[11];
			struct db_stmt *st = im->ins_org;
			db_reset(st);
			db_bind_int(st, 1, v.id);
			if (v.parent)
				db_bind_int(st, 2, v.parent);
			db_bind_text(st, 3, org_kind_names[v.kind],
				     strlen(org_kind_names[v.kind]));
			db_bind_text(st, 4, code, code ? strlen(code) : 0);
			db_bind_text(st, 5, name, strlen(name));
			if (v.from != DAY_MIN) {
				day_format(v.from, fb);
				db_bind_text(st, 6, fb, 10);
			}
			if (v.to != DAY_MAX) {
				day_format(v.to, tb);
				db_bind_text(st, 7, tb, 10);
			}
			if (db_step(st, err) < 0) {
				free(name);
				csv_close(&r);
				return -1;
			}
		}
		free(name);
	}
	csv_close(&r);
	return 0;
}

static int cmp_version(const void *a, const void *b)
{
	const struct imp_org_version *x = a, *y = b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static struct imp_org *find_org(struct importer *im, int32_t id)
{
	size_t lo = 0, hi = im->n_orgs;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (im->orgs[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < im->n_orgs && im->orgs[lo].id == id)
		return &im->orgs[lo];
	return NULL;
}

/* Does org o cover [from, to) with its versions (of a member-holding kind
 * when need_cell)? On failure *gap is the first day not covered. For the
 * parent check, child_kind >= 0 also requires the kind to be allowed. */
static int org_covers(struct importer *im, const struct imp_org *o,
		      int32_t from, int32_t to, int need_cell, int child_kind,
		      int32_t *gap, int *kind_bad)
{
	int32_t cur = from;
	*kind_bad = 0;
	for (uint32_t i = 0; i < o->n && cur < to; i++) {
		const struct imp_org_version *v = &im->ver[o->first + i];
		if (v->to <= cur)
			continue;
		if (v->from > cur)
			break;
		if (need_cell && !org_kind_holds_members(v->kind)) {
			*kind_bad = 1;
			*gap = cur;
			return -1;
		}
		if (child_kind >= 0 &&
		    !org_kind_allowed_under((enum org_kind)child_kind,
					    (enum org_kind)v->kind)) {
			*kind_bad = 1;
			*gap = cur;
			return -1;
		}
		cur = v->to;
	}
	if (cur < to) {
		*gap = cur;
		return -1;
	}
	return 0;
}

struct code_ref {
	const char *code;
	int32_t id, from, to;
	uint32_t line;
};

static int cmp_code(const void *a, const void *b)
{
	const struct code_ref *x = a, *y = b;
	int c = strcmp(x->code, y->code);
	if (c)
		return c;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static void check_orgs(struct importer *im)
{
	if (im->n_ver) /* NULL while empty: qsort(NULL, 0) is UB */
		qsort(im->ver, im->n_ver, sizeof(*im->ver), cmp_version);
	im->orgs = xcalloc(im->n_ver + 1, sizeof(*im->orgs));
	for (size_t i = 0; i < im->n_ver; i++) {
		struct imp_org_version *v = &im->ver[i];
		if (im->n_orgs == 0 || im->orgs[im->n_orgs - 1].id != v->id) {
			struct imp_org *o = &im->orgs[im->n_orgs++];
			o->id = v->id;
			o->first = (uint32_t)i;
		}
		struct imp_org *o = &im->orgs[im->n_orgs - 1];
		o->n++;
		o->bad |= v->unusable;
		if (org_kind_holds_members(v->kind))
			o->holds = 1;
		/* versions of one organisation never overlap */
		if (o->n > 1 && !v->bad && !im->ver[i - 1].bad &&
		    im->ver[i - 1].to > v->from) {
			char b1[11], b2[11];
			add_error(im, F_ORGS, v->line, "valid_from",
				  TR("chồng lên phiên bản khác của tổ chức %d (dòng %u, đến %s); bắt đầu %s",
				     "overlaps another version of organisation %d (line %u, until %s); starts %s"),
				  v->id, im->ver[i - 1].line,
				  fmt_day(im->ver[i - 1].to, b1),
				  fmt_day(v->from, b2));
			v->bad = 1;
			v->unusable = 1;
			o->bad = 1;
		}
	}
	/* parents: alive whenever the child is, of an allowed kind */
	for (size_t i = 0; i < im->n_ver; i++) {
		struct imp_org_version *v = &im->ver[i];
		if (v->bad || !v->parent)
			continue;
		struct imp_org *p = find_org(im, v->parent);
		int32_t gap;
		int kind_bad;
		char b[11];
		if (!p && im->lost_org_id)
			continue;
		if (!p) {
			add_error(im, F_ORGS, v->line, "parent_id",
				  TR("tổ chức cấp trên %d không có trong orgs.csv",
				     "parent organisation %d is not in orgs.csv"),
				  v->parent);
			v->bad = 1;
			continue;
		}
		if (p->bad)
			continue;
		if (v->parent == v->id) {
			add_error(im, F_ORGS, v->line, "parent_id", "%s",
				  TR("tổ chức không thể là cấp trên của chính nó",
				     "an organisation cannot be its own parent"));
			v->bad = 1;
			continue;
		}
		if (org_covers(im, p, v->from, v->to, 0, v->kind, &gap,
			       &kind_bad)) {
			if (kind_bad)
				add_error(im, F_ORGS, v->line, "parent_id",
					  TR("loại %s không được đặt dưới tổ chức %d vào ngày %s",
					     "kind %s may not sit under organisation %d on %s"),
					  org_kind_names[v->kind], v->parent,
					  fmt_day(gap, b));
			else
				add_error(im, F_ORGS, v->line, "parent_id",
					  TR("tổ chức cấp trên %d không tồn tại vào ngày %s",
					     "parent organisation %d is not alive on %s"),
					  v->parent, fmt_day(gap, b));
			v->bad = 1;
		}
	}
	/* codes: unique among organisations alive at the same time */
	struct code_ref *codes = xmalloc((im->n_ver + 1) * sizeof(*codes));
	size_t nc = 0;
	for (size_t i = 0; i < im->n_ver; i++) {
		struct imp_org_version *v = &im->ver[i];
		if (v->code && !v->bad)
			codes[nc++] = (struct code_ref){v->code, v->id, v->from,
							v->to, v->line};
	}
	qsort(codes, nc, sizeof(*codes), cmp_code);
	for (size_t i = 0; i < nc; i++) {
		for (size_t j = i; j-- > 0;) {
			if (strcmp(codes[j].code, codes[i].code) != 0)
				break;
			if (codes[j].id != codes[i].id &&
			    codes[j].to > codes[i].from) {
				add_error(im, F_ORGS, codes[i].line, "code",
					  TR("mã %s đã dùng cho tổ chức %d (dòng %u) cùng thời gian",
					     "code %s is used by organisation %d (line %u) at the same time"),
					  codes[i].code, codes[j].id,
					  codes[j].line);
				break;
			}
		}
	}
	free(codes);
}

/* ---- members.csv ---- */

enum { M_ID, M_CARD, M_NAME, M_SEX, M_BIRTH, M_ETHNIC, M_RELIGION, M_HOME,
       M_EDU, M_EXPERTISE, M_THEORY, M_ADMITTED, M_OFFICIAL, M_STATUS,
       M_ENDED, M_ORG, M_N };
static const char *const member_cols[] = {
	"id", "card_no", "full_name", "sex", "birth_date", "ethnicity",
	"religion", "hometown", "education", "expertise", "theory_level",
	"admitted_on", "official_on", "status", "ended_on", "org_id"};

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

/* Adds a card number; 1 when it was already there. */
static int card_add(struct importer *im, const char *s, size_t len)
{
	if ((im->n_cards + 1) * 2 > im->card_cap) {
		size_t ncap = im->card_cap ? im->card_cap * 2 : 1 << 16;
		uint64_t *ns = xcalloc(ncap, sizeof(*ns));
		for (size_t i = 0; i < im->card_cap; i++) {
			uint64_t e = im->card_slots[i];
			if (!e)
				continue;
			size_t off = (size_t)(e >> 8) - 1, l = e & 0xff;
			size_t h = hash_bytes(im->card_arena + off, l) & (ncap - 1);
			while (ns[h])
				h = (h + 1) & (ncap - 1);
			ns[h] = e;
		}
		free(im->card_slots);
		im->card_slots = ns;
		im->card_cap = ncap;
	}
	size_t h = hash_bytes(s, len) & (im->card_cap - 1);
	while (im->card_slots[h]) {
		uint64_t e = im->card_slots[h];
		size_t off = (size_t)(e >> 8) - 1, l = e & 0xff;
		if (l == len && memcmp(im->card_arena + off, s, len) == 0)
			return 1;
		h = (h + 1) & (im->card_cap - 1);
	}
	ALLOC_GROW(im->card_arena, im->card_len + len, im->card_alloc);
	memcpy(im->card_arena + im->card_len, s, len);
	im->card_slots[h] = ((uint64_t)(im->card_len + 1) << 8) | len;
	im->card_len += len;
	im->n_cards++;
	return 0;
}

/* ---- member rows go to SQLite on a second thread ----
 * Parsing and checking a row costs about as much as SQLite inserting it, so
 * the two run side by side: the reader fills a batch while the writer
 * inserts the previous one. Only the writer touches the connection while
 * members are read. */

#define MEMBER_TEXTS 15 /* every column but id */
#define BATCH_ROWS 4096

struct member_batch {
	size_t n;
	int32_t id[BATCH_ROWS];
	uint32_t off[BATCH_ROWS][MEMBER_TEXTS];
	uint32_t len[BATCH_ROWS][MEMBER_TEXTS];
	struct strbuf text;
};

struct member_writer {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct member_batch batch[2];
	int full[2];  /* batch i waits for the writer */
	int fill;     /* batch the reader fills */
	int done;     /* no more batches */
	int failed;   /* the writer hit an error: err holds it */
	struct hoso_error err;
	struct db_stmt *st;
};

static void batch_put(struct member_batch *b, int col, const char *s,
		      size_t len)
{
	b->off[b->n][col] = (uint32_t)b->text.len;
	b->len[b->n][col] = s ? (uint32_t)len : 0;
	if (s && len)
		strbuf_add(&b->text, s, len);
}

static void *writer_main(void *arg)
{
	struct member_writer *w = arg;
	int next = 0;
	for (;;) {
		pthread_mutex_lock(&w->lock);
		while (!w->full[next] && !w->done)
			pthread_cond_wait(&w->cond, &w->lock);
		if (!w->full[next]) {
			pthread_mutex_unlock(&w->lock);
			break;
		}
		pthread_mutex_unlock(&w->lock);
		struct member_batch *b = &w->batch[next];
		for (size_t i = 0; i < b->n && !w->failed; i++) {
			db_reset(w->st);
			db_bind_int(w->st, 1, b->id[i]);
			for (int c = 0; c < MEMBER_TEXTS; c++) {
				if (c == MEMBER_TEXTS - 1) {
					/* org_id travels as text */
					int64_t v = 0;
					parse_pos_int(b->text.buf + b->off[i][c],
						      b->len[i][c], ID_MAX, &v);
					db_bind_int(w->st, c + 2, v);
					continue;
				}
				db_bind_text(w->st, c + 2,
					     b->text.buf + b->off[i][c],
					     b->len[i][c]);
			}
			if (db_step(w->st, &w->err) < 0)
				w->failed = 1;
		}
		pthread_mutex_lock(&w->lock);
		b->n = 0;
		strbuf_reset(&b->text);
		w->full[next] = 0;
		pthread_cond_broadcast(&w->cond);
		pthread_mutex_unlock(&w->lock);
		next ^= 1;
	}
	return NULL;
}

static void writer_start(struct member_writer *w, struct db_stmt *st)
{
	memset(w, 0, sizeof(*w));
	w->st = st;
	for (int i = 0; i < 2; i++)
		strbuf_init(&w->batch[i].text, (size_t)BATCH_ROWS * CSV_RECORD_MAX);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	pthread_create(&w->thread, NULL, writer_main, w);
}

/* Hands the batch being filled to the writer, and waits until the other
 * one is free to fill. */
static void writer_flush(struct member_writer *w)
{
	pthread_mutex_lock(&w->lock);
	if (w->batch[w->fill].n) {
		w->full[w->fill] = 1;
		pthread_cond_broadcast(&w->cond);
		w->fill ^= 1;
	}
	while (w->full[w->fill])
		pthread_cond_wait(&w->cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
}

/* The batch to fill, flushed first when full. */
static struct member_batch *writer_batch(struct member_writer *w)
{
	if (w->batch[w->fill].n == BATCH_ROWS ||
	    w->batch[w->fill].text.len > (size_t)BATCH_ROWS * 512)
		writer_flush(w);
	return &w->batch[w->fill];
}

/* Waits for the last batch; returns -1 with err when the writer failed. */
static int writer_finish(struct member_writer *w, struct hoso_error *err)
{
	writer_flush(w);
	pthread_mutex_lock(&w->lock);
	w->done = 1;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	for (int i = 0; i < 2; i++)
		strbuf_release(&w->batch[i].text);
	if (w->failed) {
		if (err)
			*err = w->err;
		return -1;
	}
	return 0;
}

static int read_members(struct importer *im, const char *path,
			struct hoso_error *err)
{
	struct csv_reader r;
	struct columns c;
	static const char *const opt[] = {"card_no", "religion", "hometown",
					  "education", "expertise",
					  "theory_level", "official_on",
					  "ended_on", NULL};
	struct progress prog;
	struct stat sb;
	int rc;
	if (csv_open(&r, path, err))
		return -1;
	if (read_header(im, &r, F_MEMBERS, member_cols, M_N, opt, &c, err)) {
		csv_close(&r);
		return -1;
	}
	progress_start(&prog, TR("Nhập đảng viên", "Importing members"),
		       stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0,
		       im->opts->quiet);
	uint64_t rows = 0;
	struct member_writer wr;
	int writer_failed = 0;
	writer_start(&wr, im->ins_mem);
	while (!writer_failed && (rc = csv_next(&r, err)) != CSV_END) {
		if (rc == CSV_EIO) {
			writer_finish(&wr, NULL);
			csv_close(&r);
			return -1;
		}
		if ((++rows & 0xfff) == 0)
			progress_update(&prog, r.bytes_read);
		if (rc == CSV_EBAD) {
			add_error(im, F_MEMBERS, r.rec_line, "-", "%s", err->msg);
			im->lost_member_id = 1;
			continue;
		}
		if (is_blank_record(&r))
			continue;
		struct imp_member m = {0};
		const char *why = NULL, *bad = NULL;
		char *name = NULL, *religion = NULL, *edu = NULL;
		struct csv_field f;
		int32_t birth = 0, official;
		int sex = -1, eth = -1, home = -1, exp = 0, th = 0, st = -1;
		m.line = (uint32_t)r.rec_line;
		official = m.ended = DAY_MAX;
		const char *inv_date = TR("ngày không hợp lệ (YYYY-MM-DD)",
					  "invalid date (YYYY-MM-DD)");
		if (parse_id(col(&r, &c, M_ID), &m.id)) {
			bad = "id";
			why = TR("phải là số nguyên dương", "must be a positive integer");
			im->lost_member_id = 1;
		} else if (id_add(im, m.id)) {
			bad = "id";
			why = TR("mã đảng viên bị trùng với một dòng trước",
				 "member id repeats an earlier row");
			m.id = 0; /* the earlier row stands for this id */
		} else if ((f = col(&r, &c, M_CARD)).len &&
			   (f.len > 32 || !utf8_valid(f.s, f.len))) {
			bad = "card_no";
			why = TR("số thẻ đảng không hợp lệ", "invalid card number");
		} else if (col(&r, &c, M_NAME).len == 0) {
			bad = "full_name";
			why = TR("họ và tên là bắt buộc", "the full name is required");
		} else if (!(name = text_cell(col(&r, &c, M_NAME),
					      NAME_MAX_BYTES, &why))) {
			bad = "full_name";
		} else if ((f = col(&r, &c, M_SEX)).len != 1 ||
			   (f.s[0] != 'M' && f.s[0] != 'F')) {
			bad = "sex";
			why = TR("giới tính phải là M hoặc F", "sex must be M or F");
		} else if ((sex = f.s[0] == 'F'),
			   (f = col(&r, &c, M_BIRTH),
			    day_parse(f.s, f.len, &birth))) {
			bad = "birth_date";
			why = inv_date;
		} else if ((f = col(&r, &c, M_ETHNIC),
			    eth = reflist_ethnic_lookup(f.s, f.len)) < 0) {
			bad = "ethnicity";
			why = TR("không có trong danh mục 54 dân tộc",
				 "not one of the 54 ethnic groups");
		} else if ((f = col(&r, &c, M_RELIGION)).len &&
			   !(religion = text_cell(f, 256, &why))) {
			bad = "religion";
		} else if ((f = col(&r, &c, M_HOME)).len &&
			   (home = reflist_province_lookup(f.s, f.len)) < 0) {
			bad = "hometown";
			why = TR("không phải tên tỉnh, thành phố trong danh mục",
				 "not a province of the reference list");
		} else if ((f = col(&r, &c, M_EDU)).len &&
			   !(edu = text_cell(f, 64, &why))) {
			bad = "education";
		} else if ((f = col(&r, &c, M_EXPERTISE)).len &&
			   (exp = enum_lookup(expertise_names, EXP_COUNT, f.s,
					      f.len)) < 0) {
			bad = "expertise";
			why = TR("phải là none, intermediate, college, bachelor, master hoặc doctor",
				 "must be none, intermediate, college, bachelor, master or doctor");
		} else if ((f = col(&r, &c, M_THEORY)).len &&
			   (th = enum_lookup(theory_names, TH_COUNT, f.s,
					     f.len)) < 0) {
			bad = "theory_level";
			why = TR("phải là none, elementary, intermediate, advanced hoặc bachelor",
				 "must be none, elementary, intermediate, advanced or bachelor");
		} else if ((f = col(&r, &c, M_ADMITTED),
			    day_parse(f.s, f.len, &m.admitted))) {
			bad = "admitted_on";
			why = inv_date;
		} else if (parse_opt_day(col(&r, &c, M_OFFICIAL), DAY_MAX,
					 &official)) {
			bad = "official_on";
			why = inv_date;
		} else if ((f = col(&r, &c, M_STATUS),
			    st = enum_lookup(status_names, ST_COUNT, f.s,
					     f.len)) < 0) {
			bad = "status";
			why = TR("phải là probationary, official, left, expelled hoặc deceased",
				 "must be probationary, official, left, expelled or deceased");
		} else if (parse_opt_day(col(&r, &c, M_ENDED), DAY_MAX,
					 &m.ended)) {
			bad = "ended_on";
			why = inv_date;
		} else if (parse_id(col(&r, &c, M_ORG), &m.org_id)) {
			bad = "org_id";
			why = TR("phải là số nguyên dương", "must be a positive integer");
		} else if (full_years(birth, m.admitted) < 18) {
			bad = "admitted_on";
			why = TR("chưa đủ 18 tuổi vào ngày kết nạp",
				 "under 18 full years old on the admission day");
		} else if (official != DAY_MAX &&
			   official < day_add_years(m.admitted, 1)) {
			bad = "official_on";
			why = TR("phải sau ngày kết nạp ít nhất một năm (12 tháng dự bị)",
				 "must be at least one full year after admitted_on (12 months of probation)");
		} else if (st == ST_OFFICIAL && official == DAY_MAX) {
			bad = "official_on";
			why = TR("đảng viên chính thức phải có ngày chính thức",
				 "an official member needs official_on");
		} else if (st == ST_PROBATIONARY && official != DAY_MAX) {
			bad = "official_on";
			why = TR("đảng viên dự bị không có ngày chính thức",
				 "a probationary member has no official_on");
		} else if ((st >= ST_LEFT) != (m.ended != DAY_MAX)) {
			bad = "ended_on";
			why = st >= ST_LEFT
				      ? TR("bắt buộc khi trạng thái là left, expelled hoặc deceased",
					   "required when the status is left, expelled or deceased")
				      : TR("chỉ có khi trạng thái là left, expelled hoặc deceased",
					   "only set when the status is left, expelled or deceased");
		} else if (m.ended != DAY_MAX && m.ended <= m.admitted) {
			bad = "ended_on";
			why = TR("phải sau ngày kết nạp", "must be after admitted_on");
		} else if (m.ended != DAY_MAX && official != DAY_MAX &&
			   official >= m.ended) {
			bad = "ended_on";
			why = TR("phải sau ngày chính thức", "must be after official_on");
		} else if ((f = col(&r, &c, M_CARD)).len &&
			   card_add(im, f.s, f.len)) {
			bad = "card_no";
			why = TR("số thẻ đảng đã thuộc về đảng viên khác",
				 "card number already belongs to another member");
		} else {
			struct imp_org *o = find_org(im, m.org_id);
			if (!o && im->lost_org_id) {
				m.bad = 1; /* cannot be checked */
			} else if (!o) {
				bad = "org_id";
				why = TR("tổ chức không có trong orgs.csv",
					 "organisation not in orgs.csv");
			} else if (!o->holds && !o->bad) {
				bad = "org_id";
				why = TR("đảng viên chỉ sinh hoạt ở chi bộ (cell, grassroots_cell)",
					 "members are placed only in cells (cell, grassroots_cell)");
			}
		}
		m.status = (uint8_t)(st < 0 ? 0 : st);
		m.birth = birth;
		m.row_ok = !bad;
		if (bad) {
			add_error(im, F_MEMBERS, r.rec_line, bad, "%s", why);
			m.bad = 1;
		} else if (!im->any_bad) {
			struct member_batch *b = writer_batch(&wr);
			const char *hm = home >= 0 ? province_names[home] : NULL;
			b->id[b->n] = m.id;
			f = col(&r, &c, M_CARD);
			batch_put(b, 0, f.s, f.len);
			batch_put(b, 1, name, strlen(name));
			batch_put(b, 2, sex ? "F" : "M", 1);
			f = col(&r, &c, M_BIRTH);
			batch_put(b, 3, f.s, f.len);
			batch_put(b, 4, ethnic_names[eth][0],
				  strlen(ethnic_names[eth][0]));
			batch_put(b, 5, religion, religion ? strlen(religion) : 0);
			batch_put(b, 6, hm, hm ? strlen(hm) : 0);
			batch_put(b, 7, edu, edu ? strlen(edu) : 0);
			f = col(&r, &c, M_EXPERTISE);
			batch_put(b, 8, f.s, f.len);
			f = col(&r, &c, M_THEORY);
			batch_put(b, 9, f.s, f.len);
			f = col(&r, &c, M_ADMITTED);
			batch_put(b, 10, f.s, f.len);
			f = col(&r, &c, M_OFFICIAL);
			batch_put(b, 11, f.s, f.len);
			batch_put(b, 12, status_names[st],
				  strlen(status_names[st]));
			f = col(&r, &c, M_ENDED);
			batch_put(b, 13, f.s, f.len);
			f = col(&r, &c, M_ORG);
			batch_put(b, 14, f.s, f.len);
			b->n++;
			if (wr.failed)
				writer_failed = 1;
		}
		free(name);
		free(religion);
		free(edu);
		if (m.id) {
			ALLOC_GROW(im->mem, im->n_mem + 1, im->alloc_mem);
			im->mem[im->n_mem++] = m;
		}
	}
	if (writer_finish(&wr, err)) {
		csv_close(&r);
		return -1;
	}
	progress_update(&prog, r.bytes_read);
	prog.done = rows;
	progress_end(&prog);
	csv_close(&r);
	return 0;
}

static int cmp_member_id(const void *a, const void *b)
{
	const struct imp_member *x = a, *y = b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Members by id for look-ups (ids are unique: repeats were rejected). */
static void sort_members(struct importer *im)
{
	if (im->n_mem) /* NULL while empty: qsort(NULL, 0) is UB */
		qsort(im->mem, im->n_mem, sizeof(*im->mem), cmp_member_id);
}

static int32_t find_member(struct importer *im, int32_t id)
{
	size_t lo = 0, hi = im->n_mem;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (im->mem[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < im->n_mem && im->mem[lo].id == id)
		return (int32_t)lo;
	return -1;
}

/* ---- placements.csv ---- */

enum { P_MEMBER, P_ORG, P_FROM, P_TO, P_N };
static const char *const placement_cols[] = {"member_id", "org_id",
					     "valid_from", "valid_to"};

/* The earlier period of member index mi that holds day d (index + 1), or
 * 0 when none does. */
static uint32_t find_period(const struct importer *im, int32_t mi, int32_t d)
{
	size_t lo = 0, hi = im->n_per;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (im->per[mid].member < mi)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < im->n_per && im->per[lo].member == mi; lo++)
		if (im->per[lo].admitted <= d && d < im->per[lo].ended)
			return (uint32_t)lo + 1;
	return 0;
}

/* placements.csv, or period_placements.csv (file F_PERIOD_PLACEMENTS):
 * the same columns; a row of the latter belongs to the earlier period of
 * its member that holds its valid_from. */
static int read_placements(struct importer *im, const char *path,
			   enum imp_file file, struct hoso_error *err)
{
	struct csv_reader r;
	struct columns c;
	static const char *const opt[] = {"valid_to", NULL};
	int rc;
	if (csv_open(&r, path, err))
		return -1;
	if (read_header(im, &r, file, placement_cols, P_N, opt, &c, err)) {
		csv_close(&r);
		return -1;
	}
	while ((rc = csv_next(&r, err)) != CSV_END) {
		if (rc == CSV_EIO) {
			csv_close(&r);
			return -1;
		}
		if (rc == CSV_EBAD) {
			add_error(im, file, r.rec_line, "-", "%s", err->msg);
			continue;
		}
		if (is_blank_record(&r))
			continue;
		struct imp_placement p = {0};
		const char *bad = NULL, *why = NULL;
		struct csv_field f;
		struct imp_org *o = NULL;
		int32_t member_id;
		p.line = (uint32_t)r.rec_line;
		p.member = -1;
		if (parse_id(col(&r, &c, P_MEMBER), &member_id)) {
			bad = "member_id";
			why = TR("phải là số nguyên dương", "must be a positive integer");
		} else if ((p.member = find_member(im, member_id)) < 0 &&
			   im->lost_member_id) {
			continue; /* may belong to the unreadable member row */
		} else if (p.member < 0) {
			bad = "member_id";
			why = TR("đảng viên không có trong members.csv",
				 "member not in members.csv");
		} else if (parse_id(col(&r, &c, P_ORG), &p.org_id)) {
			bad = "org_id";
			why = TR("phải là số nguyên dương", "must be a positive integer");
		} else if (!(o = find_org(im, p.org_id)) && im->lost_org_id) {
			im->mem[p.member].bad = 1;
			continue;
		} else if (!o) {
			bad = "org_id";
			why = TR("tổ chức không có trong orgs.csv",
				 "organisation not in orgs.csv");
		} else if (!o->holds && !o->bad) {
			bad = "org_id";
			why = TR("đảng viên chỉ sinh hoạt ở chi bộ (cell, grassroots_cell)",
				 "members are placed only in cells (cell, grassroots_cell)");
		} else if ((f = col(&r, &c, P_FROM), day_parse(f.s, f.len, &p.from))) {
			bad = "valid_from";
			why = TR("ngày không hợp lệ (YYYY-MM-DD)",
				 "invalid date (YYYY-MM-DD)");
		} else if (parse_opt_day(col(&r, &c, P_TO), DAY_MAX, &p.to)) {
			bad = "valid_to";
			why = TR("ngày không hợp lệ (YYYY-MM-DD)",
				 "invalid date (YYYY-MM-DD)");
		} else if (p.to <= p.from) {
			bad = "valid_to";
			why = TR("phải sau valid_from", "must be after valid_from");
		} else if (file == F_PERIOD_PLACEMENTS &&
			   !(p.period = find_period(im, p.member, p.from))) {
			struct imp_member *m = &im->mem[p.member];
			if (m->period_lost || im->lost_period) {
				/* its period is a bad row, reported there */
				m->bad = 1;
				continue;
			}
			bad = "valid_from";
			why = TR("không thuộc giai đoạn sinh hoạt trước nào của đảng viên trong periods.csv",
				 "not within any earlier period of the member in periods.csv");
		}
		if (p.member >= 0 && file == F_PLACEMENTS)
			im->mem[p.member].has_pl = 1;
		if (bad) {
			add_error(im, file, r.rec_line, bad, "%s", why);
			/* its member's history is incomplete: skip its checks */
			if (p.member >= 0)
				im->mem[p.member].bad = 1;
			continue;
		}
		if (p.period)
			im->per[p.period - 1].has_pl = 1;
		ALLOC_GROW(im->pl, im->n_pl + 1, im->alloc_pl);
		im->pl[im->n_pl++] = p;
	}
	csv_close(&r);
	return 0;
}

/* ---- periods.csv: earlier membership periods (an extension) ---- */

enum { E_MEMBER, E_ADMITTED, E_OFFICIAL, E_STATUS, E_ENDED, E_N };
static const char *const period_cols[] = {"member_id", "admitted_on",
					  "official_on", "status", "ended_on"};

static int read_periods(struct importer *im, const char *path,
			struct hoso_error *err)
{
	struct csv_reader r;
	struct columns c;
	static const char *const opt[] = {"official_on", NULL};
	const char *inv_date = TR("ngày không hợp lệ (YYYY-MM-DD)",
				  "invalid date (YYYY-MM-DD)");
	uint64_t bad_before = im->bad_rows;
	int rc;
	if (csv_open(&r, path, err))
		return -1;
	if (read_header(im, &r, F_PERIODS, period_cols, E_N, opt, &c, err)) {
		csv_close(&r);
		return -1;
	}
	if (im->bad_rows != bad_before) {
		/* a required column is missing: every row would say so */
		im->lost_period = 1;
		csv_close(&r);
		return 0;
	}
	while ((rc = csv_next(&r, err)) != CSV_END) {
		if (rc == CSV_EIO) {
			csv_close(&r);
			return -1;
		}
		if (rc == CSV_EBAD) {
			add_error(im, F_PERIODS, r.rec_line, "-", "%s", err->msg);
			im->lost_period = 1;
			continue;
		}
		if (is_blank_record(&r))
			continue;
		struct imp_period e = {0};
		struct imp_member *m = NULL;
		const char *bad = NULL, *why = NULL;
		struct csv_field f;
		char b1[11];
		int st = -1;
		e.line = (uint32_t)r.rec_line;
		e.member = -1;
		e.official = DAY_MAX;
		if (parse_id(col(&r, &c, E_MEMBER), &e.member_id)) {
			bad = "member_id";
			why = TR("phải là số nguyên dương", "must be a positive integer");
			im->lost_period = 1;
		} else if ((e.member = find_member(im, e.member_id)) < 0 &&
			   im->lost_member_id) {
			continue; /* may belong to the unreadable member row */
		} else if (e.member < 0) {
			bad = "member_id";
			why = TR("đảng viên không có trong members.csv",
				 "member not in members.csv");
			im->lost_period = 1;
		} else if ((m = &im->mem[e.member]),
			   (f = col(&r, &c, E_ADMITTED),
			    day_parse(f.s, f.len, &e.admitted))) {
			bad = "admitted_on";
			why = inv_date;
		} else if (parse_opt_day(col(&r, &c, E_OFFICIAL), DAY_MAX,
					 &e.official)) {
			bad = "official_on";
			why = inv_date;
		} else if ((f = col(&r, &c, E_STATUS),
			    st = enum_lookup(status_names, ST_COUNT, f.s,
					     f.len)) != ST_LEFT &&
			   st != ST_EXPELLED) {
			bad = "status";
			why = TR("giai đoạn trước kết thúc khi ra khỏi Đảng: phải là left hoặc expelled",
				 "an earlier period ends by leaving the Party: must be left or expelled");
		} else if ((f = col(&r, &c, E_ENDED)).len == 0) {
			bad = "ended_on";
			why = TR("bắt buộc: giai đoạn trước đã kết thúc",
				 "required: an earlier period has ended");
		} else if (day_parse(f.s, f.len, &e.ended)) {
			bad = "ended_on";
			why = inv_date;
		} else if (e.ended <= e.admitted) {
			bad = "ended_on";
			why = TR("phải sau ngày kết nạp", "must be after admitted_on");
		} else if (m->row_ok && full_years(m->birth, e.admitted) < 18) {
			bad = "admitted_on";
			why = TR("chưa đủ 18 tuổi vào ngày kết nạp",
				 "under 18 full years old on the admission day");
		} else if (e.official != DAY_MAX &&
			   e.official < day_add_years(e.admitted, 1)) {
			bad = "official_on";
			why = TR("phải sau ngày kết nạp ít nhất một năm (12 tháng dự bị)",
				 "must be at least one full year after admitted_on (12 months of probation)");
		} else if (e.official != DAY_MAX && e.official >= e.ended) {
			bad = "ended_on";
			why = TR("phải sau ngày chính thức", "must be after official_on");
		} else if (m->row_ok && e.ended > m->admitted) {
			bad = "ended_on";
			/* ended_on is the first day out of the Party, as in
			 * members.csv: the new period may start on it */
			add_error(im, F_PERIODS, r.rec_line, bad,
				  TR("phải không muộn hơn ngày kết nạp lại %s (admitted_on của đảng viên trong members.csv)",
				     "must not be later than the readmission on %s (the member's admitted_on in members.csv)"),
				  fmt_day(m->admitted, b1));
		}
		e.status = (uint8_t)(st < 0 ? 0 : st);
		if (bad) {
			if (why)
				add_error(im, F_PERIODS, r.rec_line, bad, "%s",
					  why);
			/* the member's history is incomplete: skip its checks */
			if (m) {
				m->period_lost = 1;
				m->bad = 1;
			}
			continue;
		}
		ALLOC_GROW(im->per, im->n_per + 1, im->alloc_per);
		im->per[im->n_per++] = e;
	}
	csv_close(&r);
	return 0;
}

static int cmp_period(const void *a, const void *b)
{
	const struct imp_period *x = a, *y = b;
	if (x->member != y->member)
		return x->member < y->member ? -1 : 1;
	if (x->admitted != y->admitted)
		return x->admitted < y->admitted ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Readmission is allowed once (spec/domain.md, party age): a member has
 * at most one earlier period. The rows after the member's first one (in
 * file order) are reported and dropped, so that placements are looked up
 * among good periods only. */
static void check_periods(struct importer *im)
{
	size_t w = 0;
	if (im->n_per) /* NULL while empty: qsort(NULL, 0) is UB */
		qsort(im->per, im->n_per, sizeof(*im->per), cmp_period);
	for (size_t i = 0, j; i < im->n_per; i = j) {
		size_t first = i;
		for (j = i + 1; j < im->n_per &&
				im->per[j].member == im->per[i].member; j++)
			if (im->per[j].line < im->per[first].line)
				first = j;
		for (size_t k = i; k < j; k++) {
			if (k == first)
				continue;
			add_error(im, F_PERIODS, im->per[k].line, "member_id",
				  TR("đảng viên %d đã có giai đoạn trước ở dòng %u: chỉ được kết nạp lại một lần",
				     "member %d already has an earlier period on line %u: readmission is allowed once"),
				  im->per[k].member_id, im->per[first].line);
			im->mem[im->per[k].member].period_lost = 1;
			im->mem[im->per[k].member].bad = 1;
		}
		im->per[w++] = im->per[first];
	}
	im->n_per = w;
}

/* A period without any placement would be counted nowhere. */
static void check_period_placed(struct importer *im)
{
	for (size_t i = 0; i < im->n_per; i++) {
		struct imp_period *e = &im->per[i];
		if (!e->has_pl && !im->mem[e->member].bad)
			add_error(im, F_PERIODS, e->line, "member_id", "%s",
				  TR("giai đoạn này không có nơi sinh hoạt nào trong period_placements.csv",
				     "this period has no placement in period_placements.csv"));
	}
}

static int cmp_placement(const void *a, const void *b)
{
	const struct imp_placement *x = a, *y = b;
	if (x->member != y->member)
		return x->member < y->member ? -1 : 1;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->period != y->period) /* a file's lines, then the other's */
		return x->period < y->period ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Members without rows in placements.csv are placed in org_id over their
 * whole membership. */
static void synthesize_placements(struct importer *im)
{
	for (size_t i = 0; i < im->n_mem; i++) {
		struct imp_member *m = &im->mem[i];
		if (m->has_pl || m->bad)
			continue;
		ALLOC_GROW(im->pl, im->n_pl + 1, im->alloc_pl);
		im->pl[im->n_pl++] = (struct imp_placement){
			(int32_t)i, m->org_id, m->admitted, m->ended, 0, 0};
	}
}

/* A synthesized placement is reported on the member's row. */
static void placement_error(struct importer *im, const struct imp_placement *p,
			    const char *column, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void placement_error(struct importer *im, const struct imp_placement *p,
			    const char *column, const char *fmt, ...)
{
	char msg[HOSO_ERRMSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->line)
		add_error(im, p->period ? F_PERIOD_PLACEMENTS : F_PLACEMENTS,
			  p->line, column, "%s", msg);
	else
		add_error(im, F_MEMBERS, im->mem[p->member].line, "org_id",
			  "%s", msg);
}

static void check_placements(struct importer *im)
{
	if (im->n_pl) /* NULL while empty: qsort(NULL, 0) is UB */
		qsort(im->pl, im->n_pl, sizeof(*im->pl), cmp_placement);
	for (size_t i = 0; i < im->n_pl;) {
		size_t j = i;
		struct imp_member *m = &im->mem[im->pl[i].member];
		while (j < im->n_pl && im->pl[j].member == im->pl[i].member)
			j++;
		if (m->bad) {
			i = j;
			continue;
		}
		int member_bad = 0;
		size_t last = j; /* the last placement of the current period */
		for (size_t k = i; k < j && !member_bad; k++) {
			struct imp_placement *p = &im->pl[k];
			struct imp_org *o = find_org(im, p->org_id);
			/* the period it lies in: an earlier one (periods.csv)
			 * or the current one (the members.csv row) */
			const struct imp_period *e =
				p->period ? &im->per[p->period - 1] : NULL;
			int32_t admitted = e ? e->admitted : m->admitted;
			int32_t ended = e ? e->ended : m->ended;
			int32_t gap;
			int kind_bad;
			uint32_t earlier;
			char b1[11], b2[11];
			if (!p->period)
				last = k;
			if (p->from < admitted && !p->period &&
			    (earlier = find_period(im, p->member, p->from))) {
				/* rows of placements.csv are the current
				 * period's; say where an earlier one's go */
				placement_error(im, p, "valid_from",
						TR("thuộc giai đoạn sinh hoạt trước (kết nạp %s, ra khỏi Đảng %s): ghi vào period_placements.csv",
						   "lies in an earlier period (admitted %s, left %s): put it in period_placements.csv"),
						fmt_day(im->per[earlier - 1].admitted, b1),
						fmt_day(im->per[earlier - 1].ended, b2));
				member_bad = 1;
			} else if (p->from < admitted) {
				placement_error(im, p, "valid_from",
						TR("trước ngày kết nạp %s",
						   "before the admission day %s"),
						fmt_day(admitted, b1));
				member_bad = 1;
			} else if (p->to > ended) {
				placement_error(im, p, "valid_to",
						TR("sau ngày ra khỏi Đảng %s",
						   "after the membership ended (%s)"),
						fmt_day(ended, b1));
				member_bad = 1;
			} else if (k > i && im->pl[k - 1].to > p->from) {
				placement_error(im, p, "valid_from",
						TR("chồng lên nơi sinh hoạt trước (đến %s)",
						   "overlaps the previous placement (until %s)"),
						fmt_day(im->pl[k - 1].to, b1));
				member_bad = 1;
			} else if (o && !o->bad &&
				   org_covers(im, o, p->from, p->to, 1, -1,
					      &gap, &kind_bad)) {
				placement_error(im, p, "org_id",
						kind_bad ? TR("tổ chức %d không phải chi bộ vào ngày %s",
							      "organisation %d is not a cell on %s")
							 : TR("tổ chức %d không tồn tại vào ngày %s",
							      "organisation %d is not alive on %s"),
						p->org_id, fmt_day(gap, b2));
				member_bad = 1;
			}
		}
		/* every member has a placement in the current period (one
		 * is synthesized when placements.csv has none) */
		if (!member_bad && last < j && im->pl[last].org_id != m->org_id) {
			placement_error(im, &im->pl[last], "org_id",
					TR("nơi sinh hoạt cuối cùng (%d) khác org_id của đảng viên (%d)",
					   "the last placement (%d) differs from the member's org_id (%d)"),
					im->pl[last].org_id, m->org_id);
		}
		i = j;
	}
}

static int insert_placements(struct importer *im, struct hoso_error *err)
{
	struct db_stmt *st = im->ins_pl;
	for (size_t i = 0; i < im->n_pl; i++) {
		struct imp_placement *p = &im->pl[i];
		char fb[11], tb[11];
		db_reset(st);
		db_bind_int(st, 1, im->mem[p->member].id);
		db_bind_int(st, 2, p->org_id);
		day_format(p->from, fb);
		db_bind_text(st, 3, fb, 10);
		if (p->to != DAY_MAX) {
			day_format(p->to, tb);
			db_bind_text(st, 4, tb, 10);
		}
		if (db_step(st, err) < 0)
			return -1;
	}
	return 0;
}

static int cmp_error(const void *a, const void *b)
{
	const struct imp_error *x = a, *y = b;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static void report_errors(struct importer *im, FILE *out)
{
	if (im->n_errs) /* NULL while empty: qsort(NULL, 0) is UB */
		qsort(im->errs, im->n_errs, sizeof(*im->errs), cmp_error);
	uint32_t last_line = 0;
	int last_file = -1;
	for (size_t i = 0; i < im->n_errs; i++) {
		struct imp_error *e = &im->errs[i];
		/* one line per bad row: its first error */
		if (e->file == last_file && e->line == last_line)
			continue;
		last_file = e->file;
		last_line = e->line;
		fprintf(out, "%s:%u: %s: %s\n", file_names[e->file], e->line,
			e->column, e->reason);
	}
	if (im->bad_rows > im->n_errs)
		fprintf(out, TR("... và %llu lỗi khác\n", "... and %llu more errors\n"),
			(unsigned long long)(im->bad_rows - im->n_errs));
}

static int store_is_empty(struct db *db, int *empty, struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		db,
		"SELECT (SELECT count(*) FROM (SELECT 1 FROM org_versions LIMIT 1))"
		" + (SELECT count(*) FROM (SELECT 1 FROM members LIMIT 1))",
		err);
	if (!st)
		return -1;
	int rc = db_step(st, err);
	if (rc == 1)
		*empty = db_column_int(st, 0) == 0;
	db_finalize(st);
	return rc < 0 ? -1 : 0;
}

static void path_join(char *out, size_t max, const char *dir, const char *f)
{
	snprintf(out, max, "%s/%s", dir, f);
}

static int write_operation(struct importer *im, const struct import_result *res,
			   struct hoso_error *err)
{
	struct strbuf payload;
	char today[11];
	int rc = -1;
	struct db_stmt *st = db_prepare(
		im->db,
		"INSERT INTO operations(kind, actor, source, entered_at,"
		" effective_on, payload, reason)"
		" VALUES ('import', ?, 'cli', ?, ?, ?, ?)",
		err);
	if (!st)
		return -1;
	strbuf_init(&payload, 1 << 16);
	strbuf_adds(&payload, "{\"dir\":");
	strbuf_add_json_str(&payload, im->opts->dir);
	strbuf_addf(&payload,
		    ",\"replace\":%s,\"org_versions\":%llu,\"orgs\":%llu,"
		    "\"members\":%llu,\"placements\":%llu}",
		    im->opts->replace ? "true" : "false",
		    (unsigned long long)res->org_rows,
		    (unsigned long long)res->orgs,
		    (unsigned long long)res->members,
		    (unsigned long long)res->placements);
	day_format(day_today(), today);
	const char *actor = im->opts->actor ? im->opts->actor : "cli";
	char now[64];
	timestamp_now(now);
	db_bind_text(st, 1, actor, strlen(actor));
	db_bind_text(st, 2, now, strlen(now));
	db_bind_text(st, 3, today, 10);
	db_bind_text(st, 4, payload.buf, payload.len);
	if (im->opts->reason)
		db_bind_text(st, 5, im->opts->reason, strlen(im->opts->reason));
	if (db_step(st, err) >= 0)
		rc = 0;
	db_finalize(st);
	strbuf_release(&payload);
	return rc;
}

static void importer_release(struct importer *im)
{
	for (size_t i = 0; i < im->n_errs; i++)
		free(im->errs[i].reason);
	free(im->errs);
	for (size_t i = 0; i < im->n_ver; i++)
		free(im->ver[i].code);
	free(im->ver);
	free(im->orgs);
	free(im->mem);
	free(im->mem_by_id);
	free(im->pl);
	free(im->per);
	free(im->card_arena);
	free(im->card_slots);
	free(im->id_slots);
	db_finalize(im->ins_org);
	db_finalize(im->ins_mem);
	db_finalize(im->ins_pl);
}

/* The earlier periods, after the import's operation record: like the rows
 * a readmission writes (lifecycle.c, op_readmit), they carry its seq. What
 * the readmission also derived is derived again: the member was readmitted
 * (once only), party age counts from the first admission (decided_on: the
 * decision day is not in the dataset, the admission day stands for it)
 * minus the time out of the Party, from leaving to the next admission
 * (the readmission decision is not in the dataset either). */
static int write_periods(struct importer *im, struct hoso_error *err)
{
	struct db_stmt *per = NULL, *info = NULL, *gap = NULL;
	int rc = -1;
	char b1[11], b2[11], b3[11];
	if (!im->n_per)
		return 0;
	per = db_prepare(im->db,
			 "INSERT INTO lc_periods(member_id, admitted_on,"
			 " official_on, ended_on, status, seq) VALUES (?, ?, ?,"
			 " ?, ?, (SELECT max(seq) FROM operations))",
			 err);
	info = db_prepare(im->db,
			  "INSERT INTO lc_member_info(member_id, decided_on,"
			  " readmitted) VALUES (?, ?, 1) ON CONFLICT(member_id)"
			  " DO UPDATE SET readmitted = 1,"
			  " decided_on = excluded.decided_on",
			  err);
	gap = db_prepare(im->db,
			 "INSERT INTO lc_gaps(member_id, valid_from, valid_to,"
			 " why, seq) VALUES (?, ?, ?, 'out_of_party',"
			 " (SELECT max(seq) FROM operations))",
			 err);
	if (!per || !info || !gap)
		goto out;
	for (size_t i = 0; i < im->n_per; i++) {
		const struct imp_period *e = &im->per[i];
		const struct imp_member *m = &im->mem[e->member];
		const char *status = status_names[e->status];
		db_reset(per);
		db_bind_int(per, 1, e->member_id);
		db_bind_text(per, 2, (day_format(e->admitted, b1), b1), 10);
		db_bind_day(per, 3, e->official);
		db_bind_text(per, 4, (day_format(e->ended, b2), b2), 10);
		db_bind_text(per, 5, status, strlen(status));
		if (db_step(per, err) < 0)
			goto out;
		/* periods are sorted: the first of a member is its first
		 * admission (there is one period per member, see
		 * check_periods, but this holds for more) */
		if (i == 0 || im->per[i - 1].member != e->member) {
			db_reset(info);
			db_bind_int(info, 1, e->member_id);
			db_bind_text(info, 2, (day_format(e->admitted, b1), b1), 10);
			if (db_step(info, err) < 0)
				goto out;
		}
		int32_t next = i + 1 < im->n_per &&
					       im->per[i + 1].member == e->member
				       ? im->per[i + 1].admitted
				       : m->admitted;
		if (next > e->ended) {
			db_reset(gap);
			db_bind_int(gap, 1, e->member_id);
			db_bind_text(gap, 2, (day_format(e->ended, b2), b2), 10);
			db_bind_text(gap, 3, (day_format(next, b3), b3), 10);
			if (db_step(gap, err) < 0)
				goto out;
		}
	}
	rc = 0;
out:
	db_finalize(per);
	db_finalize(info);
	db_finalize(gap);
	return rc;
}

/* HOSO_TIMING=1 prints how long each phase took, for tuning. */
static void phase(const char *what, double *t)
{
	static int on = -1;
	if (on < 0)
		on = getenv("HOSO_TIMING") != NULL;
	double now = now_seconds();
	if (on)
		fprintf(stderr, "  [%s: %.2f s]\n", what, now - *t);
	*t = now;
}

int import_dataset(struct db *db, const struct import_opts *opts,
		   FILE *errout, struct import_result *res,
		   struct hoso_error *err)
{
	struct importer im = {0};
	char path[4096];
	struct stat sb;
	int empty = 0, rc = -1, in_tx = 0;
	double t0 = now_seconds();

	memset(res, 0, sizeof(*res));
	im.db = db;
	im.opts = opts;
	if (stat(opts->dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return hoso_err(err, HOSO_EUSAGE,
				TR("%s: không phải là thư mục dữ liệu",
				   "%s: not a dataset folder"),
				opts->dir);
	if (store_is_empty(db, &empty, err))
		return -1;
	if (!empty && !opts->replace)
		return hoso_err(err, HOSO_EUSAGE, "%s",
				TR("kho dữ liệu đã có dữ liệu; dùng --replace để thay thế toàn bộ",
				   "the store already holds data; use --replace to replace all of it"));
	if (db_begin(db, 1, err))
		return -1;
	in_tx = 1;
	/* the earlier periods are part of the dataset, and so is what a
	 * readmission derived from them (see write_periods) */
	if (!empty && db_exec(db,
			      "DELETE FROM placements; DELETE FROM members;"
			      " DELETE FROM org_versions; DELETE FROM lc_periods;"
			      " DELETE FROM lc_gaps WHERE why = 'out_of_party';"
			      " UPDATE lc_member_info SET readmitted = 0"
			      " WHERE readmitted <> 0;",
			      err))
		goto out;
	/* Indexes are built once after loading, not row by row. */
	for (int i = 0; db_core_indexes[i][0]; i++) {
		char sql[128];
		snprintf(sql, sizeof(sql), "DROP INDEX IF EXISTS %s",
			 db_core_indexes[i][0]);
		if (db_exec(db, sql, err))
			goto out;
	}
	im.ins_org = db_prepare(db,
				"INSERT INTO org_versions(id, parent_id, kind,"
				" code, name, valid_from, valid_to)"
				" VALUES (?,?,?,?,?,?,?)",
				err);
	im.ins_mem = db_prepare(
		db,
		"INSERT INTO members(id, card_no, full_name, sex, birth_date,"
		" ethnicity, religion, hometown, education, expertise,"
		" theory_level, admitted_on, official_on, status, ended_on,"
		" org_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		err);
	im.ins_pl = db_prepare(db,
			       "INSERT INTO placements(member_id, org_id,"
			       " valid_from, valid_to) VALUES (?,?,?,?)",
			       err);
	if (!im.ins_org || !im.ins_mem || !im.ins_pl)
		goto out;

	double tp = now_seconds();
	phase("start", &tp);
	path_join(path, sizeof(path), opts->dir, "orgs.csv");
	if (read_orgs(&im, path, err))
		goto out;
	check_orgs(&im);
	phase("orgs", &tp);
	path_join(path, sizeof(path), opts->dir, "members.csv");
	if (read_members(&im, path, err))
		goto out;
	sort_members(&im);
	phase("members", &tp);
	path_join(path, sizeof(path), opts->dir, "placements.csv");
	if (stat(path, &sb) == 0 &&
	    read_placements(&im, path, F_PLACEMENTS, err))
		goto out;
	phase("placements read", &tp);
	/* earlier periods of readmitted members: optional files */
	path_join(path, sizeof(path), opts->dir, "periods.csv");
	if (stat(path, &sb) == 0 && read_periods(&im, path, err))
		goto out;
	check_periods(&im);
	path_join(path, sizeof(path), opts->dir, "period_placements.csv");
	if (stat(path, &sb) == 0 &&
	    read_placements(&im, path, F_PERIOD_PLACEMENTS, err))
		goto out;
	check_period_placed(&im);
	phase("periods read", &tp);
	synthesize_placements(&im);
	check_placements(&im);
	phase("placements checked", &tp);

	res->org_rows = im.n_ver;
	res->orgs = im.n_orgs;
	res->members = im.n_mem;
	res->placements = im.n_pl;
	res->bad_rows = im.bad_rows;
	if (im.any_bad) {
		report_errors(&im, errout);
		hoso_err(err, HOSO_EREJECT,
			 TR("dữ liệu bị từ chối: %llu dòng lỗi; không có gì được ghi",
			    "data rejected: %llu bad rows; nothing was written"),
			 (unsigned long long)im.bad_rows);
		goto out;
	}
	if (insert_placements(&im, err))
		goto out;
	phase("placements written", &tp);
	for (int i = 0; db_core_indexes[i][0]; i++) {
		if (db_exec(db, db_core_indexes[i][1], err))
			goto out;
		phase(db_core_indexes[i][0], &tp);
	}
	if (write_operation(&im, res, err) || write_periods(&im, err))
		goto out;
	if (db_commit(db, err)) {
		in_tx = 0;
		goto out;
	}
	phase("commit", &tp);
	in_tx = 0;
	rc = 0;
out:
	if (in_tx)
		db_rollback(db);
	importer_release(&im);
	res->seconds = now_seconds() - t0;
	return rc;
}
