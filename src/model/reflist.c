/* reflist: the reference lists of spec/reference-lists.md. */
#include <string.h>

#include "model/reflist.h"

const char *const ethnic_names[ETHNIC_COUNT][6] = {
	{"Kinh", "Việt", NULL},
	{"Tày", NULL},
	{"Thái", NULL},
	{"Mường", NULL},
	{"H'Mông", "Mông", "HMông", "Hmông", "Mèo", NULL},
	{"Khmer", "Khơ Me", "Khơ-me", NULL},
	{"Nùng", NULL},
	{"Dao", NULL},
	{"Hoa", "Hán", NULL},
	{"Gia Rai", "Gia-rai", "Jrai", NULL},
	{"Ê Đê", "Ê-đê", "Ede", NULL},
	{"Ba Na", "Ba-na", "Bahnar", NULL},
	{"Sán Chay", "Cao Lan - Sán Chỉ", NULL},
	{"Chăm", "Chàm", NULL},
	{"Cơ Ho", "Cơ-ho", "K'Ho", NULL},
	{"Xơ Đăng", "Xơ-đăng", NULL},
	{"Sán Dìu", NULL},
	{"Hrê", NULL},
	{"Ra Glai", "Ra-glai", "Raglai", NULL},
	{"Mnông", "M'Nông", NULL},
	{"Thổ", NULL},
	{"Xtiêng", "X'tiêng", "Stiêng", NULL},
	{"Khơ Mú", "Khơ-mú", NULL},
	{"Bru - Vân Kiều", "Bru-Vân Kiều", "Vân Kiều", NULL},
	{"Cơ Tu", "Cơ-tu", NULL},
	{"Giáy", NULL},
	{"Tà Ôi", "Tà-ôi", NULL},
	{"Mạ", NULL},
	{"Giẻ Triêng", "Gié Triêng", "Gié-Triêng", NULL},
	{"Co", NULL},
	{"Chơ Ro", "Chơ-ro", NULL},
	{"Xinh Mun", "Xinh-mun", NULL},
	{"Hà Nhì", NULL},
	{"Chu Ru", "Chu-ru", NULL},
	{"Lào", NULL},
	{"La Chí", NULL},
	{"Kháng", NULL},
	{"Phù Lá", NULL},
	{"La Hủ", NULL},
	{"La Ha", NULL},
	{"Pà Thẻn", NULL},
	{"Lự", NULL},
	{"Ngái", NULL},
	{"Chứt", NULL},
	{"Lô Lô", NULL},
	{"Mảng", NULL},
	{"Cơ Lao", "Co Lao", "Cờ Lao", NULL},
	{"Bố Y", NULL},
	{"Cống", NULL},
	{"Si La", NULL},
	{"Pu Péo", NULL},
	{"Rơ Măm", "Rơ-măm", NULL},
	{"Brâu", NULL},
	{"Ơ Đu", "Ơ-đu", NULL},
};

const char *const province_names[PROVINCE_COUNT] = {
	"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Hà Giang",
	"Cao Bằng", "Bắc Kạn", "Tuyên Quang", "Lào Cai", "Điện Biên",
	"Lai Châu", "Sơn La", "Yên Bái", "Hòa Bình", "Thái Nguyên", "Lạng Sơn",
	"Quảng Ninh", "Bắc Giang", "Phú Thọ", "Vĩnh Phúc", "Bắc Ninh",
	"Hải Dương", "Hưng Yên", "Thái Bình", "Hà Nam", "Nam Định", "Ninh Bình",
	"Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị",
	"Thừa Thiên Huế", "Quảng Nam", "Quảng Ngãi", "Bình Định", "Phú Yên",
	"Khánh Hòa", "Ninh Thuận", "Bình Thuận", "Kon Tum", "Gia Lai",
	"Đắk Lắk", "Đắk Nông", "Lâm Đồng", "Bình Phước", "Tây Ninh",
	"Bình Dương", "Đồng Nai", "Bà Rịa - Vũng Tàu", "Long An", "Tiền Giang",
	"Bến Tre", "Trà Vinh", "Vĩnh Long", "Đồng Tháp", "An Giang",
	"Kiên Giang", "Hậu Giang", "Sóc Trăng", "Bạc Liêu", "Cà Mau", "Huế",
};

const char *const org_kind_names[KIND_COUNT] = {
	"party", "province", "bloc", "upper", "grassroots", "grassroots_cell",
	"sub_committee", "cell",
};
const char *const org_kind_labels_vi[KIND_COUNT] = {
	"Ban Chấp hành Trung ương", "Tỉnh ủy, Thành ủy", "Đảng ủy Khối",
	"Đảng ủy cấp trên cơ sở", "Đảng bộ cơ sở", "Chi bộ cơ sở",
	"Đảng bộ bộ phận", "Chi bộ trực thuộc",
};

int org_kind_allowed_under(enum org_kind child, enum org_kind parent)
{
	switch (child) {
	case KIND_PARTY:
		return 0;
	case KIND_PROVINCE:
		return parent == KIND_PARTY;
	case KIND_BLOC:
		return parent == KIND_PARTY || parent == KIND_PROVINCE;
	case KIND_UPPER:
		return parent == KIND_PROVINCE || parent == KIND_BLOC;
	case KIND_GRASSROOTS:
	case KIND_GRASSROOTS_CELL:
		return parent == KIND_BLOC || parent == KIND_UPPER ||
		       parent == KIND_PROVINCE;
	case KIND_SUB_COMMITTEE:
		return parent == KIND_GRASSROOTS;
	case KIND_CELL:
		return parent == KIND_GRASSROOTS ||
		       parent == KIND_SUB_COMMITTEE;
	default:
		return 0;
	}
}

const char *const expertise_names[EXP_COUNT] = {
	"none", "intermediate", "college", "bachelor", "master", "doctor",
};
const char *const theory_names[TH_COUNT] = {
	"none", "elementary", "intermediate", "advanced", "bachelor",
};
const char *const status_names[ST_COUNT] = {
	"probationary", "official", "left", "expelled", "deceased",
};

int enum_lookup(const char *const *names, int n, const char *s, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
			return i;
	return -1;
}
