/* lifecycle: a member's whole life as dated, checked, audited operations
 * (candidates, admission, recognition, transfers, exemption, discipline,
 * ending, readmission, cards, badges), the dated rule sets they are checked
 * by, the working-day calendar, and the lists built from them. */
#ifndef HOSO_LIFECYCLE_H
#define HOSO_LIFECYCLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "db/db.h"
#include "model/registry.h"

/* ---- working days (lifecycle_rules.c) ---- */
/* Holidays from lc_holidays: weekdays off, and Saturdays made working. */
struct lc_calendar {
	int32_t *off;   /* sorted */
	size_t n_off, alloc_off;
	int32_t *work;  /* sorted: weekend days that are working days */
	size_t n_work, alloc_work;
};
void lc_calendar_init(struct lc_calendar *cal);
void lc_calendar_release(struct lc_calendar *cal);
/* Adds one day (working = 0: a day off; 1: a weekend working day); keep
 * the arrays sorted, so add in any order. */
void lc_calendar_add(struct lc_calendar *cal, int32_t day, int working);
/* Loads the whole lc_holidays table, and for every year 1976-2100 without
 * a row there, the holidays of the Labour Code in force that year
 * (lc_rule_holidays): the table's decided days take precedence for their
 * years. */
int lc_calendar_load(struct db *db, struct lc_calendar *cal,
		     struct hoso_error *err);
/* Adds the rule holidays of every year 1976-2100 except skip_years. */
void lc_calendar_add_rules(struct lc_calendar *cal, const int *skip_years,
			   size_t n_skip);
/* The Gregorian day of day lday of the regular (not leap) month lmonth of
 * lunar year lyear, in the Vietnamese calendar (UTC+7). */
int32_t lc_lunar_to_solar(int lyear, int lmonth, int lday);
/* Tết: the first day of the lunar year starting in Gregorian year year. */
int32_t lc_lunar_new_year(int year);
/* The weekdays off of year y by the Labour Code's holiday rules (Tết,
 * Hùng Kings' day, fixed days, a weekend holiday moved to the next
 * weekday), sorted, at most max; returns how many. */
size_t lc_rule_holidays(int y, int32_t *out, size_t max);
/* 1 when day is a working day: Monday to Friday not off, or a listed
 * working weekend day. */
int lc_is_working_day(const struct lc_calendar *cal, int32_t day);
/* The n-th working day after day (day itself not counted): "within n
 * working days of day" means on or before this day. */
int32_t lc_add_working_days(const struct lc_calendar *cal, int32_t day,
			    int n);
/* The day n months after day (31 Jan + 1 month = 28/29 Feb). */
int32_t lc_add_months(int32_t day, int n);

/* ---- rule sets (lifecycle_rules.c) ---- */
struct lc_rule_set {
	int32_t effective_from;
	char source[128];
	int admit_min_months, admit_max_months;
	int age_by_months; /* 1: age in full months; 0: in full years */
	int decision_wd;
	int ceremony_limit;
	int ceremony_in_months; /* 1: limit in months; 0: working days */
	int probation_months;
	int recognise_limit;
	int recognise_in_months;
	int introducer_months;
	int transfer_out_wd, transfer_receive_wd;
	int temp_min_months, temp_max_months, temp_study_months;
	int readmit_after_months;
	int exempt_age_m, exempt_age_f;
	int health_min_months;
	int certificate_months;
};
/* The set in force on day among n sets (any order): the one with the
 * latest effective_from <= day; NULL when none. */
const struct lc_rule_set *lc_rules_pick(const struct lc_rule_set *sets,
					size_t n, int32_t day);
/* Loads every row of lc_rule_sets; *out malloc'd, returns the count or -1. */
long lc_rules_load(struct db *db, struct lc_rule_set **out,
		   struct hoso_error *err);
/* The last day allowed by a limit of n (months or working days) from day. */
int32_t lc_deadline(const struct lc_calendar *cal, int32_t day, int n,
		    int in_months);
/* 0 when a person born on birth may be admitted when the cell considers
 * it on day under rs: 1 too young, 2 too old (needs the provincial
 * level's approval). */
int lc_admission_age(const struct lc_rule_set *rs, int32_t birth,
		     int32_t day);

/* ---- party age and badges (lifecycle_rules.c) ---- */
/* Badge milestones in years, ascending; count in *n. */
const int *lc_badge_years(size_t *n);
/* 1 when day is an award day (3/2, 19/5, 2/9, 7/11). */
int lc_is_award_day(int32_t day);
/* The award day before day (strictly). */
int32_t lc_prev_award_day(int32_t day);
/* Full years of party age on day, counted from start minus gap_days. */
int lc_party_years(int32_t start, int64_t gap_days, int32_t day);
/* The day the party age reaches years (start moved by the gaps). */
int32_t lc_party_anniversary(int32_t start, int64_t gap_days, int years);

/* ---- operations (lifecycle.c) ---- */
enum lc_kind {
	LC_RECOGNISE,
	LC_TRANSFER_OUT,
	LC_RECEIVE,
	LC_TEMP_TRANSFER,
	LC_EXEMPT,
	LC_STRIKE_OFF,
	LC_DISCIPLINE,
	LC_EXPEL,
	LC_LEAVE,
	LC_DEATH,
	LC_READMIT,
	LC_CARD_ISSUE,
	LC_BADGE_AWARD,
	LC_UNDO,
	LC_KIND_COUNT
};
/* Operation names as in `hoso op NAME` and the API paths. */
extern const char *const lc_kind_names[LC_KIND_COUNT];

/* What an operation on an existing member says. Fields not used by a kind
 * are ignored; days not given are DAY_MIN. */
struct lc_args {
	enum lc_kind kind;
	int64_t member_id;
	int32_t day;        /* effective day (decision, letter, receipt...) */
	int32_t since;      /* transfer-out: the posting/move day the 60 working
			       days run from; readmit: the decision day */
	int32_t until;      /* temp-transfer, exempt: end (exclusive) */
	int32_t org_id;     /* receive, readmit: the cell; temp-transfer: the
			       host; transfer-out: the destination if known */
	const char *what;   /* discipline form; exemption kind (age|health);
			       temp kind (work|study); card number */
	int years;          /* badge milestone */
	int unfit;          /* recognise: not fit, strike off instead */
	int64_t undo_seq;   /* undo: the operation to compensate */
	const char *approval; /* a higher level's approval of an exception
				 (over-age, late step), recorded */
};

/* Checks the operation by the rules in force on its day, writes it with
 * its history rows, snapshot and operations record in one transaction,
 * then refreshes the read model. Appends {"seq","kind","member_id",
 * "effective",...} to out. Returns the sequence number or -1
 * (HOSO_EREJECT with a Vietnamese message naming the rule, HOSO_ENOTFOUND,
 * HOSO_EUSAGE); a rejected operation writes nothing. */
int64_t lifecycle_apply(struct registry *r, const struct lc_args *a,
			const struct op_meta *meta, struct strbuf *out,
			struct hoso_error *err);

/* ---- candidates (lifecycle.c) ---- */
struct lc_candidate {
	int32_t org_id; /* the cell that will consider the candidate */
	const char *full_name, *sex, *ethnicity, *religion, *hometown,
		*education, *expertise, *theory_level;
	int32_t birth;
};
/* Registers a candidate; appends {"candidate_id",...}; returns the id. */
int64_t lifecycle_candidate_add(struct registry *r,
				const struct lc_candidate *c,
				const struct op_meta *meta, struct strbuf *out,
				struct hoso_error *err);
/* Records one step of a candidate: step is "course" (certificate on day),
 * "introducers" (intro1, intro2 on day), "application", "background",
 * "considered" (the cell's resolution, where the age rule is checked),
 * "decided" (the decision, within the decision limit). approval records a
 * higher level's consent to an exception. */
int64_t lifecycle_candidate_step(struct registry *r, int64_t candidate_id,
				 const char *step, int32_t day, int64_t intro1,
				 int64_t intro2, const char *approval,
				 const struct op_meta *meta, struct strbuf *out,
				 struct hoso_error *err);
/* Admission: the ceremony on day creates the member (probationary, placed
 * in the candidate's cell from the ceremony). */
int64_t lifecycle_admit(struct registry *r, int64_t candidate_id,
			int32_t day, const char *approval,
			const struct op_meta *meta, struct strbuf *out,
			struct hoso_error *err);

/* ---- lists (lifecycle_query.c); org 0 = the whole registry; they need
 * the read model for subtrees ---- */
/* Candidates of cells in subtree(org, day) not yet admitted, with their
 * state and overdue steps: {"org","on","rows":[...]}. */
int lifecycle_list_candidates(struct registry *r, int32_t org, int32_t day,
			      struct strbuf *out, struct hoso_error *err);
/* Probationers placed in subtree(org, day) whose 12 months end by day +
 * days, or who are overdue: {"org","on","days","rows":[...]}. */
int lifecycle_list_due(struct registry *r, int32_t org, int32_t day,
		       int days, struct strbuf *out, struct hoso_error *err);
/* Members reaching a badge milestone at award day (early for the
 * seriously ill): {"org","on","rows":[...]}. */
int lifecycle_list_badges(struct registry *r, int32_t org, int32_t day,
			  struct strbuf *out, struct hoso_error *err);
/* Members in transit on day (letter sent, not yet received) whose sending
 * cell is in subtree(org, day): {"org","on","rows":[...]}. */
int lifecycle_list_in_transit(struct registry *r, int32_t org, int32_t day,
			      struct strbuf *out, struct hoso_error *err);
/* Members temporarily hosted on day by cells in subtree(org, day):
 * {"org","on","rows":[...]}. */
int lifecycle_list_temporary(struct registry *r, int32_t org, int32_t day,
			     struct strbuf *out, struct hoso_error *err);
/* A member's lifecycle history: events, cards, exemptions, discipline,
 * transfers, badges, gaps, party age on day. */
int lifecycle_history(struct registry *r, int64_t member_id, int32_t day,
		      struct strbuf *out, struct hoso_error *err);
/* The member holding card_no now or in the past (lc_cards); 0 if none. */
int64_t lifecycle_member_by_card(struct db *db, const char *card_no,
				 struct hoso_error *err);

/* 1 when org is a cell (members are placed only there) alive on day, 0
 * when not, -1 on a store error. */
int lc_cell_alive(struct db *db, int32_t org, int32_t day,
		  struct hoso_error *err);

#endif
