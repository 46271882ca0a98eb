/* reflist: the reference lists of members.csv and organisation kinds. */
#ifndef HOSO_REFLIST_H
#define HOSO_REFLIST_H

#include <stddef.h>

/* The 54 ethnic groups; index 0 is Kinh. Each entry is the stored name
 * followed by the other names accepted on import, NULL-terminated. */
#define ETHNIC_COUNT 54
extern const char *const ethnic_names[ETHNIC_COUNT][6];

/* The 63 provinces as named before 1 July 2025, and Huế. */
#define PROVINCE_COUNT 64
extern const char *const province_names[PROVINCE_COUNT];

enum org_kind {
	KIND_PARTY = 0,
	KIND_PROVINCE,
	KIND_BLOC,
	KIND_UPPER,
	KIND_GRASSROOTS,
	KIND_GRASSROOTS_CELL,
	KIND_SUB_COMMITTEE,
	KIND_CELL,
	KIND_COUNT
};
extern const char *const org_kind_names[KIND_COUNT];     /* "party", ... */
extern const char *const org_kind_labels_vi[KIND_COUNT]; /* "Chi bộ cơ sở" */
/* 1 when an organisation of kind child may sit directly under kind parent. */
int org_kind_allowed_under(enum org_kind child, enum org_kind parent);
/* Members are placed only in these kinds. */
static inline int org_kind_holds_members(int k)
{
	return k == KIND_CELL || k == KIND_GRASSROOTS_CELL;
}
static inline int org_kind_is_grassroots(int k)
{
	return k == KIND_GRASSROOTS || k == KIND_GRASSROOTS_CELL;
}

enum expertise { EXP_NONE = 0, EXP_INTERMEDIATE, EXP_COLLEGE, EXP_BACHELOR,
		 EXP_MASTER, EXP_DOCTOR, EXP_COUNT };
extern const char *const expertise_names[EXP_COUNT];
enum theory { TH_NONE = 0, TH_ELEMENTARY, TH_INTERMEDIATE, TH_ADVANCED,
	      TH_BACHELOR, TH_COUNT };
extern const char *const theory_names[TH_COUNT];
enum member_status { ST_PROBATIONARY = 0, ST_OFFICIAL, ST_LEFT, ST_EXPELLED,
		     ST_DECEASED, ST_COUNT };
extern const char *const status_names[ST_COUNT];

/* Index of an exact ASCII name in a list of n names, or -1. */
int enum_lookup(const char *const *names, int n, const char *s, size_t len);

#endif
