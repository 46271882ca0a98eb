/* table: the readable (Vietnamese first) form of the answers. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/banned.h"

static const char *org_name(struct registry *r, json_int_t id, int32_t day)
{
	const struct index_org_version *v =
		r->ix ? index_org_on(r->ix, (int32_t)id, day) : NULL;
	return v ? v->name : "";
}

/* dd/mm/yyyy, the way Vietnamese documents write days. */
static void vn_day(const char *iso, char out[11])
{
	if (!iso || strlen(iso) != 10) {
		snprintf(out, 11, "%s", iso ? iso : "");
		return;
	}
	snprintf(out, 11, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
}

static void print_group(json_t *root, const char *key, const char *title,
			const char *const *keys, const char *const *labels_vi,
			int n)
{
	json_t *g = json_object_get(root, key);
	printf("\n%s\n", title);
	for (int i = 0; i < n; i++)
		printf("  %-28s %10lld\n", HOSO_LANG == LANG_EN ? keys[i] : labels_vi[i],
		       (long long)json_integer_value(json_object_get(g, keys[i])));
}

void cli_print_table(struct registry *r, const struct question *q,
		     const char *json)
{
	json_error_t jerr;
	json_t *root = json_loads(json, 0, &jerr);
	char d1[11], d2[11];
	if (!root) {
		printf("%s\n", json);
		return;
	}
	json_int_t org = json_integer_value(json_object_get(root, "org"));
	vn_day(json_string_value(json_object_get(root, "on")), d1);
	switch (q->kind) {
	case Q_COUNT:
		printf(TR("%s (%lld), ngày %s: %lld đảng viên\n",
			  "%s (%lld), on %s: %lld members\n"),
		       org_name(r, org, q->on), (long long)org, d1,
		       (long long)json_integer_value(json_object_get(root, "count")));
		break;
	case Q_BREAKDOWN: {
		static const char *const sk[] = {"M", "F"}, *const sv[] = {"Nam", "Nữ"};
		static const char *const ak[] = {"le30", "31_40", "41_50", "51_60", "gt60"};
		static const char *const av[] = {"Đến 30 tuổi", "31 - 40", "41 - 50", "51 - 60", "Trên 60"};
		static const char *const ek[] = {"kinh", "minority"}, *const ev[] = {"Dân tộc Kinh", "Dân tộc thiểu số"};
		static const char *const rk[] = {"none", "some"}, *const rv[] = {"Không tôn giáo", "Có tôn giáo"};
		static const char *const tk[] = {"none", "elementary", "intermediate", "advanced", "bachelor"};
		static const char *const tv[] = {"Chưa qua đào tạo", "Sơ cấp", "Trung cấp", "Cao cấp", "Cử nhân"};
		static const char *const xk[] = {"none", "intermediate", "college", "bachelor", "master", "doctor"};
		static const char *const xv[] = {"Chưa qua đào tạo", "Trung cấp", "Cao đẳng", "Đại học", "Thạc sĩ", "Tiến sĩ"};
		static const char *const yk[] = {"lt10", "10_29", "ge30"};
		static const char *const yv[] = {"Dưới 10 năm", "10 - 29 năm", "Từ 30 năm"};
		static const char *const pk[] = {"probationary", "official"}, *const pv[] = {"Dự bị", "Chính thức"};
		printf(TR("CƠ CẤU ĐẢNG VIÊN — %s (%lld), ngày %s\nTổng số: %lld\n",
			  "MEMBERS BY ATTRIBUTE — %s (%lld), on %s\nTotal: %lld\n"),
		       org_name(r, org, q->on), (long long)org, d1,
		       (long long)json_integer_value(json_object_get(root, "total")));
		print_group(root, "sex", TR("Giới tính", "Sex"), sk, sv, 2);
		print_group(root, "age", TR("Độ tuổi", "Age"), ak, av, 5);
		print_group(root, "ethnicity", TR("Dân tộc", "Ethnicity"), ek, ev, 2);
		print_group(root, "religion", TR("Tôn giáo", "Religion"), rk, rv, 2);
		print_group(root, "theory_level", TR("Lý luận chính trị", "Political theory"), tk, tv, 5);
		print_group(root, "expertise", TR("Chuyên môn", "Expertise"), xk, xv, 6);
		print_group(root, "membership_years", TR("Tuổi đảng", "Years of membership"), yk, yv, 3);
		print_group(root, "status", TR("Loại đảng viên", "Status"), pk, pv, 2);
		break;
	}
	case Q_SUMMARY: {
		json_t *rows = json_object_get(root, "rows");
		size_t i;
		json_t *row;
		printf(TR("TỔNG HỢP — %s (%lld), ngày %s\n", "SUMMARY — %s (%lld), on %s\n"),
		       org_name(r, org, q->on), (long long)org, d1);
		printf("%-8s %-12s %-44s %8s %8s %10s\n", TR("Mã số", "Id"),
		       TR("Ký hiệu", "Code"), TR("Tên", "Name"), TR("TCCS", "Grassr."),
		       TR("Chi bộ", "Cells"), TR("Đảng viên", "Members"));
		json_array_foreach(rows, i, row) {
			const char *code = json_string_value(json_object_get(row, "code"));
			printf("%-8lld %-12s %-44s %8lld %8lld %10lld\n",
			       (long long)json_integer_value(json_object_get(row, "id")),
			       code ? code : "",
			       json_string_value(json_object_get(row, "name")),
			       (long long)json_integer_value(json_object_get(row, "grassroots")),
			       (long long)json_integer_value(json_object_get(row, "cells")),
			       (long long)json_integer_value(json_object_get(row, "members")));
		}
		break;
	}
	case Q_SEARCH: {
		json_t *rows = json_object_get(root, "rows");
		size_t i;
		json_t *row;
		printf(TR("Tìm \"%s\" ngày %s: %lld kết quả\n", "Search \"%s\" on %s: %lld matches\n"),
		       json_string_value(json_object_get(root, "query")), d1,
		       (long long)json_integer_value(json_object_get(root, "total")));
		json_array_foreach(rows, i, row) {
			const char *card = json_string_value(json_object_get(row, "card_no"));
			vn_day(json_string_value(json_object_get(row, "birth_date")), d2);
			printf("%8lld  %-32s %-10s %s  %s\n",
			       (long long)json_integer_value(json_object_get(row, "id")),
			       json_string_value(json_object_get(row, "full_name")),
			       card ? card : "-", d2,
			       org_name(r, json_integer_value(json_object_get(row, "org_id")), q->on));
		}
		break;
	}
	case Q_CHANGES:
		vn_day(json_string_value(json_object_get(root, "from")), d1);
		vn_day(json_string_value(json_object_get(root, "to")), d2);
		printf(TR("BIẾN ĐỘNG — tổ chức %lld, từ %s đến trước %s\n",
			  "CHANGES — organisation %lld, from %s to before %s\n"),
		       (long long)org, d1, d2);
		printf(TR("  Kết nạp %lld\n  Công nhận chính thức %lld\n  Chuyển đến %lld\n"
			  "  Chuyển đi %lld\n  Ra khỏi Đảng %lld\n  Khai trừ %lld\n  Từ trần %lld\n",
			  "  Admitted %lld\n  Made official %lld\n  Moved in %lld\n"
			  "  Moved out %lld\n  Left %lld\n  Expelled %lld\n  Died %lld\n"),
		       (long long)json_integer_value(json_object_get(root, "admitted")),
		       (long long)json_integer_value(json_object_get(root, "made_official")),
		       (long long)json_integer_value(json_object_get(root, "moved_in")),
		       (long long)json_integer_value(json_object_get(root, "moved_out")),
		       (long long)json_integer_value(json_object_get(root, "left")),
		       (long long)json_integer_value(json_object_get(root, "expelled")),
		       (long long)json_integer_value(json_object_get(root, "died")));
		break;
	case Q_MEMBER: {
		static const char *const keys[] = {"id", "card_no", "full_name", "sex", "birth_date",
			"ethnicity", "religion", "hometown", "education", "expertise", "theory_level",
			"admitted_on", "official_on", "status", "ended_on", "org_id"};
		static const char *const vi[] = {"Mã số", "Số thẻ đảng", "Họ và tên", "Giới tính",
			"Ngày sinh", "Dân tộc", "Tôn giáo", "Quê quán", "Học vấn", "Chuyên môn",
			"Lý luận chính trị", "Ngày vào Đảng", "Ngày chính thức", "Trạng thái",
			"Ngày ra khỏi Đảng", "Nơi sinh hoạt"};
		size_t i;
		json_t *p;
		for (int k = 0; k < 16; k++) {
			json_t *v = json_object_get(root, keys[k]);
			printf("  %-20s ", HOSO_LANG == LANG_EN ? keys[k] : vi[k]);
			if (json_is_integer(v))
				printf("%lld\n", (long long)json_integer_value(v));
			else
				printf("%s\n", json_is_string(v) ? json_string_value(v) : "—");
		}
		printf("%s\n", TR("  Quá trình sinh hoạt:", "  Placements:"));
		json_array_foreach(json_object_get(root, "placements"), i, p) {
			const char *to = json_string_value(json_object_get(p, "valid_to"));
			vn_day(json_string_value(json_object_get(p, "valid_from")), d1);
			vn_day(to, d2);
			printf("    %s – %-10s %s (%lld)\n", d1, to ? d2 : TR("nay", "now"),
			       json_string_value(json_object_get(p, "org_name")),
			       (long long)json_integer_value(json_object_get(p, "org_id")));
		}
		break;
	}
	}
	json_decref(root);
}
