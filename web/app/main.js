// main: the application's shell: login, the user's grants, the hash router
// and the navigation. Pages live in pages.js, members.js, forms.js and
// report.js.
import { t, setLang, lang, kindLabel, fmtNum } from './i18n.js';
import { api, setCsrf, ApiError } from './api.js';
import { h, clear, errorBox, setTitle, field, announce } from './ui.js';
import { orgPage, treePage, todoList } from './pages.js';
import { membersPage, memberPage } from './members.js';
import { formPage } from './forms.js';
import { reportPage } from './report.js';

export const state = { me: null };

const ROLE_PERMS = {
  admin: ['aggregate', 'personal', 'write', 'admin'],
  organiser: ['aggregate', 'personal', 'write'],
  secretary: ['aggregate', 'personal', 'write'],
  viewer: ['aggregate'],
  inspector: ['aggregate', 'personal'],
};

// True when one of the user's grants allows perm (the server checks the
// subtree; the interface only hides what would be refused anyway).
export function can(perm) {
  return !!state.me && state.me.grants.some((g) => (ROLE_PERMS[g.role] || []).includes(perm));
}

export function go(hash) {
  if (location.hash === hash) route(); else location.hash = hash;
}

export function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, query] = raw.split('?');
  return { parts: path.split('/').filter(Boolean), q: new URLSearchParams(query || '') };
}

function main() { return document.getElementById('main'); }

async function loadMe() {
  try {
    state.me = await api('/api/v1/me');
    setCsrf(state.me.csrf);
  } catch (e) {
    state.me = null;
  }
}

// The unit each grant points at; an administrator's is the root.
export async function homeOrgs() {
  const out = [];
  for (const g of state.me.grants) {
    let id = g.org;
    if (!id) {
      try {
        const s = await api('/api/v1/search?q=' + encodeURIComponent('a') + '&limit=1');
        id = s.org;
      } catch (e) { id = null; }
    }
    if (id && !out.some((o) => o.id === id && o.role === g.role)) out.push({ id, role: g.role });
  }
  return out;
}

function renderChrome() {
  document.documentElement.lang = lang;
  document.getElementById('skip').textContent = t('skip');
  document.getElementById('app-title').textContent = t('app_title');
  const langBtn = document.getElementById('lang');
  langBtn.textContent = t('lang_switch');
  langBtn.setAttribute('lang', lang === 'vi' ? 'en' : 'vi');
  const nav = clear(document.getElementById('nav'));
  nav.setAttribute('aria-label', t('nav_main'));
  const who = document.getElementById('who');
  const logout = document.getElementById('logout');
  logout.textContent = t('logout');
  if (!state.me) { who.textContent = ''; logout.hidden = true; return; }
  const { parts } = parseHash();
  const cur = parts[0] || '';
  const items = [['#/', t('home'), ''], ['#/tree', t('tree'), 'tree']];
  if (can('personal')) items.push(['#/members', t('members'), 'members']);
  items.push(['#/report', t('report'), 'report']);
  items.push(['#/party', t('party_work'), 'party']);
  nav.append(h('ul', {}, items.map(([href, label, key]) =>
    h('li', {}, h('a', { href, 'aria-current': cur === key ? 'page' : null }, label)))));
  who.textContent = state.me.name;
  logout.hidden = false;
}

function loginPage() {
  setTitle(t('login_title'));
  const user = h('input', { name: 'user', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const pw = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const msg = h('div', { 'aria-live': 'assertive' });
  const form = h('form', { class: 'card login', novalidate: true },
    h('h1', {}, t('login_title')),
    h('p', {}, t('login_intro')),
    field('login-user', t('user'), user),
    field('login-pw', t('password'), pw),
    msg,
    h('button', { type: 'submit', class: 'primary' }, t('login_btn')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clear(msg);
    if (!user.value || !pw.value) {
      msg.append(h('p', { class: 'alert error', role: 'alert' }, t('login_bad')));
      (user.value ? pw : user).focus();
      return;
    }
    try {
      const r = await api('/api/v1/auth/login', { method: 'POST', body: { user: user.value, password: pw.value } });
      setCsrf(r.csrf);
      await loadMe();
      const back = sessionStorage.getItem('hoso.after_login');
      sessionStorage.removeItem('hoso.after_login');
      go(back && back !== '#/login' ? back : '#/');
    } catch (e) {
      msg.append(h('p', { class: 'alert error', role: 'alert' }, e.status === 401 ? t('login_bad') : e.message));
      pw.select();
      pw.focus();
    }
  });
  clear(main()).append(form);
  user.focus();
}

async function homePage(el) {
  setTitle(t('home'));
  clear(el);
  el.append(h('h1', {}, `${t('hello')}, ${state.me.name}`));
  const orgs = await homeOrgs();
  const list = h('div', { class: 'cards' });
  el.append(h('h2', {}, t('my_units')), list);
  for (const g of orgs) {
    let o;
    try { o = await api(`/api/v1/orgs/${g.id}`); } catch (e) { list.append(errorBox(e)); continue; }
    const links = [h('a', { href: `#/org/${o.id}`, class: 'button' }, t('unit_page'))];
    if (can('personal')) links.push(h('a', { href: `#/members/${o.id}`, class: 'button' }, t('members')));
    links.push(h('a', { href: `#/report/${o.id}`, class: 'button' }, t('report')));
    list.append(h('section', { class: 'card unit-card', 'aria-labelledby': 'u' + o.id },
      h('p', { class: 'role' }, t('role_' + g.role)),
      h('h3', { id: 'u' + o.id }, o.name),
      h('p', { class: 'muted' }, kindLabel(o.kind) + (o.code ? ' · ' + t('code') + ' ' + o.code : '')),
      h('p', { class: 'big-num' }, fmtNum(o.members), h('span', {}, ' ' + t('members_n'))),
      // a secretary or an organiser sees what waits in their unit
      ['secretary', 'organiser'].includes(g.role) ? await todoList(o.id) : null,
      h('p', { class: 'actions' }, links)));
  }
  if (can('personal')) {
    const q = h('input', { type: 'search', name: 'q', autocomplete: 'off' });
    const f = h('form', { class: 'card search-home', role: 'search' },
      field('home-q', t('search'), q, t('search_hint')),
      h('button', { type: 'submit', class: 'primary' }, t('search')));
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      go(`#/members/${orgs[0] ? orgs[0].id : ''}?q=${encodeURIComponent(q.value)}`);
    });
    el.append(f);
  }
}

async function defaultOrg() {
  const orgs = await homeOrgs();
  return orgs[0] ? orgs[0].id : null;
}

export async function route() {
  const { parts, q } = parseHash();
  renderChrome();
  if (!state.me && parts[0] !== 'login') {
    sessionStorage.setItem('hoso.after_login', location.hash || '#/');
    location.hash = '#/login';
    return;
  }
  // each visit renders into its own box: a slow page still loading when
  // the user moves on (a dossier's history) fills a detached box, never
  // the next page
  const el = clear(main()).appendChild(h('div', { class: 'page' }));
  try {
    switch (parts[0] || '') {
      case 'login': if (state.me) { go('#/'); return; } loginPage(); return;
      case '': await homePage(el); break;
      case 'org': await orgPage(el, parts[1], q); break;
      case 'tree': await treePage(el, parts[1] || await defaultOrg(), q); break;
      case 'members': await membersPage(el, parts[1] || await defaultOrg(), q); break;
      case 'member': await memberPage(el, parts[1], q); break;
      case 'form': await formPage(el, q); break;
      case 'report': await reportPage(el, parts[1] || await defaultOrg(), q); break;
      // party work is loaded when first opened: the first page stays light
      case 'party': await (await import('./party.js')).partyPage(el, parts.slice(1), q); break;
      default: clear(el).append(h('h1', {}, t('not_found')));
    }
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      state.me = null;
      sessionStorage.setItem('hoso.after_login', location.hash);
      location.hash = '#/login';
      return;
    }
    clear(el).append(h('h1', {}, t('error')), errorBox(e));
  }
  const h1 = el.querySelector('h1');
  if (h1) announce(h1.textContent);
}

async function start() {
  setLang(lang);
  document.getElementById('lang').addEventListener('click', () => {
    setLang(lang === 'vi' ? 'en' : 'vi');
    route();
  });
  // the skip link's "#main" would be taken for a route by the hash router:
  // it moves the focus itself
  document.getElementById('skip').addEventListener('click', (ev) => {
    ev.preventDefault();
    main().focus();
  });
  document.getElementById('logout').addEventListener('click', async () => {
    try { await api('/api/v1/auth/logout', { method: 'POST' }); } catch (e) { /* the session may have ended already */ }
    state.me = null;
    setCsrf(null);
    go('#/login');
  });
  window.addEventListener('hashchange', () => {
    // a new page takes the focus to its start, unless the user is already
    // typing in it (slow lists load after the search box appears)
    route().then(() => {
      const a = document.activeElement;
      if (parseHash().parts[0] !== 'login' && (!a || a === document.body || !main().contains(a))) main().focus();
    });
  });
  await loadMe();
  await route();
}

start();
