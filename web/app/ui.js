// ui: small DOM helpers, charts drawn as SVG by hand, tables, Vietnamese
// name order.
import { t, fmtNum, lang } from './i18n.js';

// h('p', {class: 'x', onclick: f}, 'text', child...) builds an element.
export function h(tag, attrs, ...kids) {
  const el = tag.startsWith('svg:')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat()) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

export function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }

export function announce(msg) {
  const s = document.getElementById('status');
  s.textContent = '';
  setTimeout(() => { s.textContent = msg; }, 30);
}

export function link(href, text, attrs = {}) { return h('a', { href, ...attrs }, text); }

// A horizontal bar chart: rows [{label, n}], bars scaled to the largest.
// Hand-made SVG with the figures written next to each bar, so the chart
// reads without colour and prints in black and white.
export function barChart(title, rows, total) {
  const max = Math.max(1, ...rows.map((r) => r.n));
  const rowH = 34, labelW = 150, barW = 220, numW = 140;
  const height = rows.length * rowH + 4;
  const svg = h('svg:svg', {
    viewBox: `0 0 ${labelW + barW + numW} ${height}`, class: 'chart', role: 'img',
    'aria-label': title + ': ' + rows.map((r) => `${r.label} ${r.n}`).join(', '),
  });
  rows.forEach((r, i) => {
    const y = i * rowH + 2;
    const w = Math.round((r.n / max) * barW);
    svg.append(h('svg:text', { x: labelW - 8, y: y + 23, 'text-anchor': 'end', class: 'chart-label' }, r.label));
    svg.append(h('svg:rect', { x: labelW, y: y + 4, width: Math.max(w, r.n ? 2 : 0), height: rowH - 10, class: 'chart-bar' }));
    const pct = total ? ` (${((100 * r.n) / total).toFixed(1)}%)` : '';
    svg.append(h('svg:text', { x: labelW + w + 6, y: y + 23, class: 'chart-num' }, fmtNum(r.n) + pct));
  });
  return h('figure', { class: 'chart-box' }, h('figcaption', {}, title), svg);
}

// A table from column specs [{label, get: row => text|Node, num}].
export function table(caption, cols, rows, attrs = {}) {
  return h('div', { class: 'table-wrap' },
    h('table', attrs,
      caption ? h('caption', {}, caption) : null,
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, cols.map((c, i) => {
        const v = c.get(r);
        return i === 0 && c.rowHeader ? h('th', { scope: 'row' }, v) : h('td', { class: c.num ? 'num' : null }, v);
      }))))));
}

export function errorBox(err) {
  return h('div', { class: 'alert error', role: 'alert' }, h('strong', {}, t('error') + ': '), err.message || String(err));
}

// Vietnamese name order (queries.md Q4): given name, then middle, then
// family, compared with the Vietnamese collation.
const coll = new Intl.Collator('vi', { sensitivity: 'accent', numeric: true });
export function nameKey(full) {
  const w = (full || '').trim().split(/\s+/);
  if (w.length < 2) return w.join('');
  return [w[w.length - 1], w.slice(1, -1).join(' '), w[0]].join('\t');
}
export function byName(a, b) {
  return coll.compare(nameKey(a.full_name), nameKey(b.full_name)) || a.id - b.id;
}

export function todayIso() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function isIsoDay(s) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(s + 'T00:00:00Z');
  return !isNaN(d) && d.toISOString().slice(0, 10) === s;
}

// A day typed by a clerk, as ISO text, or null. The Vietnamese way comes
// first: day/month/year with '/', '.', '-' or spaces between (1/3/2025,
// 01.03.2025, 01032025); the ISO form 2025-03-01 is also understood. The
// browser's own date picker is not used: its order follows the browser's
// locale (month first on an English Windows), which misleads a clerk
// typing 01/03/2025 for the first of March.
export function parseDay(text) {
  const s = String(text || '').trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  let y, mo, d;
  if (m) [y, mo, d] = [m[1], m[2], m[3]];
  else if ((m = /^(\d{1,2})\s*[/.\- ]\s*(\d{1,2})\s*[/.\- ]\s*(\d{4})$/.exec(s))) [d, mo, y] = [m[1], m[2], m[3]];
  else if ((m = /^(\d{2})(\d{2})(\d{4})$/.exec(s))) [d, mo, y] = [m[1], m[2], m[3]];
  else return null;
  const iso = `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}`;
  return isIsoDay(iso) ? iso : null;
}

// ISO day to the way it is written and typed: dd/mm/yyyy.
export function dmy(iso) {
  if (!iso) return '';
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

// A text box for a day, shown and typed as dd/mm/yyyy whatever the
// browser's language; once the clerk leaves it, a day it understands is
// rewritten in full (1/3/2025 becomes 01/03/2025) so that what is seen is
// what will be saved. Read it with parseDay(input.value).
export function dateInput(name, iso, attrs = {}) {
  const input = h('input', {
    type: 'text', name, value: iso ? dmy(iso) : '', inputmode: 'numeric',
    autocomplete: 'off', placeholder: t('day_placeholder'), class: 'day', maxlength: 12, ...attrs,
  });
  input.addEventListener('blur', () => {
    const d = parseDay(input.value);
    if (d && dmy(d) !== input.value) input.value = dmy(d);
  });
  return input;
}

export function debounce(fn, ms) {
  let timer = null;
  return (...a) => { clearTimeout(timer); timer = setTimeout(() => fn(...a), ms); };
}

export function setTitle(s) { document.title = s + ' — ' + t('app_title'); }

export function field(id, label, input, hint) {
  const hintEl = hint ? h('p', { class: 'hint', id: id + '-hint' }, hint) : null;
  if (hint) input.setAttribute('aria-describedby', id + '-hint');
  input.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), hintEl, input);
}

export { lang };
