/* party: the entry point of party work, its dated rule sets, and the helpers
 * its action files share (arguments, operations, tree walks, a hash). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "model/party_int.h"
#include "model/reflist.h"
#include "core/banned.h"

const char *const party_level_names[PARTY_LEVEL_COUNT] = {
	"excellent", "good", "done", "failed"};
const char *const party_level_labels_vi[PARTY_LEVEL_COUNT] = {
	"Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ",
	"Hoàn thành nhiệm vụ", "Không hoàn thành nhiệm vụ"};

/* The rule sets, oldest first; each holds from its day until the next.
 * Meetings: Hướng dẫn 12-HD/BTCTW (2018): monthly, at least 90 minutes, a
 * thematic part makes it 120. Rankings: Quy định 124-QĐ/TW (2023) gives the
 * four levels and the 20% cap; Hướng dẫn of 30 August 2025 adds the
 * 100-point score (>= 90, 70-89, 50-69, < 50). */
static struct party_rules rule_sets[] = {
	{0, 90, 120, 0, {0, 0, 0, 0}, 20},
	{0, 90, 120, 1, {90, 70, 50, 0}, 20},
};
static const int rule_set_ymd[][3] = {{1900, 1, 1}, {2025, 8, 30}};

const struct party_rules *party_rules_on(int32_t day)
{
	size_t n = sizeof(rule_sets) / sizeof(rule_sets[0]);
	const struct party_rules *best = &rule_sets[0];

	/* the first days are constants of the table; compute them once
	 * (idempotent, so a race between threads writes the same values) */
	for (size_t i = 0; i < n; i++)
		rule_sets[i].from = day_from_ymd(rule_set_ymd[i][0],
						 rule_set_ymd[i][1],
						 rule_set_ymd[i][2]);
	for (size_t i = 0; i < n; i++)
		if (rule_sets[i].from <= day)
			best = &rule_sets[i];
	return best;
}

enum party_level party_level_of_score(const struct party_rules *rules,
				      int score)
{
	for (int l = 0; l < PARTY_LEVEL_COUNT; l++)
		if (score >= rules->score_min[l])
			return (enum party_level)l;
	return PARTY_FAILED;
}

long party_excellent_cap(const struct party_rules *rules, long n_good)
{
	return n_good * rules->excellent_cap_pct / 100;
}

/* ---- arguments ---- */

static int missing(struct party_ctx *c, const char *name)
{
	return hoso_err(c->err, HOSO_EUSAGE,
			TR("thiếu tham số %s", "missing argument %s"), name);
}

static int bad(struct party_ctx *c, const char *name, const char *why_vi,
	       const char *why_en)
{
	return hoso_err(c->err, HOSO_EUSAGE,
			TR("giá trị không hợp lệ ở %s: %s",
			   "bad value in %s: %s"),
			name, TR(why_vi, why_en));
}

int party_arg_str(struct party_ctx *c, const char *name, int required,
		  const char **out)
{
	json_t *v = json_object_get(c->args, name);
	const char *s;

	if (!v || json_is_null(v))
		return required ? missing(c, name) : 0;
	if (!json_is_string(v))
		return bad(c, name, "cần một chuỗi", "text expected");
	s = json_string_value(v);
	if (json_string_length(v) > PARTY_TEXT_MAX ||
	    strlen(s) != json_string_length(v))
		return bad(c, name, "quá dài hoặc có ký tự NUL",
			   "too long or holds a NUL");
	if (!*s)
		return required ? missing(c, name) : 0;
	*out = s;
	return 0;
}

int party_arg_int(struct party_ctx *c, const char *name, int required,
		  int64_t min, int64_t max, int64_t *out)
{
	json_t *v = json_object_get(c->args, name);
	int64_t x;

	if (!v || json_is_null(v))
		return required ? missing(c, name) : 0;
	if (json_is_integer(v)) {
		x = json_integer_value(v);
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		int neg = s[0] == '-';
		if (!strcmp(s, "0"))
			x = 0;
		else if (parse_pos_int(s + neg, strlen(s + neg), INT64_MAX / 2,
				       &x))
			return bad(c, name, "cần một số nguyên",
				   "an integer expected");
		if (neg)
			x = -x;
	} else {
		return bad(c, name, "cần một số nguyên", "an integer expected");
	}
	if (x < min || x > max) {
		return hoso_err(c->err, HOSO_EUSAGE,
				TR("%s phải từ %lld đến %lld",
				   "%s must be from %lld to %lld"),
				name, (long long)min, (long long)max);
	}
	*out = x;
	return 0;
}

int party_arg_day(struct party_ctx *c, const char *name, int required,
		  int32_t *out)
{
	const char *s = NULL;

	if (party_arg_str(c, name, required, &s))
		return -1;
	if (!s)
		return 0;
	if (day_parse(s, strlen(s), out))
		return bad(c, name, "ngày cần dạng YYYY-MM-DD",
			   "a date YYYY-MM-DD expected");
	return 0;
}

int party_arg_org(struct party_ctx *c, const char *name, int required,
		  int32_t day, int32_t *out)
{
	json_t *v = json_object_get(c->args, name);
	char buf[24], dbuf[11];
	const char *s;
	int32_t id;

	if (!v || json_is_null(v) ||
	    (json_is_string(v) && !json_string_length(v)))
		return required ? missing(c, name) : 0;
	if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%lld",
			 (long long)json_integer_value(v));
		s = buf;
	} else if (json_is_string(v)) {
		s = json_string_value(v);
	} else {
		return bad(c, name, "cần mã hoặc số hiệu tổ chức",
			   "an organisation id or code expected");
	}
	id = registry_resolve_org(c->r, s, day, c->err);
	if (!id) {
		day_format(day, dbuf);
		return hoso_err(c->err, HOSO_ENOTFOUND,
				TR("%s: không tìm thấy tổ chức %s vào ngày %s",
				   "%s: organisation %s not found on %s"),
				name, s, dbuf);
	}
	*out = id;
	return 0;
}

int party_arg_enum(struct party_ctx *c, const char *name, int required,
		   const char *const *names, int n, int *out)
{
	const char *s = NULL;
	int k;

	if (party_arg_str(c, name, required, &s))
		return -1;
	if (!s)
		return 0;
	k = enum_lookup(names, n, s, strlen(s));
	if (k < 0) {
		char list[256] = "";
		size_t len = 0;
		for (int i = 0; i < n && len < sizeof(list) - 1; i++)
			len += (size_t)snprintf(list + len, sizeof(list) - len,
						"%s%s", i ? ", " : "", names[i]);
		return hoso_err(c->err, HOSO_EUSAGE,
				TR("%s phải là một trong: %s",
				   "%s must be one of: %s"),
				name, list);
	}
	*out = k;
	return 0;
}

int party_arg_ids(struct party_ctx *c, const char *name, int32_t **ids,
		  size_t *n)
{
	const char *s = NULL, *p;
	size_t alloc = 0;

	*ids = NULL;
	*n = 0;
	if (party_arg_str(c, name, 0, &s))
		return -1;
	if (!s)
		return 0;
	for (p = s; *p;) {
		const char *end = p;
		int64_t id;
		while (*end && *end != ',')
			end++;
		while (p < end && *p == ' ')
			p++;
		if (end > p && (parse_pos_int(p, (size_t)(end - p), ID_MAX,
					      &id) ||
				*n >= PARTY_IDS_MAX)) {
			FREE_AND_NULL(*ids);
			*n = 0;
			return bad(c, name, "cần các số hiệu cách nhau bởi dấu phẩy",
				   "comma-separated ids expected");
		}
		if (end > p) {
			ALLOC_GROW(*ids, *n + 1, alloc);
			(*ids)[(*n)++] = (int32_t)id;
		}
		p = *end ? end + 1 : end;
	}
	return 0;
}

/* ---- writing ---- */

int party_begin(struct party_ctx *c)
{
	return db_begin(c->r->db, 1, c->err);
}

void party_rollback(struct party_ctx *c)
{
	db_rollback(c->r->db);
}

int party_commit(struct party_ctx *c)
{
	if (db_commit(c->r->db, c->err)) {
		db_rollback(c->r->db);
		return -1;
	}
	return 0;
}

int party_exec(struct db_stmt *st, struct hoso_error *err)
{
	int rc;

	if (!st)
		return -1;
	rc = db_step(st, err) < 0 ? -1 : 0;
	db_finalize(st);
	return rc;
}

int party_write_op(struct party_ctx *c, const char *kind, int32_t effective,
		   int64_t *seq)
{
	char *payload = json_dumps(c->args, JSON_COMPACT);
	int rc = registry_write_op(c->r->db, kind, effective,
				   payload ? payload : "{}", c->meta, seq,
				   c->err);
	free(payload);
	return rc;
}

/* ---- values ---- */

void party_bind_str(struct db_stmt *st, int idx, const char *s)
{
	if (!s)
		db_bind_null(st, idx);
	else
		db_bind_text(st, idx, s, strlen(s));
}

int32_t party_col_day(struct db_stmt *st, int col, int32_t dflt)
{
	size_t len;
	const char *s = db_column_text(st, col, &len);
	int32_t d;

	if (!s || day_parse(s, len, &d))
		return dflt;
	return d;
}

json_t *party_col_json_text(struct db_stmt *st, int col)
{
	size_t len;
	const char *s = db_column_text(st, col, &len);

	return s ? json_stringn(s, len) : json_null();
}

json_t *party_json_day(int32_t d)
{
	char b[11];

	if (d == DAY_MIN || d == DAY_MAX)
		return json_null();
	day_format(d, b);
	return json_string(b);
}

json_t *party_org_brief(const struct index *ix, int32_t org, int32_t day)
{
	const struct index_org_version *v = index_org_on(ix, org, day);

	if (!v) {
		const struct index_org_version *all;
		size_t n = index_org_versions(ix, org, &all);
		if (!n)
			return json_null();
		v = &all[n - 1];
	}
	return json_pack("{s:i,s:o,s:s,s:s}", "id", org, "code",
			 v->code ? json_string(v->code) : json_null(), "name",
			 v->name, "kind", org_kind_names[v->kind]);
}

int party_reply(struct party_ctx *c, json_t *v)
{
	char *s;
	int rc;

	if (!v)
		return hoso_err(c->err, HOSO_EIO, "%s",
				TR("lỗi nội bộ khi tạo câu trả lời",
				   "internal error building the answer"));
	s = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	if (!s)
		return hoso_err(c->err, HOSO_EIO, "json");
	rc = strbuf_adds(c->out, s);
	free(s);
	if (rc)
		return hoso_err(c->err, HOSO_EIO, "%s",
				TR("câu trả lời quá lớn", "answer too large"));
	return 0;
}

int party_month_of(int32_t day)
{
	int y, m, d;

	day_to_ymd(day, &y, &m, &d);
	return y * 12 + m - 1;
}

void party_month_format(int month, char out[8])
{
	unsigned m = (unsigned)month;
	snprintf(out, 8, "%04u-%02u", (m / 12u) % 10000u, m % 12u + 1u);
}

int32_t party_month_first(int month)
{
	return day_from_ymd(month / 12, month % 12 + 1, 1);
}

/* ---- tree on a day ---- */

int32_t party_child_toward(const struct index *ix, int32_t top, int32_t org,
			   int32_t day)
{
	int32_t prev = org, cur = org;

	if (!index_org_on(ix, top, day))
		return 0;
	for (int depth = 0; depth < PARTY_DEPTH_MAX; depth++) {
		const struct index_org_version *v;
		if (cur == top)
			return prev;
		v = index_org_on(ix, cur, day);
		if (!v || !v->parent_id)
			return 0;
		prev = cur;
		cur = v->parent_id;
	}
	return 0;
}

int32_t party_grassroots_of(const struct index *ix, int32_t org, int32_t day)
{
	int32_t cur = org;

	for (int depth = 0; depth < PARTY_DEPTH_MAX && cur; depth++) {
		const struct index_org_version *v = index_org_on(ix, cur, day);
		if (!v)
			return 0;
		if (org_kind_is_grassroots(v->kind))
			return cur;
		cur = v->parent_id;
	}
	return 0;
}

size_t party_subtree(const struct index *ix, int32_t top, int32_t day,
		     int32_t **out)
{
	int32_t *res = NULL;
	size_t n = 0, alloc = 0, next = 0;

	*out = NULL;
	if (!index_org_on(ix, top, day))
		return 0;
	ALLOC_GROW(res, 1, alloc);
	res[n++] = top;
	/* breadth first over the result array itself: no separate stack */
	while (next < n) {
		int32_t *kids = NULL;
		size_t k = index_children(ix, res[next++], day, &kids);
		ALLOC_GROW(res, n + k, alloc);
		memcpy(res + n, kids, k * sizeof(*kids));
		n += k;
		free(kids);
	}
	*out = res;
	return n;
}

/* ---- int hash (open addressing, linear probing) ---- */

void party_imap_init(struct party_imap *m)
{
	memset(m, 0, sizeof(*m));
}

void party_imap_release(struct party_imap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

static size_t imap_slot(const struct party_imap *m, int32_t key)
{
	uint32_t h = (uint32_t)key * 2654435761u;
	size_t i = h & (m->cap - 1);

	while (m->keys[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

int64_t *party_imap_find(const struct party_imap *m, int32_t key)
{
	size_t i;

	if (!m->cap)
		return NULL;
	i = imap_slot(m, key);
	return m->keys[i] ? &m->vals[i] : NULL;
}

int64_t *party_imap_get(struct party_imap *m, int32_t key, int64_t dflt)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct party_imap g;
		g.cap = m->cap ? m->cap * 2 : 64;
		g.n = m->n;
		g.keys = xcalloc(g.cap, sizeof(*g.keys));
		g.vals = xcalloc(g.cap, sizeof(*g.vals));
		for (size_t j = 0; j < m->cap; j++)
			if (m->keys[j]) {
				size_t s = imap_slot(&g, m->keys[j]);
				g.keys[s] = m->keys[j];
				g.vals[s] = m->vals[j];
			}
		free(m->keys);
		free(m->vals);
		*m = g;
	}
	i = imap_slot(m, key);
	if (!m->keys[i]) {
		m->keys[i] = key;
		m->vals[i] = dflt;
		m->n++;
	}
	return &m->vals[i];
}

/* ---- the entry point ---- */

static const struct {
	const char *name;
	int (*fn)(struct party_ctx *c);
} actions[] = {
	{"meeting.add", party_meeting_add},
	{"meeting.list", party_meeting_list},
	{"meeting.flags", party_meeting_flags},
	{"attendance", party_attendance},
	{"strike.candidates", party_strike_candidates},
	{"ranking.set", party_ranking_set},
	{"ranking.history", party_ranking_history},
	{"ranking.rollup", party_ranking_rollup},
	{"ranking.cap", party_ranking_cap},
	{"conference.add", party_conference_add},
	{"conference.list", party_conference_list},
	{"presentation.add", party_presentation_add},
	{"recommendation.add", party_rec_add},
	{"recommendation.list", party_rec_list},
	{"recommendation.consolidate", party_rec_consolidate},
	{"recommendation.forward", party_rec_forward},
	{"recommendation.answer", party_rec_answer},
	{"recommendation.close", party_rec_close},
	{"recommendation.open", party_rec_open},
	{"directive.add", party_directive_add},
	{"directive.list", party_directive_list},
	{"directive.assign", party_directive_assign},
	{"directive.report", party_directive_report},
	{"directive.status", party_directive_status},
	{"cadre.add", party_cadre_add},
	{"cadre.end", party_cadre_end},
	{"cadre.count", party_cadre_count},
	{"party.demo", party_demo},
};

int party_action_known(const char *action)
{
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (!strcmp(actions[i].name, action))
			return 1;
	return 0;
}

static pthread_mutex_t party_lock = PTHREAD_MUTEX_INITIALIZER;

int party_do(struct registry *r, const char *action, json_t *args,
	     const struct op_meta *meta, struct strbuf *out,
	     struct hoso_error *err)
{
	struct party_ctx c = {r, NULL, args, meta, out, err, day_today()};

	if (!json_is_object(args))
		return hoso_err(err, HOSO_EUSAGE, "%s",
				TR("tham số phải là một đối tượng JSON",
				   "arguments must be a JSON object"));
	if (registry_load_index(r, 1, err))
		return -1;
	c.ix = r->ix;
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (!strcmp(actions[i].name, action)) {
			int rc;
			/* the aggregates and trees of party work are caches
			 * of the process (party_meeting.c, party_rank.c,
			 * party_tree.c) while the server answers reads on
			 * several threads: one action at a time uses them */
			pthread_mutex_lock(&party_lock);
			rc = actions[i].fn(&c);
			pthread_mutex_unlock(&party_lock);
			return rc;
		}
	return hoso_err(err, HOSO_EUSAGE,
			TR("không có thao tác %s", "no action %s"), action);
}
