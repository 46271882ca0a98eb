// party: the pages of party work (model/party.h through /api/v1): cell
// meetings with their flags and attendance, annual rankings with the
// 20% cap, conferences and recommendations, directives with the issuer's
// roll-up, and full-time cadres. Vietnamese first; English through the
// same switch as the rest of the application (i18n.js's lang).
import { lang, t, kindLabel, fmtDay, fmtNum } from './i18n.js';
import { api, enc } from './api.js';
import { h, clear, errorBox, setTitle, field, table, todayIso, announce, dateInput, parseDay } from './ui.js';
import { can, go, homeOrgs } from './main.js';

// The words of these pages, [Vietnamese, English].
const W = {
  party_work: ['Công tác đảng', 'Party work'],
  meetings: ['Sinh hoạt chi bộ', 'Cell meetings'],
  rankings: ['Xếp loại chất lượng', 'Annual rankings'],
  conferences: ['Hội nghị, kiến nghị', 'Conferences, recommendations'],
  directives: ['Nghị quyết, chỉ thị', 'Directives'],
  cadres: ['Cán bộ chuyên trách', 'Full-time cadres'],
  sections: ['Các mục công tác đảng', 'Party work sections'],
  period: ['Kỳ xem', 'Period'],
  period_note: ['tính ngày đầu, không tính ngày cuối', 'first day included, last day excluded'],
  from: ['Từ ngày', 'From'], to: ['Đến ngày', 'To'], show: ['Xem', 'Show'], year: ['Năm', 'Year'],
  on: ['Xem theo ngày', 'As of'],
  flags: ['Cảnh báo sinh hoạt', 'Meeting flags'],
  cells: ['Số chi bộ', 'Cells'],
  months_due: ['Tháng phải họp', 'Months due'],
  months_skipped: ['Tháng không họp', 'Months skipped'],
  cells_skipping: ['Chi bộ bỏ họp', 'Cells skipping'],
  quarters_due: ['Quý phải có chuyên đề', 'Quarters due'],
  quarters_without_thematic: ['Quý thiếu sinh hoạt chuyên đề', 'Quarters without a thematic meeting'],
  short_meetings: ['Cuộc họp dưới thời lượng tối thiểu', 'Meetings under the minimum length'],
  skipped_months: ['Tháng không họp', 'Skipped months'],
  by_child: ['Theo đơn vị trực thuộc', 'By unit under it'],
  unit: ['Đơn vị', 'Unit'], month: ['Tháng', 'Month'], quarter: ['Quý', 'Quarter'],
  date: ['Ngày', 'Date'], duration: ['Thời lượng (phút)', 'Length (minutes)'], minimum: ['Tối thiểu', 'Minimum'],
  none: ['Không có.', 'None.'],
  more_rows: ['… và {n} dòng nữa', '… and {n} more rows'],
  attendance: ['Tỷ lệ dự họp', 'Attendance'],
  present: ['Có mặt', 'Present'], excused: ['Vắng có lý do', 'Excused'], absent: ['Vắng không lý do', 'Absent without reason'],
  rate: ['Tỷ lệ có mặt', 'Rate present'],
  member: ['Đảng viên', 'Member'],
  strike: ['Đảng viên vắng không lý do 3 tháng trong năm (xem xét xóa tên)', 'Members absent without reason 3 months of the year (to strike off)'],
  months_absent: ['Số tháng vắng', 'Months absent'],
  strike_op: ['Xóa tên…', 'Strike off…'],
  meeting_list: ['Các cuộc họp trong kỳ', 'Meetings of the period'],
  record_meeting: ['Ghi biên bản cuộc họp', 'Record a meeting'],
  kind_m: ['Hình thức', 'Kind'], regular: ['Thường kỳ', 'Regular'], thematic: ['Chuyên đề', 'Thematic'],
  thematic_part: ['Có nội dung chuyên đề trong buổi họp thường kỳ', 'A thematic part in a regular meeting'],
  topics: ['Nội dung', 'Topics'], minutes: ['Tóm tắt biên bản', 'Minutes'], minutes_file: ['Tệp biên bản (tên tệp hoặc đường dẫn)', 'Minutes file (name or link)'],
  short: ['Ngắn', 'Short'], not_cell: ['Chỉ chi bộ mới ghi cuộc họp. Chọn một chi bộ trong danh sách trên.', 'Only a cell records meetings. Pick a cell in the lists above.'],
  att_col: ['Có mặt hay vắng', 'Present or absent'],
  att_legend: ['Điểm danh (mặc định: có mặt)', 'Attendance (default: present)'],
  duration_hint: ['Tối thiểu 90 phút; 120 phút nếu có nội dung chuyên đề.', 'At least 90 minutes; 120 with a thematic part.'],
  save: ['Lưu', 'Save'], saved: ['Đã lưu.', 'Saved.'],
  required: ['Cần nhập mục này.', 'This field is required.'],
  future: ['Ngày này ở tương lai.', 'This day is in the future.'],
  bad_int: ['Cần một số nguyên dương.', 'A whole number is expected.'],
  not_saved: ['Chưa lưu: hãy sửa các mục được đánh dấu. Không có gì được ghi vào sổ.', 'Not saved: please correct the marked fields. Nothing was written.'],
  meeting_short: ['Cuộc họp ngắn hơn thời lượng tối thiểu ({n} phút): đã ghi, có cảnh báo.', 'The meeting is shorter than the minimum ({n} minutes): recorded, flagged.'],
  back_list: ['Về danh sách cảnh báo', 'Back to the flags'],
  // rankings
  level: ['Mức xếp loại', 'Level'], score: ['Điểm (thang 100)', 'Score (of 100)'],
  'level.excellent': ['Hoàn thành xuất sắc nhiệm vụ', 'Excellent'], 'level.good': ['Hoàn thành tốt nhiệm vụ', 'Good'],
  'level.done': ['Hoàn thành nhiệm vụ', 'Done'], 'level.failed': ['Không hoàn thành nhiệm vụ', 'Failed'],
  total: ['Tổng số', 'Total'],
  rollup: ['Tổng hợp xếp loại theo mức và đơn vị', 'Rankings by level and unit'],
  subject: ['Đối tượng', 'Subject'], subj_member: ['Đảng viên', 'Members'], subj_org: ['Tổ chức đảng', 'Organisations'],
  mapping: ['Quy đổi điểm sang mức (từ 30/8/2025)', 'Score to level (from 30 August 2025)'],
  mapping_note: ['Trước 30/8/2025 ghi trực tiếp mức xếp loại; từ 30/8/2025 chấm điểm thang 100 và mức được suy ra từ điểm.', 'Before 30 August 2025 the level is given; from then on a score of 100 is given and the level follows from it.'],
  score_range: ['Khoảng điểm', 'Score'],
  cap: ['Kiểm tra tỷ lệ xuất sắc (không quá 20% số hoàn thành tốt, theo tổ chức cơ sở đảng)', 'Excellent cap (at most 20% of the good ones, per grassroots organisation)'],
  cap_ok: ['Không có tổ chức cơ sở nào vượt tỷ lệ.', 'No grassroots organisation is over the cap.'],
  cap_over: ['{n} tổ chức cơ sở vượt tỷ lệ 20%.', '{n} grassroots organisations over the 20% cap.'],
  checked: ['Số tổ chức cơ sở đã kiểm tra', 'Grassroots organisations checked'],
  allowed: ['Được phép', 'Allowed'],
  rank_form: ['Ghi xếp loại', 'Enter a ranking'],
  rank_who: ['Xếp loại cho', 'Rank'], rank_this: ['Tổ chức này', 'This organisation'], rank_a_member: ['Một đảng viên (số hồ sơ)', 'A member (record number)'],
  member_id: ['Số hồ sơ đảng viên', 'Member record number'],
  rank_date: ['Ngày xếp loại', 'Day of the ranking'],
  note: ['Ghi chú', 'Note'],
  score_maps: ['Điểm {s} ứng với mức: {l}', 'Score {s} means: {l}'],
  cap_warn: ['Cảnh báo: {msg} — {g}: {e} xuất sắc, {good} hoàn thành tốt, được phép {a}.', 'Warning: {msg} — {g}: {e} excellent, {good} good, {a} allowed.'],
  history_org: ['Lịch sử xếp loại của tổ chức', 'Ranking history of the organisation'],
  history_member: ['Lịch sử xếp loại', 'Ranking history'],
  dossier: ['Hồ sơ đảng viên', 'Member dossier'],
  cell: ['Chi bộ', 'Cell'], grassroots: ['Tổ chức cơ sở đảng', 'Grassroots organisation'],
  // conferences and recommendations
  conf_list: ['Đại hội, hội nghị', 'Conferences and congresses'],
  title: ['Tiêu đề', 'Title'], agenda: ['Chương trình', 'Agenda'], delegates: ['Số đại biểu', 'Delegates'],
  presentations: ['Tham luận', 'Presentations'], author: ['Tác giả', 'Author'],
  add_conf: ['Ghi một hội nghị', 'Record a conference'],
  add_present: ['Thêm tham luận', 'Add a presentation'],
  conference: ['Hội nghị', 'Conference'],
  present_unit: ['Đơn vị của tác giả (mã hoặc số, có thể để trống)', "Author's unit (code or number, optional)"],
  received: ['Kiến nghị nhận được', 'Recommendations received'],
  sent: ['Kiến nghị đơn vị đã gửi', 'What my unit sent'],
  open_recs: ['Kiến nghị chưa giải quyết theo cấp và chủ đề', 'Open recommendations by level and topic'],
  topic: ['Chủ đề', 'Topic'], text: ['Nội dung', 'Text'], status: ['Trạng thái', 'Status'],
  eff_status: ['Tình hình xử lý', 'Where it stands'], answer: ['Trả lời', 'Answer'], now_at: ['Đang ở', 'Now at'],
  from_unit: ['Đơn vị gửi', 'From'], to_unit: ['Gửi đến', 'To'], submitted_on: ['Ngày gửi', 'Sent on'],
  'st.submitted': ['Đã gửi', 'Submitted'], 'st.consolidated': ['Đã tổng hợp', 'Consolidated'],
  'st.forwarded': ['Đã chuyển lên cấp trên', 'Forwarded up'], 'st.answered': ['Đã trả lời', 'Answered'], 'st.closed': ['Đã đóng', 'Closed'],
  select: ['Chọn', 'Select'], select_rec: ['Chọn kiến nghị {id} để tổng hợp', 'Select recommendation {id} to consolidate'],
  consolidate: ['Tổng hợp các kiến nghị đã chọn và gửi lên', 'Consolidate the selected ones and send them up'],
  consolidate_h: ['Tổng hợp và chuyển lên', 'Consolidate and forward'],
  consolidate_none: ['Hãy chọn ít nhất một kiến nghị ở bảng trên.', 'Select at least one recommendation in the table above.'],
  consolidated_ok: ['Đã tổng hợp {n} kiến nghị thành kiến nghị số {id}, gửi đến {to}.', 'Consolidated {n} into recommendation {id}, sent to {to}.'],
  forward: ['Chuyển lên', 'Forward'], forward_one: ['Chuyển lên: kiến nghị {id}', 'Forward: recommendation {id}'],
  forwarded_ok: ['Đã chuyển kiến nghị {id} lên {to}.', 'Recommendation {id} forwarded to {to}.'],
  send_rec: ['Gửi kiến nghị lên cấp trên', 'Send a recommendation up'],
  to_org: ['Gửi đến cấp trên (mã hoặc số)', 'To the level above (code or number)'],
  dest_hint: ['Để trống: cấp trên trực tiếp.', 'Empty: the level directly above.'],
  by_level: ['Cấp', 'Level'], count: ['Số lượng', 'Count'],
  // directives
  issued: ['Văn bản đơn vị ban hành', 'Issued by this unit'],
  assigned: ['Văn bản được giao thực hiện', 'Assigned to this unit'],
  number: ['Số hiệu', 'Number'], kind_d: ['Loại văn bản', 'Kind'],
  'dk.resolution': ['Nghị quyết', 'Resolution'], 'dk.directive': ['Chỉ thị', 'Directive'], 'dk.regulation': ['Quy định', 'Regulation'],
  'dk.decision': ['Quyết định', 'Decision'], 'dk.conclusion': ['Kết luận', 'Conclusion'], 'dk.instruction': ['Hướng dẫn', 'Instruction'],
  file: ['Tệp văn bản', 'File'], issuer: ['Cơ quan ban hành', 'Issuer'],
  register: ['Đăng ký văn bản mới', 'Register a document'],
  assign: ['Giao thực hiện', 'Assign'], assign_h: ['Giao văn bản {n} cho một nhánh', 'Assign {n} to a subtree'],
  assign_to: ['Giao cho đơn vị (mã hoặc số; cả các đơn vị trực thuộc)', 'To the unit (code or number; its subtree too)'],
  deadline: ['Hạn báo cáo', 'Deadline'], assigned_on: ['Ngày giao', 'Assigned on'],
  levels: ['Đơn vị phải báo cáo', 'Units that report'], 'lv.all': ['Tất cả các cấp', 'Every level'], 'lv.grassroots': ['Từ cấp cơ sở trở lên', 'Grassroots and above'],
  assignments: ['Các lần giao', 'Assignments'],
  status_view: ['Tình hình báo cáo', 'Reporting status'],
  report: ['Báo cáo thực hiện', 'Report'], report_h: ['Báo cáo thực hiện văn bản {n}', 'Report on {n}'],
  summary: ['Tóm tắt kết quả', 'Summary'], report_status: ['Mức độ', 'Progress'],
  'rs.in_progress': ['Đang thực hiện', 'In progress'], 'rs.done': ['Đã hoàn thành', 'Done'],
  due: ['Phải báo cáo', 'Due'], reported_on_time: ['Báo cáo đúng hạn', 'On time'], reported_late: ['Báo cáo muộn', 'Reported late'],
  late: ['Quá hạn chưa báo cáo', 'Late, not reported'], pending: ['Chưa đến hạn', 'Not yet due'],
  late_units: ['Đơn vị quá hạn chưa báo cáo', 'Late units'],
  reported_ok: ['Đã ghi báo cáo.', 'Report recorded.'],
  // cadres
  committees: ['Theo cấp ủy', 'By committee'], staff: ['Cán bộ của cơ quan tham mưu cấp ủy này', "This committee's staff"],
  own: ['Của cấp ủy này', 'Of this committee'], post: ['Chức vụ', 'Post'], name: ['Họ và tên', 'Name'],
  cadre_count: ['Số cán bộ', 'Cadres'],
  add_cadre: ['Thêm cán bộ chuyên trách', 'Add a full-time cadre'],
  pick_unit: ['Chọn đơn vị', 'Choose a unit'],
};
const L = () => (lang === 'en' ? 1 : 0);
export function w(key, vars) {
  let s = W[key] ? W[key][L()] : key;
  for (const [k, v] of Object.entries(vars || {})) s = s.split('{' + k + '}').join(String(v));
  return s;
}

// The rule set of 30 August 2025 (model/party.c): a score of 100 maps to
// a level; shown to the user, the server decides.
const SCORE_FROM = '2025-08-30';
const SCORE_MIN = [['excellent', 90], ['good', 70], ['done', 50], ['failed', 0]];
const LEVELS = ['excellent', 'good', 'done', 'failed'];
function levelOfScore(s) { return SCORE_MIN.find(([, m]) => s >= m)[0]; }

// The pages' own look, loaded once (style-src 'self': a file, not inline).
function loadStyle() {
  if (document.getElementById('party-css')) return;
  document.head.append(h('link', { rel: 'stylesheet', href: '/app/party.css', id: 'party-css' }));
}

const SECTIONS = ['meetings', 'rankings', 'conferences', 'directives', 'cadres'];
const pct = (x) => (x === null || x === undefined ? '—' : (100 * x).toFixed(1).replace('.', lang === 'en' ? '.' : ',') + ' %');
const isCell = (k) => k === 'cell' || k === 'grassroots_cell';
function qs(obj) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(obj)) if (v !== undefined && v !== null && v !== '') p.set(k, v);
  const s = p.toString();
  return s ? '?' + s : '';
}
function addDays(d, n) {
  const x = new Date(d + 'T00:00:00Z');
  x.setUTCDate(x.getUTCDate() + n);
  return x.toISOString().slice(0, 10);
}
function orgLink(o, section, extra = {}) {
  if (!o) return '—';
  if (typeof o !== 'object') return h('a', { href: `#/party/${section}/${o}${qs(extra)}` }, '#' + o);
  return h('a', { href: `#/party/${section}/${o.id}${qs(extra)}` }, o.name);
}
function memberLink(id, name) { return h('a', { href: `#/member/${id}` }, name || '#' + id); }
function section(id, title, ...kids) {
  return h('section', { 'aria-labelledby': id, 'data-section': id }, h('h2', { id }, title), ...kids);
}
// A long list keeps the first rows on screen and says how many follow.
const SHOW = 50;
function capped(rows) { return rows.length > SHOW ? rows.slice(0, SHOW) : rows; }
function moreLine(rows) { return rows.length > SHOW ? h('p', { class: 'muted' }, w('more_rows', { n: fmtNum(rows.length - SHOW) })) : null; }
function emptyOr(rows, build) { return rows && rows.length ? [build(capped(rows)), moreLine(rows)].filter(Boolean) : h('p', { class: 'muted' }, w('none')); }
function stats(obj, keys, cls = '') {
  return h('dl', { class: 'party-stats ' + cls }, keys.map((k) =>
    h('div', { 'data-key': k }, h('dt', {}, w(k)), h('dd', {}, typeof obj[k] === 'number' && k !== 'rate' ? fmtNum(obj[k]) : (k === 'rate' ? pct(obj[k]) : String(obj[k] ?? '—'))))));
}

// ---- a small form framework: labels, checks before sending, an error
// next to its field (the server's words), what was typed is kept ----
function mkForm({ id, fields, submit, onSubmit, errorField, cls = 'card party-form' }) {
  const inputs = {};
  const errs = {};
  const msg = h('div', { 'aria-live': 'assertive' });
  const form = h('form', { class: cls, novalidate: true, id });
  for (const f of fields) {
    const fid = `${id}-${f.name}`;
    let input;
    if (f.choices) {
      input = h('select', { name: f.name }, f.choices.map(([v, label]) => h('option', { value: v, selected: v === f.value ? true : null }, label)));
    } else if (f.type === 'textarea') {
      input = h('textarea', { name: f.name, rows: 3 });
      if (f.value) input.value = f.value;
    } else if (f.type === 'checkbox') {
      input = h('input', { type: 'checkbox', name: f.name });
      input.checked = !!f.value;
    } else if (f.type === 'date') {
      input = dateInput(f.name, f.value || '', { required: f.required ? true : null });
    } else {
      input = h('input', { name: f.name, type: f.type === 'int' ? 'number' : 'text', inputmode: f.type === 'int' ? 'numeric' : null, min: f.type === 'int' ? '0' : null, value: f.value ?? null, required: f.required ? true : null, autocomplete: 'off' });
    }
    inputs[f.name] = input;
    errs[f.name] = h('p', { class: 'field-error', id: fid + '-err', hidden: true });
    const label = f.label + (f.required ? ' *' : '');
    let wrap;
    if (f.type === 'checkbox') {
      input.id = fid;
      wrap = h('div', { class: 'field check' }, input, ' ', h('label', { for: fid }, label));
    } else wrap = field(fid, label, input, f.type === 'date' ? (f.hint || t('day_hint')) : f.hint);
    wrap.append(errs[f.name]);
    if (f.after) wrap.append(f.after);
    form.append(wrap);
  }
  const btn = h('button', { type: 'submit', class: 'primary' }, submit);
  form.append(msg, h('p', { class: 'actions' }, btn));
  function setError(name, text) {
    const inp = inputs[name];
    const e = errs[name];
    if (!inp) return;
    const desc = (inp.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && x !== e.id);
    if (text) {
      e.textContent = text; e.hidden = false; inp.setAttribute('aria-invalid', 'true');
      desc.push(e.id);
    } else { e.textContent = ''; e.hidden = true; inp.removeAttribute('aria-invalid'); }
    if (desc.length) inp.setAttribute('aria-describedby', desc.join(' ')); else inp.removeAttribute('aria-describedby');
  }
  function values() {
    const body = {};
    let bad = null;
    for (const f of fields) {
      setError(f.name, '');
      const inp = inputs[f.name];
      if (f.type === 'checkbox') { if (inp.checked) body[f.name] = f.on || 'yes'; continue; }
      const v = inp.value.trim();
      if (!v) { if (f.required) { setError(f.name, w('required')); bad = bad || f.name; } continue; }
      if (f.type === 'date') {
        const d = parseDay(v);
        if (!d) { setError(f.name, t('bad_date')); bad = bad || f.name; continue; }
        if (f.past && d > todayIso()) { setError(f.name, w('future')); bad = bad || f.name; continue; }
        body[f.name] = d;
        continue;
      }
      if (f.type === 'int' || f.type === 'org') {
        if (f.type === 'int' && !/^\d+$/.test(v)) { setError(f.name, w('bad_int')); bad = bad || f.name; continue; }
        body[f.name] = /^\d+$/.test(v) ? Number(v) : v;
        continue;
      }
      body[f.name] = v;
    }
    return { body, bad };
  }
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clear(msg);
    const { body, bad } = values();
    const fail = (name, text) => {
      msg.append(h('div', { class: 'alert error', role: 'alert' }, w('not_saved'), name ? null : h('p', {}, text)));
      if (name) { if (text) setError(name, text); inputs[name].focus(); } else btn.focus();
    };
    if (bad) { fail(bad, null); return; }
    btn.disabled = true;
    try {
      await onSubmit(body, { msg, setError, inputs });
    } catch (e) {
      const name = e.field || (e.status === 404 ? fields.find((f) => f.type === 'org')?.name : (errorField ? errorField(e.message || '') : null));
      fail(name && inputs[name] ? name : null, e.message || String(e));
    } finally { btn.disabled = false; }
  });
  return { form, inputs, msg, setError };
}
// Which field a refusal of the server is about, from its words.
function fieldOf(map) {
  return (m) => {
    const s = m.toLowerCase();
    for (const [re, name] of map) if (re.test(s)) return name;
    return null;
  };
}

async function orgOf(id, on) {
  return api(`/api/v1/orgs/${enc(id)}${on ? '?on=' + on : ''}`);
}
// Names of organisations known only by id (recommendations), asked once.
const names = new Map();
async function orgName(id) {
  if (!id) return '—';
  if (!names.has(id)) {
    try { names.set(id, (await orgOf(id)).name); } catch (e) { names.set(id, '#' + id); }
  }
  return names.get(id);
}

// The head of every party page: where we are, and the sections.
function header(el, org, sec, extra) {
  setTitle(`${w(sec)} — ${org.name}`);
  const items = [...(org.path || []), org];
  el.append(
    h('nav', { 'aria-label': t('parent'), class: 'crumbs' }, h('ol', {}, items.map((o, i) => h('li', {},
      i === items.length - 1 ? h('span', { 'aria-current': 'page' }, o.name) : h('a', { href: `#/party/${sec}/${o.id}` }, o.name))))),
    h('h1', {}, `${w(sec)}: ${org.name}`),
    h('p', { class: 'muted' }, kindLabel(org.kind) + (org.code ? ` · ${t('code')} ${org.code}` : '')),
    h('nav', { class: 'party-tabs', 'aria-label': w('sections') }, h('ul', {}, SECTIONS.map((s) =>
      h('li', {}, h('a', { href: `#/party/${s}/${org.id}${qs(extra || {})}`, 'aria-current': s === sec ? 'page' : null }, w(s)))))));
}

function periodForm(base, from, to, extra = {}) {
  const fi = dateInput('from', from, { required: true });
  const ti = dateInput('to', to, { required: true });
  const y = Number(from.slice(0, 4));
  const f = h('form', { class: 'period', 'aria-label': w('period') },
    field('pp-from', w('from'), fi), field('pp-to', w('to'), ti),
    h('button', { type: 'submit', class: 'primary' }, w('show')),
    h('a', { class: 'button', href: base + qs({ ...extra, from: `${y - 1}-01-01`, to: `${y}-01-01` }) }, `${w('year')} ${y - 1}`),
    h('a', { class: 'button', href: base + qs({ ...extra, from: `${y}-01-01`, to: `${y + 1}-01-01` }) }, `${w('year')} ${y}`));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const a = parseDay(fi.value), b = parseDay(ti.value);
    fi.setAttribute('aria-invalid', a ? 'false' : 'true');
    ti.setAttribute('aria-invalid', b ? 'false' : 'true');
    if (a && b) go(base + qs({ ...extra, from: a, to: b }));
  });
  return f;
}
function onForm(base, on, extra = {}) {
  const inp = dateInput('on', on, { required: true });
  const f = h('form', { class: 'asof', 'aria-label': w('on') }, field('pp-on', w('on'), inp), h('button', { type: 'submit', class: 'primary' }, w('show')));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const d = parseDay(inp.value);
    inp.setAttribute('aria-invalid', d ? 'false' : 'true');
    if (d) go(base + qs({ ...extra, on: d }));
  });
  return f;
}
function yearForm(base, year, extra = {}) {
  const inp = h('input', { type: 'number', name: 'year', value: String(year), min: '2000', max: '2100', inputmode: 'numeric', required: true });
  const f = h('form', { class: 'asof', 'aria-label': w('year') }, field('pp-year', w('year'), inp), h('button', { type: 'submit', class: 'primary' }, w('show')));
  f.addEventListener('submit', (ev) => { ev.preventDefault(); if (/^\d{4}$/.test(inp.value)) go(base + qs({ ...extra, year: inp.value })); });
  return f;
}

// The default period: the whole months of the year of the last month
// that has ended (a month in progress is not yet skipped).
function defaultPeriod() {
  const today = todayIso();
  const first = today.slice(0, 8) + '01';
  const y = addDays(first, -1).slice(0, 4);
  return [`${y}-01-01`, first];
}

// ---- meetings ----
async function meetingsPage(el, org, q) {
  const [df, dt] = defaultPeriod();
  const from = q.get('from') || df;
  const to = q.get('to') || dt;
  const year = q.get('year') || from.slice(0, 4);
  const base = `#/party/meetings/${org.id}`;
  header(el, org, 'meetings', { from: q.get('from'), to: q.get('to') });
  el.append(periodForm(base, from, to),
    h('p', { class: 'muted' }, `${w('period')}: ${fmtDay(from)} – ${fmtDay(to)} (${w('period_note')})`));
  if (isCell(org.kind) && can('write')) {
    el.append(h('p', { class: 'actions' }, h('a', { class: 'button primary', href: `#/party/meeting/${org.id}` }, w('record_meeting'))));
  }
  const span = `from=${from}&to=${to}`;
  // flags
  const fsec = section('flags-h', w('flags'));
  el.append(fsec);
  try {
    const f = await api(`/api/v1/orgs/${org.id}/meetings/flags?${span}`);
    fsec.append(stats(f.totals, ['cells', 'months_due', 'months_skipped', 'cells_skipping', 'quarters_due', 'quarters_without_thematic', 'short_meetings'], 'flag-totals'));
    if (f.by_child && f.by_child.length) {
      fsec.append(table(w('by_child'), [
        { label: w('unit'), rowHeader: true, get: (r) => orgLink(r.org, 'meetings', { from, to }) },
        { label: w('cells'), num: true, get: (r) => fmtNum(r.cells) },
        { label: w('months_skipped'), num: true, get: (r) => fmtNum(r.months_skipped) },
        { label: w('cells_skipping'), num: true, get: (r) => fmtNum(r.cells_skipping) },
        { label: w('quarters_without_thematic'), num: true, get: (r) => fmtNum(r.quarters_without_thematic) },
        { label: w('short_meetings'), num: true, get: (r) => fmtNum(r.short_meetings) },
      ], f.by_child, { class: 'flags-by-child' }));
    }
    fsec.append(h('h3', {}, w('skipped_months')), ...[].concat(emptyOr(f.skipped_months, (rows) => table(null, [
      { label: w('cell'), rowHeader: true, get: (r) => orgLink(r.org, 'meetings', { from, to }) },
      { label: w('month'), get: (r) => r.month.split('-').reverse().join('/') },
    ], rows, { class: 'skipped' }))));
    fsec.append(h('h3', {}, w('quarters_without_thematic')), ...[].concat(emptyOr(f.quarters_without_thematic, (rows) => table(null, [
      { label: w('cell'), rowHeader: true, get: (r) => orgLink(r.org, 'meetings', { from, to }) },
      { label: w('quarter'), get: (r) => r.quarter },
    ], rows, { class: 'no-thematic' }))));
    fsec.append(h('h3', {}, w('short_meetings')), ...[].concat(emptyOr(f.short_meetings, (rows) => table(null, [
      { label: w('cell'), rowHeader: true, get: (r) => orgLink(r.org, 'meetings', { from, to }) },
      { label: w('date'), get: (r) => fmtDay(r.date) },
      { label: w('duration'), num: true, get: (r) => fmtNum(r.duration) },
      { label: w('minimum'), num: true, get: (r) => fmtNum(r.minimum) },
    ], rows, { class: 'short' }))));
  } catch (e) { fsec.append(errorBox(e)); }
  // attendance rates
  if (can('personal')) {
    const asec = section('att-h', w('attendance'));
    el.append(asec);
    try {
      const a = await api(`/api/v1/orgs/${org.id}/attendance?${span}`);
      asec.append(stats(a, ['present', 'excused', 'absent', 'rate'], 'att-totals'));
      const cols = [
        { label: w('present'), num: true, get: (r) => fmtNum(r.present) },
        { label: w('excused'), num: true, get: (r) => fmtNum(r.excused) },
        { label: w('absent'), num: true, get: (r) => fmtNum(r.absent) },
        { label: w('rate'), num: true, get: (r) => pct(r.rate) },
      ];
      if (a.by_child && a.by_child.length) asec.append(table(w('by_child'), [{ label: w('unit'), rowHeader: true, get: (r) => orgLink(r.org, 'meetings', { from, to }) }, ...cols], a.by_child, { class: 'att-by-child' }));
      if (a.members && a.members.length) asec.append(table(w('member'), [{ label: w('member'), rowHeader: true, get: (r) => memberLink(r.member, r.full_name) }, ...cols], a.members, { class: 'att-members' }));
    } catch (e) { asec.append(errorBox(e)); }
    // striking-off candidates of the year of the period
    const ssec = section('strike-h', `${w('strike')} — ${year}`);
    el.append(ssec);
    try {
      const s = await api(`/api/v1/orgs/${org.id}/strike-off-candidates?year=${year}`);
      ssec.append(h('p', { class: 'muted' }, s.rule));
      ssec.append(...[].concat(emptyOr(s.candidates, (rows) => table(null, [
        { label: w('member'), rowHeader: true, get: (r) => memberLink(r.member, r.full_name) },
        { label: w('cell'), get: (r) => orgLink(r.org, 'meetings', { from, to }) },
        { label: w('months_absent'), num: true, get: (r) => fmtNum(r.months_absent) },
        { label: t('actions'), get: (r) => (can('write') ? h('a', { class: 'button', href: `#/form?p=${enc(`/api/v1/members/{id}/${r.operation.name}`)}&id=${r.member}`, 'aria-label': `${w('strike_op')} ${r.full_name}` }, w('strike_op')) : '') },
      ], rows, { class: 'strike' }))));
    } catch (e) { ssec.append(errorBox(e)); }
  }
  // the meetings themselves
  const lsec = section('list-h', w('meeting_list'));
  el.append(lsec);
  try {
    const m = await api(`/api/v1/orgs/${org.id}/meetings?${span}`);
    const rows = m.meetings.slice().sort((a, b) => b.date.localeCompare(a.date));
    lsec.append(h('p', {}, `${w('total')}: ${fmtNum(m.total)}`), ...[].concat(emptyOr(rows, (rr) => table(null, [
      { label: w('date'), rowHeader: true, get: (r) => fmtDay(r.date) },
      { label: w('cell'), get: (r) => orgLink({ id: r.org, name: r.org === org.id ? org.name : '#' + r.org }, 'meetings', { from, to }) },
      { label: w('kind_m'), get: (r) => w(r.kind) + (r.thematic_part ? ' + ' + w('thematic').toLowerCase() : '') },
      { label: w('duration'), num: true, get: (r) => h('span', {}, fmtNum(r.duration), r.short ? h('strong', { class: 'flag' }, ' ⚠ ' + w('short')) : null) },
      { label: w('present'), num: true, get: (r) => fmtNum(r.present) },
      { label: w('excused'), num: true, get: (r) => fmtNum(r.excused) },
      { label: w('absent'), num: true, get: (r) => fmtNum(r.absent) },
      { label: w('topics'), get: (r) => r.topics || '' },
    ], rr, { class: 'meetings' }))));
  } catch (e) { lsec.append(errorBox(e)); }
}

// Recording a meeting: the cell's members on the day, each present by
// default, excused or absent by choice.
async function meetingForm(el, org) {
  header(el, org, 'meetings');
  el.append(h('h2', { id: 'rec-h' }, w('record_meeting')));
  if (!isCell(org.kind)) { el.append(h('p', { class: 'alert error' }, w('not_cell'))); return; }
  const attWrap = h('fieldset', { class: 'attendance' }, h('legend', {}, w('att_legend')));
  const picks = [];
  let loading = 0;
  async function loadMembers(day) {
    const my = ++loading;
    let rows = [];
    try {
      for (let p = 1; p < 20; p++) {
        const r = await api(`/api/v1/orgs/${org.id}/members?on=${day}&per_page=200&page=${p}`);
        rows = rows.concat(r.rows);
        if (rows.length >= r.total || !r.rows.length) break;
      }
    } catch (e) { if (my === loading) clear(attWrap).append(h('legend', {}, w('att_legend')), errorBox(e)); return; }
    if (my !== loading) return;
    // what was chosen for a member stays chosen when the day changes
    const kept = new Map(picks.map((p) => [p.id, p.sel.value]));
    clear(attWrap).append(h('legend', {}, w('att_legend')));
    picks.length = 0;
    const tb = h('tbody', {});
    for (const m of rows) {
      const sid = `att-${m.id}`;
      const sel = h('select', { id: sid, name: sid }, ['present', 'excused', 'absent'].map((k) => h('option', { value: k, selected: kept.get(m.id) === k ? true : null }, w(k))));
      picks.push({ id: m.id, sel });
      tb.append(h('tr', { 'data-member': m.id }, h('th', { scope: 'row' }, h('label', { for: sid }, m.full_name)), h('td', {}, sel)));
    }
    attWrap.append(h('div', { class: 'table-wrap' }, h('table', { class: 'att-form' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, w('member')), h('th', { scope: 'col' }, w('att_col')))), tb)));
  }
  const done = h('div', { tabindex: '-1', class: 'card', hidden: true, 'aria-live': 'polite' });
  const { form, inputs } = mkForm({
    id: 'mt',
    fields: [
      { name: 'date', label: w('date'), type: 'date', required: true, past: true },
      { name: 'duration', label: w('duration'), type: 'int', required: true, hint: w('duration_hint') },
      { name: 'kind', label: w('kind_m'), choices: [['regular', w('regular')], ['thematic', w('thematic')]] },
      { name: 'thematic_part', label: w('thematic_part'), type: 'checkbox', on: 'yes' },
      { name: 'topics', label: w('topics') },
      { name: 'minutes', label: w('minutes'), type: 'textarea' },
      { name: 'minutes_file', label: w('minutes_file') },
    ],
    submit: w('save'),
    errorField: fieldOf([[/tương lai|future|đã có cuộc họp|already|ngày|day/, 'date'], [/thời lượng|duration|phút|minute/, 'duration'], [/thematic/, 'thematic_part']]),
    onSubmit: async (body) => {
      const absent = picks.filter((p) => p.sel.value === 'absent').map((p) => p.id);
      const excused = picks.filter((p) => p.sel.value === 'excused').map((p) => p.id);
      if (absent.length) body.absent = absent.join(',');
      if (excused.length) body.excused = excused.join(',');
      const r = await api(`/api/v1/orgs/${org.id}/meetings`, { method: 'POST', body });
      form.hidden = true;
      clear(done).append(h('h2', {}, w('saved')),
        h('p', {}, `${fmtDay(r.date || body.date)} · ${fmtNum(r.duration ?? body.duration)} ${lang === 'en' ? 'min' : 'phút'} · ${w('present')}: ${fmtNum(r.present)}, ${w('excused')}: ${fmtNum(r.excused)}, ${w('absent')}: ${fmtNum(r.absent)}`),
        r.short ? h('p', { class: 'alert warn', role: 'alert' }, w('meeting_short', { n: r.minimum })) : null,
        h('p', { class: 'actions' }, h('a', { class: 'button primary', href: `#/party/meetings/${org.id}${qs({ from: body.date.slice(0, 8) + '01', to: addDays(body.date.slice(0, 8) + '28', 7).slice(0, 8) + '01' })}` }, w('back_list'))));
      done.hidden = false;
      done.focus();
      announce(w('saved'));
    },
  });
  form.insertBefore(attWrap, form.querySelector('[aria-live]'));
  // the members of the cell on the day typed
  inputs.date.addEventListener('change', () => { const d = parseDay(inputs.date.value); if (d && d <= todayIso()) loadMembers(d); });
  el.append(form, done);
  await loadMembers(todayIso());
}

// ---- rankings ----
function defaultRankYear() {
  const d = todayIso();
  return Number(d.slice(5, 7)) === 12 ? Number(d.slice(0, 4)) : Number(d.slice(0, 4)) - 1;
}
function levelCols(section, extra) {
  return [
    { label: w('unit'), rowHeader: true, get: (r) => orgLink(r.org, section, extra) },
    ...LEVELS.map((l) => ({ label: w('level.' + l), num: true, get: (r) => fmtNum(r[l]) })),
    { label: w('total'), num: true, get: (r) => fmtNum(r.total) },
  ];
}
function capWarning(warnings) {
  return (warnings || []).map((x) => h('div', { class: 'alert warn', role: 'alert', 'data-warning': x.code },
    w('cap_warn', { msg: x.message, g: names.get(x.grassroots) || '#' + x.grassroots, e: x.excellent, good: x.good, a: x.allowed })));
}
// The ranking form: a member or this organisation; a score from 30/8/2025,
// a level before; the level the score gives is shown while typing.
function rankForm(org, year, member) {
  const today = todayIso();
  const day = `${year}-12-20` < today ? `${year}-12-20` : today;
  const preview = h('p', { class: 'hint', 'aria-live': 'polite' });
  const fields = [];
  if (!member) fields.push({ name: 'who', label: w('rank_who'), choices: [['member', w('rank_a_member')], ['org', w('rank_this')]] },
    { name: 'member', label: w('member_id'), type: 'int' });
  fields.push(
    { name: 'year', label: w('year'), type: 'int', required: true, value: String(year) },
    { name: 'date', label: w('rank_date'), type: 'date', required: true, value: day, past: true },
    { name: 'score', label: w('score'), type: 'int', after: preview },
    { name: 'level', label: w('level') + ` (${lang === 'en' ? 'before 30/8/2025' : 'trước 30/8/2025'})`, choices: [['', '—'], ...LEVELS.map((l) => [l, w('level.' + l)])] },
    { name: 'note', label: w('note') });
  const out = h('div', { 'aria-live': 'polite' });
  const f = mkForm({
    id: 'rk',
    fields,
    submit: w('save'),
    errorField: fieldOf([[/đảng viên|member/, member ? 'year' : 'member'], [/điểm|score|thang|100/, 'score'], [/mức|level/, 'level'], [/ngày|day|năm|year/, 'date']]),
    onSubmit: async (body) => {
      const who = body.who || 'member';
      const mid = member || body.member;
      delete body.who; delete body.member;
      if (who === 'member' && !mid) { throw Object.assign(new Error(w('required')), { field: 'member' }); }
      const path = who === 'member' ? `/api/v1/members/${enc(mid)}/rankings` : `/api/v1/orgs/${org.id}/rankings`;
      const r = await api(path, { method: 'POST', body });
      if (r.grassroots) names.set(r.grassroots.id, r.grassroots.name);
      clear(out).append(h('div', { class: 'alert ok', role: 'status' }, w('saved') + ' ',
        `${who === 'member' ? w('member') + ' #' + mid : org.name} — ${r.year}: ${w('level.' + r.level)}${r.score !== null ? ` (${r.score})` : ''} `,
        who === 'member' && !member ? h('a', { href: `#/party/member/${mid}` }, w('history_member')) : null),
      ...capWarning(r.warnings));
      announce(w('saved'));
    },
  });
  f.inputs.score.addEventListener('input', () => {
    const s = f.inputs.score.value;
    preview.textContent = /^\d+$/.test(s) && Number(s) <= 100 ? w('score_maps', { s, l: w('level.' + levelOfScore(Number(s))) }) : '';
  });
  if (f.inputs.who) {
    const sync = () => { f.inputs.member.closest('.field').hidden = f.inputs.who.value !== 'member'; };
    f.inputs.who.addEventListener('change', sync);
    sync();
  }
  return h('div', {}, f.form, out);
}
function mappingTable() {
  const rows = SCORE_MIN.map(([l, m], i) => ({ l, range: i === 0 ? `${m}–100` : `${m}–${SCORE_MIN[i - 1][1] - 1}` }));
  return h('div', {}, h('p', { class: 'muted' }, w('mapping_note')), table(w('mapping'), [
    { label: w('score_range'), rowHeader: true, get: (r) => r.range },
    { label: w('level'), get: (r) => w('level.' + r.l) },
  ], rows, { class: 'mapping' }));
}
async function rankingsPage(el, org, q) {
  const year = Number(q.get('year')) || defaultRankYear();
  const subject = q.get('subject') === 'org' ? 'org' : 'member';
  const base = `#/party/rankings/${org.id}`;
  header(el, org, 'rankings', { year: q.get('year') });
  el.append(yearForm(base, year, { subject }));
  el.append(h('p', { class: 'actions', role: 'group', 'aria-label': w('subject') },
    ['member', 'org'].map((s) => h('a', { class: 'button' + (s === subject ? ' primary' : ''), href: base + qs({ year, subject: s }), 'aria-current': s === subject ? 'true' : null }, w('subj_' + s)))));
  const rsec = section('roll-h', `${w('rollup')} — ${w('subj_' + subject)} ${year}`);
  el.append(rsec);
  try {
    const r = await api(`/api/v1/orgs/${org.id}/rankings/rollup?year=${year}&subject=${subject}`);
    const tot = { total: r.totals.total };
    for (const l of LEVELS) tot['level.' + l] = r.totals[l];
    rsec.append(stats(tot, [...LEVELS.map((l) => 'level.' + l), 'total'], 'rank-totals'));
    const withTotal = r.by_unit.length ? [...r.by_unit, { org: null, ...r.totals, isTotal: true }] : [];
    rsec.append(...[].concat(emptyOr(withTotal, (rows) => table(null, levelCols('rankings', { year, subject }).map((c, i) => (i === 0 ? { ...c, get: (x) => (x.isTotal ? h('strong', {}, w('total')) : c.get(x)) } : c)), rows, { class: 'rollup' }))));
  } catch (e) { rsec.append(errorBox(e)); }
  const csec = section('cap-h', w('cap'));
  el.append(csec);
  try {
    const c = await api(`/api/v1/orgs/${org.id}/rankings/cap?year=${year}`);
    csec.append(h('p', {}, `${w('checked')}: ${fmtNum(c.checked)}`),
      c.ok ? h('p', { class: 'alert ok' }, w('cap_ok'))
        : h('div', { class: 'alert warn', role: 'alert', 'data-testid': 'cap-over' }, w('cap_over', { n: fmtNum(c.over_cap.length) })));
    if (!c.ok) {
      csec.append(table(null, [
        { label: w('grassroots'), rowHeader: true, get: (x) => orgLink(x.org, 'rankings', { year }) },
        { label: w('level.excellent'), num: true, get: (x) => fmtNum(x.excellent) },
        { label: w('level.good'), num: true, get: (x) => fmtNum(x.good) },
        { label: w('allowed'), num: true, get: (x) => fmtNum(x.allowed) },
      ], capped(c.over_cap), { class: 'over-cap' }), moreLine(c.over_cap) || '');
    }
  } catch (e) { csec.append(errorBox(e)); }
  el.append(section('map-h', w('mapping'), mappingTable()));
  if (can('write')) el.append(section('rank-form-h', w('rank_form'), rankForm(org, year, null)));
  const hsec = section('hist-org-h', w('history_org'));
  el.append(hsec);
  try {
    const hst = await api(`/api/v1/orgs/${org.id}/rankings`);
    hsec.append(...[].concat(emptyOr(hst.rankings, (rows) => historyTable(rows))));
  } catch (e) { hsec.append(errorBox(e)); }
}
function historyTable(rows) {
  return table(null, [
    { label: w('year'), rowHeader: true, get: (r) => String(r.year) },
    { label: w('level'), get: (r) => w('level.' + r.level) },
    { label: w('score'), num: true, get: (r) => (r.score === null ? '—' : String(r.score)) },
    { label: w('rank_date'), get: (r) => fmtDay(r.date) },
    { label: w('cell'), get: (r) => orgLink(r.org, 'rankings', { year: r.year }) },
    { label: w('note'), get: (r) => r.note || '' },
  ], rows.slice().sort((a, b) => b.year - a.year), { class: 'rank-history' });
}
// A member's ranking history (linked from the dossier's timeline too).
async function memberRankPage(el, id) {
  const m = await api(`/api/v1/members/${enc(id)}`);
  setTitle(`${w('history_member')} — ${m.full_name}`);
  el.append(h('h1', {}, `${w('history_member')}: ${m.full_name}`),
    h('p', {}, h('a', { href: `#/member/${m.id}` }, w('dossier') + ` #${m.id}`)));
  const r = await api(`/api/v1/members/${enc(id)}/rankings`);
  el.append(section('mh-h', w('history_member'), ...[].concat(emptyOr(r.rankings, historyTable))));
  if (can('write') && !m.ended_on) el.append(section('mr-h', w('rank_form'), rankForm(null, defaultRankYear(), m.id)));
}

// ---- conferences and recommendations ----
function recStatus(r) {
  const eff = r.effective_status || r.status;
  const s = w('st.' + eff);
  return r.status !== eff ? `${w('st.' + r.status)} → ${s}` : s;
}
async function conferencesPage(el, org) {
  header(el, org, 'conferences');
  // conferences with their presentations
  const csec = section('conf-h', w('conf_list'));
  el.append(csec);
  let confs = [];
  try {
    confs = (await api(`/api/v1/orgs/${org.id}/conferences`)).conferences;
    if (!confs.length) csec.append(h('p', { class: 'muted' }, w('none')));
    for (const c of confs) {
      csec.append(h('article', { class: 'card conf', 'aria-labelledby': 'conf-' + c.id },
        h('h3', { id: 'conf-' + c.id }, `${fmtDay(c.date)} — ${c.title}`),
        h('p', {}, `${w('agenda')}: ${c.agenda || '—'} · ${w('delegates')}: ${c.delegates ?? '—'}`),
        c.presentations.length ? table(w('presentations'), [
          { label: w('title'), rowHeader: true, get: (p) => p.title },
          { label: w('author'), get: (p) => p.author },
          { label: w('unit'), get: (p) => (p.unit ? orgLink(p.unit, 'conferences') : '—') },
        ], c.presentations, { class: 'presentations' }) : h('p', { class: 'muted' }, `${w('presentations')}: ${w('none')}`)));
    }
  } catch (e) { csec.append(errorBox(e)); }
  if (can('write')) {
    const today = todayIso();
    const cf = mkForm({
      id: 'cf', submit: w('save'),
      fields: [
        { name: 'date', label: w('date'), type: 'date', required: true, value: today },
        { name: 'title', label: w('title'), required: true },
        { name: 'agenda', label: w('agenda') },
        { name: 'delegates', label: w('delegates'), type: 'int' },
      ],
      errorField: fieldOf([[/ngày|day/, 'date']]),
      onSubmit: async (body) => { await api(`/api/v1/orgs/${org.id}/conferences`, { method: 'POST', body }); announce(w('saved')); go(`#/party/conferences/${org.id}?t=${Date.now()}`); },
    });
    csec.append(h('details', { class: 'party-more' }, h('summary', {}, w('add_conf')), cf.form));
    if (confs.length) {
      const pf = mkForm({
        id: 'pf', submit: w('save'),
        fields: [
          { name: 'conference', label: w('conference'), choices: confs.map((c) => [String(c.id), `${fmtDay(c.date)} — ${c.title}`]) },
          { name: 'title', label: w('title'), required: true },
          { name: 'author', label: w('author'), required: true },
          { name: 'unit', label: w('present_unit'), type: 'org' },
        ],
        onSubmit: async (body) => {
          const cid = body.conference; delete body.conference;
          await api(`/api/v1/orgs/${org.id}/conferences/${enc(cid)}/presentations`, { method: 'POST', body });
          announce(w('saved')); go(`#/party/conferences/${org.id}?t=${Date.now()}`);
        },
      });
      csec.append(h('details', { class: 'party-more' }, h('summary', {}, w('add_present')), pf.form));
    }
  }
  // received: consolidate the selected ones, or forward one
  const rsec = section('recv-h', w('received'));
  el.append(rsec);
  try {
    const recv = (await api(`/api/v1/orgs/${org.id}/recommendations?box=received`)).recommendations;
    for (const r of recv) await orgName(r.from);
    const boxes = new Map();
    const out = h('div', { 'aria-live': 'polite' });
    const actionable = (r) => r.status === 'submitted' && can('write');
    rsec.append(...[].concat(emptyOr(recv, (rows) => table(null, [
      { label: w('select'), get: (r) => { if (!actionable(r)) return ''; const cb = h('input', { type: 'checkbox', 'aria-label': w('select_rec', { id: r.id }), value: String(r.id) }); boxes.set(r.id, cb); return cb; } },
      { label: '#', get: (r) => String(r.id) },
      { label: w('from_unit'), get: (r) => orgLink({ id: r.from, name: names.get(r.from) }, 'conferences') },
      { label: w('topic'), get: (r) => r.topic },
      { label: w('text'), get: (r) => r.text },
      { label: w('submitted_on'), get: (r) => fmtDay(r.submitted_on) },
      { label: w('status'), get: (r) => h('span', { 'data-status': r.status }, recStatus(r)) },
      { label: t('actions'), get: (r) => {
        if (!actionable(r)) return r.answer || '';
        const b = h('button', { type: 'button', 'aria-label': w('forward_one', { id: r.id }) }, w('forward'));
        b.addEventListener('click', async () => {
          b.disabled = true;
          try {
            const x = await api(`/api/v1/orgs/${org.id}/recommendations/${r.id}/forward`, { method: 'POST', body: {} });
            sessionStorage.setItem('hoso.party.msg', w('forwarded_ok', { id: r.id, to: await orgName(x.to) }));
            go(`#/party/conferences/${org.id}?t=${Date.now()}`);
          } catch (e) { b.disabled = false; clear(out).append(errorBox(e)); }
        });
        return b;
      } },
    ], rows, { class: 'received' }))));
    rsec.append(out);
    if (recv.some(actionable)) {
      const cf = mkForm({
        id: 'cons', submit: w('consolidate'),
        fields: [
          { name: 'topic', label: w('topic'), required: true },
          { name: 'text', label: w('text'), type: 'textarea', required: true },
          { name: 'to', label: w('to_org'), type: 'org', hint: w('dest_hint') },
        ],
        errorField: fieldOf([[/cấp trên|above|gửi lên|up/, 'to']]),
        onSubmit: async (body) => {
          const ids = [...boxes].filter(([, cb]) => cb.checked).map(([id]) => id);
          if (!ids.length) throw new Error(w('consolidate_none'));
          body.ids = ids.join(',');
          const x = await api(`/api/v1/orgs/${org.id}/recommendations/consolidate`, { method: 'POST', body });
          sessionStorage.setItem('hoso.party.msg', w('consolidated_ok', { n: ids.length, id: x.id, to: await orgName(x.to) }));
          go(`#/party/conferences/${org.id}?t=${Date.now()}`);
        },
      });
      rsec.append(h('h3', {}, w('consolidate_h')), cf.form);
    }
  } catch (e) { rsec.append(errorBox(e)); }
  const flash = sessionStorage.getItem('hoso.party.msg');
  if (flash) { sessionStorage.removeItem('hoso.party.msg'); rsec.prepend(h('p', { class: 'alert ok', role: 'status' }, flash)); }
  // sent: where each one stands, through consolidation
  const ssec = section('sent-h', w('sent'));
  el.append(ssec);
  try {
    const sent = (await api(`/api/v1/orgs/${org.id}/recommendations?box=sent`)).recommendations;
    for (const r of sent) { await orgName(r.to); await orgName(r.now_at); }
    ssec.append(...[].concat(emptyOr(sent, (rows) => table(null, [
      { label: '#', rowHeader: true, get: (r) => String(r.id) },
      { label: w('to_unit'), get: (r) => names.get(r.to) },
      { label: w('topic'), get: (r) => r.topic },
      { label: w('text'), get: (r) => r.text },
      { label: w('submitted_on'), get: (r) => fmtDay(r.submitted_on) },
      { label: w('eff_status'), get: (r) => h('span', { 'data-status': r.effective_status }, recStatus(r)) },
      { label: w('now_at'), get: (r) => names.get(r.now_at) },
      { label: w('answer'), get: (r) => r.answer || '' },
    ], rows, { class: 'sent' }))));
    if (can('write') && org.path && org.path.length) {
      const up = org.path[org.path.length - 1];
      const sf = mkForm({
        id: 'send', submit: w('send_rec'),
        fields: [
          { name: 'to', label: w('to_org'), type: 'org', required: true, value: String(up.id), hint: up.name },
          { name: 'topic', label: w('topic'), required: true },
          { name: 'text', label: w('text'), type: 'textarea', required: true },
          confs.length ? { name: 'conference', label: w('conference'), choices: [['', '—'], ...confs.map((c) => [String(c.id), `${fmtDay(c.date)} — ${c.title}`])] } : null,
        ].filter(Boolean),
        errorField: fieldOf([[/cấp trên|above|gửi lên|up|tổ chức/, 'to']]),
        onSubmit: async (body) => {
          if (body.conference) body.conference = Number(body.conference);
          await api(`/api/v1/orgs/${org.id}/recommendations`, { method: 'POST', body });
          announce(w('saved')); go(`#/party/conferences/${org.id}?t=${Date.now()}`);
        },
      });
      ssec.append(h('details', { class: 'party-more' }, h('summary', {}, w('send_rec')), sf.form));
    }
  } catch (e) { ssec.append(errorBox(e)); }
  // open ones in the subtree, by level and topic
  const osec = section('open-h', w('open_recs'));
  el.append(osec);
  try {
    const o = await api(`/api/v1/orgs/${org.id}/recommendations/open`);
    const rows = [];
    for (const [lvl, topics] of Object.entries(o.by_level || {})) for (const [tp, n] of Object.entries(topics)) rows.push({ lvl, tp, n });
    osec.append(h('p', {}, `${w('total')}: ${fmtNum(o.total)}`), ...[].concat(emptyOr(rows, (rr) => table(null, [
      { label: w('by_level'), rowHeader: true, get: (r) => kindLabel(r.lvl) },
      { label: w('topic'), get: (r) => r.tp },
      { label: w('count'), num: true, get: (r) => fmtNum(r.n) },
    ], rr, { class: 'open-recs' }))));
  } catch (e) { osec.append(errorBox(e)); }
}

// ---- directives ----
const DIR_KINDS = ['resolution', 'directive', 'regulation', 'decision', 'conclusion', 'instruction'];
const dkind = (k) => (W['dk.' + k] ? w('dk.' + k) : k || '—');
async function directivesPage(el, org) {
  header(el, org, 'directives');
  const out = h('div', { 'aria-live': 'polite' });
  let list;
  try { list = await api(`/api/v1/orgs/${org.id}/directives`); } catch (e) { el.append(errorBox(e)); return; }
  const isec = section('iss-h', w('issued'));
  el.append(isec);
  isec.append(...[].concat(emptyOr(list.issued, (rows) => table(null, [
    { label: w('number'), rowHeader: true, get: (d) => h('a', { href: `#/party/directive/${org.id}/${d.id}` }, d.number) },
    { label: w('kind_d'), get: (d) => dkind(d.kind) },
    { label: w('date'), get: (d) => fmtDay(d.date) },
    { label: w('title'), get: (d) => d.title },
    { label: w('assignments'), get: (d) => h('ul', { class: 'plain' }, d.assignments.map((a) => h('li', {}, orgLink(a.to, 'directives'), ` · ${w('deadline').toLowerCase()} ${fmtDay(a.deadline)}`))) },
    { label: w('status_view'), get: (d) => h('a', { class: 'button', href: `#/party/directive/${org.id}/${d.id}` }, w('status_view')) },
  ], rows, { class: 'issued' }))));
  if (can('write')) {
    const rf = mkForm({
      id: 'dreg', submit: w('register'),
      fields: [
        { name: 'number', label: w('number'), required: true, hint: lang === 'en' ? 'e.g. 18-NQ/TW' : 'Ví dụ 18-NQ/TW' },
        { name: 'kind', label: w('kind_d'), choices: DIR_KINDS.map((k) => [k, dkind(k)]) },
        { name: 'date', label: w('date'), type: 'date', required: true, value: todayIso() },
        { name: 'title', label: w('title'), required: true },
        { name: 'text', label: w('text'), type: 'textarea' },
        { name: 'file', label: w('file') },
      ],
      errorField: fieldOf([[/số|number/, 'number'], [/ngày|day/, 'date']]),
      onSubmit: async (body) => { await api(`/api/v1/orgs/${org.id}/directives`, { method: 'POST', body }); announce(w('saved')); go(`#/party/directives/${org.id}?t=${Date.now()}`); },
    });
    isec.append(h('details', { class: 'party-more' }, h('summary', {}, w('register')), rf.form));
    for (const d of list.issued) {
      const af = mkForm({
        id: 'das' + d.id, submit: w('assign'),
        fields: [
          { name: 'to', label: w('assign_to'), type: 'org', required: true },
          { name: 'deadline', label: w('deadline'), type: 'date', required: true },
          { name: 'date', label: w('assigned_on'), type: 'date', value: todayIso() },
          { name: 'levels', label: w('levels'), choices: [['all', w('lv.all')], ['grassroots', w('lv.grassroots')]] },
        ],
        errorField: fieldOf([[/hạn|deadline/, 'deadline'], [/phạm vi|scope|giao|assign/, 'to']]),
        onSubmit: async (body) => { await api(`/api/v1/orgs/${org.id}/directives/${d.id}/assign`, { method: 'POST', body }); announce(w('saved')); go(`#/party/directives/${org.id}?t=${Date.now()}`); },
      });
      isec.append(h('details', { class: 'party-more' }, h('summary', {}, w('assign_h', { n: d.number })), af.form));
    }
  }
  const asec = section('asg-h', w('assigned'));
  el.append(asec, out);
  asec.append(...[].concat(emptyOr(list.assigned, (rows) => table(null, [
    { label: w('number'), rowHeader: true, get: (d) => d.number },
    { label: w('issuer'), get: (d) => (d.issuer ? d.issuer.name : '—') },
    { label: w('title'), get: (d) => d.title },
    { label: w('deadline'), get: (d) => (d.assignments || []).map((a) => fmtDay(a.deadline)).join(', ') },
    { label: w('status_view'), get: (d) => h('a', { class: 'button', href: `#/party/directive/${org.id}/${d.id}` }, w('status_view')) },
  ], rows, { class: 'assigned' }))));
  if (can('write')) {
    for (const d of list.assigned) {
      const pf = mkForm({
        id: 'drep' + d.id, submit: w('report'),
        fields: [
          { name: 'date', label: w('date'), type: 'date', required: true, value: todayIso(), past: true },
          { name: 'summary', label: w('summary'), type: 'textarea', required: true },
          { name: 'status', label: w('report_status'), choices: [['done', w('rs.done')], ['in_progress', w('rs.in_progress')]] },
        ],
        errorField: fieldOf([[/ngày|day|tương lai|future/, 'date']]),
        onSubmit: async (body) => {
          await api(`/api/v1/orgs/${org.id}/directives/${d.id}/reports`, { method: 'POST', body });
          clear(out).append(h('p', { class: 'alert ok', role: 'status' }, `${w('reported_ok')} ${d.number}`));
          announce(w('reported_ok'));
        },
      });
      asec.append(h('details', { class: 'party-more', open: true }, h('summary', {}, w('report_h', { n: d.number })), pf.form));
    }
  }
}
// The issuer's view: who reported, who is late, rolled up by child, as of
// a day; a child opens the same view one level down.
async function directiveStatusPage(el, org, dir, q) {
  const on = q.get('on') || todayIso();
  header(el, org, 'directives');
  const s = await api(`/api/v1/orgs/${org.id}/directives/${enc(dir)}/status?on=${on}`);
  el.append(h('h2', { id: 'st-h' }, `${w('status_view')} — #${dir}`),
    onForm(`#/party/directive/${org.id}/${dir}`, on),
    stats(s.totals, ['due', 'reported_on_time', 'reported_late', 'late', 'pending'], 'dir-totals'));
  const cols = [
    { label: w('due'), num: true, get: (r) => fmtNum(r.due) },
    { label: w('reported_on_time'), num: true, get: (r) => fmtNum(r.reported_on_time) },
    { label: w('reported_late'), num: true, get: (r) => fmtNum(r.reported_late) },
    { label: w('late'), num: true, get: (r) => fmtNum(r.late) },
    { label: w('pending'), num: true, get: (r) => fmtNum(r.pending) },
  ];
  const sub = (o) => h('a', { href: `#/party/directive/${o.id}/${dir}${qs({ on: q.get('on') })}` }, o.name);
  el.append(section('by-h', w('by_child'), ...[].concat(emptyOr(s.by_child, (rows) => table(null, [{ label: w('unit'), rowHeader: true, get: (r) => sub(r.org) }, ...cols], rows, { class: 'dir-by-child' })))));
  el.append(section('asgs-h', w('assignments'), ...[].concat(emptyOr(s.assignments, (rows) => table(null, [
    { label: w('unit'), rowHeader: true, get: (r) => sub(r.to) },
    { label: w('assigned_on'), get: (r) => fmtDay(r.assigned_on) },
    { label: w('deadline'), get: (r) => fmtDay(r.deadline) },
    { label: w('levels'), get: (r) => w('lv.' + r.levels) },
    ...cols], rows, { class: 'dir-assignments' })))));
  el.append(section('late-h', w('late_units'), ...[].concat(emptyOr(s.late_units, (rows) => table(null, [
    { label: w('unit'), rowHeader: true, get: (r) => orgLink(r.org, 'directives') },
    { label: t('kind'), get: (r) => kindLabel(r.org.kind) },
    { label: w('deadline'), get: (r) => fmtDay(r.deadline) },
  ], rows, { class: 'late-units' })))));
}

// ---- full-time cadres ----
async function cadresPage(el, org, q) {
  const on = q.get('on') || todayIso();
  header(el, org, 'cadres');
  el.append(onForm(`#/party/cadres/${org.id}`, on));
  if (!can('personal')) return;
  const c = await api(`/api/v1/orgs/${org.id}/cadres?on=${on}`);
  el.append(stats(c, ['total', 'own'], 'cadre-totals'));
  el.append(section('cbc-h', w('by_child'), ...[].concat(emptyOr(c.by_child, (rows) => table(null, [
    { label: w('unit'), rowHeader: true, get: (r) => orgLink(r.org, 'cadres', { on: q.get('on') }) },
    { label: w('cadre_count'), num: true, get: (r) => fmtNum(r.cadres) },
  ], rows, { class: 'cadres-by-child' })))));
  el.append(section('ccm-h', w('committees'), ...[].concat(emptyOr(c.committees, (rows) => table(null, [
    { label: w('unit'), rowHeader: true, get: (r) => orgLink(r.org, 'cadres', { on: q.get('on') }) },
    { label: t('kind'), get: (r) => kindLabel(r.org.kind) },
    { label: w('cadre_count'), num: true, get: (r) => fmtNum(r.cadres) },
  ], rows, { class: 'committees' })))));
  el.append(section('cst-h', w('staff'), ...[].concat(emptyOr(c.staff, (rows) => table(null, [
    { label: w('name'), rowHeader: true, get: (r) => (r.member ? memberLink(r.member, r.name) : r.name) },
    { label: w('post'), get: (r) => r.post },
    { label: w('from'), get: (r) => fmtDay(r.from) },
  ], rows, { class: 'staff' })))));
  if (can('write') && !isCell(org.kind)) {
    const f = mkForm({
      id: 'cad', submit: w('save'),
      fields: [
        { name: 'name', label: w('name'), required: true },
        { name: 'post', label: w('post'), required: true },
        { name: 'from', label: w('from'), type: 'date', required: true, value: on },
        { name: 'member', label: w('member_id'), type: 'int' },
      ],
      errorField: fieldOf([[/ngày|from|to phải/, 'from'], [/đảng viên|member/, 'member']]),
      onSubmit: async (body) => { await api(`/api/v1/orgs/${org.id}/cadres`, { method: 'POST', body }); announce(w('saved')); go(`#/party/cadres/${org.id}?t=${Date.now()}`); },
    });
    el.append(h('details', { class: 'party-more' }, h('summary', {}, w('add_cadre')), f.form));
  }
}

// The entry point from main.js: #/party/SECTION/ORG[/MORE]?query.
export async function partyPage(main, parts, q) {
  loadStyle();
  // a page of its own: when the user leaves before the slow parts arrive,
  // they land in this detached box, not on the next page
  const el = h('div', { class: 'party' });
  clear(main).append(el);
  let [sec, id, more] = parts;
  if (sec === 'member') { await memberRankPage(el, id); return; }
  if (!sec) sec = 'meetings';
  if (!id) {
    const orgs = await homeOrgs();
    if (!orgs.length) { el.append(h('h1', {}, w('party_work')), h('p', {}, t('forbidden'))); return; }
    id = orgs[0].id;
  }
  const org = await orgOf(id);
  switch (sec) {
    case 'meetings': await meetingsPage(el, org, q); break;
    case 'meeting': await meetingForm(el, org); break;
    case 'rankings': await rankingsPage(el, org, q); break;
    case 'conferences': await conferencesPage(el, org); break;
    case 'directives': await directivesPage(el, org); break;
    case 'directive': await directiveStatusPage(el, org, more, q); break;
    case 'cadres': await cadresPage(el, org, q); break;
    default: el.append(h('h1', {}, t('not_found')));
  }
}
