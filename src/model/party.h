/* party: party work as dated data: cell meetings and attendance, annual
 * quality rankings, conferences with presentations and recommendations,
 * directives with their implementation reports, and full-time cadres.
 *
 * Every change is an operation (a row of `operations`, kind "party.*"),
 * checked against the rule set in force on its effective day and written in
 * one transaction. Every question takes a day ("as of") and judges subtrees
 * on the tree as it was that day, through the read model (index.h).
 *
 * One entry point serves the CLI, `hoso batch` and the HTTP API, so their
 * answers are the same: an action name and a JSON object of arguments. The
 * arguments are strings or integers (a CLI flag --org 12 arrives as "12",
 * an API body field as 12); organisations are ids or codes. */
#ifndef HOSO_PARTY_H
#define HOSO_PARTY_H

#include <stdint.h>

#include <jansson.h>

#include "core/core.h"
#include "model/registry.h"

/*
 * Actions and their arguments ("!" = required). Dates are YYYY-MM-DD;
 * `on` defaults to today; lists of member ids are comma-separated.
 *
 * meetings
 *  meeting.add      org! date! duration! (minutes) kind (regular|thematic)
 *                   thematic_part (yes|no) topics absent excused (member
 *                   ids; the cell's other members on the day are present)
 *                   minutes (text) minutes_file (a file name or URL)
 *  meeting.list     org! from to          meetings held in subtree(org)
 *  meeting.flags    org! from! to! on     cells that skipped a month,
 *                   quarters without a thematic meeting, short meetings
 *  attendance       org! from! to! member  rate per cell (and per member
 *                   of a cell, or of one member)
 *  strike.candidates org! year!           absent without reason 3 months
 *                   of the year or more
 * rankings
 *  ranking.set      member | rank_org (exactly one) year! date! level |
 *                   score (score from 30 August 2025, level before) note
 *  ranking.history  member | rank_org
 *  ranking.rollup   org! year! subject (member|org)  counts by level and
 *                   unit under the tree of each ranking's day
 *  ranking.cap      org! year!            grassroots organisations whose
 *                   "excellent" members pass 20% of the "good" ones
 * conferences and recommendations
 *  conference.add   org! date! title! agenda delegates
 *  conference.list  org!
 *  presentation.add org! conference! title! author! unit
 *  recommendation.add     org! (submitting) to! (addressee) topic! text!
 *                         date conference
 *  recommendation.list    org! box (sent|received)   with the status seen
 *                         through consolidation (effective_status, answer)
 *  recommendation.consolidate org! ids! text! topic! date to
 *  recommendation.forward     org! id! to date
 *  recommendation.answer      org! id! answer! date
 *  recommendation.close       org! id! date
 *  recommendation.open        org! on    open ones by level and topic
 * directives
 *  directive.add    org! (issuer) number! date! title! kind text file
 *  directive.list   org!
 *  directive.assign org! directive! to! deadline! date levels (all|grassroots)
 *  directive.report org! directive! date! summary! status (in_progress|done)
 *  directive.status org! directive! on   reported / late / pending per unit
 *                   of each assignment, rolled up by child of org
 * full-time cadres
 *  cadre.add        org! (committee) name! post! from! member to
 *  cadre.end        org! id! to!
 *  cadre.count      org! on               per committee, rolled up
 * demo
 *  party.demo       year seed permille   fills a year of all the above
 *                   (permille: the share of cells given meetings and
 *                   rankings, 1..1000, default all)
 */

/* Runs action with args; appends its JSON answer to out. Writes use meta
 * (actor, source, reason). Returns 0, or -1 with err: HOSO_EUSAGE (bad or
 * missing argument), HOSO_ENOTFOUND, HOSO_EREJECT (a rule refused the
 * change; nothing was written). Needs the read model (loads it). */
int party_do(struct registry *r, const char *action, json_t *args,
	     const struct op_meta *meta, struct strbuf *out,
	     struct hoso_error *err);

/* 1 when action is one of the actions above. */
int party_action_known(const char *action);

/* The summaries kept with the rows (party_absence_months for the
 * striking-off candidates, party_rank_counts for the 20% cap), as checks
 * for `hoso check`: {what_vi, what_en, SQL counting the rows where the
 * summary and a recomputation from the rows differ}, ended by NULLs. */
extern const char *const party_sum_checks[][3];

/* ---- dated rules (exposed for tests) ---- */
enum party_level {
	PARTY_EXCELLENT = 0, /* Hoàn thành xuất sắc nhiệm vụ */
	PARTY_GOOD,          /* Hoàn thành tốt nhiệm vụ */
	PARTY_DONE,          /* Hoàn thành nhiệm vụ */
	PARTY_FAILED,        /* Không hoàn thành nhiệm vụ */
	PARTY_LEVEL_COUNT
};
extern const char *const party_level_names[PARTY_LEVEL_COUNT]; /* "excellent" */
extern const char *const party_level_labels_vi[PARTY_LEVEL_COUNT];

struct party_rules {
	int32_t from;              /* first day in force */
	int min_minutes;           /* a meeting lasts at least this */
	int min_minutes_thematic;  /* ... with a thematic part */
	int scored;                /* rankings by a 100-point score */
	int score_min[PARTY_LEVEL_COUNT]; /* lowest score of each level */
	int excellent_cap_pct;     /* excellent <= pct% of good, per grassroots */
};
/* The rule set in force on day. */
const struct party_rules *party_rules_on(int32_t day);
/* The level a score maps to under rules (score 0..100). */
enum party_level party_level_of_score(const struct party_rules *rules,
				      int score);
/* Largest number of "excellent" allowed with n_good "good" ones. */
long party_excellent_cap(const struct party_rules *rules, long n_good);

#endif
