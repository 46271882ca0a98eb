// members: the member list of a unit (search as you type, filters, sort in
// Vietnamese order, pages) and a member's dossier with its whole history.
import { t, fmtDay, fmtNum, kindLabel, has } from './i18n.js';
import { api, routes, enc } from './api.js';
import { h, clear, table, errorBox, setTitle, field, todayIso, byName, debounce, announce } from './ui.js';
import { can, go } from './main.js';
import { asOfForm, qs, crumbs } from './pages.js';
import { opTitle } from './forms.js';

// Operations on a member offered in the dossier (handlers.c, lifecycle.c).
const MEMBER_OPS = ['transfer', 'recognise', 'transfer-out', 'receive', 'temp-transfer', 'exempt', 'strike-off',
  'discipline', 'expel', 'leave', 'death', 'readmit', 'card-issue', 'badge-award'];

const PER_PAGE = 25;
// A list of at most this many members is fetched whole so that it can be
// sorted by name; a bigger subtree pages on the server, by record number.
const WHOLE_MAX = 1000;

function nameCell(m) { return h('a', { href: `#/member/${m.id}` }, m.full_name); }

// Search rows carry no sex or status: those columns show for lists only.
function membersTable(rows) {
  const full = rows.length && 'status' in rows[0];
  const cols = [
    { label: t('full_name'), rowHeader: true, get: nameCell },
    { label: t('card_no'), get: (m) => m.card_no || '' },
    { label: t('birth_date'), get: (m) => fmtDay(m.birth_date) },
  ];
  if (full) {
    cols.push({ label: t('sex'), get: (m) => t('sex.' + m.sex) });
    cols.push({ label: t('status'), get: (m) => t('status.' + m.status) });
  }
  return table(null, cols, rows, { class: 'members', 'data-testid': 'members-table' });
}

export async function membersPage(el, id, q) {
  const on = q.get('on') || todayIso();
  const org = await api(`/api/v1/orgs/${enc(id)}?on=${on}`);
  setTitle(t('members') + ' — ' + org.name);
  clear(el);
  const state = {
    q: q.get('q') || '', sex: q.get('sex') || '', status: q.get('status') || '',
    sort: q.get('sort') || 'name', page: Number(q.get('page') || 1),
  };
  const qInput = h('input', { type: 'search', name: 'q', value: state.q, autocomplete: 'off', spellcheck: 'false' });
  const sexSel = h('select', { name: 'sex' }, h('option', { value: '' }, t('all')), h('option', { value: 'M' }, t('sex.M')), h('option', { value: 'F' }, t('sex.F')));
  const stSel = h('select', { name: 'status' }, h('option', { value: '' }, t('all')), h('option', { value: 'official' }, t('status.official')), h('option', { value: 'probationary' }, t('status.probationary')));
  const sortSel = h('select', { name: 'sort' }, h('option', { value: 'name' }, t('sort_name')), h('option', { value: 'birth' }, t('sort_birth')), h('option', { value: 'id' }, t('sort_id')));
  sexSel.value = state.sex; stSel.value = state.status; sortSel.value = state.sort;
  const out = h('div', { id: 'member-results', 'aria-live': 'polite' });
  el.append(crumbs(org, q.get('on'), '#/members/'),
    h('h1', {}, `${t('members')}: ${org.name}`),
    asOfForm(`#/members/${org.id}`, on),
    h('form', { class: 'filters', role: 'search', onsubmit: (ev) => ev.preventDefault() },
      field('m-q', t('search'), qInput, t('search_hint')),
      h('div', { class: 'filter-row' }, field('m-sex', t('sex'), sexSel), field('m-status', t('status'), stSel), field('m-sort', t('sort'), sortSel))),
    out);
  let seq = 0;
  let whole = null; // the whole list when small enough

  function keepInUrl() {
    const hash = `#/members/${org.id}` + qs({ on: q.get('on'), q: state.q, sex: state.sex, status: state.status, sort: state.sort === 'name' ? '' : state.sort, page: state.page > 1 ? state.page : '' });
    history.replaceState(null, '', hash);
  }

  function sortRows(rows) {
    const r = rows.slice();
    if (state.sort === 'name') r.sort(byName);
    else if (state.sort === 'birth') r.sort((a, b) => (a.birth_date || '').localeCompare(b.birth_date || '') || a.id - b.id);
    else r.sort((a, b) => a.id - b.id);
    return r;
  }

  function pager(total, render) {
    const pages = Math.max(1, Math.ceil(total / PER_PAGE));
    if (pages <= 1) return null;
    const prev = h('button', { type: 'button', disabled: state.page <= 1 }, '‹ ' + t('prev'));
    const next = h('button', { type: 'button', disabled: state.page >= pages }, t('next') + ' ›');
    prev.addEventListener('click', () => { state.page--; render(); });
    next.addEventListener('click', () => { state.page++; render(); });
    return h('nav', { class: 'pager', 'aria-label': t('page') }, prev, h('span', {}, `${t('page')} ${state.page} ${t('of')} ${pages}`), next);
  }

  async function render() {
    const my = ++seq;
    keepInUrl();
    let rows, total;
    try {
      if (state.q.trim()) {
        const r = await api(`/api/v1/search?q=${enc(state.q)}&in=${org.id}&on=${on}&limit=${WHOLE_MAX}`);
        if (my !== seq) return;
        // search rows carry no sex or status: filters apply to lists
        rows = r.rows; total = r.total;
        rows = sortRows(rows);
        const start = (state.page - 1) * PER_PAGE;
        clear(out).append(h('p', { class: 'count-line' }, `${t('results')}: ${fmtNum(total)}`),
          rows.length ? membersTable(rows.slice(start, start + PER_PAGE)) : h('p', { class: 'muted' }, t('no_results')),
          pager(Math.min(total, rows.length), render));
        announce(`${t('results')}: ${total}`);
        return;
      }
      const filt = (state.sex ? `&sex=${state.sex}` : '') + (state.status ? `&status=${state.status}` : '');
      const key = filt;
      if (!whole || whole.key !== key) {
        const first = await api(`/api/v1/orgs/${org.id}/members?on=${on}&per_page=200&page=1${filt}`);
        if (my !== seq) return;
        whole = { key, total: first.total, rows: first.rows, complete: first.total <= first.rows.length };
        if (first.total <= WHOLE_MAX) {
          for (let p = 2; whole.rows.length < first.total; p++) {
            const more = await api(`/api/v1/orgs/${org.id}/members?on=${on}&per_page=200&page=${p}${filt}`);
            if (my !== seq) return;
            if (!more.rows.length) break;
            whole.rows = whole.rows.concat(more.rows);
          }
          whole.complete = true;
        }
      }
      total = whole.total;
      if (whole.complete) {
        rows = sortRows(whole.rows);
        const start = (state.page - 1) * PER_PAGE;
        rows = rows.slice(start, start + PER_PAGE);
      } else {
        const r = await api(`/api/v1/orgs/${org.id}/members?on=${on}&per_page=${PER_PAGE}&page=${state.page}${filt}`);
        if (my !== seq) return;
        rows = sortRows(r.rows);
      }
      clear(out).append(h('p', { class: 'count-line' }, `${t('total')}: ${fmtNum(total)}`),
        rows.length ? membersTable(rows) : h('p', { class: 'muted' }, t('no_results')),
        pager(total, render));
    } catch (e) {
      if (my === seq) clear(out).append(errorBox(e));
    }
  }
  const typed = debounce(() => { state.q = qInput.value; state.page = 1; render(); }, 250);
  qInput.addEventListener('input', typed);
  for (const [sel, k] of [[sexSel, 'sex'], [stSel, 'status'], [sortSel, 'sort']]) {
    sel.addEventListener('change', () => { state[k] = sel.value; state.page = 1; render(); });
  }
  await render();
}

// ---- the dossier ----
const DOSSIER_FIELDS = ['card_no', 'sex', 'birth_date', 'ethnicity', 'religion', 'hometown', 'education', 'expertise', 'theory_level', 'admitted_on', 'official_on', 'status', 'ended_on'];

function fieldValue(k, v) {
  if (v === null || v === undefined || v === '') return '—';
  if (/_on$|_date$/.test(k)) return fmtDay(v);
  if (k === 'sex') return t('sex.' + v);
  if (k === 'status') return has('status.' + v) ? t('status.' + v) : v;
  if (k === 'expertise' || k === 'theory_level') return has(`${k}.${v}`) ? t(`${k}.${v}`) : v;
  return String(v);
}

// Every dated fact of the dossier on one timeline, oldest first:
// admission, recognition, placements, the end, and whatever lists the
// lifecycle feature adds (cards, discipline, rankings...).
function timelineEvents(m) {
  const ev = [];
  if (m.admitted_on) ev.push({ day: m.admitted_on, what: t('admitted') });
  if (m.official_on) ev.push({ day: m.official_on, what: t('made_official') });
  for (const p of m.placements || []) {
    ev.push({ day: p.valid_from, what: `${t('placements')}: `, org: p.org_id, orgName: p.org_name || ('#' + p.org_id), until: p.valid_to });
  }
  if (m.ended_on) ev.push({ day: m.ended_on, what: `${t('ended_on')}: ${fieldValue('status', m.status)}` });
  for (const [k, v] of Object.entries(m)) {
    if (k === 'placements' || !Array.isArray(v)) continue;
    for (const item of v) {
      if (!item || typeof item !== 'object') continue;
      const day = item.day || item.on || item.date || item.effective || item.effective_on || item.valid_from || item.issued_on || item.decided_on || item.awarded_on || item.from || (item.year && `${item.year}-12-31`);
      const desc = Object.entries(item).filter(([kk, vv]) => vv !== null && typeof vv !== 'object' && !/^(day|on|date|effective|effective_on|valid_from|decided_on|issued_on|awarded_on|seq)$/.test(kk))
        .map(([kk, vv]) => `${has(kk) ? t(kk) : kk}: ${fieldValue(kk, vv)}`).join(' · ');
      ev.push({ day: day || null, what: `${has(k) ? t(k) : k} — ${desc}` });
    }
  }
  ev.sort((a, b) => (a.day || '').localeCompare(b.day || ''));
  return ev;
}

export async function memberPage(el, id) {
  const m = await api(`/api/v1/members/${enc(id)}`);
  setTitle(m.full_name);
  clear(el);
  el.append(h('h1', {}, m.full_name), h('p', { class: 'muted' }, t('dossier') + ` · #${m.id}`));
  const dl = h('dl', { class: 'facts' });
  for (const k of DOSSIER_FIELDS) {
    if (!(k in m)) continue;
    dl.append(h('div', {}, h('dt', {}, t(k)), h('dd', {}, fieldValue(k, m[k]))));
  }
  el.append(h('section', { class: 'card' }, dl));
  // operations on this member, as their routes exist
  if (can('write') && !m.ended_on) {
    const doc = await routes();
    const links = [];
    for (const [pattern, item] of Object.entries(doc.paths || {})) {
      if (!item.post || !/^\/api\/v1\/members\/\{id\}\/[a-z_-]+$/.test(pattern)) continue;
      const name = pattern.split('/').pop();
      if (!MEMBER_OPS.includes(name)) continue;
      links.push(h('a', { class: 'button', href: `#/form?p=${enc(pattern)}&id=${m.id}` }, opTitle(name, item.post.summary)));
    }
    if (links.length) el.append(h('section', { 'aria-labelledby': 'act-h' }, h('h2', { id: 'act-h' }, t('actions')), h('p', { class: 'actions' }, links)));
  }
  // the lifecycle history (cards, transfers, exemptions, discipline,
  // badges, gaps) and the rankings, when those routes exist
  const doc = await routes();
  const extra = { ...m };
  if (doc.paths['/api/v1/members/{id}/history']) {
    try {
      const hist = await api(`/api/v1/members/${enc(id)}/history`);
      for (const k of ['cards', 'transfers', 'exemptions', 'discipline', 'badges', 'gaps']) if (Array.isArray(hist[k])) extra[k] = hist[k];
      if (hist.party_years !== undefined) {
        dl.append(h('div', {}, h('dt', {}, t('party_age')), h('dd', {}, `${hist.party_years} ${t('years')}` + (hist.party_age_from ? ` (${t('from').toLowerCase()} ${fmtDay(hist.party_age_from)})` : ''))));
      }
    } catch (e) { /* the dossier stands without it */ }
  }
  if (doc.paths['/api/v1/members/{id}/rankings'] && doc.paths['/api/v1/members/{id}/rankings'].get) {
    try { const rk = await api(`/api/v1/members/${enc(id)}/rankings`); if (Array.isArray(rk.rankings)) extra.rankings = rk.rankings; } catch (e) { /* optional */ }
  }
  const ol = h('ol', { class: 'timeline' });
  for (const e of timelineEvents(extra)) {
    ol.append(h('li', {},
      h('span', { class: 'when' }, e.day ? fmtDay(e.day) : '—'),
      h('span', { class: 'what' }, e.what,
        e.org ? h('a', { href: `#/org/${e.org}` + qs({ on: e.day || '' }) }, e.orgName) : null,
        e.org ? ` (${e.until ? `${t('to').toLowerCase()} ${fmtDay(e.until)}` : t('still')})` : null)));
  }
  el.append(h('section', { 'aria-labelledby': 'tl-h' }, h('h2', { id: 'tl-h' }, t('timeline')), ol));
}
