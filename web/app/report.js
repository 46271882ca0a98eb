// report: the statistical report of a unit on a day, on screen and ready to
// print on A4 in the official layout, with the XLSX download.
import { t, fmtNum } from './i18n.js';
import { api, enc } from './api.js';
import { h, clear, setTitle, todayIso, field } from './ui.js';
import { asOfForm, qs } from './pages.js';

const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII', 'XIII', 'XIV', 'XV'];

export async function reportPage(el, id, q) {
  const year = new Date().getFullYear();
  // the report is cut at 31 December: last year's by default
  const on = q.get('on') || `${year - 1}-12-31`;
  const r = await api(`/api/v1/orgs/${enc(id)}/report?on=${on}`);
  setTitle(`${t('report_of')} — ${r.name}`);
  clear(el);
  const [y, m, d] = r.on.split('-');
  const place = h('input', { name: 'place', value: localStorage.getItem('hoso.place') || '', autocomplete: 'off', class: 'place-input' });
  place.addEventListener('input', () => { localStorage.setItem('hoso.place', place.value); placeOut.textContent = place.value || '……………'; });
  const placeOut = h('span', { class: 'place' }, place.value || '……………');
  const xlsx = `/api/v1/orgs/${r.org}/report.xlsx?on=${r.on}`;
  const printBtn = h('button', { type: 'button', class: 'primary' }, t('print'));
  printBtn.addEventListener('click', () => window.print());
  el.append(h('div', { class: 'no-print' },
    h('h1', {}, `${t('report_of')}: ${r.name}`),
    asOfForm(`#/report/${r.org}`, r.on),
    field('rep-place', document.documentElement.lang === 'en' ? 'Place (printed before the date)' : 'Địa danh (in trước ngày tháng)', place),
    h('p', { class: 'actions' }, printBtn,
      h('a', { class: 'button', href: xlsx, download: `bao-cao-${r.org}-${r.on}.xlsx`, 'data-testid': 'xlsx' }, t('download_xlsx')))));
  const paper = h('article', { class: 'paper', 'aria-label': t('report_title') });
  paper.append(
    h('div', { class: 'doc-head' },
      h('div', { class: 'issuer' }, h('p', { class: 'up' }, r.parent_name || r.name), h('p', { class: 'up strong' }, r.parent_name ? r.name : ''), h('p', { class: 'stars' }, '*'), h('p', {}, 'Số: ……/BC')),
      h('div', { class: 'party' }, h('p', { class: 'up strong u' }, 'ĐẢNG CỘNG SẢN VIỆT NAM'),
        h('p', { class: 'date-line' }, placeOut, `, ngày ${d} tháng ${m} năm ${y}`))),
    h('h2', { class: 'doc-title' }, 'BÁO CÁO THỐNG KÊ ĐẢNG VIÊN VÀ TỔ CHỨC ĐẢNG'),
    h('p', { class: 'doc-sub' }, `Tính đến ngày ${d}/${m}/${y}`),
    h('p', { class: 'doc-sub' }, `Biến động trong kỳ: từ ${r.from.split('-').reverse().join('/')} đến ${d}/${m}/${y}`));
  const tbody = h('tbody', {});
  r.sections.forEach((s, i) => {
    tbody.append(h('tr', { class: 'sec' }, h('th', { scope: 'row' }, ROMAN[i] || String(i + 1)), h('th', { scope: 'row', colspan: '3' }, s.title)));
    for (const row of s.rows) {
      tbody.append(h('tr', { 'data-key': row.key }, h('td', {}, ''), h('td', {}, row.label),
        h('td', { class: 'num' }, fmtNum(row.n)), h('td', { class: 'num' }, row.percent === null ? '' : row.percent.toFixed(1).replace('.', ',') + '%')));
    }
  });
  paper.append(h('table', { class: 'report-table' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'STT'), h('th', { scope: 'col' }, 'Chỉ tiêu'), h('th', { scope: 'col' }, 'Số lượng'), h('th', { scope: 'col' }, 'Tỷ lệ'))),
    tbody));
  paper.append(h('div', { class: 'sign' }, h('p', { class: 'strong' }, 'NGƯỜI LẬP BÁO CÁO'), h('p', { class: 'muted' }, '(Ký, ghi rõ họ tên)')));
  el.append(paper);
}

export { qs, todayIso };
