/* op_org: operations of organisations (create, rename, move, merge, split, dissolve, ...) for `hoso op`. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "model/orgops.h"
#include "core/banned.h"

/* Parses the options shared by every org operation into op and meta;
 * positional arguments (the units) are joined into list. */
static int parse_args(int argc, char **argv, struct orgop *op,
		      struct op_meta *meta, struct strbuf *list,
		      struct hoso_error *err)
{
	static const struct {
		const char *flag;
		size_t off;
	} opts[] = {
		{"--parent", offsetof(struct orgop, parent)},
		{"--children-to", offsetof(struct orgop, parent)},
		{"--into", offsetof(struct orgop, target)},
		{"--members-to", offsetof(struct orgop, target)},
		{"--name", offsetof(struct orgop, name)},
		{"--code", offsetof(struct orgop, code)},
		{"--kind", offsetof(struct orgop, new_kind)},
		{"--members", offsetof(struct orgop, members)},
		{"--children", offsetof(struct orgop, children)},
	};
	op->day = day_today();
	for (int i = 2; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		size_t k;
		for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++)
			if (!strcmp(argv[i], opts[k].flag))
				break;
		if (k < sizeof(opts) / sizeof(opts[0]) && v) {
			*(const char **)((char *)op + opts[k].off) = v;
			i++;
		} else if (!strcmp(argv[i], "--effective") && v) {
			if (day_parse(v, strlen(v), &op->day))
				return hoso_err(err, HOSO_EUSAGE,
						TR("--effective: ngày không hợp lệ \"%s\" (dạng YYYY-MM-DD)",
						   "--effective: invalid date \"%s\" (YYYY-MM-DD)"),
						v);
			i++;
		} else if (!strcmp(argv[i], "--reason") && v) {
			meta->reason = v;
			i++;
		} else if (!strcmp(argv[i], "--id") && v) {
			int64_t id;
			if (parse_pos_int(v, strlen(v), ID_MAX, &id))
				return hoso_err(err, HOSO_EUSAGE,
						TR("--id: không hợp lệ: %s",
						   "--id: invalid: %s"),
						v);
			op->new_id = (int32_t)id;
			i++;
		} else if (!strcmp(argv[i], "--json")) {
			;
		} else if (argv[i][0] != '-' || !argv[i][1]) {
			if (list->len)
				strbuf_addc(list, ';');
			strbuf_adds(list, argv[i]);
		} else {
			return hoso_err(err, HOSO_EUSAGE,
					TR("tham số không rõ hoặc thiếu giá trị: %s",
					   "unknown argument or missing value: %s"),
					argv[i]);
		}
	}
	return 0;
}

static int run(struct registry *r, int argc, char **argv, struct strbuf *out,
	       struct hoso_error *err, enum orgop_kind kind,
	       const char *usage_vi, const char *usage_en)
{
	struct orgop op = {.kind = kind};
	struct op_meta meta = {.actor = getenv("USER") ? getenv("USER") : "cli",
			       .source = "cli"};
	struct strbuf list;
	int rc = -1;
	strbuf_init(&list, 1 << 20);
	if (parse_args(argc, argv, &op, &meta, &list, err))
		goto out;
	if (kind == ORGOP_UNDO) {
		int64_t seq;
		if (!list.len || strchr(list.buf, ';') ||
		    parse_pos_int(list.buf, list.len, INT64_MAX, &seq)) {
			hoso_err(err, HOSO_EUSAGE, "%s", TR(usage_vi, usage_en));
			goto out;
		}
		op.undo_seq = seq;
	} else if (kind == ORGOP_CREATE) {
		if (list.len) {
			hoso_err(err, HOSO_EUSAGE, "%s", TR(usage_vi, usage_en));
			goto out;
		}
	} else {
		if (!list.len || (kind != ORGOP_MERGE && strchr(list.buf, ';'))) {
			hoso_err(err, HOSO_EUSAGE, "%s", TR(usage_vi, usage_en));
			goto out;
		}
		op.org = list.buf;
	}
	rc = orgops_apply(r, &op, &meta, out, err) < 0 ? -1 : 0;
out:
	strbuf_release(&list);
	return rc;
}

#define OP(fn, kind, vi, en) \
	static int fn(struct registry *r, int argc, char **argv, \
		      struct strbuf *out, struct hoso_error *err) \
	{ \
		return run(r, argc, argv, out, err, kind, vi, en); \
	}

OP(op_create, ORGOP_CREATE,
   "cách dùng: hoso op org-create --parent CẤP_TRÊN --kind LOẠI --name TÊN [--code MÃ] [--id SỐ] [--effective NGÀY] [--reason LÝ_DO]",
   "usage: hoso op org-create --parent PARENT --kind KIND --name NAME [--code CODE] [--id N] [--effective DAY] [--reason WHY]")
OP(op_rename, ORGOP_RENAME,
   "cách dùng: hoso op org-rename TỔ_CHỨC --name TÊN [--effective NGÀY] [--reason LÝ_DO]",
   "usage: hoso op org-rename ORG --name NAME [--effective DAY] [--reason WHY]")
OP(op_recode, ORGOP_RECODE,
   "cách dùng: hoso op org-recode TỔ_CHỨC --code MÃ [--effective NGÀY] [--reason LÝ_DO]",
   "usage: hoso op org-recode ORG --code CODE [--effective DAY] [--reason WHY]")
OP(op_move, ORGOP_MOVE,
   "cách dùng: hoso op org-move TỔ_CHỨC --parent CẤP_TRÊN [--effective NGÀY] [--reason LÝ_DO]",
   "usage: hoso op org-move ORG --parent PARENT [--effective DAY] [--reason WHY]")
OP(op_merge, ORGOP_MERGE,
   "cách dùng: hoso op org-merge TỔ_CHỨC... --into TỔ_CHỨC_NHẬN [--effective NGÀY] [--reason LÝ_DO]",
   "usage: hoso op org-merge ORG... --into TARGET [--effective DAY] [--reason WHY]")
OP(op_split, ORGOP_SPLIT,
   "cách dùng: hoso op org-split TỔ_CHỨC --name TÊN [--code MÃ] [--kind LOẠI] [--parent CẤP_TRÊN] [--members ĐV,...] [--children TC,...] [--id SỐ] [--effective NGÀY] [--reason LÝ_DO]",
   "usage: hoso op org-split ORG --name NAME [--code CODE] [--kind KIND] [--parent PARENT] [--members M,...] [--children ORG,...] [--id N] [--effective DAY] [--reason WHY]")
OP(op_dissolve, ORGOP_DISSOLVE,
   "cách dùng: hoso op org-dissolve TỔ_CHỨC [--members-to CHI_BỘ] [--children-to TỔ_CHỨC] [--effective NGÀY] [--reason LÝ_DO]",
   "usage: hoso op org-dissolve ORG [--members-to CELL] [--children-to ORG] [--effective DAY] [--reason WHY]")
OP(op_kind, ORGOP_KIND,
   "cách dùng: hoso op org-kind TỔ_CHỨC --kind LOẠI [--parent CẤP_TRÊN] [--effective NGÀY] [--reason LÝ_DO]",
   "usage: hoso op org-kind ORG --kind KIND [--parent PARENT] [--effective DAY] [--reason WHY]")
OP(op_undo, ORGOP_UNDO,
   "cách dùng: hoso op org-undo SỐ_NGHIỆP_VỤ [--reason LÝ_DO]",
   "usage: hoso op org-undo SEQ [--reason WHY]")

const struct cli_op cli_ops_org[] = {
	{"org-create", op_create,
	 "op org-create --parent P --kind K --name N [--code C] [--id N] [--effective D] [--reason R]",
	 "lập tổ chức mới từ ngày D", "create an organisation from day D"},
	{"org-rename", op_rename,
	 "op org-rename ORG --name N [--effective D] [--reason R]",
	 "đổi tên tổ chức từ ngày D", "rename an organisation from day D"},
	{"org-recode", op_recode,
	 "op org-recode ORG --code C [--effective D] [--reason R]",
	 "đổi mã tổ chức từ ngày D (--code \"\" bỏ mã)",
	 "change an organisation's code from day D (--code \"\" removes it)"},
	{"org-move", op_move,
	 "op org-move ORG --parent P [--effective D] [--reason R]",
	 "chuyển tổ chức sang cấp trên khác từ ngày D",
	 "move an organisation under another parent from day D"},
	{"org-merge", op_merge,
	 "op org-merge ORG... --into T [--effective D] [--reason R]",
	 "hợp nhất các tổ chức vào T (đảng viên, tổ chức trực thuộc theo sang)",
	 "merge organisations into T (members and children follow)"},
	{"org-split", op_split,
	 "op org-split ORG --name N [--code C] [--kind K] [--parent P] [--members M,..] [--children O,..] [--effective D]",
	 "tách một phần tổ chức thành đơn vị mới",
	 "split part of an organisation into a new unit"},
	{"org-dissolve", op_dissolve,
	 "op org-dissolve ORG [--members-to CELL] [--children-to ORG] [--effective D] [--reason R]",
	 "giải thể tổ chức (đảng viên, tổ chức trực thuộc chuyển trong cùng nghiệp vụ)",
	 "dissolve an organisation (members and children moved in the same operation)"},
	{"org-kind", op_kind,
	 "op org-kind ORG --kind K [--parent P] [--effective D] [--reason R]",
	 "đổi loại tổ chức (chi bộ ↔ chi bộ cơ sở ...) từ ngày D",
	 "change an organisation's kind (cell <-> grassroots cell ...) from day D"},
	{"org-undo", op_undo, "op org-undo SEQ [--reason R]",
	 "hoàn tác một nghiệp vụ tổ chức bằng nghiệp vụ bù trừ",
	 "undo an organisation operation by a compensating operation"},
};
const size_t cli_n_ops_org = sizeof(cli_ops_org) / sizeof(cli_ops_org[0]);
