/* generate: a realistic, valid, deterministic dataset of any scale. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <utf8proc.h>

#include "core/core.h"
#include "io/generate.h"
#include "model/reflist.h"

#include "core/banned.h"

/* ------------------------------------------------------------------ */
/* Random numbers: xoshiro256** seeded by splitmix64, so that a seed gives
 * the same bytes on every machine (rand() would not). */

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

/* Uniform in [0, n). */
static inline uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi]. */
static inline int32_t rng_range(struct rng *r, int32_t lo, int32_t hi)
{
	return lo + (int32_t)rng_below(r, (uint32_t)(hi - lo + 1));
}

static inline double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static inline int rng_chance(struct rng *r, double p)
{
	return rng_unit(r) < p;
}

/* ------------------------------------------------------------------ */
/* Weighted choice over a small table of {text, weight}. */

struct wtext {
	const char *s;
	double w;
};

static const char *wpick(struct rng *r, const struct wtext *t, size_t n)
{
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += t[i].w;
	double x = rng_unit(r) * sum;
	for (size_t i = 0; i < n; i++) {
		if (x < t[i].w)
			return t[i].s;
		x -= t[i].w;
	}
	return t[n - 1].s;
}
#define WPICK(r, t) wpick((r), (t), sizeof(t) / sizeof((t)[0]))
#define PICK(r, a) ((a)[rng_below((r), (uint32_t)(sizeof(a) / sizeof((a)[0])))])

/* Index into [lo, hi) of a cumulative weight array, by binary search. */
static uint32_t cum_pick(struct rng *r, const double *cum, uint32_t lo, uint32_t hi)
{
	double base = lo ? cum[lo - 1] : 0.0;
	double x = base + rng_unit(r) * (cum[hi - 1] - base);
	uint32_t a = lo, b = hi - 1;
	while (a < b) {
		uint32_t m = a + (b - a) / 2;
		if (cum[m] > x)
			b = m;
		else
			a = m + 1;
	}
	return a;
}

/* ------------------------------------------------------------------ */
/* Names of people (shares from the population; the Party is close). */

static const struct wtext family_kinh[] = {
	{"Nguyễn", 38.0}, {"Trần", 11.0}, {"Lê", 9.5}, {"Phạm", 7.0},
	{"Hoàng", 3.2},   {"Huỳnh", 2.0}, {"Phan", 4.5}, {"Vũ", 2.4},
	{"Võ", 1.6},      {"Đặng", 2.1},  {"Bùi", 2.0},  {"Đỗ", 1.4},
	{"Hồ", 1.3},      {"Ngô", 1.3},   {"Dương", 1.0}, {"Lý", 0.5},
	{"Đinh", 0.7},    {"Đào", 0.6},   {"Trương", 0.6}, {"Lương", 0.5},
	{"Mai", 0.5},     {"Hà", 0.5},    {"Tạ", 0.3},   {"Cao", 0.4},
	{"Lâm", 0.3},     {"Chu", 0.2},   {"Phùng", 0.3}, {"Tô", 0.3},
	{"Kiều", 0.1},    {"Trịnh", 0.6}, {"Đoàn", 0.5}, {"Thái", 0.2},
	{"La", 0.1},      {"Triệu", 0.2}, {"Quách", 0.1}, {"Nghiêm", 0.1},
	{"Lại", 0.2},     {"Khúc", 0.05}, {"Tăng", 0.1}, {"Lưu", 0.3},
	{"Văn", 0.15},    {"Âu", 0.05},   {"Thân", 0.1}, {"Vương", 0.15},
};
static const struct wtext middle_m[] = {
	{"Văn", 30}, {"Hữu", 8},  {"Đức", 8},  {"Minh", 8}, {"Quang", 6},
	{"Công", 5}, {"Xuân", 4}, {"Thanh", 5}, {"Ngọc", 4}, {"Đình", 5},
	{"Trọng", 3}, {"Quốc", 4}, {"Anh", 3}, {"Hoàng", 2}, {"Tuấn", 2},
	{"Mạnh", 2}, {"Bá", 2},   {"Duy", 2},  {"Tiến", 2}, {"Thế", 2},
	{"Kim", 1},  {"Hồng", 1}, {"Việt", 1}, {"Trung", 1},
};
static const struct wtext middle_f[] = {
	{"Thị", 45}, {"Ngọc", 8}, {"Thu", 6},   {"Thanh", 6}, {"Minh", 3},
	{"Kim", 4},  {"Hồng", 4}, {"Phương", 4}, {"Thúy", 3}, {"Diệu", 2},
	{"Bích", 2}, {"Mai", 2},  {"Hải", 2},   {"Khánh", 2}, {"Quỳnh", 2},
	{"Bảo", 1},  {"Thùy", 2}, {"Hoài", 1},
};
static const char *const middle_f2[] = {"Hồng", "Thu", "Thanh", "Ngọc",
					"Kim", "Minh", "Phương", "Thúy",
					"Bích", "Hải"};
static const char *const given_m[] = {
	"An",    "Anh",   "Bảo",   "Bình",  "Cường", "Chiến", "Dũng", "Duy",
	"Đạt",   "Đức",   "Dương", "Giang", "Hải",   "Hào",   "Hiếu", "Hiệp",
	"Hòa",   "Hoàng", "Hùng",  "Huy",   "Hưng",  "Khang", "Khánh", "Khoa",
	"Kiên",  "Lâm",   "Linh",  "Long",  "Lộc",   "Lợi",   "Mạnh", "Minh",
	"Nam",   "Nghĩa", "Nhân",  "Phong", "Phúc",  "Phương", "Quân", "Quang",
	"Quý",   "Sơn",   "Tài",   "Tâm",   "Tân",   "Thái",  "Thắng", "Thành",
	"Thanh", "Thịnh", "Thông", "Tiến",  "Toàn",  "Trí",   "Trung", "Trường",
	"Tuấn",  "Tùng",  "Việt",  "Vinh",  "Vũ",    "Hậu",   "Tú",   "Khải",
	"Lực",   "Thuận", "Định",  "Hiển",  "Tình",  "Châu",  "Sang", "Tư",
};
static const char *const given_f[] = {
	"An",    "Anh",   "Ánh",   "Bích",  "Chi",   "Dung",  "Duyên", "Giang",
	"Hà",    "Hạnh",  "Hằng",  "Hiền",  "Hoa",   "Hồng",  "Huệ",   "Hương",
	"Huyền", "Lan",   "Liên",  "Linh",  "Loan",  "Mai",   "Ngân",  "Ngọc",
	"Nhung", "Nga",   "Nhàn",  "Oanh",  "Phương", "Quyên", "Quỳnh", "Tâm",
	"Thảo",  "Thơ",   "Thu",   "Thủy",  "Thúy",  "Trang", "Trinh", "Tuyết",
	"Uyên",  "Vân",   "Yến",   "Xuân",  "Lý",    "My",    "Nương", "Hạnh",
	"Thư",   "Vy",    "Diệp",  "Hậu",   "Lệ",    "Nhi",   "Trâm",  "Ly",
};
/* Family names of some minorities, where the Kinh ones would look odd. */
static const char *const family_hmong[] = {"Giàng", "Vàng", "Sùng", "Thào",
					   "Lý",    "Hạng", "Mùa",  "Lầu"};
static const char *const given_hmong_m[] = {"Pó", "Páo", "Chứ", "Sính",
					    "Dính", "Sáng", "Pao", "Tủa",
					    "Chúng", "Lử"};
static const char *const given_hmong_f[] = {"Mỷ", "Dợ", "Mai", "Sùa",
					    "Pằng", "Chớ", "Máy", "Xua"};
static const char *const family_thai[] = {"Lò", "Lường", "Cầm", "Quàng",
					  "Tòng", "Vi", "Lù", "Hà"};
static const char *const family_tay[] = {"Hoàng", "Nông", "Lương", "Triệu",
					 "Ma", "Lục", "Hà", "Vi", "Lành"};
static const char *const family_dao[] = {"Bàn", "Triệu", "Đặng", "Lý",
					 "Chảo"};
static const char *const family_muong[] = {"Bùi", "Đinh", "Quách", "Hà",
					   "Xa", "Bạch"};
static const char *const family_khmer[] = {"Thạch", "Sơn", "Danh", "Kim",
					   "Lâm", "Châu", "Trà"};

/* The 54 groups in the order of ethnic_names, with a weight (population
 * share, 2019 census, parts per million) and where they mostly live: N the
 * northern mountains, H the highlands and central mountains, S the south. */
static const double ethnic_w[ETHNIC_COUNT] = {
	853000, 19200, 18600, 15200, 14900, 13700, 10800, 9300, 7800, 5300,
	4100,   3000,  2100,  1900,  2100,  2200,  1900,  1500, 1500, 1300,
	900,    1000,  950,   980,   760,   700,   540,   520,  660,  430,
	300,    300,   260,   240,   180,   160,   170,   130,  120,  110,
	90,     70,    10,    77,    49,    46,    43,    26,   27,   10,
	10,     5,     5,     4,
};
static const char ethnic_region[ETHNIC_COUNT + 1] =
	"-NNNNSNNSHHHNSHHNHHHNHNHHNHHHHSNNHNNNNNNNNNNNNNNNNNHHN";

static const char *const religions[] = {"Phật giáo", "Công giáo", "Cao Đài",
					"Phật giáo Hòa Hảo", "Tin Lành",
					"Hồi giáo"};
static const double religion_w[] = {3.4, 1.8, 0.35, 0.25, 0.25, 0.03};

/* ------------------------------------------------------------------ */
/* Names of places and units. */

static const char *const syl[] = {
	"An",    "Bình",  "Châu",  "Đông",  "Hòa",   "Hưng",  "Long",  "Phú",
	"Thạnh", "Tân",   "Thành", "Mỹ",    "Phước", "Lộc",   "Thuận", "Xuân",
	"Hải",   "Sơn",   "Hà",    "Tiến",  "Kim",   "Lâm",   "Vĩnh",  "Trà",
	"Cát",   "Đại",   "Quang", "Minh",  "Tây",   "Nam",   "Bắc",   "Trung",
	"Gia",   "Lợi",   "Thái",  "Hội",   "Khánh", "Tường", "Yên",   "Định",
	"Điền",  "Tú",    "Mai",   "Vân",   "Phong", "Thịnh", "Cẩm",   "Lập",
	"Hậu",   "Ninh",  "Hiệp",  "Thủy",  "Lạc",   "Nghĩa", "Quý",   "Trường",
};
static const char *const depts[] = {
	"Tổ chức cán bộ",  "Kế hoạch - Tài chính", "Tổ chức, Hành chính",
	"Văn phòng",       "Pháp chế",             "Kỹ thuật",
	"Thanh tra",       "Nghiên cứu",           "Đào tạo",
	"Công nghệ thông tin", "Kế toán",          "Nhân sự",
	"Kinh doanh",      "Truyền thông",         "Dự án",
	"Hợp tác quốc tế", "Kế hoạch, Đầu tư",     "Quản trị",
};
static const char *const wards_med[] = {
	"Nội", "Ngoại", "Sản", "Nhi", "Dược", "Hồi sức cấp cứu", "Xét nghiệm",
	"Chẩn đoán hình ảnh", "Khám bệnh", "Truyền nhiễm", "Y học cổ truyền",
};
static const char *const faculties[] = {
	"Toán", "Ngữ văn", "Lịch sử", "Điện - Điện tử", "Cơ khí", "Kinh tế",
	"Ngoại ngữ", "Công nghệ thông tin", "Hóa học", "Vật lý", "Luật",
};
static const char *const countries[] = {
	"Lào", "Campuchia", "Trung Quốc", "Nhật Bản", "Hàn Quốc", "Liên bang Nga",
	"Pháp", "Đức", "Hoa Kỳ", "Ô-xtrây-li-a", "Thái Lan", "Xin-ga-po",
	"Cu-ba", "Ấn Độ", "Anh", "Ca-na-đa",
};

/* What a grassroots organisation is; picks the names of its cells. */
enum unit_type {
	UT_COMMUNE, UT_WARD, UT_TOWN, UT_AGENCY, UT_SCHOOL, UT_HOSPITAL,
	UT_COMPANY, UT_INSTITUTE, UT_ARMY, UT_OVERSEAS, UT_COUNT
};

/* Role in the 2025 reorganisation. */
enum org_role {
	R_NONE = 0,
	R_CENTRAL_BLOC, /* ends 2025-02-01, units to four new committees */
	R_PROV_BLOC,    /* provincial bloc committee, ends 2025-02-01 */
	R_PROV_NEW,     /* its successors from 2025-02-01 */
	R_DISTRICT,     /* district committee, ends 2025-07-01 */
	R_PROVINCE,
};

/* ------------------------------------------------------------------ */
/* Scales (workload.md). */

struct scale {
	const char *name;
	int national_shape; /* provinces with districts; else blocs only */
	int nprov;          /* provinces (national shape) or provincial blocs */
	int ncentral;       /* central blocs */
	int prov_blocs;     /* bloc committees per province (national shape) */
	int districts;      /* district committees in all */
	int central_uppers; /* upper committees under central blocs */
	uint32_t grassroots, cells, members;
};

static const struct scale scales[] = {
	{"tiny", 1, 6, 2, 1, 10, 0, 52, 190, 2000},
	{"seed", 0, 63, 1, 0, 0, 0, 4560, 25500, 330000},
	{"national", 1, 63, 5, 2, 544, 30, 52000, 280000, 6300000},
};

/* The six provinces of the tiny shape: two of them merge in 2025. */
static const char *const tiny_provinces[] = {"Hà Nội",   "Tuyên Quang",
					     "Hà Giang", "Cao Bằng",
					     "Bắc Kạn",  "Thái Nguyên"};

/* 1 July 2025: {absorbed, survivor} (Nghị quyết 202/2025/QH15). */
static const char *const province_merges[][2] = {
	{"Hà Giang", "Tuyên Quang"},   {"Yên Bái", "Lào Cai"},
	{"Bắc Kạn", "Thái Nguyên"},    {"Vĩnh Phúc", "Phú Thọ"},
	{"Hòa Bình", "Phú Thọ"},       {"Bắc Giang", "Bắc Ninh"},
	{"Thái Bình", "Hưng Yên"},     {"Hải Dương", "Hải Phòng"},
	{"Hà Nam", "Ninh Bình"},       {"Nam Định", "Ninh Bình"},
	{"Quảng Bình", "Quảng Trị"},   {"Quảng Nam", "Đà Nẵng"},
	{"Kon Tum", "Quảng Ngãi"},     {"Bình Định", "Gia Lai"},
	{"Ninh Thuận", "Khánh Hòa"},   {"Đắk Nông", "Lâm Đồng"},
	{"Bình Thuận", "Lâm Đồng"},    {"Phú Yên", "Đắk Lắk"},
	{"Bình Dương", "Hồ Chí Minh"}, {"Bà Rịa - Vũng Tàu", "Hồ Chí Minh"},
	{"Bình Phước", "Đồng Nai"},    {"Long An", "Tây Ninh"},
	{"Sóc Trăng", "Cần Thơ"},      {"Hậu Giang", "Cần Thơ"},
	{"Bến Tre", "Vĩnh Long"},      {"Trà Vinh", "Vĩnh Long"},
	{"Tiền Giang", "Đồng Tháp"},   {"Bạc Liêu", "Cà Mau"},
	{"Kiên Giang", "An Giang"},
};

static const char *const region_n[] = {
	"Hà Giang", "Cao Bằng", "Bắc Kạn", "Tuyên Quang", "Lào Cai",
	"Điện Biên", "Lai Châu", "Sơn La", "Yên Bái", "Hòa Bình",
	"Thái Nguyên", "Lạng Sơn", "Bắc Giang", "Phú Thọ", "Thanh Hóa",
	"Nghệ An",
};
static const char *const region_h[] = {
	"Kon Tum", "Gia Lai", "Đắk Lắk", "Đắk Nông", "Lâm Đồng", "Quảng Nam",
	"Quảng Ngãi", "Quảng Trị", "Bình Phước", "Ninh Thuận",
};
static const char *const region_s[] = {
	"Trà Vinh", "Sóc Trăng", "Kiên Giang", "An Giang", "Bạc Liêu",
	"Cà Mau", "Hồ Chí Minh",
};

#define CENTRAL_PROV 64 /* prov of units outside any province */
#define NPROV63 63      /* the provinces before 2025 (Huế excluded) */

static int province_index(const char *name)
{
	for (int i = 0; i < PROVINCE_COUNT; i++)
		if (strcmp(province_names[i], name) == 0)
			return i;
	return -1;
}

static int is_city(int prov)
{
	return prov >= 0 && prov < 5; /* the five centrally governed cities */
}

/* ------------------------------------------------------------------ */
/* String arena: names and codes of every organisation version. */

struct arena {
	char *buf;
	size_t len, alloc;
};

static uint32_t arena_add(struct arena *a, const char *s, size_t n)
{
	ALLOC_GROW(a->buf, a->len + n + 1, a->alloc);
	uint32_t off = (uint32_t)a->len;
	memcpy(a->buf + a->len, s, n);
	a->buf[a->len + n] = '\0';
	a->len += n + 1;
	return off;
}

static uint32_t arena_addf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static uint32_t arena_addf(struct arena *a, const char *fmt, ...)
{
	char tmp[ORG_NAME_MAX_BYTES];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(tmp))
		n = (int)sizeof(tmp) - 1;
	return arena_add(a, tmp, (size_t)n);
}

/* ------------------------------------------------------------------ */
/* The organisations, simulated day by day through their history. */

struct gorg {
	int32_t parent, first_child, next_sib, prev_sib;
	int32_t born;     /* first day (DAY_MIN: since ever) */
	int32_t died;     /* first day no longer (DAY_MAX: alive) */
	int32_t cur_from; /* first day of the current version */
	int32_t succ;     /* where its members go when it ends */
	uint32_t name, code;
	uint32_t cnt[4]; /* children numbered so far, per code letter */
	float weight;    /* relative size, for placing members */
	uint8_t kind, role, type, sub;
	uint8_t prov; /* province index, CENTRAL_PROV outside provinces */
};

struct gversion {
	int32_t id, parent, from, to;
	uint32_t name, code;
	uint8_t kind;
};

struct gen {
	const struct scale *sc;
	struct rng rng;
	struct arena ar;
	struct gorg *orgs; /* indexed by id; [0] unused */
	uint32_t norgs, aorgs;
	struct gversion *vers;
	size_t nvers, avers;
	int32_t prov_org[PROVINCE_COUNT];
	int32_t prov_bloc[PROVINCE_COUNT][2];
	int32_t prov_new[PROVINCE_COUNT][2];
	int32_t central_new[4];
	uint32_t first_grassroots, end_grassroots; /* initial id ranges */
	uint32_t first_cell, end_cell;
	uint32_t first_upperlevel, end_upperlevel;
	char region[CENTRAL_PROV + 1]; /* per province: N, H, S or O */
};

enum code_letter { CL_H = 0, CL_G, CL_B, CL_C };
static const char code_letters[] = "HGBC";

#define D2010 day_from_ymd(2010, 1, 1)
#define DEND day_from_ymd(2025, 12, 31) /* last day of the history */

static void org_link(struct gen *g, int32_t id, int32_t parent)
{
	struct gorg *o = &g->orgs[id];
	o->parent = parent;
	o->prev_sib = 0;
	o->next_sib = 0;
	if (!parent)
		return;
	struct gorg *p = &g->orgs[parent];
	o->next_sib = p->first_child;
	if (p->first_child)
		g->orgs[p->first_child].prev_sib = id;
	p->first_child = id;
}

static void org_unlink(struct gen *g, int32_t id)
{
	struct gorg *o = &g->orgs[id];
	if (!o->parent)
		return;
	if (o->prev_sib)
		g->orgs[o->prev_sib].next_sib = o->next_sib;
	else
		g->orgs[o->parent].first_child = o->next_sib;
	if (o->next_sib)
		g->orgs[o->next_sib].prev_sib = o->prev_sib;
	o->parent = o->prev_sib = o->next_sib = 0;
}

static uint32_t make_code(struct gen *g, int32_t parent, enum code_letter l)
{
	struct gorg *p = &g->orgs[parent];
	uint32_t n = ++p->cnt[l];
	if (p->kind == KIND_PARTY)
		return arena_addf(&g->ar, "%c%02u", l == CL_H ? 'T' : 'K', n);
	return arena_addf(&g->ar, "%s.%c%u", g->ar.buf + p->code, code_letters[l], n);
}

static int32_t org_new(struct gen *g, int32_t parent, int kind, int32_t day,
		       uint32_t name, uint32_t code)
{
	ALLOC_GROW(g->orgs, g->norgs + 1, g->aorgs);
	int32_t id = (int32_t)g->norgs++;
	struct gorg *o = &g->orgs[id];
	memset(o, 0, sizeof(*o));
	o->kind = (uint8_t)kind;
	o->born = o->cur_from = day;
	o->died = DAY_MAX;
	o->name = name;
	o->code = code;
	o->weight = 1.0f;
	o->prov = parent ? g->orgs[parent].prov : CENTRAL_PROV;
	o->type = parent ? g->orgs[parent].type : UT_AGENCY;
	org_link(g, id, parent);
	return id;
}

static void version_push(struct gen *g, int32_t id, int32_t to)
{
	struct gorg *o = &g->orgs[id];
	ALLOC_GROW(g->vers, g->nvers + 1, g->avers);
	struct gversion *v = &g->vers[g->nvers++];
	v->id = id;
	v->parent = o->parent;
	v->from = o->cur_from;
	v->to = to;
	v->name = o->name;
	v->code = o->code;
	v->kind = o->kind;
}

/* From day on, the organisation sits under parent with name. A change on
 * the day its current version began edits that version, so no version is
 * ever empty. */
static void org_change(struct gen *g, int32_t id, int32_t day, int32_t parent,
		       uint32_t name)
{
	struct gorg *o = &g->orgs[id];
	if (o->parent == parent && o->name == name)
		return;
	if (o->cur_from != day) {
		version_push(g, id, day);
		o->cur_from = day;
	}
	if (o->parent != parent) {
		org_unlink(g, id);
		org_link(g, id, parent);
	}
	o->name = name;
}

/* The organisation ends on day; its children must have been moved. */
static void org_end(struct gen *g, int32_t id, int32_t day, int32_t succ)
{
	struct gorg *o = &g->orgs[id];
	if (o->cur_from != day)
		version_push(g, id, day);
	org_unlink(g, id);
	o->died = day;
	o->succ = succ;
}

static int alive(const struct gen *g, int32_t id)
{
	return g->orgs[id].died == DAY_MAX;
}

/* ------------------------------------------------------------------ */
/* Names of organisations. */

static void place_name(struct rng *r, char *out, size_t n)
{
	const char *a = PICK(r, syl), *b = PICK(r, syl);
	while (b == a)
		b = PICK(r, syl);
	snprintf(out, n, "%s %s", a, b);
}

static uint32_t grassroots_name(struct gen *g, int type, int kind, int prov,
				int32_t parent)
{
	const struct gorg *po = &g->orgs[parent];
	const char *level = po->role == R_DISTRICT ?
				    (po->type == UT_WARD ? "quận" : "huyện") :
			    prov < NPROV63 ? "tỉnh" : "Trung ương";
	struct rng *r = &g->rng;
	char p[64];
	place_name(r, p, sizeof(p));
	int committee = kind == KIND_GRASSROOTS;
	const char *lead = committee ? "Đảng bộ" : "Chi bộ";
	switch (type) {
	case UT_COMMUNE:
		if (prov < NPROV63 && g->region[prov] == 'N' && rng_chance(r, 0.2))
			return arena_addf(&g->ar, "%s xã vùng cao %s", lead, p);
		return arena_addf(&g->ar, "%s xã %s", lead, p);
	case UT_WARD:
		return arena_addf(&g->ar, "%s phường %s", lead, p);
	case UT_TOWN:
		return arena_addf(&g->ar, "%s thị trấn %s", lead, p);
	case UT_SCHOOL: {
		static const char *const s_cell[] = {"Trường Tiểu học",
						     "Trường THCS", "Trường THPT",
						     "Trường Mầm non"};
		static const char *const s_com[] = {"Trường Cao đẳng",
						    "Trường Đại học",
						    "Trường THPT chuyên"};
		return arena_addf(&g->ar, "%s %s %s", lead,
				  committee ? PICK(r, s_com) : PICK(r, s_cell), p);
	}
	case UT_HOSPITAL:
		return arena_addf(&g->ar, "%s %s %s", lead,
				  committee ? "Bệnh viện Đa khoa" : "Trung tâm Y tế", p);
	case UT_COMPANY: {
		static const char *const c_cell[] = {"Công ty TNHH", "Ngân hàng",
						     "Chi cục Thuế",
						     "Ban Quản lý dự án",
						     "Hợp tác xã"};
		static const char *const c_com[] = {"Công ty", "Công ty Cổ phần",
						    "Tổng công ty", "Công ty Xây dựng"};
		return arena_addf(&g->ar, "%s %s %s", lead,
				  committee ? PICK(r, c_com) : PICK(r, c_cell), p);
	}
	case UT_INSTITUTE: {
		static const char *const i_all[] = {"Viện", "Cục", "Tổng cục",
						    "Báo", "Học viện", "Vụ"};
		return arena_addf(&g->ar, "%s %s %s", lead, PICK(r, i_all), p);
	}
	case UT_ARMY:
		return arena_addf(&g->ar, "%s %s %u", lead,
				  committee ? "Trung đoàn" : "Tiểu đoàn",
				  rng_range(r, 1, 999));
	case UT_OVERSEAS:
		return arena_addf(&g->ar, "%s Đại sứ quán Việt Nam tại %s", lead,
				  PICK(r, countries));
	default: {
		static const char *const a_com[] = {
			"Công an", "Quân sự", "Cơ quan Ủy ban nhân dân",
			"Cơ quan Hội đồng nhân dân", "Bộ đội Biên phòng"};
		static const char *const a_cell[] = {
			"Phòng Tài nguyên và Môi trường", "Phòng Giáo dục",
			"Phòng Nội vụ", "Phòng Tư pháp", "Kho bạc Nhà nước",
			"Trung tâm Văn hóa", "Hội Nông dân", "Liên đoàn Lao động"};
		if (committee)
			return arena_addf(&g->ar, "%s %s %s", lead, PICK(r, a_com),
					  level);
		return arena_addf(&g->ar, "%s %s %s", lead, PICK(r, a_cell), p);
	}
	}
}

/* The n-th entry of a list from a per-parent offset: siblings numbered
 * in turn get different names. */
#define ROT(a, n, salt) ((a)[((n) + (salt)) % (sizeof(a) / sizeof((a)[0]))])

static uint32_t cell_name(struct gen *g, int type, int prov, uint32_t n,
			  uint32_t salt)
{
	struct rng *r = &g->rng;
	char p[64];
	place_name(r, p, sizeof(p));
	switch (type) {
	case UT_COMMUNE:
	case UT_TOWN: {
		double x = rng_unit(r);
		if (x < 0.65) {
			const char *v = "thôn";
			char reg = prov < NPROV63 ? g->region[prov] : 'O';
			if (reg == 'N' && rng_chance(r, 0.5))
				v = "bản";
			else if ((reg == 'S' || prov >= 46) && prov < NPROV63)
				v = "ấp";
			else if (rng_chance(r, 0.3))
				v = "xóm";
			return arena_addf(&g->ar, "Chi bộ %s %s", v, p);
		}
		static const char *const fixed[] = {
			"Trạm Y tế", "Trường Tiểu học", "Trường THCS",
			"Trường Mầm non", "Công an xã", "Quân sự xã",
			"Cơ quan Đảng ủy - HĐND - UBND", "Hợp tác xã"};
		const char *f = ROT(fixed, n, salt);
		if (strcmp(f, "Hợp tác xã") == 0)
			return arena_addf(&g->ar, "Chi bộ %s %s", f, p);
		return arena_addf(&g->ar, "Chi bộ %s", f);
	}
	case UT_WARD:
		if (rng_chance(r, 0.1))
			return arena_addf(&g->ar, "Chi bộ Công an phường");
		return arena_addf(&g->ar, "Chi bộ %s %u",
				  rng_chance(r, 0.5) ? "Khu phố" :
				  rng_chance(r, 0.5) ? "Tổ dân phố số" :
						       "Khu dân cư số",
				  n);
	case UT_HOSPITAL:
		if (rng_chance(r, 0.15))
			return arena_addf(&g->ar, "Chi bộ Phòng %s", ROT(depts, n, salt));
		return arena_addf(&g->ar, "Chi bộ Khoa %s", ROT(wards_med, n, salt));
	case UT_SCHOOL:
		if (rng_chance(r, 0.2))
			return arena_addf(&g->ar, "Chi bộ Phòng %s", ROT(depts, n, salt));
		return arena_addf(&g->ar, "Chi bộ Khoa %s", ROT(faculties, n, salt));
	case UT_COMPANY:
		if (rng_chance(r, 0.35))
			return arena_addf(&g->ar, "Chi bộ Phân xưởng %u", n);
		if (rng_chance(r, 0.3))
			return arena_addf(&g->ar, "Chi bộ Chi nhánh %s", p);
		return arena_addf(&g->ar, "Chi bộ Phòng %s", ROT(depts, n, salt));
	case UT_ARMY:
		return arena_addf(&g->ar, "Chi bộ Đại đội %u", n);
	case UT_OVERSEAS:
		return arena_addf(&g->ar, "Chi bộ Tổ %u", n);
	default:
		return arena_addf(&g->ar, "Chi bộ Phòng %s", ROT(depts, n, salt));
	}
}

/* ------------------------------------------------------------------ */
/* The tree as it stood before 2010 (every version "since ever"). */

static int32_t add_grassroots_parent(int32_t **arr, double **w, size_t *n,
				     size_t *alloc, int32_t id, double weight)
{
	size_t a1 = *alloc;
	ALLOC_GROW(*arr, *n + 1, a1);
	size_t a2 = *alloc;
	ALLOC_GROW(*w, *n + 1, a2);
	*alloc = a1;
	(*arr)[*n] = id;
	(*w)[*n] = weight;
	(*n)++;
	return id;
}

static void build_tree(struct gen *g)
{
	const struct scale *sc = g->sc;
	struct rng *r = &g->rng;
	int32_t root = org_new(g, 0, KIND_PARTY, DAY_MIN,
			       arena_addf(&g->ar, "Ban Chấp hành Trung ương Đảng"),
			       arena_addf(&g->ar, "TW"));
	/* Candidate parents of grassroots organisations, with weights. */
	int32_t *gp = NULL;
	double *gw = NULL;
	size_t ngp = 0, agp = 0;
	int provs[PROVINCE_COUNT];
	double pw[PROVINCE_COUNT], pwsum = 0;
	int nprov = sc->nprov;

	for (int i = 0; i < nprov; i++) {
		provs[i] = sc->nprov == 6 ? province_index(tiny_provinces[i]) : i;
		int p = provs[i];
		pw[i] = (0.7 + 0.6 * rng_unit(r)) *
			(p <= 1 ? 4.0 : (p == 2 || p == 28 || p == 29) ? 2.0 : 1.0);
		pwsum += pw[i];
	}
	g->first_upperlevel = g->norgs;
	if (sc->national_shape) {
		for (int i = 0; i < nprov; i++) {
			int p = provs[i];
			int32_t id = org_new(g, root, KIND_PROVINCE, DAY_MIN,
					     arena_addf(&g->ar, "%s %s",
							is_city(p) ? "Thành ủy" : "Tỉnh ủy",
							province_names[p]),
					     make_code(g, root, CL_H));
			g->orgs[id].prov = (uint8_t)p;
			g->orgs[id].role = R_PROVINCE;
			g->orgs[id].type = UT_AGENCY;
			g->prov_org[p] = id;
		}
	}
	static const char *const central[][2] = {
		{"Đảng ủy Khối các cơ quan Trung ương", "i"},
		{"Đảng ủy Khối Doanh nghiệp Trung ương", "c"},
		{"Đảng bộ Quân đội nhân dân Việt Nam", "a"},
		{"Đảng bộ Công an nhân dân Việt Nam", "g"},
		{"Đảng bộ Ngoài nước", "o"},
	};
	int32_t central_ids[5] = {0};
	for (int i = 0; i < sc->ncentral; i++) {
		int32_t id = org_new(g, root, KIND_BLOC, DAY_MIN,
				     arena_addf(&g->ar, "%s", central[i][0]),
				     make_code(g, root, CL_G));
		struct gorg *o = &g->orgs[id];
		o->role = i < 2 ? R_CENTRAL_BLOC : R_NONE;
		char t = central[i][1][0];
		o->type = t == 'i' ? UT_INSTITUTE : t == 'c' ? UT_COMPANY :
			  t == 'a' ? UT_ARMY : t == 'g' ? UT_AGENCY : UT_OVERSEAS;
		central_ids[i] = id;
		static const double share[5] = {0.3, 0.3, 0.25, 0.1, 0.05};
		double w = sc->national_shape ? 0.06 * pwsum * share[i] :
						0.08 * pwsum;
		add_grassroots_parent(&gp, &gw, &ngp, &agp, id, w);
	}
	if (!sc->national_shape) {
		/* Seed shape: the 63 provincial agencies' blocs under the root. */
		for (int i = 0; i < nprov; i++) {
			int p = provs[i];
			int32_t id = org_new(g, root, KIND_BLOC, DAY_MIN,
					     arena_addf(&g->ar, "Đảng ủy Khối các cơ quan %s %s",
							is_city(p) ? "thành phố" : "tỉnh",
							province_names[p]),
					     make_code(g, root, CL_G));
			struct gorg *o = &g->orgs[id];
			o->prov = (uint8_t)p;
			o->role = R_PROV_BLOC;
			o->type = UT_AGENCY;
			g->prov_bloc[p][0] = id;
			add_grassroots_parent(&gp, &gw, &ngp, &agp, id, pw[i]);
		}
	} else {
		/* Provincial blocs, then district committees. */
		for (int i = 0; i < nprov; i++) {
			int p = provs[i];
			int32_t pid = g->prov_org[p];
			for (int b = 0; b < sc->prov_blocs; b++) {
				int32_t id = org_new(g, pid, KIND_UPPER, DAY_MIN,
						     arena_addf(&g->ar, "Đảng ủy Khối %s %s %s",
								b == 0 ? "các cơ quan" : "Doanh nghiệp",
								is_city(p) ? "thành phố" : "tỉnh",
								province_names[p]),
						     make_code(g, pid, CL_H));
				g->orgs[id].role = R_PROV_BLOC;
				g->orgs[id].sub = (uint8_t)b;
				g->orgs[id].type = b == 0 ? UT_AGENCY : UT_COMPANY;
				g->prov_bloc[p][b] = id;
				add_grassroots_parent(&gp, &gw, &ngp, &agp, id,
						      pw[i] * (b == 0 ? 0.072 : 0.048));
			}
			add_grassroots_parent(&gp, &gw, &ngp, &agp, pid, pw[i] * 0.03);
		}
		/* Districts: at least one per province, the rest by weight. */
		int *nd = xcalloc((size_t)nprov, sizeof(int));
		int left = sc->districts - nprov;
		for (int i = 0; i < nprov; i++)
			nd[i] = 1;
		double *cum = xmalloc((size_t)nprov * sizeof(double));
		double acc = 0;
		for (int i = 0; i < nprov; i++)
			cum[i] = acc += pw[i];
		for (int k = 0; k < left; k++)
			nd[cum_pick(r, cum, 0, (uint32_t)nprov)]++;
		free(cum);
		for (int i = 0; i < nprov; i++) {
			int p = provs[i];
			int32_t pid = g->prov_org[p];
			for (int k = 0; k < nd[i]; k++) {
				char pl[64];
				place_name(r, pl, sizeof(pl));
				const char *lead = "Huyện ủy";
				int type = UT_COMMUNE;
				double x = rng_unit(r);
				if (is_city(p) && x < 0.6) {
					lead = "Quận ủy";
					type = UT_WARD;
				} else if (x < 0.1) {
					lead = "Thị ủy";
					type = UT_TOWN;
				} else if (x < 0.16) {
					lead = "Thành ủy";
					type = UT_WARD;
				}
				int32_t id = org_new(g, pid, KIND_UPPER, DAY_MIN,
						     arena_addf(&g->ar, "%s %s", lead, pl),
						     make_code(g, pid, CL_H));
				g->orgs[id].role = R_DISTRICT;
				g->orgs[id].type = (uint8_t)type;
				add_grassroots_parent(&gp, &gw, &ngp, &agp, id,
						      pw[i] * 0.85 / nd[i]);
			}
		}
		free(nd);
		/* Upper committees of big central units. */
		for (int k = 0; k < sc->central_uppers; k++) {
			int ci = k % 4;
			int32_t cid = central_ids[ci];
			char pl[64];
			place_name(r, pl, sizeof(pl));
			static const char *const lead[] = {
				"Đảng ủy Bộ", "Đảng ủy Tập đoàn", "Đảng ủy Quân khu",
				"Đảng ủy Cục"};
			int32_t id = org_new(g, cid, KIND_UPPER, DAY_MIN,
					     arena_addf(&g->ar, "%s %s", lead[ci], pl),
					     make_code(g, cid, CL_H));
			double w = 0;
			for (size_t j = 0; j < ngp; j++)
				if (gp[j] == cid)
					w = gw[j] / 2;
			add_grassroots_parent(&gp, &gw, &ngp, &agp, id, w);
		}
	}
	g->end_upperlevel = g->norgs;

	/* Grassroots organisations. */
	double *cum = xmalloc(ngp * sizeof(double));
	double acc = 0;
	for (size_t i = 0; i < ngp; i++)
		cum[i] = acc += gw[i];
	g->first_grassroots = g->norgs;
	for (uint32_t k = 0; k < sc->grassroots; k++) {
		int32_t pid = gp[cum_pick(r, cum, 0, (uint32_t)ngp)];
		struct gorg *po = &g->orgs[pid];
		int type = po->type;
		if (type == UT_COMMUNE || type == UT_WARD || type == UT_TOWN) {
			double x = rng_unit(r);
			if (x < 0.2)
				type = UT_AGENCY;
			else if (x < 0.35)
				type = UT_SCHOOL;
			else if (x < 0.4)
				type = UT_HOSPITAL;
			else if (x < 0.5)
				type = UT_COMPANY;
			else if (type == UT_WARD && rng_chance(r, 0.25))
				type = UT_COMMUNE;
		} else if (type == UT_AGENCY && po->role == R_PROV_BLOC) {
			double x = rng_unit(r);
			type = x < 0.5 ? UT_AGENCY : x < 0.7 ? UT_SCHOOL :
			       x < 0.85 ? UT_HOSPITAL : UT_INSTITUTE;
		}
		static const double p_cell[UT_COUNT] = {0.08, 0.1, 0.1, 0.4, 0.7,
							0.3,  0.45, 0.35, 0.3, 0.85};
		int kind = rng_chance(r, p_cell[type]) ? KIND_GRASSROOTS_CELL :
							 KIND_GRASSROOTS;
		int32_t id = org_new(g, pid, kind, DAY_MIN,
				     grassroots_name(g, type, kind, po->prov, pid),
				     make_code(g, pid, CL_G));
		struct gorg *o = &g->orgs[id];
		o->type = (uint8_t)type;
		o->weight = (float)(kind == KIND_GRASSROOTS_CELL ?
					    0.6 + 0.5 * rng_unit(r) :
				    (type <= UT_TOWN ? 2.5 : 1.0) *
					    (0.3 + 2.0 * rng_unit(r) * rng_unit(r)));
	}
	g->end_grassroots = g->norgs;
	free(cum);
	free(gp);
	free(gw);

	/* Cells: one per committee at least, the rest by the committee's
	 * weight; big committees get sub-committees. */
	uint32_t ng = g->end_grassroots - g->first_grassroots;
	uint32_t *ncell = xcalloc(ng, sizeof(uint32_t));
	double *ccum = xmalloc(ng * sizeof(double));
	acc = 0;
	uint32_t ncom = 0;
	for (uint32_t i = 0; i < ng; i++) {
		struct gorg *o = &g->orgs[g->first_grassroots + i];
		if (o->kind == KIND_GRASSROOTS) {
			ncell[i] = 1;
			ncom++;
			acc += o->weight;
		}
		ccum[i] = acc;
	}
	for (uint32_t k = ncom; k < sc->cells; k++)
		ncell[cum_pick(r, ccum, 0, ng)]++;
	free(ccum);
	int32_t *sub_first = xcalloc(ng, sizeof(int32_t));
	uint8_t *nsub = xcalloc(ng, 1);
	for (uint32_t i = 0; i < ng; i++) {
		if (ncell[i] < 14 || !rng_chance(r, 0.5))
			continue;
		int32_t gid = (int32_t)(g->first_grassroots + i);
		nsub[i] = (uint8_t)rng_range(r, 2, 4);
		for (int s = 0; s < nsub[i]; s++) {
			/* "Đảng bộ xã X" -> "Đảng bộ bộ phận xã X 1". The
			 * arena may move: format before anything else grows it. */
			static const char lead[] = "Đảng bộ ";
			const char *gname = g->ar.buf + g->orgs[gid].name;
			size_t skip = strncmp(gname, lead, sizeof(lead) - 1) == 0 ?
					      sizeof(lead) - 1 : 0;
			uint32_t name = arena_addf(&g->ar, "Đảng bộ bộ phận %s %d",
						   g->ar.buf + g->orgs[gid].name + skip,
						   s + 1);
			uint32_t code = make_code(g, gid, CL_B);
			int32_t id = org_new(g, gid, KIND_SUB_COMMITTEE, DAY_MIN,
					     name, code);
			if (s == 0)
				sub_first[i] = id;
		}
	}
	g->first_cell = g->norgs;
	for (uint32_t i = 0; i < ng; i++) {
		int32_t gid = (int32_t)(g->first_grassroots + i);
		for (uint32_t c = 0; c < ncell[i]; c++) {
			int32_t pid = gid;
			if (nsub[i] && rng_chance(r, 0.6))
				pid = sub_first[i] + (int32_t)rng_below(r, nsub[i]);
			int type = g->orgs[gid].type;
			uint32_t seq = g->orgs[pid].cnt[CL_C] + 1;
			uint32_t name = cell_name(g, type, g->orgs[gid].prov, seq,
						  (uint32_t)pid);
			uint32_t code = make_code(g, pid, CL_C);
			int32_t id = org_new(g, pid, KIND_CELL, DAY_MIN, name, code);
			g->orgs[id].type = (uint8_t)type;
			g->orgs[id].weight = (float)((type <= UT_TOWN ? 1.3 : 1.0) *
						     (0.4 + 1.8 * rng_unit(r)));
		}
	}
	g->end_cell = g->norgs;
	free(ncell);
	free(sub_first);
	free(nsub);
}

/* ------------------------------------------------------------------ */
/* Everyday reorganisation, 2010-2024. */

enum ev_type {
	EV_CELL_RENAME, EV_CELL_MOVE, EV_CELL_END, EV_GR_RENAME, EV_GR_MOVE,
	EV_GR_MERGE, EV_NEW_CELL, EV_NEW_GR, EV_COUNT
};

struct event {
	int32_t day;
	uint32_t seq;
	uint8_t type;
	int32_t subject;
};

static int event_cmp(const void *a, const void *b)
{
	const struct event *x = a, *y = b;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* A live organisation holding members other than id, for its members to go
 * to when it ends: a sibling if there is one. */
static int32_t member_successor(struct gen *g, int32_t id)
{
	struct rng *r = &g->rng;
	int32_t cand[64];
	int n = 0;
	for (int32_t c = g->orgs[g->orgs[id].parent].first_child; c && n < 64;
	     c = g->orgs[c].next_sib)
		if (c != id && org_kind_holds_members(g->orgs[c].kind))
			cand[n++] = c;
	if (n)
		return cand[rng_below(r, (uint32_t)n)];
	for (int t = 0; t < 100000; t++) {
		int32_t c = (int32_t)(g->first_grassroots +
				      rng_below(r, g->norgs - g->first_grassroots));
		if (c != id && alive(g, c) && org_kind_holds_members(g->orgs[c].kind))
			return c;
	}
	return 0;
}

static void apply_event(struct gen *g, const struct event *e)
{
	struct rng *r = &g->rng;
	int32_t id = e->subject;
	int32_t day = e->day;
	struct gorg *o = id ? &g->orgs[id] : NULL;
	if (o && (!alive(g, id) || o->born >= day))
		return;
	switch (e->type) {
	case EV_CELL_RENAME:
	case EV_GR_RENAME: {
		uint32_t name;
		if (o->kind == KIND_CELL)
			name = cell_name(g, o->type, o->prov, o->cnt[CL_C] + 1 + rng_below(r, 5), (uint32_t)id);
		else
			name = grassroots_name(g, o->type, o->kind, o->prov, o->parent);
		if (rng_chance(r, 0.3))
			name = arena_addf(&g->ar, "%s (mới)", g->ar.buf + o->name);
		org_change(g, id, day, o->parent, name);
		break;
	}
	case EV_CELL_MOVE: {
		/* To another grassroots committee of the same upper level, or
		 * between a committee and its sub-committees. */
		int32_t par = o->parent, gpar = g->orgs[par].parent;
		int32_t cand[256];
		int n = 0;
		if (g->orgs[par].kind == KIND_SUB_COMMITTEE) {
			cand[n++] = gpar;
			for (int32_t c = g->orgs[gpar].first_child; c && n < 256;
			     c = g->orgs[c].next_sib)
				if (c != par && g->orgs[c].kind == KIND_SUB_COMMITTEE)
					cand[n++] = c;
		} else {
			for (int32_t c = g->orgs[par].first_child; c && n < 256;
			     c = g->orgs[c].next_sib)
				if (g->orgs[c].kind == KIND_SUB_COMMITTEE)
					cand[n++] = c;
			for (int32_t c = g->orgs[gpar].first_child; c && n < 256;
			     c = g->orgs[c].next_sib)
				if (c != par && g->orgs[c].kind == KIND_GRASSROOTS)
					cand[n++] = c;
		}
		if (!n)
			return;
		org_change(g, id, day, cand[rng_below(r, (uint32_t)n)], o->name);
		break;
	}
	case EV_GR_MOVE: {
		int32_t par = o->parent, gpar = g->orgs[par].parent;
		if (!gpar)
			return;
		int32_t cand[256];
		int n = 0;
		for (int32_t c = g->orgs[gpar].first_child; c && n < 256;
		     c = g->orgs[c].next_sib)
			if (c != par && g->orgs[c].kind == g->orgs[par].kind &&
			    g->orgs[c].role != R_PROVINCE)
				cand[n++] = c;
		if (!n)
			return;
		org_change(g, id, day, cand[rng_below(r, (uint32_t)n)], o->name);
		break;
	}
	case EV_CELL_END: {
		if (o->cur_from == day)
			return;
		int32_t s = member_successor(g, id);
		if (s)
			org_end(g, id, day, s);
		break;
	}
	case EV_GR_MERGE: {
		if (o->cur_from == day)
			return;
		if (o->kind == KIND_GRASSROOTS_CELL) {
			int32_t s = member_successor(g, id);
			if (s)
				org_end(g, id, day, s);
			return;
		}
		int32_t cand[64];
		int n = 0;
		for (int32_t c = g->orgs[o->parent].first_child; c && n < 64;
		     c = g->orgs[c].next_sib)
			if (c != id && g->orgs[c].kind == KIND_GRASSROOTS)
				cand[n++] = c;
		if (!n)
			return;
		int32_t t = cand[rng_below(r, (uint32_t)n)];
		while (o->first_child)
			org_change(g, o->first_child, day, t,
				   g->orgs[o->first_child].name);
		org_end(g, id, day, 0);
		break;
	}
	case EV_NEW_CELL: {
		int32_t par = 0;
		for (int t = 0; t < 1000 && !par; t++) {
			int32_t c = (int32_t)(g->first_grassroots +
					      rng_below(r, g->end_grassroots - g->first_grassroots));
			if (alive(g, c) && g->orgs[c].kind == KIND_GRASSROOTS)
				par = c;
		}
		if (!par)
			return;
		struct gorg *po = &g->orgs[par];
		uint32_t name = cell_name(g, po->type, po->prov, po->cnt[CL_C] + 1, (uint32_t)par);
		int32_t nid = org_new(g, par, KIND_CELL, day, name,
				      make_code(g, par, CL_C));
		g->orgs[nid].weight = (float)(0.4 + 1.2 * rng_unit(r));
		break;
	}
	case EV_NEW_GR: {
		int32_t par = 0;
		for (int t = 0; t < 1000 && !par; t++) {
			int32_t c = (int32_t)(g->first_upperlevel +
					      rng_below(r, g->end_upperlevel - g->first_upperlevel));
			int k = g->orgs[c].kind;
			if (alive(g, c) && (k == KIND_UPPER || k == KIND_BLOC))
				par = c;
		}
		if (!par)
			return;
		struct gorg *po = &g->orgs[par];
		int type = po->type <= UT_TOWN ? UT_SCHOOL : po->type;
		int32_t nid = org_new(g, par, KIND_GRASSROOTS_CELL, day,
				      grassroots_name(g, type, KIND_GRASSROOTS_CELL, po->prov, par),
				      make_code(g, par, CL_G));
		g->orgs[nid].type = (uint8_t)type;
		g->orgs[nid].weight = (float)(0.5 + 0.5 * rng_unit(r));
		break;
	}
	default:
		break;
	}
}

static void everyday_events(struct gen *g)
{
	struct rng *r = &g->rng;
	uint32_t ncell = g->end_cell - g->first_cell;
	uint32_t ngr = g->end_grassroots - g->first_grassroots;
	/* Shares of the initial units touched over the 15 years. */
	const double rate[EV_COUNT] = {0.03, 0.02, 0.04, 0.02, 0.015, 0.012,
				       0.04, 0.015};
	uint32_t n[EV_COUNT];
	size_t total = 0;
	for (int t = 0; t < EV_COUNT; t++) {
		uint32_t base = (t <= EV_CELL_END || t == EV_NEW_CELL) ? ncell : ngr;
		n[t] = (uint32_t)(rate[t] * base + 0.5);
		total += n[t];
	}
	struct event *ev = xmalloc((total + 1) * sizeof(*ev));
	size_t k = 0;
	int32_t lo = D2010 + 1, hi = day_from_ymd(2024, 12, 31);
	for (int t = 0; t < EV_COUNT; t++)
		for (uint32_t i = 0; i < n[t]; i++) {
			struct event *e = &ev[k];
			e->day = rng_range(r, lo, hi);
			e->seq = (uint32_t)k;
			e->type = (uint8_t)t;
			if (t <= EV_CELL_END)
				e->subject = (int32_t)(g->first_cell + rng_below(r, ncell));
			else if (t <= EV_GR_MERGE)
				e->subject = (int32_t)(g->first_grassroots + rng_below(r, ngr));
			else
				e->subject = 0;
			k++;
		}
	qsort(ev, k, sizeof(*ev), event_cmp);

	/* 2019: a province merges its enterprises bloc into its agencies
	 * bloc (domain.md). */
	int32_t d2019 = day_from_ymd(2019, 10, 1);
	int merged2019 = 0;
	for (size_t i = 0; i < k; i++) {
		if (!merged2019 && ev[i].day >= d2019) {
			merged2019 = 1;
			int p = province_index("Thanh Hóa");
			int32_t cq = g->prov_bloc[p][0], dn = g->prov_bloc[p][1];
			if (cq && dn && alive(g, cq) && alive(g, dn)) {
				struct gorg *o = &g->orgs[dn];
				while (o->first_child)
					org_change(g, o->first_child, d2019, cq,
						   g->orgs[o->first_child].name);
				org_end(g, dn, d2019, 0);
				g->prov_bloc[p][1] = 0;
				org_change(g, cq, d2019, g->orgs[cq].parent,
					   arena_addf(&g->ar, "Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh %s",
						      province_names[p]));
			}
		}
		apply_event(g, &ev[i]);
	}
	free(ev);
}

/* ------------------------------------------------------------------ */
/* 2025. */

/* Move every child of from to a parent chosen by pick (may be the same for
 * all), then end from. */
static void dissolve_into(struct gen *g, int32_t from, int32_t day,
			  const int32_t *targets, int ntargets)
{
	struct gorg *o = &g->orgs[from];
	while (o->first_child) {
		int32_t c = o->first_child;
		int32_t t = targets[ntargets > 1 ? rng_below(&g->rng, (uint32_t)ntargets) : 0];
		org_change(g, c, day, t, g->orgs[c].name);
	}
	org_end(g, from, day, 0);
}

static void reorganise_2025(struct gen *g)
{
	const struct scale *sc = g->sc;
	int32_t feb = day_from_ymd(2025, 2, 1), jul = day_from_ymd(2025, 7, 1);
	int32_t nov = day_from_ymd(2025, 11, 11);
	int32_t root = 1;

	/* Thừa Thiên Huế becomes the city of Huế. */
	int hue = province_index("Thừa Thiên Huế");
	if (g->prov_org[hue])
		org_change(g, g->prov_org[hue], day_from_ymd(2025, 1, 1), root,
			   arena_addf(&g->ar, "Thành ủy Huế"));

	/* 1 February: the central blocs give way to four committees. */
	static const char *const newc[4] = {
		"Đảng bộ các cơ quan Đảng Trung ương", "Đảng bộ Chính phủ",
		"Đảng bộ Quốc hội",
		"Đảng bộ Mặt trận Tổ quốc và các đoàn thể Trung ương"};
	int32_t cb[8];
	int ncb = 0;
	for (int32_t c = g->orgs[root].first_child; c; c = g->orgs[c].next_sib)
		if (g->orgs[c].role == R_CENTRAL_BLOC && ncb < 8)
			cb[ncb++] = c;
	if (ncb) {
		for (int i = 0; i < 4; i++) {
			int32_t id = org_new(g, root, KIND_BLOC, feb,
					     arena_addf(&g->ar, "%s", newc[i]),
					     make_code(g, root, CL_G));
			g->orgs[id].type = i == 1 ? UT_COMPANY : UT_INSTITUTE;
			g->central_new[i] = id;
		}
		/* Sort for determinism: the child list order is. */
		for (int i = 0; i < ncb; i++) {
			int is_enterprise = g->orgs[cb[i]].type == UT_COMPANY;
			if (is_enterprise)
				dissolve_into(g, cb[i], feb, &g->central_new[1], 1);
			else
				dissolve_into(g, cb[i], feb, g->central_new, 4);
		}
	}
	/* Provinces replace their blocs by two committees. */
	for (int p = 0; p < NPROV63; p++) {
		int32_t b0 = g->prov_bloc[p][0], b1 = g->prov_bloc[p][1];
		if (!b0 || !alive(g, b0))
			continue;
		int32_t par = g->orgs[b0].parent;
		int kind = g->orgs[b0].kind;
		const char *lvl = is_city(p) ? "thành phố" : "tỉnh";
		for (int k = 0; k < 2; k++) {
			int32_t id = org_new(g, par, kind, feb,
					     arena_addf(&g->ar, k == 0 ?
							"Đảng bộ các cơ quan Đảng %s %s" :
							"Đảng bộ Ủy ban nhân dân %s %s",
							lvl, province_names[p]),
					     make_code(g, par, kind == KIND_BLOC ? CL_G : CL_H));
			g->orgs[id].role = R_PROV_NEW;
			g->orgs[id].sub = (uint8_t)k;
			g->orgs[id].prov = (uint8_t)p;
			g->orgs[id].type = k == 0 ? UT_AGENCY : UT_COMPANY;
			g->prov_new[p][k] = id;
		}
		dissolve_into(g, b0, feb, g->prov_new[p], 2);
		if (b1 && alive(g, b1))
			dissolve_into(g, b1, feb, &g->prov_new[p][1], 1);
	}

	/* 1 July: 63 provinces become 34, district committees end. */
	int32_t survivor[PROVINCE_COUNT];
	for (int p = 0; p < PROVINCE_COUNT; p++)
		survivor[p] = p;
	for (size_t i = 0; i < sizeof(province_merges) / sizeof(province_merges[0]); i++) {
		int a = province_index(province_merges[i][0]);
		int s = province_index(province_merges[i][1]);
		int present = sc->national_shape ? g->prov_org[a] && g->prov_org[s] :
						   g->prov_new[a][0] && g->prov_new[s][0];
		if (present)
			survivor[a] = s;
	}
	if (sc->national_shape) {
		for (int p = 0; p < NPROV63; p++) {
			int32_t pid = g->prov_org[p];
			if (!pid)
				continue;
			int32_t target = g->prov_org[survivor[p]];
			/* Districts of the province first. */
			int32_t c = g->orgs[pid].first_child;
			while (c) {
				int32_t next = g->orgs[c].next_sib;
				if (g->orgs[c].role == R_DISTRICT) {
					dissolve_into(g, c, jul, &target, 1);
					next = g->orgs[pid].first_child;
				}
				c = next;
			}
		}
		/* Districts under central units (none) or moved: any left. */
		for (int p = 0; p < NPROV63; p++) {
			if (survivor[p] == p || !g->prov_org[p])
				continue;
			int s = survivor[p];
			int32_t pid = g->prov_org[p];
			int32_t target = g->prov_org[s];
			for (int k = 0; k < 2; k++)
				if (g->prov_new[p][k])
					dissolve_into(g, g->prov_new[p][k], jul,
						      g->prov_new[s][k] ? &g->prov_new[s][k] :
									  &target, 1);
			dissolve_into(g, pid, jul, &target, 1);
		}
	} else {
		for (int p = 0; p < NPROV63; p++) {
			if (survivor[p] == p)
				continue;
			int s = survivor[p];
			for (int k = 0; k < 2; k++)
				if (g->prov_new[p][k])
					dissolve_into(g, g->prov_new[p][k], jul,
						      &g->prov_new[s][k], 1);
		}
	}

	/* 11 November: units of state enterprises move from the Government's
	 * committee to three ministries' committees. */
	int32_t gov = g->central_new[1];
	if (gov) {
		static const char *const mins[3] = {"Đảng ủy Bộ Tài chính",
						    "Đảng ủy Bộ Công Thương",
						    "Đảng ủy Bộ Xây dựng"};
		int32_t m[3];
		for (int i = 0; i < 3; i++) {
			m[i] = org_new(g, gov, KIND_UPPER, nov,
				       arena_addf(&g->ar, "%s", mins[i]),
				       make_code(g, gov, CL_H));
			g->orgs[m[i]].type = UT_COMPANY;
		}
		int moved = 0;
		int32_t c = g->orgs[gov].first_child;
		while (c && moved < 30) {
			int32_t next = g->orgs[c].next_sib;
			if (g->orgs[c].kind == KIND_GRASSROOTS && g->orgs[c].type == UT_COMPANY) {
				org_change(g, c, nov, m[moved % 3], g->orgs[c].name);
				moved++;
			}
			c = next;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Buffered CSV output. */

#define OUT_BUF (1 << 20)

struct out {
	FILE *f;
	char *buf;
	size_t len;
	int failed;
};

static void out_flush(struct out *o)
{
	if (o->len && fwrite(o->buf, 1, o->len, o->f) != o->len)
		o->failed = 1;
	o->len = 0;
}

static inline void out_mem(struct out *o, const char *s, size_t n)
{
	if (o->len + n > OUT_BUF)
		out_flush(o);
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static inline void out_c(struct out *o, char c)
{
	if (o->len + 1 > OUT_BUF)
		out_flush(o);
	o->buf[o->len++] = c;
}

static void out_s(struct out *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

/* A CSV field, quoted when it holds a comma, quote or line break. */
static void out_field(struct out *o, const char *s)
{
	size_t n = strlen(s);
	if (!strpbrk(s, ",\"\r\n")) {
		out_mem(o, s, n);
		return;
	}
	out_c(o, '"');
	for (; *s; s++) {
		if (*s == '"')
			out_c(o, '"');
		out_c(o, *s);
	}
	out_c(o, '"');
}

static void out_u(struct out *o, uint64_t v)
{
	char tmp[24];
	int i = 24;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	out_mem(o, tmp + i, (size_t)(24 - i));
}

/* Dates of 1930..2030 formatted once: members.csv holds millions. */
#define DCACHE_FIRST day_from_ymd(1930, 1, 1)
#define DCACHE_DAYS (101 * 366)
static char (*dcache)[10];
static int32_t dcache_first;

static void out_day(struct out *o, int32_t d)
{
	if (d == DAY_MIN || d == DAY_MAX)
		return;
	uint32_t i = (uint32_t)(d - dcache_first);
	if (i < DCACHE_DAYS) {
		out_mem(o, dcache[i], 10);
		return;
	}
	char tmp[11];
	day_format(d, tmp);
	out_mem(o, tmp, 10);
}

static int out_open(struct out *o, const char *dir, const char *name,
		    struct hoso_error *err)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	o->f = fopen(path, "wb");
	o->len = 0;
	o->failed = 0;
	o->buf = NULL;
	if (!o->f)
		return hoso_err(err, HOSO_EIO, TR("không ghi được %s: %s",
						  "cannot write %s: %s"),
				path, strerror(errno));
	o->buf = xmalloc(OUT_BUF);
	return 0;
}

static int out_close(struct out *o, const char *name, struct hoso_error *err)
{
	int rc = 0;
	if (!o->f)
		return 0;
	out_flush(o);
	if (fclose(o->f) != 0)
		o->failed = 1;
	o->f = NULL;
	FREE_AND_NULL(o->buf);
	if (o->failed)
		rc = hoso_err(err, HOSO_EIO, TR("lỗi ghi %s", "write error on %s"),
			      name);
	return rc;
}

/* NFD of s (a few rows of tiny data come as a Windows keyboard types). */
static void out_field_nfd(struct out *o, const char *s)
{
	utf8proc_uint8_t *d = utf8proc_NFD((const utf8proc_uint8_t *)s);
	out_field(o, d ? (const char *)d : s);
	free(d);
}

/* ------------------------------------------------------------------ */
/* orgs.csv */

static int version_cmp(const void *a, const void *b)
{
	const struct gversion *x = a, *y = b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->from < y->from ? -1 : x->from > y->from;
}

static int write_orgs(struct gen *g, const char *dir, int tiny,
		      struct hoso_error *err)
{
	for (uint32_t id = 1; id < g->norgs; id++)
		if (alive(g, (int32_t)id))
			version_push(g, (int32_t)id, DAY_MAX);
	qsort(g->vers, g->nvers, sizeof(*g->vers), version_cmp);
	struct out o;
	if (out_open(&o, dir, "orgs.csv", err))
		return -1;
	out_s(&o, "id,parent_id,kind,code,name,valid_from,valid_to\n");
	for (size_t i = 0; i < g->nvers; i++) {
		const struct gversion *v = &g->vers[i];
		out_u(&o, (uint64_t)v->id);
		out_c(&o, ',');
		if (v->parent)
			out_u(&o, (uint64_t)v->parent);
		out_c(&o, ',');
		out_s(&o, org_kind_names[v->kind]);
		out_c(&o, ',');
		/* Tiny data keeps one cell without a code, as real data has. */
		if (!(tiny && v->id == (int32_t)g->first_cell + 7))
			out_field(&o, g->ar.buf + v->code);
		out_c(&o, ',');
		if (tiny && v->id % 41 == 5)
			out_field_nfd(&o, g->ar.buf + v->name);
		else
			out_field(&o, g->ar.buf + v->name);
		out_c(&o, ',');
		out_day(&o, v->from);
		out_c(&o, ',');
		out_day(&o, v->to);
		out_c(&o, '\n');
	}
	return out_close(&o, "orgs.csv", err);
}

/* ------------------------------------------------------------------ */
/* members.csv and placements.csv, one member at a time. */

struct mh { /* organisations that hold members, grouped by province */
	int32_t *ids;
	double *cum;
	uint32_t n;
	uint32_t lo[CENTRAL_PROV + 2]; /* group p is [lo[p], lo[p+1]) */
};

static void mh_build(struct gen *g, struct mh *m)
{
	uint32_t count[CENTRAL_PROV + 1] = {0};
	m->n = 0;
	for (uint32_t id = 1; id < g->norgs; id++)
		if (org_kind_holds_members(g->orgs[id].kind)) {
			count[g->orgs[id].prov]++;
			m->n++;
		}
	m->ids = xmalloc(m->n * sizeof(int32_t));
	m->cum = xmalloc(m->n * sizeof(double));
	uint32_t pos[CENTRAL_PROV + 1];
	uint32_t acc = 0;
	for (int p = 0; p <= CENTRAL_PROV; p++) {
		m->lo[p] = pos[p] = acc;
		acc += count[p];
	}
	m->lo[CENTRAL_PROV + 1] = acc;
	for (uint32_t id = 1; id < g->norgs; id++)
		if (org_kind_holds_members(g->orgs[id].kind))
			m->ids[pos[g->orgs[id].prov]++] = (int32_t)id;
	double c = 0;
	for (uint32_t i = 0; i < m->n; i++)
		m->cum[i] = c += g->orgs[m->ids[i]].weight;
}

/* An organisation holding members, alive on day, not avoid; prov >= 0
 * keeps to that province when it can. One that ended before day hands over
 * to its successor, as its members did. */
static int32_t mh_pick(struct gen *g, struct mh *m, struct rng *r,
		       int32_t day, int prov, int32_t avoid)
{
	for (int t = 0; t < 200; t++) {
		uint32_t lo = 0, hi = m->n;
		if (prov >= 0 && t < 50 && m->lo[prov] < m->lo[prov + 1]) {
			lo = m->lo[prov];
			hi = m->lo[prov + 1];
		}
		int32_t id = m->ids[cum_pick(r, m->cum, lo, hi)];
		if (g->orgs[id].born > day)
			continue;
		while (g->orgs[id].died <= day)
			id = g->orgs[id].succ;
		if (id != avoid)
			return id;
	}
	for (uint32_t i = 0; i < m->n; i++) {
		int32_t id = m->ids[i];
		if (g->orgs[id].born <= day && g->orgs[id].died > day && id != avoid)
			return id;
	}
	return 0;
}

struct mstats {
	uint64_t members, placements, movers, ended, active;
};

static double birth_w(int y)
{
	if (y < 1945)
		return 0.3 + 0.07 * (y - 1935);
	if (y < 1955)
		return 1.1;
	if (y < 2000)
		return 1.6;
	if (y < 2004)
		return 1.3;
	return 0.6 - 0.12 * (y - 2004);
}

static int pick_ethnic(struct rng *r, char region, const double *cumn,
		       const double *cumh, const double *cums, const double *cumo)
{
	double pk = region == 'N' ? 0.66 : region == 'H' ? 0.8 :
		    region == 'S' ? 0.88 : region == 'C' ? 0.95 : 0.99;
	if (rng_chance(r, pk))
		return 0;
	const double *cum = region == 'N' ? cumn : region == 'H' ? cumh :
			    region == 'S' ? cums : cumo;
	return 1 + (int)cum_pick(r, cum, 0, ETHNIC_COUNT - 1);
}

static size_t build_name(struct rng *r, int eth, int female, char *out, size_t max)
{
	const char *fam, *mid, *mid2 = NULL, *giv;
	fam = WPICK(r, family_kinh);
	mid = female ? WPICK(r, middle_f) : WPICK(r, middle_m);
	giv = female ? PICK(r, given_f) : PICK(r, given_m);
	if (female && strcmp(mid, "Thị") == 0 && rng_chance(r, 0.18))
		mid2 = PICK(r, middle_f2);
	switch (eth) {
	case 4: /* H'Mông */
		fam = PICK(r, family_hmong);
		mid = female ? "Thị" : "A";
		giv = female ? PICK(r, given_hmong_f) : PICK(r, given_hmong_m);
		mid2 = NULL;
		break;
	case 2: /* Thái */
		fam = PICK(r, family_thai);
		break;
	case 1: /* Tày */
	case 6: /* Nùng */
		fam = PICK(r, family_tay);
		break;
	case 7: /* Dao */
		fam = PICK(r, family_dao);
		break;
	case 3: /* Mường */
		fam = PICK(r, family_muong);
		break;
	case 5: /* Khmer */
		fam = PICK(r, family_khmer);
		break;
	default:
		break;
	}
	int n;
	if (mid2)
		n = snprintf(out, max, "%s %s %s %s", fam, mid, mid2, giv);
	else
		n = snprintf(out, max, "%s %s %s", fam, mid, giv);
	return n < 0 ? 0 : (size_t)n;
}

static const char *education(struct rng *r, int by)
{
	double x = rng_unit(r);
	if (by < 1962)
		return x < 0.5 ? "10/10" : x < 0.65 ? "7/10" : x < 0.75 ? "9/10" : "12/12";
	if (by < 1976)
		return x < 0.3 ? "10/10" : x < 0.85 ? "12/12" : x < 0.95 ? "9/12" : "8/10";
	return x < 0.88 ? "12/12" : x < 0.95 ? "9/12" : x < 0.98 ? "11/12" : "10/12";
}

static int expertise_pick(struct rng *r, int by)
{
	static const double young[EXP_COUNT] = {11, 10, 10, 55, 12, 2};
	static const double old[EXP_COUNT] = {25, 22, 10, 35, 6, 2};
	const double *w = by >= 1975 ? young : old;
	double x = rng_unit(r) * 100;
	for (int i = 0; i < EXP_COUNT; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return EXP_BACHELOR;
}

static int theory_pick(struct rng *r, int by)
{
	static const double young[TH_COUNT] = {35, 55, 8, 1.5, 0.5};
	static const double old[TH_COUNT] = {14, 45, 29, 9, 3};
	const double *w = by >= 1993 ? young : old;
	double x = rng_unit(r) * 100;
	for (int i = 0; i < TH_COUNT; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return TH_ELEMENTARY;
}

static void write_placement(struct out *o, uint32_t mid, int32_t org,
			    int32_t from, int32_t to)
{
	out_u(o, mid);
	out_c(o, ',');
	out_u(o, (uint64_t)org);
	out_c(o, ',');
	out_day(o, from);
	out_c(o, ',');
	out_day(o, to);
	out_c(o, '\n');
}

static int write_members(struct gen *g, const struct generate_opts *opts,
			 int tiny, struct mstats *st, struct hoso_error *err)
{
	struct mh m;
	struct out om, op;
	struct progress pr;
	int rc = -1;
	struct rng rr;
	rng_seed(&rr, opts->seed ^ 0x6d656d6265727321ULL);
	struct rng *r = &rr;
	memset(&om, 0, sizeof(om));
	memset(&op, 0, sizeof(op));
	mh_build(g, &m);

	double bcum[2007 - 1935 + 1], acc = 0;
	for (int y = 1935; y <= 2007; y++)
		bcum[y - 1935] = acc += birth_w(y);
	double cumn[ETHNIC_COUNT - 1], cumh[ETHNIC_COUNT - 1],
		cums[ETHNIC_COUNT - 1], cumo[ETHNIC_COUNT - 1];
	double an = 0, ah = 0, as = 0, ao = 0;
	for (int i = 1; i < ETHNIC_COUNT; i++) {
		char t = ethnic_region[i];
		an += ethnic_w[i] * (t == 'N' ? 30 : 1);
		ah += ethnic_w[i] * (t == 'H' ? 30 : 1);
		as += ethnic_w[i] * (t == 'S' ? 30 : 1);
		ao += ethnic_w[i];
		cumn[i - 1] = an;
		cumh[i - 1] = ah;
		cums[i - 1] = as;
		cumo[i - 1] = ao;
	}
	uint64_t card_off = splitmix64(&(uint64_t){opts->seed}) % 90000000ULL;
	int32_t d2010 = D2010, dend = DEND;

	if (out_open(&om, opts->out_dir, "members.csv", err) ||
	    out_open(&op, opts->out_dir, "placements.csv", err))
		goto out;
	out_s(&om, "id,card_no,full_name,sex,birth_date,ethnicity,religion,"
		   "hometown,education,expertise,theory_level,admitted_on,"
		   "official_on,status,ended_on,org_id\n");
	out_s(&op, "member_id,org_id,valid_from,valid_to\n");
	progress_start(&pr, TR("Sinh đảng viên", "Generating members"),
		       g->sc->members, opts->quiet);

	for (uint32_t id = 1; id <= g->sc->members; id++) {
		/* Birth and admission. */
		int by = 1935 + (int)cum_pick(r, bcum, 0, 2007 - 1935 + 1);
		int32_t birth = day_from_ymd(by, 1, 1) +
				(int32_t)rng_below(r, is_leap_year(by) ? 366 : 365);
		int32_t adult = day_add_years(birth, 18);
		double mean = rng_chance(r, 0.6) ? 6.0 : 14.0;
		int32_t off = (int32_t)(-log(1.0 - rng_unit(r)) * mean * 365.25);
		if (off > 42 * 365)
			off = (int32_t)rng_below(r, 42 * 365);
		int32_t adm = adult + off;
		if (adm > dend)
			adm = adult + (int32_t)rng_below(r, (uint32_t)(dend - adult + 1));
		int32_t official = day_add_years(adm, 1) + (int32_t)rng_below(r, 60);

		/* End of membership. */
		int status = ST_OFFICIAL;
		int32_t ended = DAY_MAX;
		double pdead = by < 1945 ? 0.4 : by < 1955 ? 0.17 : by < 1965 ? 0.06 :
			       by < 1980 ? 0.025 : 0.008;
		double pleft = by >= 1985 ? 0.045 : 0.03, pexp = 0.006;
		double x = rng_unit(r);
		if (x < pdead + pleft + pexp) {
			status = x < pdead ? ST_DECEASED : x < pdead + pleft ? ST_LEFT :
									    ST_EXPELLED;
			int32_t lo = adm + 1 > d2010 ? adm + 1 : d2010;
			if (status == ST_EXPELLED && official + 1 > lo)
				lo = official + 1;
			if (lo <= dend)
				ended = rng_range(r, lo, dend);
			else
				status = ST_OFFICIAL;
		}
		if (official > dend || (ended != DAY_MAX && official >= ended)) {
			official = DAY_MAX;
			if (status == ST_OFFICIAL)
				status = ST_PROBATIONARY;
			else if (status == ST_EXPELLED)
				status = ST_LEFT;
		}

		/* Where: a cell alive on admission, then its successors and
		 * a move or two. */
		int prov = -1;
		int32_t org = mh_pick(g, &m, r, adm, -1, 0);
		prov = g->orgs[org].prov;
		int nmoves = 0;
		int32_t move_day[2];
		int32_t mlo = adm + 30 > d2010 ? adm + 30 : d2010;
		int32_t mhi = ended != DAY_MAX ? ended - 1 : dend;
		if (mlo < mhi && rng_chance(r, 0.065)) {
			nmoves = rng_chance(r, 0.15) ? 2 : 1;
			move_day[0] = rng_range(r, mlo, mhi);
			if (nmoves == 2) {
				move_day[1] = rng_range(r, mlo, mhi);
				if (move_day[1] == move_day[0])
					nmoves = 1;
				else if (move_day[1] < move_day[0]) {
					int32_t t = move_day[0];
					move_day[0] = move_day[1];
					move_day[1] = t;
				}
			}
		}
		int32_t from = adm;
		int mi = 0, moved = 0;
		for (;;) {
			int32_t t = g->orgs[org].died;
			int voluntary = 0;
			if (mi < nmoves && move_day[mi] < t) {
				t = move_day[mi];
				voluntary = 1;
			}
			if (t >= ended) {
				write_placement(&op, id, org, from, ended);
				st->placements++;
				break;
			}
			/* A unit that ended the day the member arrived hands
			 * over at once: no empty placement. */
			if (t > from) {
				write_placement(&op, id, org, from, t);
				st->placements++;
				moved = 1;
			}
			if (voluntary) {
				mi++;
				org = mh_pick(g, &m, r, t,
					      rng_chance(r, 0.7) ? prov : -1, org);
			} else {
				org = g->orgs[org].succ;
			}
			from = t;
		}
		st->movers += (uint64_t)moved;

		/* The person. */
		int female = rng_chance(r, 0.37);
		char region = prov < NPROV63 ? g->region[prov] : 'C';
		int eth = pick_ethnic(r, region, cumn, cumh, cums, cumo);
		char name[NAME_MAX_BYTES];
		build_name(r, eth, female, name, sizeof(name));
		const char *religion = "";
		x = rng_unit(r) * 100;
		for (size_t i = 0; i < sizeof(religion_w) / sizeof(religion_w[0]); i++) {
			if (x < religion_w[i]) {
				religion = religions[i];
				break;
			}
			x -= religion_w[i];
		}
		if (eth == 5 && rng_chance(r, 0.6)) /* Khmer: Theravada */
			religion = religions[0];
		const char *hometown = "";
		x = rng_unit(r);
		if (x < 0.65 && prov < NPROV63)
			hometown = province_names[prov];
		else if (x < 0.97)
			hometown = province_names[rng_below(r, NPROV63)];

		out_u(&om, id);
		out_c(&om, ',');
		if (official != DAY_MAX)
			out_u(&om, 10000000ULL +
					   ((uint64_t)id * 7919ULL + card_off) % 90000000ULL);
		out_c(&om, ',');
		if (tiny && id % 97 == 13)
			out_field_nfd(&om, name);
		else if (tiny && id % 701 == 300) {
			char odd[NAME_MAX_BYTES + 16];
			snprintf(odd, sizeof(odd), "%s, con", name);
			out_field(&om, odd);
		} else if (tiny && id % 701 == 600) {
			char odd[NAME_MAX_BYTES + 16];
			const char *sp = strchr(name, ' ');
			snprintf(odd, sizeof(odd), "%.*s \"Út\"%s",
				 (int)(sp ? sp - name : 0), name, sp ? sp : "");
			out_field(&om, odd);
		} else
			out_field(&om, name);
		out_c(&om, ',');
		out_c(&om, female ? 'F' : 'M');
		out_c(&om, ',');
		out_day(&om, birth);
		out_c(&om, ',');
		out_field(&om, ethnic_names[eth][0]);
		out_c(&om, ',');
		out_s(&om, religion);
		out_c(&om, ',');
		out_s(&om, hometown);
		out_c(&om, ',');
		out_s(&om, education(r, by));
		out_c(&om, ',');
		out_s(&om, expertise_names[expertise_pick(r, by)]);
		out_c(&om, ',');
		out_s(&om, theory_names[theory_pick(r, by)]);
		out_c(&om, ',');
		out_day(&om, adm);
		out_c(&om, ',');
		out_day(&om, official);
		out_c(&om, ',');
		out_s(&om, status_names[status]);
		out_c(&om, ',');
		out_day(&om, ended);
		out_c(&om, ',');
		out_u(&om, (uint64_t)org);
		out_c(&om, '\n');

		st->members++;
		if (ended == DAY_MAX)
			st->active++;
		else
			st->ended++;
		if ((id & 0xffff) == 0)
			progress_update(&pr, id);
	}
	progress_update(&pr, g->sc->members);
	progress_end(&pr);
	rc = 0;
out:
	if (out_close(&om, "members.csv", err))
		rc = -1;
	if (out_close(&op, "placements.csv", err))
		rc = -1;
	free(m.ids);
	free(m.cum);
	return rc;
}

/* ------------------------------------------------------------------ */

static int mkdir_p(const char *dir, struct hoso_error *err)
{
	char path[4096];
	size_t n = strlen(dir);
	if (n == 0 || n >= sizeof(path))
		return hoso_err(err, HOSO_EUSAGE, TR("thư mục không hợp lệ",
						     "invalid directory"));
	memcpy(path, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		char c = path[i];
		path[i] = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			return hoso_err(err, HOSO_EIO,
					TR("không tạo được thư mục %s: %s",
					   "cannot create directory %s: %s"),
					path, strerror(errno));
		path[i] = c;
	}
	return 0;
}

static void region_init(struct gen *g)
{
	for (int p = 0; p <= CENTRAL_PROV; p++)
		g->region[p] = p < NPROV63 ? 'O' : 'C';
	for (size_t i = 0; i < sizeof(region_n) / sizeof(region_n[0]); i++)
		g->region[province_index(region_n[i])] = 'N';
	for (size_t i = 0; i < sizeof(region_h) / sizeof(region_h[0]); i++)
		g->region[province_index(region_h[i])] = 'H';
	for (size_t i = 0; i < sizeof(region_s) / sizeof(region_s[0]); i++)
		g->region[province_index(region_s[i])] = 'S';
}

int generate_dataset(const struct generate_opts *opts, struct hoso_error *err)
{
	const struct scale *sc = NULL;
	struct gen g;
	struct mstats st;
	int rc = -1;
	memset(&g, 0, sizeof(g));
	memset(&st, 0, sizeof(st));
	for (size_t i = 0; i < sizeof(scales) / sizeof(scales[0]); i++)
		if (opts->scale && strcmp(opts->scale, scales[i].name) == 0)
			sc = &scales[i];
	if (!sc)
		return hoso_err(err, HOSO_EUSAGE,
				TR("quy mô không rõ: %s (tiny, seed, national)",
				   "unknown scale: %s (tiny, seed, national)"),
				opts->scale ? opts->scale : "");
	if (!opts->out_dir)
		return hoso_err(err, HOSO_EUSAGE, TR("thiếu thư mục đích",
						     "missing output directory"));
	if (mkdir_p(opts->out_dir, err))
		return -1;
	int tiny = strcmp(sc->name, "tiny") == 0;

	dcache_first = DCACHE_FIRST;
	dcache = xmalloc((size_t)DCACHE_DAYS * sizeof(*dcache));
	for (int32_t i = 0; i < DCACHE_DAYS; i++) {
		char tmp[11];
		day_format(dcache_first + i, tmp);
		memcpy(dcache[i], tmp, 10);
	}
	g.sc = sc;
	rng_seed(&g.rng, opts->seed);
	region_init(&g);
	arena_add(&g.ar, "", 0); /* offset 0: the empty string */
	ALLOC_GROW(g.orgs, 1, g.aorgs);
	memset(&g.orgs[0], 0, sizeof(g.orgs[0]));
	g.norgs = 1;

	build_tree(&g);
	everyday_events(&g);
	reorganise_2025(&g);
	if (write_orgs(&g, opts->out_dir, tiny, err))
		goto out;
	if (write_members(&g, opts, tiny, &st, err))
		goto out;
	if (!opts->quiet)
		fprintf(stderr,
			TR("%u tổ chức (%zu phiên bản), %llu đảng viên (%llu còn sinh hoạt, "
			   "%llu đã thôi), %llu nơi sinh hoạt, %llu người chuyển\n",
			   "%u organisations (%zu versions), %llu members (%llu active, "
			   "%llu ended), %llu placements, %llu moved\n"),
			g.norgs - 1, g.nvers, (unsigned long long)st.members,
			(unsigned long long)st.active, (unsigned long long)st.ended,
			(unsigned long long)st.placements,
			(unsigned long long)st.movers);
	rc = 0;
out:
	FREE_AND_NULL(dcache);
	free(g.orgs);
	free(g.vers);
	free(g.ar.buf);
	return rc;
}
