/* lifecycle_lunar: the Vietnamese lunar calendar (Hồ Ngọc Đức's algorithm,
 * UTC+7) and the public holidays the Labour Codes give each year, so that
 * working-day deadlines hold for any year 1976-2100, not only for the
 * years whose government decisions are in lc_holidays. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "model/lifecycle.h"
#include "core/banned.h"

#define JD_EPOCH 2440588 /* Julian day number of 1970-01-01 */
#define LUNAR_TZ 7.0     /* Vietnam: UTC+7 (the calendar of 1968 on) */
#define SYNODIC 29.530588853

/* Julian day of the k-th new moon since 1900-01-01 (Meeus, as in the
 * algorithm's published source, "amlich" by Hồ Ngọc Đức). */
static double new_moon(int k)
{
	double T = k / 1236.85, T2 = T * T, T3 = T2 * T, dr = M_PI / 180;
	double jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * T2 -
		     0.000000155 * T3;
	jd1 += 0.00033 * sin((166.56 + 132.87 * T - 0.009173 * T2) * dr);
	double M = 359.2242 + 29.10535608 * k - 0.0000333 * T2 -
		   0.00000347 * T3;
	double Mpr = 306.0253 + 385.81691806 * k + 0.0107306 * T2 +
		     0.00001236 * T3;
	double F = 21.2964 + 390.67050646 * k - 0.0016528 * T2 -
		   0.00000239 * T3;
	double C1 = (0.1734 - 0.000393 * T) * sin(M * dr) +
		    0.0021 * sin(2 * dr * M);
	C1 = C1 - 0.4068 * sin(Mpr * dr) + 0.0161 * sin(dr * 2 * Mpr);
	C1 = C1 - 0.0004 * sin(dr * 3 * Mpr);
	C1 = C1 + 0.0104 * sin(dr * 2 * F) - 0.0051 * sin(dr * (M + Mpr));
	C1 = C1 - 0.0074 * sin(dr * (M - Mpr)) + 0.0004 * sin(dr * (2 * F + M));
	C1 = C1 - 0.0004 * sin(dr * (2 * F - M)) -
	     0.0006 * sin(dr * (2 * F + Mpr));
	C1 = C1 + 0.0010 * sin(dr * (2 * F - Mpr)) +
	     0.0005 * sin(dr * (2 * Mpr + M));
	double deltat = T < -11 ? 0.001 + 0.000839 * T + 0.0002261 * T2 -
					  0.00000845 * T3 -
					  0.000000081 * T * T3
				: -0.000278 + 0.000265 * T + 0.000262 * T2;
	return jd1 + C1 - deltat;
}

/* Julian day number of the local day of the k-th new moon. */
static long new_moon_day(int k)
{
	return (long)floor(new_moon(k) + 0.5 + LUNAR_TZ / 24);
}

/* The sun's longitude at the start of local day jdn, in sectors of 30
 * degrees (0..11). */
static int sun_sector(long jdn)
{
	double T = (jdn - 0.5 - LUNAR_TZ / 24 - 2451545.0) / 36525, T2 = T * T;
	double dr = M_PI / 180;
	double M = 357.52910 + 35999.05030 * T - 0.0001559 * T2 -
		   0.00000048 * T * T2;
	double L0 = 280.46645 + 36000.76983 * T + 0.0003032 * T2;
	double DL = (1.914600 - 0.004817 * T - 0.000014 * T2) * sin(dr * M);
	DL += (0.019993 - 0.000101 * T) * sin(dr * 2 * M) +
	      0.000290 * sin(dr * 3 * M);
	double L = (L0 + DL) * dr;
	L -= 2 * M_PI * floor(L / (2 * M_PI));
	return (int)floor(L / M_PI * 6);
}

/* Julian day number of the first day of the 11th lunar month (the one
 * holding the winter solstice) of Gregorian year y. */
static long lunar_month11(int y)
{
	long off = day_from_ymd(y, 12, 31) + JD_EPOCH - 2415021;
	int k = (int)floor(off / SYNODIC);
	long nm = new_moon_day(k);
	if (sun_sector(nm) >= 9)
		nm = new_moon_day(k - 1);
	return nm;
}

/* Offset of the leap month after the 11th month starting on a11. */
static int leap_month_offset(long a11)
{
	int k = (int)floor((a11 - 2415021.076998695) / SYNODIC + 0.5);
	int i = 1, last, arc = sun_sector(new_moon_day(k + 1));
	do {
		last = arc;
		i++;
		arc = sun_sector(new_moon_day(k + i));
	} while (arc != last && i < 14);
	return i - 1;
}

int32_t lc_lunar_to_solar(int lyear, int lmonth, int lday)
{
	long a11, b11;
	if (lmonth < 11) {
		a11 = lunar_month11(lyear - 1);
		b11 = lunar_month11(lyear);
	} else {
		a11 = lunar_month11(lyear);
		b11 = lunar_month11(lyear + 1);
	}
	int k = (int)floor(0.5 + (a11 - 2415021.076998695) / SYNODIC);
	int off = lmonth - 11;
	if (off < 0)
		off += 12;
	/* a year of 13 months: the months from the leap one on shift by one
	 * (a regular month is asked for, never the leap one) */
	if (b11 - a11 > 365 && off >= leap_month_offset(a11))
		off += 1;
	return (int32_t)(new_moon_day(k + off) + lday - 1 - JD_EPOCH);
}

int32_t lc_lunar_new_year(int year)
{
	return lc_lunar_to_solar(year, 1, 1);
}

static int cmp_day(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

static int in_list(const int32_t *d, size_t n, int32_t day)
{
	for (size_t i = 0; i < n; i++)
		if (d[i] == day)
			return 1;
	return 0;
}

/* The statutory holidays of year y by the Labour Code in force:
 * - New Year's day, 30 April, 1 May, 2 September: 1 day each (Labour Code
 *   1994, in force 1995, kept by 2002, 2007, 2012 and 2019);
 * - Tết: 4 days, the last day of the lunar year and the first three of the
 *   new one (1994 Code); 5 days from 2013 (2012 Code), taken here as the
 *   last day of the year and the first four (the government's yearly
 *   notice places them; lc_holidays holds the decided years);
 * - Hùng Kings' day, 10th day of the 3rd lunar month, from 2007 (2007
 *   amendment);
 * - 2 September: 2 days from 2021 (2019 Code: the 2nd and the day before
 *   or after; here the one making the longer weekend: the 1st when the
 *   2nd is a Tuesday, Friday or Saturday, else the 3rd).
 * Before 1995 the 1994 rules are applied too: an approximation (the
 * earlier decrees are not encoded). A holiday on a Saturday or Sunday
 * gives the next working day off (nghỉ bù). */
size_t lc_rule_holidays(int y, int32_t *out, size_t max)
{
	int32_t s[16], tet = lc_lunar_new_year(y);
	size_t n = 0, k = 0;
	int tet_after = y >= 2013 ? 3 : 2;
	s[n++] = day_from_ymd(y, 1, 1);
	for (int i = -1; i <= tet_after; i++)
		s[n++] = tet + i;
	if (y >= 2007)
		s[n++] = lc_lunar_to_solar(y, 3, 10);
	s[n++] = day_from_ymd(y, 4, 30);
	s[n++] = day_from_ymd(y, 5, 1);
	int32_t qk = day_from_ymd(y, 9, 2);
	s[n++] = qk;
	if (y >= 2021) {
		int wd = day_weekday(qk); /* 0 Monday */
		s[n++] = wd == 1 || wd == 4 || wd == 5 ? qk - 1 : qk + 1;
	}
	qsort(s, n, sizeof(s[0]), cmp_day);
	for (size_t i = 0; i < n; i++) {
		int32_t d = s[i];
		if (day_weekday(d) >= 5) { /* the next free weekday instead */
			do
				d++;
			while (day_weekday(d) >= 5 || in_list(s, n, d) ||
			       in_list(out, k, d));
		}
		if (k < max && !in_list(out, k, d))
			out[k++] = d;
	}
	qsort(out, k, sizeof(out[0]), cmp_day);
	return k;
}

/* The rule days of every year of the range, computed once per process
 * (they depend on no store). */
#define RULE_Y0 1976
#define RULE_Y1 2100
#define RULE_PER_YEAR 24
static int32_t rule_days[RULE_Y1 - RULE_Y0 + 1][RULE_PER_YEAR];
static uint8_t rule_n[RULE_Y1 - RULE_Y0 + 1];
static pthread_once_t rule_once = PTHREAD_ONCE_INIT;

static void rule_init(void)
{
	for (int y = RULE_Y0; y <= RULE_Y1; y++)
		rule_n[y - RULE_Y0] = (uint8_t)lc_rule_holidays(
			y, rule_days[y - RULE_Y0], RULE_PER_YEAR);
}

void lc_calendar_add_rules(struct lc_calendar *cal, const int *skip_years,
			   size_t n_skip)
{
	pthread_once(&rule_once, rule_init);
	for (int y = RULE_Y0; y <= RULE_Y1; y++) {
		int skip = 0;
		for (size_t i = 0; i < n_skip && !skip; i++)
			skip = skip_years[i] == y;
		if (skip)
			continue;
		for (int i = 0; i < rule_n[y - RULE_Y0]; i++) {
			ALLOC_GROW(cal->off, cal->n_off + 1, cal->alloc_off);
			cal->off[cal->n_off++] = rule_days[y - RULE_Y0][i];
		}
	}
	qsort(cal->off, cal->n_off, sizeof(*cal->off), cmp_day);
}
