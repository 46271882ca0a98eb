// pages: a unit's page (dashboard as of a day, history) and the tree
// browser.
import { t, kindLabel, fmtDay, fmtNum, has } from './i18n.js';
import { api, routes } from './api.js';
import { h, clear, barChart, table, errorBox, setTitle, field, todayIso, dateInput, parseDay } from './ui.js';
import { can, go } from './main.js';
import { opTitle, candState } from './forms.js';

// Operations on a unit offered on its page (lifecycle.c, orgops.c).
const ORG_OPS = ['candidates', 'admissions', 'rename', 'recode', 'move', 'merge', 'split', 'dissolve', 'kind'];

const BREAKDOWN = ['sex', 'age', 'status', 'membership_years', 'theory_level', 'expertise', 'ethnicity', 'religion'];
const CHANGES = ['admitted', 'made_official', 'moved_in', 'moved_out', 'left', 'expelled', 'died'];

// The "as of" form: a day typed as dd/mm/yyyy that reloads the page for
// that day; a day it cannot read is explained under the box.
export function asOfForm(base, on, extra = {}) {
  const input = dateInput('on', on, { required: true });
  const err = h('p', { class: 'field-error', id: 'asof-on-err', hidden: true });
  const f = h('form', { class: 'asof', role: 'search', novalidate: true },
    field('asof-on', t('as_of'), input),
    h('button', { type: 'submit', class: 'primary' }, t('show')),
    h('button', { type: 'button', onclick: () => go(base + qs({ ...extra, on: '' })) }, t('today')),
    err);
  input.setAttribute('aria-describedby', err.id);
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const d = parseDay(input.value);
    err.hidden = !!d;
    err.textContent = d ? '' : t('bad_date');
    if (d) { input.removeAttribute('aria-invalid'); go(base + qs({ ...extra, on: d })); } else { input.setAttribute('aria-invalid', 'true'); input.focus(); }
  });
  return f;
}

export function qs(obj) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(obj)) if (v !== undefined && v !== null && v !== '') p.set(k, v);
  const s = p.toString();
  return s ? '?' + s : '';
}

export function crumbs(org, on, prefix = '#/org/') {
  const items = [...org.path, org];
  return h('nav', { 'aria-label': t('parent'), class: 'crumbs' },
    h('ol', {}, items.map((o, i) => h('li', {},
      i === items.length - 1 ? h('span', { 'aria-current': 'page' }, o.name)
        : h('a', { href: prefix + o.id + qs({ on }) }, o.name)))));
}

function dayAfter(d) {
  const x = new Date(d + 'T00:00:00Z');
  x.setUTCDate(x.getUTCDate() + 1);
  return x.toISOString().slice(0, 10);
}

// What changed from one version to the next, in words.
function versionChanges(prev, v) {
  const out = [];
  if (!prev) out.push(t('created'));
  else {
    if (prev.name !== v.name) out.push(`${t('renamed')}: «${prev.name}» → «${v.name}»`);
    if (prev.parent_id !== v.parent_id) out.push(`${t('moved')}: ${prev.parent_id || '—'} → ${v.parent_id || '—'}`);
    if (prev.kind !== v.kind) out.push(`${t('kind_changed')}: ${kindLabel(prev.kind)} → ${kindLabel(v.kind)}`);
  }
  return out.join('; ');
}

async function historySection(id, on) {
  const sec = h('section', { 'aria-labelledby': 'hist-h' }, h('h2', { id: 'hist-h' }, t('history')));
  try {
    const r = await api(`/api/v1/orgs/${id}/versions`);
    const names = {};
    for (const v of r.versions) {
      if (v.parent_id && !names[v.parent_id]) {
        const day = v.valid_from || on;
        try { names[v.parent_id] = (await api(`/api/v1/orgs/${v.parent_id}?on=${day}`)).name; } catch (e) { names[v.parent_id] = '#' + v.parent_id; }
      }
    }
    const rows = r.versions.map((v, i) => ({ ...v, what: versionChanges(r.versions[i - 1], v) }));
    sec.append(table(null, [
      { label: t('from'), get: (v) => (v.valid_from ? fmtDay(v.valid_from) : t('since_ever')) },
      { label: t('to'), get: (v) => (v.valid_to ? fmtDay(v.valid_to) : t('still')) },
      { label: t('name'), get: (v) => v.name },
      { label: t('kind'), get: (v) => kindLabel(v.kind) },
      { label: t('parent'), get: (v) => (v.parent_id ? h('a', { href: `#/org/${v.parent_id}${qs({ on: v.valid_from || '' })}` }, names[v.parent_id]) : '—') },
      { label: t('changes'), get: (v) => v.what },
    ], rows, { class: 'history' }));
  } catch (e) { sec.append(errorBox(e)); }
  return sec;
}

// Lists that the lifecycle feature adds (due for recognition, badges,
// transfers in transit, temporary guests, candidates): shown when the
// route exists in the OpenAPI document.
const LISTS = [
  ['due', ['Đến hạn, quá hạn xét công nhận chính thức', 'Due or overdue for recognition']],
  ['badges', ['Đủ điều kiện tặng Huy hiệu Đảng (đợt trao gần nhất)', 'Eligible for the Party badge (next award day)']],
  ['in-transit', ['Đang chuyển sinh hoạt (quá hạn được đánh dấu)', 'Transfers in transit (overdue marked)']],
  ['temporary', ['Sinh hoạt tạm thời', 'Temporary guests']],
  ['candidates', ['Người vào Đảng', 'Candidates']],
];
// Badges are awarded on 3 February, 19 May, 2 September and 7 November.
function nextAwardDay(on) {
  const y = Number(on.slice(0, 4));
  for (const yy of [y, y + 1]) for (const md of ['02-03', '05-19', '09-02', '11-07']) if (`${yy}-${md}` >= on) return `${yy}-${md}`;
  return on;
}
async function lifecycleSections(id, on) {
  if (!can('personal')) return [];
  const doc = await routes();
  const out = [];
  const en = document.documentElement.lang === 'en' ? 1 : 0;
  for (const [name, title] of LISTS) {
    const item = doc.paths[`/api/v1/orgs/{id}/${name}`];
    if (!item || !item.get) continue;
    const day = name === 'badges' ? nextAwardDay(on) : on;
    const sec = h('section', { 'aria-label': title[en], class: 'lifecycle', 'data-list': name },
      h('h2', {}, title[en] + (name === 'badges' ? ` — ${fmtDay(day)}` : '')));
    try {
      const r = await api(`/api/v1/orgs/${id}/${name}?on=${day}`);
      sec.append(name === 'candidates' ? await candidatesTable(id, r.rows || []) : genericRows(r));
    } catch (e) { sec.append(errorBox(e)); }
    out.push(sec);
  }
  return out;
}

// What waits for the user in a unit, for the home page of those who write
// (a secretary, an organiser): probationers due for recognition,
// transfers in transit, candidates and how far they are. Only the lists
// whose routes exist; each line links to the unit's page, where they are.
export async function todoList(id) {
  const doc = await routes();
  const en = document.documentElement.lang === 'en' ? 1 : 0;
  const ul = h('ul', { class: 'todo' });
  for (const [name, title] of LISTS) {
    if (name === 'badges' || name === 'temporary') continue;
    const item = doc.paths[`/api/v1/orgs/{id}/${name}`];
    if (!item || !item.get) continue;
    let rows;
    try { rows = (await api(`/api/v1/orgs/${id}/${name}`)).rows || []; } catch (e) { continue; }
    let extra = '';
    if (name === 'candidates') {
      const ready = rows.filter((c) => c.state === 'decided').length;
      const late = rows.filter((c) => c.overdue && c.overdue.length).length;
      extra = [ready ? `${fmtNum(ready)} ${candState('decided')}` : null, late ? `${fmtNum(late)} ${en ? 'overdue' : 'quá hạn'}` : null].filter(Boolean).join(', ');
    }
    ul.append(h('li', {}, h('a', { href: `#/org/${id}` }, title[en]), ': ', h('strong', {}, fmtNum(rows.length)), extra ? ` (${extra})` : ''));
  }
  return ul.children.length ? h('div', {}, h('p', { class: 'todo-h' }, en ? 'To do' : 'Việc cần theo dõi'), ul) : null;
}

// The candidates of a unit with the way on: record the next step, or
// admit once the decision is taken.
async function candidatesTable(id, rows) {
  if (!rows.length) return h('p', { class: 'muted' }, '—');
  const doc = await routes();
  const stepP = '/api/v1/orgs/{id}/candidates/{cid}/steps';
  const admitP = '/api/v1/orgs/{id}/admissions';
  const write = can('write');
  const en = document.documentElement.lang === 'en' ? 1 : 0;
  const cols = [
    { label: t('full_name'), rowHeader: true, get: (c) => c.full_name },
    { label: t('birth_date'), get: (c) => fmtDay(c.birth_date) },
    { label: t('state'), get: (c) => candState(c.state) },
    { label: en ? 'Overdue' : 'Quá hạn', get: (c) => (c.overdue || []).join(', ') },
  ];
  if (write) {
    cols.push({
      label: t('actions'),
      get: (c) => {
        const acts = [];
        if (c.state === 'decided' && doc.paths[admitP]) {
          acts.push(h('a', { class: 'button', href: `#/form?p=${encodeURIComponent(admitP)}&id=${id}&cid=${c.candidate_id}`, 'aria-label': `${opTitle('admit')}: ${c.full_name}` }, opTitle('admit')));
        } else if (doc.paths[stepP]) {
          acts.push(h('a', { class: 'button', href: `#/form?p=${encodeURIComponent(stepP)}&id=${id}&cid=${c.candidate_id}`, 'aria-label': `${en ? 'Next step' : 'Ghi bước tiếp theo'}: ${c.full_name}` }, en ? 'Next step' : 'Ghi bước tiếp theo'));
        }
        return h('span', {}, acts);
      },
    });
  }
  return table(null, cols, rows, { class: 'candidates' });
}

// Shows any JSON answer with a list of rows as a table; member ids link to
// the dossier.
export function genericRows(r) {
  const rows = Array.isArray(r) ? r : (r.rows || r.members || r.items || Object.values(r).find(Array.isArray) || []);
  if (!rows.length) return h('p', { class: 'muted' }, '—');
  const keys = Object.keys(rows[0]).filter((k) => typeof rows[0][k] !== 'object' || rows[0][k] === null);
  return table(null, keys.map((k) => ({
    label: has(k) ? t(k) : k,
    num: typeof rows[0][k] === 'number' && k !== 'id',
    get: (row) => {
      const v = row[k];
      if ((k === 'member_id' || (k === 'id' && 'full_name' in row)) && v) return h('a', { href: '#/member/' + v }, String(v));
      if (k === 'full_name' && row.id) return h('a', { href: '#/member/' + (row.member_id || row.id) }, v);
      if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return fmtDay(v);
      if (typeof v === 'boolean') return v ? '✓' : '';
      if (k === 'org_id' && v) return h('a', { href: '#/org/' + v }, String(v));
      if (k === 'state' && has('state.' + v)) return t('state.' + v);
      return v === null ? '' : String(v);
    },
  })), rows);
}

function breakdownBlock(b) {
  const charts = h('div', { class: 'charts' });
  const trows = [];
  for (const key of BREAKDOWN) {
    const rows = Object.entries(b[key] || {}).map(([k, n]) => ({ label: t(`${key}.${k}`), n }));
    charts.append(barChart(t(key), rows, b.total));
    for (const r of rows) trows.push({ group: t(key), ...r });
  }
  const details = h('details', { class: 'data-table' }, h('summary', {}, t('breakdown') + ' — ' + t('count')),
    table(null, [
      { label: t('item'), get: (r) => r.group },
      { label: '', get: (r) => r.label },
      { label: t('count'), num: true, get: (r) => fmtNum(r.n) },
      { label: t('percent'), num: true, get: (r) => (b.total ? ((100 * r.n) / b.total).toFixed(1) + ' %' : '') },
    ], trows));
  return [charts, details];
}

async function changesSection(id, on, q) {
  const year = on.slice(0, 4);
  const from = q.get('from') || `${year}-01-01`;
  const to = q.get('to') || dayAfter(on);
  const sec = h('section', { 'aria-labelledby': 'chg-h' }, h('h2', { id: 'chg-h' }, t('changes')));
  const fi = dateInput('from', from);
  const ti = dateInput('to', to);
  const f = h('form', { class: 'period' }, field('chg-from', t('from'), fi), field('chg-to', t('to'), ti),
    h('button', { type: 'submit' }, t('show')));
  const perr = h('p', { class: 'field-error', id: 'chg-err', hidden: true, role: 'alert' });
  f.append(perr);
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const a = parseDay(fi.value), b = parseDay(ti.value);
    for (const [inp, d] of [[fi, a], [ti, b]]) if (d) inp.removeAttribute('aria-invalid'); else inp.setAttribute('aria-invalid', 'true');
    perr.hidden = !!(a && b);
    perr.textContent = a && b ? '' : t('bad_date');
    if (!a || !b) { (a ? ti : fi).focus(); return; }
    go(`#/org/${id}` + qs({ on: q.get('on'), from: a, to: b }));
  });
  sec.append(f);
  try {
    const c = await api(`/api/v1/orgs/${id}/changes?from=${from}&to=${to}`);
    sec.append(h('p', { class: 'muted' }, `${t('period')}: ${fmtDay(from)} – ${fmtDay(to)} (${t('period_note')})`));
    sec.append(table(null, [
      { label: t('item'), get: (k) => t(k), rowHeader: true },
      { label: t('count'), num: true, get: (k) => fmtNum(c[k]) },
    ], CHANGES, { class: 'changes' }));
  } catch (e) { sec.append(errorBox(e)); }
  return sec;
}

export async function orgPage(el, id, q) {
  const on = q.get('on') || todayIso();
  const org = await api(`/api/v1/orgs/${encodeURIComponent(id)}?on=${on}`);
  setTitle(org.name);
  clear(el);
  el.append(crumbs(org, q.get('on')),
    h('h1', {}, org.name),
    h('p', { class: 'muted' }, [kindLabel(org.kind), org.code ? `${t('code')} ${org.code}` : null,
      `${t('from').toLowerCase()} ${org.valid_from ? fmtDay(org.valid_from) : t('since_ever')}`,
      org.valid_to ? `${t('to').toLowerCase()} ${fmtDay(org.valid_to)}` : null].filter(Boolean).join(' · ')),
    asOfForm(`#/org/${org.id}`, on),
    h('div', { class: 'stat-row' },
      h('div', { class: 'stat' }, h('span', { class: 'big-num', 'data-testid': 'headcount' }, fmtNum(org.members)),
        h('span', {}, `${t('headcount')} ${t('as_of').toLowerCase()} ${fmtDay(on)}`)),
      h('p', { class: 'actions' },
        can('personal') ? h('a', { class: 'button', href: `#/members/${org.id}` + qs({ on: q.get('on') }) }, t('members')) : null,
        h('a', { class: 'button', href: `#/tree/${org.id}` + qs({ on: q.get('on') }) }, t('tree')),
        h('a', { class: 'button', href: `#/report/${org.id}` + qs({ on: q.get('on') }) }, t('report')))));
  const kids = h('section', { 'aria-labelledby': 'kids-h' }, h('h2', { id: 'kids-h' }, t('children')));
  if (!org.children.length) kids.append(h('p', { class: 'muted' }, t('no_children')));
  else {
    const max = Math.max(1, ...org.children.map((c) => c.members));
    kids.append(table(null, [
      { label: t('name'), rowHeader: true, get: (c) => h('a', { href: `#/org/${c.id}` + qs({ on: q.get('on') }) }, c.name) },
      { label: t('kind'), get: (c) => kindLabel(c.kind) },
      { label: t('headcount'), num: true, get: (c) => fmtNum(c.members) },
      { label: '', get: (c) => h('span', { class: 'mini-bar', 'aria-hidden': 'true' }, h('span', { class: 'w' + Math.round((10 * c.members) / max) })) },
    ], org.children, { class: 'children' }));
  }
  el.append(kids);
  const bsec = h('section', { 'aria-labelledby': 'bd-h' }, h('h2', { id: 'bd-h' }, t('breakdown')));
  el.append(bsec);
  try { bsec.append(...breakdownBlock(await api(`/api/v1/orgs/${org.id}/breakdown?on=${on}`))); } catch (e) { bsec.append(errorBox(e)); }
  el.append(await changesSection(org.id, on, q));
  for (const s of await lifecycleSections(org.id, on)) el.append(s);
  await orgOpsSection(el, org);
  el.append(await historySection(org.id, on));
}

// Buttons to the forms of organisation operations (orgops.c), as routes
// appear: POST /api/v1/orgs/{id}/NAME.
async function orgOpsSection(el, org) {
  if (!can('write')) return;
  const doc = await routes();
  const links = [];
  for (const [pattern, item] of Object.entries(doc.paths || {})) {
    if (!item.post || !/^\/api\/v1\/orgs\/\{id\}\/[a-z_-]+$/.test(pattern)) continue;
    const name = pattern.split('/').pop();
    if (!ORG_OPS.includes(name)) continue;
    links.push(h('a', { class: 'button', href: `#/form?p=${encodeURIComponent(pattern)}&id=${org.id}` }, opTitle(name, item.post.summary)));
  }
  if (links.length) el.append(h('section', { 'aria-labelledby': 'ops-h' }, h('h2', { id: 'ops-h' }, t('operations')), h('p', { class: 'actions' }, links)));
}

// The tree browser: each unit opens to show the units under it, as they
// were on the chosen day, with their headcounts.
export async function treePage(el, id, q) {
  const on = q.get('on') || todayIso();
  const org = await api(`/api/v1/orgs/${encodeURIComponent(id)}?on=${on}`);
  setTitle(t('tree'));
  clear(el);
  el.append(h('h1', {}, t('tree')), crumbs(org, q.get('on'), '#/tree/'), asOfForm(`#/tree/${org.id}`, on));
  const rootList = h('ul', { class: 'tree' });
  rootList.append(node(org, on, q.get('on'), true));
  el.append(rootList);
}

function node(o, on, onParam, open) {
  const li = h('li', {});
  const label = h('a', { href: `#/org/${o.id}` + qs({ on: onParam }) }, o.name);
  const count = h('span', { class: 'count' }, `${fmtNum(o.members)} ${t('members_n')}`);
  const kind = h('span', { class: 'muted' }, kindLabel(o.kind));
  const holds = o.kind === 'cell' || o.kind === 'grassroots_cell';
  if (holds && !o.children) { li.append(h('span', { class: 'leaf', 'aria-hidden': 'true' }, '•'), label, ' ', kind, ' ', count); return li; }
  const btn = h('button', { type: 'button', class: 'toggle', 'aria-expanded': 'false', 'aria-label': `${t('expand')}: ${o.name}` }, '+');
  const sub = h('ul', { hidden: true });
  let loaded = false;
  async function toggle() {
    const openNow = btn.getAttribute('aria-expanded') === 'true';
    if (openNow) {
      btn.setAttribute('aria-expanded', 'false'); btn.textContent = '+'; btn.setAttribute('aria-label', `${t('expand')}: ${o.name}`);
      sub.hidden = true; return;
    }
    if (!loaded) {
      loaded = true;
      try {
        const full = o.children ? o : await api(`/api/v1/orgs/${o.id}?on=${on}`);
        if (!full.children.length) sub.append(h('li', { class: 'muted' }, t('no_children')));
        for (const c of full.children) sub.append(node(c, on, onParam, false));
      } catch (e) { sub.append(h('li', {}, errorBox(e))); }
    }
    btn.setAttribute('aria-expanded', 'true'); btn.textContent = '−'; btn.setAttribute('aria-label', `${t('collapse')}: ${o.name}`);
    sub.hidden = false;
  }
  btn.addEventListener('click', toggle);
  li.append(btn, ' ', label, ' ', kind, ' ', count, sub);
  if (open) toggle();
  return li;
}
