/* lifecycle_rules: working days over the holiday table, the dated rule
 * sets, admission age, party age and badge milestones. */
#include <stdlib.h>
#include <string.h>

#include "model/lifecycle.h"
#include "core/banned.h"

void lc_calendar_init(struct lc_calendar *cal)
{
	memset(cal, 0, sizeof(*cal));
}

void lc_calendar_release(struct lc_calendar *cal)
{
	free(cal->off);
	free(cal->work);
	lc_calendar_init(cal);
}

static void sorted_insert(int32_t **arr, size_t *n, size_t *alloc, int32_t d)
{
	size_t i = *n;
	ALLOC_GROW(*arr, *n + 1, *alloc);
	while (i > 0 && (*arr)[i - 1] > d)
		i--;
	if (i > 0 && (*arr)[i - 1] == d)
		return;
	memmove(*arr + i + 1, *arr + i, (*n - i) * sizeof(**arr));
	(*arr)[i] = d;
	(*n)++;
}

void lc_calendar_add(struct lc_calendar *cal, int32_t day, int working)
{
	if (working)
		sorted_insert(&cal->work, &cal->n_work, &cal->alloc_work, day);
	else
		sorted_insert(&cal->off, &cal->n_off, &cal->alloc_off, day);
}

int lc_calendar_load(struct db *db, struct lc_calendar *cal,
		     struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		db, "SELECT day, working FROM lc_holidays ORDER BY day", err);
	int step, *years = NULL;
	size_t n_years = 0, alloc_years = 0;
	if (!st)
		return -1;
	while ((step = db_step(st, err)) == 1) {
		size_t len;
		const char *s = db_column_text(st, 0, &len);
		int32_t d;
		int y, m, dd;
		if (!s || day_parse(s, len, &d))
			continue;
		lc_calendar_add(cal, d, (int)db_column_int(st, 1));
		/* a year with decided days is taken from the table only */
		day_to_ymd(d, &y, &m, &dd);
		if (!n_years || years[n_years - 1] != y) {
			ALLOC_GROW(years, n_years + 1, alloc_years);
			years[n_years++] = y;
		}
	}
	db_finalize(st);
	if (step >= 0)
		lc_calendar_add_rules(cal, years, n_years);
	free(years);
	return step < 0 ? -1 : 0;
}

static int contains(const int32_t *arr, size_t n, int32_t d)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (arr[mid] < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && arr[lo] == d;
}

int lc_is_working_day(const struct lc_calendar *cal, int32_t day)
{
	if (day_weekday(day) >= 5)
		return contains(cal->work, cal->n_work, day);
	return !contains(cal->off, cal->n_off, day);
}

int32_t lc_add_working_days(const struct lc_calendar *cal, int32_t day,
			    int n)
{
	int32_t d = day;
	/* the bound keeps a corrupt table (every day off) from looping */
	for (int count = 0; count < n && d < day + 400 * (n + 1);) {
		d++;
		if (lc_is_working_day(cal, d))
			count++;
	}
	return d;
}

int32_t lc_add_months(int32_t day, int n)
{
	int y, m, d, dim;
	day_to_ymd(day, &y, &m, &d);
	m += n;
	y += (m - 1) / 12;
	m = (m - 1) % 12 + 1;
	dim = days_in_month(y, m);
	return day_from_ymd(y, m, d > dim ? dim : d);
}

const struct lc_rule_set *lc_rules_pick(const struct lc_rule_set *sets,
					size_t n, int32_t day)
{
	const struct lc_rule_set *best = NULL;
	for (size_t i = 0; i < n; i++)
		if (sets[i].effective_from <= day &&
		    (!best || sets[i].effective_from > best->effective_from))
			best = &sets[i];
	return best;
}

long lc_rules_load(struct db *db, struct lc_rule_set **out,
		   struct hoso_error *err)
{
	struct db_stmt *st = db_prepare(
		db,
		"SELECT effective_from, source, admit_min_months,"
		" admit_max_months, age_by_months, decision_wd, ceremony_limit,"
		" ceremony_unit, probation_months, recognise_limit,"
		" recognise_unit, introducer_months, transfer_out_wd,"
		" transfer_receive_wd, temp_min_months, temp_max_months,"
		" temp_study_months, readmit_after_months, exempt_age_m,"
		" exempt_age_f, health_min_months, certificate_months"
		" FROM lc_rule_sets ORDER BY effective_from",
		err);
	struct lc_rule_set *sets = NULL;
	size_t n = 0, alloc = 0;
	int step;
	*out = NULL;
	if (!st)
		return -1;
	while ((step = db_step(st, err)) == 1) {
		struct lc_rule_set *s;
		size_t len;
		const char *t = db_column_text(st, 0, &len);
		ALLOC_GROW(sets, n + 1, alloc);
		s = &sets[n];
		memset(s, 0, sizeof(*s));
		if (!t || day_parse(t, len, &s->effective_from))
			continue;
		t = db_column_text(st, 1, &len);
		if (t) {
			if (len >= sizeof(s->source))
				len = sizeof(s->source) - 1;
			memcpy(s->source, t, len);
		}
		s->admit_min_months = (int)db_column_int(st, 2);
		s->admit_max_months = (int)db_column_int(st, 3);
		s->age_by_months = (int)db_column_int(st, 4);
		s->decision_wd = (int)db_column_int(st, 5);
		s->ceremony_limit = (int)db_column_int(st, 6);
		t = db_column_text(st, 7, &len);
		s->ceremony_in_months = t && !strcmp(t, "month");
		s->probation_months = (int)db_column_int(st, 8);
		s->recognise_limit = (int)db_column_int(st, 9);
		t = db_column_text(st, 10, &len);
		s->recognise_in_months = t && !strcmp(t, "month");
		s->introducer_months = (int)db_column_int(st, 11);
		s->transfer_out_wd = (int)db_column_int(st, 12);
		s->transfer_receive_wd = (int)db_column_int(st, 13);
		s->temp_min_months = (int)db_column_int(st, 14);
		s->temp_max_months = (int)db_column_int(st, 15);
		s->temp_study_months = (int)db_column_int(st, 16);
		s->readmit_after_months = (int)db_column_int(st, 17);
		s->exempt_age_m = (int)db_column_int(st, 18);
		s->exempt_age_f = (int)db_column_int(st, 19);
		s->health_min_months = (int)db_column_int(st, 20);
		s->certificate_months = (int)db_column_int(st, 21);
		n++;
	}
	db_finalize(st);
	if (step < 0) {
		free(sets);
		return -1;
	}
	*out = sets;
	return (long)n;
}

int32_t lc_deadline(const struct lc_calendar *cal, int32_t day, int n,
		    int in_months)
{
	return in_months ? lc_add_months(day, n)
			 : lc_add_working_days(cal, day, n);
}

int lc_admission_age(const struct lc_rule_set *rs, int32_t birth,
		     int32_t day)
{
	int months = full_months(birth, day);
	if (months < rs->admit_min_months)
		return 1;
	/* "đủ 60 tuổi": in full years a person of 60 years and 11 months is
	 * still 60; counted in months, 60 years and one month is over. */
	if (rs->age_by_months ? months > rs->admit_max_months
			      : full_years(birth, day) >
					rs->admit_max_months / 12)
		return 2;
	return 0;
}

static const int badge_years[] = {30, 40, 45, 50, 55, 60,
				  65, 70, 75, 80, 85, 90};

const int *lc_badge_years(size_t *n)
{
	*n = sizeof(badge_years) / sizeof(badge_years[0]);
	return badge_years;
}

/* 3 February, 19 May, 2 September, 7 November */
static const int award_md[4][2] = {{2, 3}, {5, 19}, {9, 2}, {11, 7}};

int lc_is_award_day(int32_t day)
{
	int y, m, d;
	day_to_ymd(day, &y, &m, &d);
	for (int i = 0; i < 4; i++)
		if (award_md[i][0] == m && award_md[i][1] == d)
			return 1;
	return 0;
}

int32_t lc_prev_award_day(int32_t day)
{
	int y, m, d;
	day_to_ymd(day, &y, &m, &d);
	for (int yy = y; yy >= y - 1; yy--)
		for (int i = 3; i >= 0; i--) {
			int32_t a = day_from_ymd(yy, award_md[i][0],
						 award_md[i][1]);
			if (a < day)
				return a;
		}
	return day - 365;
}

int lc_party_years(int32_t start, int64_t gap_days, int32_t day)
{
	return full_years((int32_t)(start + gap_days), day);
}

int32_t lc_party_anniversary(int32_t start, int64_t gap_days, int years)
{
	return day_add_years((int32_t)(start + gap_days), years);
}
