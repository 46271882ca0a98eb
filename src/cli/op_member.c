/* op_member: operations of a member's life (admit, recognise, exempt,
 * discipline, ...) for `hoso op`; they call model/lifecycle.h, as the
 * HTTP routes of src/api/lifecycle.c do, so both give the same result. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "model/lifecycle.h"
#include "core/banned.h"

struct op_flags {
	const char *pos;     /* the member, candidate or operation */
	const char *to, *kind, *form, *card, *step, *intro, *approval;
	const char *name, *sex, *ethnicity, *religion, *hometown, *education,
		*expertise, *theory;
	int32_t day, since, until, birth;
	int years, unfit;
};

static int parse_day_flag(const char *flag, const char *v, int32_t *out,
			  struct hoso_error *err)
{
	if (day_parse(v, strlen(v), out))
		return hoso_err(err, HOSO_EUSAGE,
				TR("%s: ngày không hợp lệ \"%s\" (dạng YYYY-MM-DD)",
				   "%s: invalid date \"%s\" (YYYY-MM-DD)"),
				flag, v);
	return 0;
}

static int parse_flags(int argc, char **argv, struct op_flags *f,
		       struct op_meta *meta, struct hoso_error *err)
{
	static const struct {
		const char *name;
		size_t off;
	} strs[] = {
#define S(n, field) {n, offsetof(struct op_flags, field)}
		S("--to", to),         S("--kind", kind),
		S("--form", form),     S("--card", card),
		S("--step", step),     S("--introducers", intro),
		S("--approval", approval), S("--name", name),
		S("--sex", sex),       S("--ethnicity", ethnicity),
		S("--religion", religion), S("--hometown", hometown),
		S("--education", education), S("--expertise", expertise),
		S("--theory-level", theory), S("--org", to),
#undef S
	};
	memset(f, 0, sizeof(*f));
	f->day = f->since = f->until = f->birth = DAY_MIN;
	for (int i = 2; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int done = 0;
		for (size_t k = 0; k < sizeof(strs) / sizeof(strs[0]); k++)
			if (!strcmp(argv[i], strs[k].name) && v) {
				*(const char **)((char *)f + strs[k].off) = v;
				i++;
				done = 1;
				break;
			}
		if (done)
			continue;
		if (!strcmp(argv[i], "--effective") && v) {
			if (parse_day_flag(argv[i], v, &f->day, err))
				return -1;
			i++;
		} else if (!strcmp(argv[i], "--since") && v) {
			if (parse_day_flag(argv[i], v, &f->since, err))
				return -1;
			i++;
		} else if (!strcmp(argv[i], "--until") && v) {
			if (parse_day_flag(argv[i], v, &f->until, err))
				return -1;
			i++;
		} else if (!strcmp(argv[i], "--birth") && v) {
			if (parse_day_flag(argv[i], v, &f->birth, err))
				return -1;
			i++;
		} else if (!strcmp(argv[i], "--years") && v) {
			int64_t y;
			if (parse_pos_int(v, strlen(v), 200, &y))
				return hoso_err(err, HOSO_EUSAGE,
						"--years: %s", v);
			f->years = (int)y;
			i++;
		} else if (!strcmp(argv[i], "--reason") && v) {
			meta->reason = v;
			i++;
		} else if (!strcmp(argv[i], "--unfit")) {
			f->unfit = 1;
		} else if (!strcmp(argv[i], "--json")) {
			;
		} else if (argv[i][0] != '-' && !f->pos) {
			f->pos = argv[i];
		} else {
			return hoso_err(err, HOSO_EUSAGE,
					TR("tham số không rõ: %s (xem: hoso op help)",
					   "unknown argument: %s (see: hoso op help)"),
					argv[i]);
		}
	}
	return 0;
}

static int parse_id(const char *s, const char *what, int64_t *out,
		    struct hoso_error *err)
{
	if (!s || parse_pos_int(s, strlen(s), ID_MAX, out))
		return hoso_err(err, HOSO_EUSAGE,
				TR("thiếu hoặc sai mã %s: %s",
				   "missing or invalid %s id: %s"),
				what, s ? s : "-");
	return 0;
}

/* An org given as id or code (codes need the read model). */
static int parse_org(struct registry *r, const char *s, int32_t day,
		     int32_t *out, struct hoso_error *err)
{
	int64_t id;
	*out = 0;
	if (!s)
		return 0;
	if (!parse_pos_int(s, strlen(s), ID_MAX, &id)) {
		*out = (int32_t)id;
		return 0;
	}
	if (registry_load_index(r, 1, err))
		return -1;
	*out = registry_resolve_org(r, s, day == DAY_MIN ? day_today() : day,
				    err);
	return *out ? 0 : -1;
}

static void cli_meta(struct op_meta *meta)
{
	meta->actor = getenv("USER") ? getenv("USER") : "cli";
	meta->source = "cli";
	meta->reason = NULL;
}

static int op_lifecycle(struct registry *r, int argc, char **argv,
			struct strbuf *out, struct hoso_error *err)
{
	struct op_flags f;
	struct op_meta meta;
	struct lc_args a;
	int k = -1;
	cli_meta(&meta);
	for (int i = 0; i < LC_KIND_COUNT; i++)
		if (!strcmp(argv[1], lc_kind_names[i]))
			k = i;
	if (k < 0 || parse_flags(argc, argv, &f, &meta, err))
		return -1;
	memset(&a, 0, sizeof(a));
	a.kind = (enum lc_kind)k;
	a.day = f.day;
	a.since = f.since;
	a.until = f.until;
	a.years = f.years;
	a.unfit = f.unfit;
	a.approval = f.approval;
	a.what = k == LC_DISCIPLINE	? f.form
		 : k == LC_CARD_ISSUE	? f.card
		 : k == LC_EXEMPT || k == LC_TEMP_TRANSFER ? f.kind
							  : NULL;
	if (k == LC_UNDO) {
		if (parse_id(f.pos, TR("nghiệp vụ", "operation"), &a.undo_seq,
			     err))
			return -1;
	} else if (parse_id(f.pos, TR("đảng viên", "member"), &a.member_id,
			    err)) {
		return -1;
	}
	if (parse_org(r, f.to, a.day, &a.org_id, err))
		return -1;
	return lifecycle_apply(r, &a, &meta, out, err) < 0 ? -1 : 0;
}

static int op_admit(struct registry *r, int argc, char **argv,
		    struct strbuf *out, struct hoso_error *err)
{
	struct op_flags f;
	struct op_meta meta;
	int64_t cand;
	cli_meta(&meta);
	if (parse_flags(argc, argv, &f, &meta, err) ||
	    parse_id(f.pos, TR("quần chúng", "candidate"), &cand, err))
		return -1;
	return lifecycle_admit(r, cand, f.day, f.approval, &meta, out, err) < 0
		       ? -1
		       : 0;
}

static int op_candidate(struct registry *r, int argc, char **argv,
			struct strbuf *out, struct hoso_error *err)
{
	struct op_flags f;
	struct op_meta meta;
	struct lc_candidate c;
	cli_meta(&meta);
	if (parse_flags(argc, argv, &f, &meta, err))
		return -1;
	memset(&c, 0, sizeof(c));
	if (parse_org(r, f.to, DAY_MIN, &c.org_id, err))
		return -1;
	c.full_name = f.name;
	c.sex = f.sex;
	c.birth = f.birth;
	c.ethnicity = f.ethnicity;
	c.religion = f.religion;
	c.hometown = f.hometown;
	c.education = f.education;
	c.expertise = f.expertise;
	c.theory_level = f.theory;
	return lifecycle_candidate_add(r, &c, &meta, out, err) < 0 ? -1 : 0;
}

static int op_candidate_step(struct registry *r, int argc, char **argv,
			     struct strbuf *out, struct hoso_error *err)
{
	struct op_flags f;
	struct op_meta meta;
	int64_t cand, i1 = 0, i2 = 0;
	cli_meta(&meta);
	if (parse_flags(argc, argv, &f, &meta, err) ||
	    parse_id(f.pos, TR("quần chúng", "candidate"), &cand, err))
		return -1;
	if (f.intro) {
		const char *comma = strchr(f.intro, ',');
		if (!comma ||
		    parse_pos_int(f.intro, (size_t)(comma - f.intro), ID_MAX,
				  &i1) ||
		    parse_pos_int(comma + 1, strlen(comma + 1), ID_MAX, &i2))
			return hoso_err(err, HOSO_EUSAGE, "%s",
					TR("--introducers A,B: hai mã đảng viên",
					   "--introducers A,B: two member ids"));
	}
	return lifecycle_candidate_step(r, cand, f.step, f.day, i1, i2,
					f.approval, &meta, out, err) < 0
		       ? -1
		       : 0;
}

#define COMMON "--effective D [--approval TEXT] [--reason R]"
const struct cli_op cli_ops_member[] = {
	{"candidate", op_candidate,
	 "op candidate --org CELL --name N --sex M|F --birth D --ethnicity E [--religion ...]",
	 "ghi nhận quần chúng ưu tú (đối tượng kết nạp)",
	 "register a candidate for admission"},
	{"candidate-step", op_candidate_step,
	 "op candidate-step CAND --step course|introducers|application|background|considered|decided [--introducers A,B] " COMMON,
	 "ghi một bước của hồ sơ kết nạp", "record a step of a candidate"},
	{"admit", op_admit, "op admit CAND " COMMON,
	 "lễ kết nạp: quần chúng thành đảng viên dự bị",
	 "admission ceremony: the candidate becomes a probationary member"},
	{"recognise", op_lifecycle, "op recognise MEMBER [--unfit] " COMMON,
	 "công nhận đảng viên chính thức (hoặc xóa tên nếu không đủ tư cách)",
	 "recognise as official (or strike off an unfit probationer)"},
	{"transfer-out", op_lifecycle,
	 "op transfer-out MEMBER [--since D] [--to CELL] " COMMON,
	 "giới thiệu chuyển sinh hoạt đảng chính thức (đang chuyển từ ngày D)",
	 "official transfer letter (in transit from day D)"},
	{"receive", op_lifecycle, "op receive MEMBER --to CELL " COMMON,
	 "tiếp nhận sinh hoạt đảng chính thức", "receive a transferred member"},
	{"temp-transfer", op_lifecycle,
	 "op temp-transfer MEMBER --to CELL --until D [--kind work|study] " COMMON,
	 "chuyển sinh hoạt đảng tạm thời", "temporary transfer"},
	{"exempt", op_lifecycle,
	 "op exempt MEMBER --kind age|health [--until D] " COMMON,
	 "miễn công tác và sinh hoạt đảng", "exemption from activity"},
	{"strike-off", op_lifecycle, "op strike-off MEMBER " COMMON,
	 "xóa tên trong danh sách đảng viên", "strike off"},
	{"discipline", op_lifecycle,
	 "op discipline MEMBER --form reprimand|warning|removal|expulsion " COMMON,
	 "kỷ luật đảng viên", "discipline"},
	{"expel", op_lifecycle, "op expel MEMBER " COMMON,
	 "khai trừ ra khỏi Đảng", "expel"},
	{"leave", op_lifecycle, "op leave MEMBER " COMMON, "ra khỏi Đảng",
	 "leave the party"},
	{"death", op_lifecycle, "op death MEMBER " COMMON, "từ trần",
	 "record a death"},
	{"readmit", op_lifecycle,
	 "op readmit MEMBER --to CELL [--since DECISION] " COMMON,
	 "kết nạp lại (một lần)", "readmit (once)"},
	{"card-issue", op_lifecycle, "op card-issue MEMBER --card NO " COMMON,
	 "phát (đổi) thẻ đảng", "issue or replace a party card"},
	{"badge-award", op_lifecycle, "op badge-award MEMBER --years N " COMMON,
	 "trao Huy hiệu Đảng", "award a party badge"},
	{"undo", op_lifecycle, "op undo SEQ [--reason R]",
	 "hủy một nghiệp vụ bằng nghiệp vụ bù trừ",
	 "undo an operation by a compensating one"},
};
const size_t cli_n_ops_member =
	sizeof(cli_ops_member) / sizeof(cli_ops_member[0]);
