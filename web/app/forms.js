// forms: one framework for every operation (transfer, admit, recognise,
// exempt, strike off, discipline, death, reorganisations): fields from the
// route's OpenAPI body, checks before sending, errors next to the field in
// plain words, a confirmation step that says what will change, and undo
// where the server offers it. A rejected form keeps what was typed.
import { t, has, fmtDay, kindLabel } from './i18n.js';
import { api, routes, enc } from './api.js';
import { h, clear, errorBox, setTitle, todayIso, isIsoDay, announce, dateInput, parseDay } from './ui.js';
import { go, can } from './main.js';

// Labels and help for the fields the operations use; unknown fields show
// their name.
const FIELD = {
  to: { vi: 'Đơn vị nhận (mã hoặc số)', en: 'Receiving unit (code or number)', hint: ['Chi bộ nơi đảng viên sẽ sinh hoạt, ví dụ mã C0123 hoặc số 245.', 'The cell the member will belong to, e.g. code C0123 or number 245.'] },
  org: { vi: 'Chi bộ (mã hoặc số)', en: 'Cell (code or number)' },
  parent: { vi: 'Đơn vị cấp trên mới (mã hoặc số)', en: 'New parent unit (code or number)' },
  into: { vi: 'Hợp nhất vào đơn vị (mã hoặc số)', en: 'Merge into unit (code or number)' },
  effective: { vi: 'Ngày có hiệu lực', en: 'Effective from', hint: ['Gõ ngày/tháng/năm, ví dụ 01/03/2025.', 'Type day/month/year, e.g. 01/03/2025.'] },
  reason: { vi: 'Lý do, số quyết định', en: 'Reason, decision number' },
  full_name: { vi: 'Họ và tên', en: 'Full name' },
  sex: { vi: 'Giới tính (M: nam, F: nữ)', en: 'Sex (M or F)' },
  birth_date: { vi: 'Ngày sinh', en: 'Date of birth' },
  ethnicity: { vi: 'Dân tộc', en: 'Ethnic group' },
  religion: { vi: 'Tôn giáo', en: 'Religion' },
  hometown: { vi: 'Quê quán', en: 'Home town' },
  education: { vi: 'Giáo dục phổ thông (ví dụ 12/12)', en: 'General education (e.g. 12/12)' },
  expertise: { vi: 'Trình độ chuyên môn', en: 'Professional qualification' },
  theory_level: { vi: 'Lý luận chính trị', en: 'Political theory' },
  admitted_on: { vi: 'Ngày kết nạp', en: 'Admitted on' },
  card_no: { vi: 'Số thẻ đảng', en: 'Party card number' },
  name: { vi: 'Tên đơn vị', en: 'Name of the unit' },
  code: { vi: 'Mã đơn vị', en: 'Code of the unit' },
  kind: { vi: 'Loại', en: 'Kind' },
  level: { vi: 'Hình thức', en: 'Form' },
  ground: { vi: 'Căn cứ', en: 'Ground' },
  unfit: { vi: 'Không đủ tư cách (1: xóa tên thay vì công nhận)', en: 'Unfit (1: strike off instead)' },
  since: { vi: 'Kể từ ngày', en: 'Since' },
  until: { vi: 'Đến ngày', en: 'Until' },
  form: { vi: 'Hình thức kỷ luật', en: 'Form of discipline' },
  card: { vi: 'Số thẻ đảng mới', en: 'New party card number' },
  years: { vi: 'Huy hiệu (số năm tuổi đảng)', en: 'Badge (years of membership)' },
  approval: { vi: 'Văn bản đồng ý của cấp trên (nếu cần)', en: 'Approval of the higher level (when needed)' },
  candidate: { vi: 'Người được kết nạp', en: 'Candidate', hint: ['Chọn trong danh sách người vào Đảng của đơn vị.', 'Choose from the unit\'s candidates.'] },
  step: { vi: 'Bước', en: 'Step' },
  from: { vi: 'Các đơn vị được hợp nhất (mã hoặc số, cách nhau bởi ;)', en: 'Units merged in (codes or numbers, ; between)' },
  members: { vi: 'Đảng viên chuyển sang (số hồ sơ, cách nhau bởi ;)', en: 'Members moving (record numbers, ; between)' },
  children: { vi: 'Đơn vị trực thuộc chuyển sang (cách nhau bởi ;)', en: 'Units moving (; between)' },
  members_to: { vi: 'Đảng viên chuyển về đơn vị (mã hoặc số)', en: 'Members move to (code or number)' },
  children_to: { vi: 'Đơn vị trực thuộc chuyển về (mã hoặc số)', en: 'Units under it move to (code or number)' },
  id: { vi: 'Số hiệu mới (để trống: tự cấp)', en: 'New number (empty: automatic)' },
  introducer1: { vi: 'Người giới thiệu thứ nhất (số hồ sơ)', en: 'First introducer (record number)' },
  introducer2: { vi: 'Người giới thiệu thứ hai (số hồ sơ)', en: 'Second introducer (record number)' },
};
// Choices for the fields whose values are a known list.
const ORG_KINDS = ['province', 'bloc', 'upper', 'grassroots', 'grassroots_cell', 'sub_committee', 'cell'].map((v) => [v, kindLabel(v), v]);
// Choices that depend on the operation (a "kind" of exemption is not a
// kind of organisation).
const OP_CHOICES = {
  exempt: { kind: [['age', 'Tuổi cao', 'Age'], ['health', 'Sức khỏe', 'Health']] },
  'temp-transfer': { kind: [['work', 'Công tác', 'Work'], ['study', 'Học tập', 'Study']] },
  kind: { kind: ORG_KINDS }, split: { kind: ORG_KINDS }, create: { kind: ORG_KINDS },
  steps: { step: [['course', 'Học lớp bồi dưỡng nhận thức về Đảng', 'Course'], ['introducers', 'Người giới thiệu', 'Introducers'],
    ['application', 'Đơn xin vào Đảng', 'Application'], ['background', 'Thẩm tra lý lịch', 'Background check'],
    ['considered', 'Chi bộ xét kết nạp', 'Considered by the cell'], ['decided', 'Quyết định kết nạp', 'Admission decided']] },
};
const CHOICES = {
  form: [['reprimand', 'Khiển trách', 'Reprimand'], ['warning', 'Cảnh cáo', 'Warning'], ['removal', 'Cách chức', 'Removal from post'], ['expulsion', 'Khai trừ', 'Expulsion']],
  sex: [['M', 'Nam', 'Male'], ['F', 'Nữ', 'Female']],
  expertise: ['none', 'intermediate', 'college', 'bachelor', 'master', 'doctor'].map((v) => [v, t(`expertise.${v}`), v]),
  theory_level: ['none', 'elementary', 'intermediate', 'advanced', 'bachelor'].map((v) => [v, t(`theory_level.${v}`), v]),
};
export const OPS = {
  recognise: ['Công nhận đảng viên chính thức', 'Recognise as official'],
  'transfer-out': ['Giới thiệu chuyển sinh hoạt chính thức (đi)', 'Official transfer out'],
  receive: ['Tiếp nhận đảng viên chuyển đến', 'Receive a transferred member'],
  'temp-transfer': ['Chuyển sinh hoạt tạm thời', 'Temporary transfer'],
  'strike-off': ['Xóa tên', 'Strike off'],
  expel: ['Khai trừ', 'Expel'],
  leave: ['Ra khỏi Đảng', 'Leave the party'],
  readmit: ['Kết nạp lại', 'Readmit'],
  'card-issue': ['Cấp, đổi thẻ đảng', 'Issue a party card'],
  'badge-award': ['Trao Huy hiệu Đảng', 'Award a party badge'],
  candidates: ['Đăng ký người vào Đảng (quần chúng ưu tú)', 'Register a candidate'],
  steps: ['Ghi nhận một bước của người vào Đảng', 'Record a candidate step'],
  admissions: ['Kết nạp đảng viên', 'Admit a member'],
  recode: ['Đổi mã đơn vị', 'Change the code'],
  kind: ['Đổi loại đơn vị', 'Change the kind of the unit'],
  transfer: ['Chuyển sinh hoạt đảng', 'Transfer a member'],
  transfer_out: ['Chuyển sinh hoạt đi (ra ngoài hệ thống)', 'Transfer out'],
  transfer_in: ['Tiếp nhận sinh hoạt', 'Receive a transfer'],
  admit: ['Kết nạp đảng viên', 'Admit a member'],
  recognise: ['Công nhận đảng viên chính thức', 'Recognise as official'],
  exempt: ['Miễn công tác và sinh hoạt', 'Exempt'],
  strike_off: ['Xóa tên', 'Strike off'],
  discipline: ['Kỷ luật', 'Discipline'],
  death: ['Báo từ trần', 'Record a death'],
  rename: ['Đổi tên đơn vị', 'Rename the unit'],
  move: ['Chuyển đơn vị sang cấp trên khác', 'Move the unit'],
  merge: ['Hợp nhất đơn vị', 'Merge units'],
  split: ['Chia tách đơn vị', 'Split the unit'],
  dissolve: ['Giải thể đơn vị', 'Dissolve the unit'],
  create: ['Thành lập đơn vị', 'Create a unit'],
};

const L = () => (document.documentElement.lang === 'en' ? 1 : 0);
function label(name) { const f = FIELD[name]; return f ? (L() ? f.en : f.vi) : (has(name) ? t(name) : name); }
export function opTitle(name, summary) { const o = OPS[name] || OPS[name.replace(/-/g, '_')]; return o ? o[L()] : (summary || name); }

// Fields of a route's body from the OpenAPI document.
function bodyFields(op) {
  const s = op.requestBody && op.requestBody.content['application/json'].schema;
  if (!s) return [];
  const req = new Set(s.required || []);
  return Object.entries(s.properties || {}).map(([name, sch]) => ({
    name,
    required: req.has(name),
    type: sch.format === 'date' ? 'date' : sch.oneOf ? 'org' : sch.type === 'integer' ? 'int' : 'str',
  }));
}

// A readable name for an organisation given as a code or a number, or null.
async function orgName(v, day) {
  try {
    const o = await api(`/api/v1/orgs/${enc(v)}` + (isIsoDay(day) ? `?on=${day}` : ''));
    return { id: o.id, name: o.name, kind: o.kind };
  } catch (e) { return null; }
}

// Which field a server message is about: its name or its label in the
// message, else a rule that names organisations or days. The command-line
// hints the model puts in its messages ("(--approval)") name the way out,
// not the field in fault, so they are left out of the match.
function errorField(msg, fields) {
  const low = msg.replace(/\s*\(--[a-z_-]+\)/g, '').toLowerCase();
  for (const f of fields) if (new RegExp(`\\b${f.name}\\b`).test(low) || low.includes(label(f.name).toLowerCase())) return f.name;
  const orgF = fields.find((f) => f.type === 'org');
  if (orgF && /(tổ chức|chi bộ|đơn vị|organisation|cell|unit|placed)/.test(low)) return orgF.name;
  const dates = fields.filter((f) => f.type === 'date');
  if (dates.length === 1 && /(ngày|\bon\b|date|day)/.test(low)) return dates[0].name;
  return null;
}

// A server message in the words of the form: days as dd/mm/yyyy, and a
// command-line hint "(--approval)" as the label of the field to fill.
function plainMessage(msg, fields) {
  const m = msg.charAt(0).toLocaleUpperCase('vi') + msg.slice(1);
  return m.replace(/\b(\d{4})-(\d{2})-(\d{2})\b/g, '$3/$2/$1')
    .replace(/\s*\(--([a-z_-]+)\)/g, (all, f) => (fields.some((x) => x.name === f) ? ` (${L() ? 'field' : 'mục'} «${label(f)}»)` : ''));
}

// What a candidate's state means, in words (the last step passed,
// lifecycle_query.c).
const CAND_STATE = {
  registered: ['mới đăng ký', 'registered'], trained: ['đã học lớp bồi dưỡng', 'course done'],
  introduced: ['đã có người giới thiệu', 'introduced'], applied: ['đã có đơn', 'applied'],
  checked: ['đã thẩm tra lý lịch', 'background checked'], considered: ['chi bộ đã xét', 'considered by the cell'],
  decided: ['đã có quyết định kết nạp', 'admission decided'],
};
export function candState(s) { return CAND_STATE[s] ? CAND_STATE[s][L()] : s; }
// The step that follows each state, offered first on a candidate's form.
const STEP_AFTER = { registered: 'course', trained: 'introducers', introduced: 'application', applied: 'background', checked: 'considered', considered: 'decided' };

export async function formPage(el, q) {
  const pattern = q.get('p');
  const id = q.get('id');
  const doc = await routes();
  const op = doc.paths[pattern] && doc.paths[pattern].post;
  if (!op) throw new Error(t('not_found'));
  const name = pattern.split('/').pop();
  const isMember = pattern.startsWith('/api/v1/members/{id}');
  const subject = isMember ? await api(`/api/v1/members/${enc(id)}`) : id ? await api(`/api/v1/orgs/${enc(id)}`) : null;
  const fields = bodyFields(op);
  // candidates of the unit: the admission chooses one, a step is about one
  const cid = q.get('cid');
  const cands = !isMember && id && (pattern.includes('{cid}') || fields.some((f) => f.name === 'candidate'))
    ? ((await api(`/api/v1/orgs/${enc(id)}/candidates`)).rows || []) : [];
  const cand = cid ? cands.find((c) => String(c.candidate_id) === cid) : null;
  if (pattern.includes('{cid}') && !cand) throw new Error(t('not_found'));
  const subjectName = cand ? cand.full_name : subject ? (subject.full_name || subject.name) : '';
  const title = opTitle(name, op.summary);
  setTitle(title);
  clear(el);
  const back = isMember ? `#/member/${id}` : id ? `#/org/${id}` : '#/';
  el.append(h('h1', {}, title), subject ? h('p', { class: 'subject' }, subjectName + (cand ? ` — ${subject.name}` : '')) : null);

  const inputs = {};
  const errs = {};
  const formMsg = h('div', { class: 'form-msg', 'aria-live': 'assertive' });
  const form = h('form', { class: 'card op-form', novalidate: true, 'data-op': name });
  form.append(formMsg);
  for (const f of fields) {
    const fid = 'f-' + f.name;
    let input;
    const choices = (OP_CHOICES[name] || {})[f.name] || (OP_CHOICES[name] ? null : CHOICES[f.name]) || (f.name !== 'kind' ? CHOICES[f.name] : null);
    if (f.name === 'candidate') {
      // the candidates not yet admitted, the ones with a decision first
      const ready = cands.filter((c) => c.state === 'decided').concat(cands.filter((c) => c.state !== 'decided'));
      input = h('select', { name: f.name }, h('option', { value: '' }, L() ? '— choose —' : '— chọn —'),
        ready.map((c) => h('option', { value: String(c.candidate_id), selected: String(c.candidate_id) === cid },
          `${c.full_name} (${L() ? 'born' : 'sinh'} ${fmtDay(c.birth_date)}) — ${candState(c.state)}`)));
    } else if (choices) {
      input = h('select', { name: f.name }, f.required ? null : h('option', { value: '' }, '—'),
        choices.map(([v, vi, en]) => h('option', { value: v }, L() ? en : vi)));
      if (f.name === 'step' && cand && STEP_AFTER[cand.state]) input.value = STEP_AFTER[cand.state];
    } else if (f.type === 'date') {
      const today = /effective|_on$/.test(f.name) && f.name !== 'birth_date' && f.name !== 'admitted_on';
      input = dateInput(f.name, today ? todayIso() : '');
    } else {
      input = h('input', { name: f.name, type: 'text', inputmode: f.type === 'int' ? 'numeric' : null, autocomplete: 'off' });
    }
    input.id = fid;
    if (f.required) input.setAttribute('aria-required', 'true');
    const hintTxt = FIELD[f.name] && FIELD[f.name].hint ? FIELD[f.name].hint[L()] : f.type === 'date' ? t('day_hint') : null;
    const hint = hintTxt ? h('p', { class: 'hint', id: fid + '-hint' }, hintTxt) : null;
    const err = h('p', { class: 'field-error', id: fid + '-err', hidden: true });
    const resolved = f.type === 'org' || /^introducer/.test(f.name) ? h('p', { class: 'resolved', id: fid + '-res', 'aria-live': 'polite' }) : null;
    input.setAttribute('aria-describedby', [hint && hint.id, err.id, resolved && resolved.id].filter(Boolean).join(' '));
    inputs[f.name] = input;
    errs[f.name] = err;
    if (resolved) {
      let timer = null;
      input.addEventListener('input', () => {
        clearTimeout(timer);
        timer = setTimeout(async () => {
          const v = input.value.trim();
          if (!v) { resolved.textContent = ''; return; }
          if (f.type !== 'org') {
            // an introducer: the member's name, so a wrong number shows
            let m = null;
            if (/^\d+$/.test(v)) try { m = await api(`/api/v1/members/${enc(v)}`); } catch (e) { m = null; }
            if (input.value.trim() === v) resolved.textContent = m ? `→ ${m.full_name}` : (L() ? 'No such member.' : 'Không tìm thấy đảng viên này.');
            return;
          }
          const dayF = fields.find((x) => x.type === 'date');
          const o = await orgName(v, dayF ? parseDay(inputs[dayF.name].value) : '');
          if (input.value.trim() === v) resolved.textContent = o ? `→ ${o.name} (${kindLabel(o.kind)})` : t('org_unknown');
        }, 300);
      });
    }
    form.append(h('div', { class: 'field' + (f.required ? ' required' : '') },
      h('label', { for: fid }, label(f.name), f.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
      hint, input, resolved, err));
  }
  const reviewBtn = h('button', { type: 'submit', class: 'primary' }, t('review'));
  form.append(h('p', { class: 'actions' }, reviewBtn, h('a', { href: back, class: 'button' }, t('cancel'))));
  const confirmBox = h('section', { class: 'card confirm', hidden: true, 'aria-labelledby': 'cf-h', tabindex: '-1' });
  const doneBox = h('section', { class: 'card done', hidden: true, tabindex: '-1' });
  el.append(form, confirmBox, doneBox);

  function setError(fname, msg) {
    const input = inputs[fname];
    const err = errs[fname];
    if (!input) return false;
    err.textContent = msg;
    err.hidden = !msg;
    if (msg) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
    return true;
  }
  function clearErrors() { for (const f of fields) setError(f.name, ''); clear(formMsg); }

  function collect() {
    const body = {};
    let bad = null;
    for (const f of fields) {
      const v = inputs[f.name].value.trim();
      if (!v) {
        if (f.required) { setError(f.name, t('required')); bad = bad || f.name; }
        continue;
      }
      if (f.type === 'date') {
        const d = parseDay(v);
        if (!d) { setError(f.name, t('bad_date')); bad = bad || f.name; continue; }
        body[f.name] = d;
        continue;
      }
      if (f.type === 'int') {
        if (!/^\d+$/.test(v)) { setError(f.name, L() ? 'A whole number is expected.' : 'Cần một số nguyên dương.'); bad = bad || f.name; continue; }
        body[f.name] = Number(v);
      } else if (f.type === 'org' && /^\d+$/.test(v)) body[f.name] = Number(v);
      else body[f.name] = v;
    }
    return { body, bad };
  }

  function showRejection(e) {
    const fname = e.status === 404 && fields.find((f) => f.type === 'org') ? fields.find((f) => f.type === 'org').name : errorField(e.message, fields);
    const msg = e.status === 404 && fields.some((f) => f.type === 'org') ? t('org_unknown') : plainMessage(e.message, fields);
    form.hidden = false;
    confirmBox.hidden = true;
    clear(formMsg).append(h('div', { class: 'alert error', role: 'alert' },
      h('strong', {}, t('form_errors')), ' ', t('nothing_written'), fname ? null : h('p', {}, msg)));
    if (fname) { setError(fname, msg); inputs[fname].focus(); } else reviewBtn.focus();
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors();
    const { body, bad } = collect();
    if (bad) {
      formMsg.append(h('div', { class: 'alert error', role: 'alert' }, t('form_errors')));
      inputs[bad].focus();
      return;
    }
    // the confirmation step: every value in words, organisations by name
    const dayF = fields.find((f) => f.type === 'date');
    const lines = [];
    for (const f of fields) {
      if (!(f.name in body)) continue;
      let v = body[f.name];
      if (f.type === 'org') {
        const o = await orgName(String(v), dayF ? body[dayF.name] : '');
        if (!o) { setError(f.name, t('org_unknown')); formMsg.append(h('div', { class: 'alert error', role: 'alert' }, t('form_errors'))); inputs[f.name].focus(); return; }
        v = `${o.name} (${kindLabel(o.kind)})`;
      } else if (f.type === 'date') v = fmtDay(v);
      else if (inputs[f.name].tagName === 'SELECT') v = inputs[f.name].selectedOptions[0].textContent;
      lines.push(h('li', {}, h('span', { class: 'k' }, label(f.name) + ': '), h('strong', {}, String(v))));
    }
    let sentence = null;
    const when = body.effective ? fmtDay(body.effective) : '';
    if (name === 'transfer' && subject) {
      const cur = subject.placements && subject.placements.length ? subject.placements[subject.placements.length - 1].org_name : '—';
      sentence = L() ? `${subjectName} will move from “${cur}” to the unit below, from ${when}.`
        : `Đảng viên ${subjectName} sẽ chuyển sinh hoạt từ «${cur}» đến đơn vị dưới đây, kể từ ngày ${when}.`;
    } else if (name === 'admissions' && subject) {
      const c = cands.find((x) => x.candidate_id === body.candidate);
      const who = c ? c.full_name : String(body.candidate);
      sentence = L() ? `${who} will be admitted to the Party as a probationary member of “${subject.name}” from ${when}; a new dossier is opened and the headcount grows by one.`
        : `${who} sẽ được kết nạp vào Đảng, là đảng viên dự bị của «${subject.name}» kể từ ngày ${when}; một hồ sơ đảng viên mới được lập và số đảng viên tăng thêm 1.`;
    } else if (name === 'steps' && cand) {
      sentence = L() ? `The step below is recorded in the file of ${cand.full_name}, on ${when}.`
        : `Ghi vào hồ sơ người vào Đảng ${cand.full_name} bước dưới đây, ngày ${when}.`;
    } else if (isMember && subject && when) {
      sentence = L() ? `The dossier of ${subjectName} will record “${title}” from ${when}.`
        : `Hồ sơ của đảng viên ${subjectName} sẽ ghi «${title}» kể từ ngày ${when}.`;
    }
    clear(confirmBox).append(h('h2', { id: 'cf-h' }, t('will_change')),
      h('p', {}, title + (subject ? ` — ${subjectName}` : '')), sentence ? h('p', {}, sentence) : null,
      h('ul', { class: 'confirm-list' }, lines));
    const yes = h('button', { type: 'button', class: 'primary' }, t('confirm'));
    const edit = h('button', { type: 'button' }, t('edit_again'));
    confirmBox.append(h('p', { class: 'actions' }, yes, edit));
    form.hidden = true;
    confirmBox.hidden = false;
    confirmBox.focus();
    edit.addEventListener('click', () => { confirmBox.hidden = true; form.hidden = false; reviewBtn.focus(); });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      const path = pattern.replace('{id}', enc(id)).replace('{cid}', enc(cid || ''));
      try {
        const r = await api(path, { method: 'POST', body });
        await done(r, lines);
      } catch (e) {
        yes.disabled = false;
        showRejection(e);
      }
    });
  });

  async function done(r, lines) {
    confirmBox.hidden = true;
    clear(doneBox).append(h('h2', {}, t('saved')), h('ul', {}, lines.map((l) => l.cloneNode(true))));
    // what the model can take back: a member's lifecycle operations (they
    // keep a snapshot) and an admission, undone as an operation of the new
    // member; organisation operations by an administrator. The plain
    // transfer, candidate records and steps have no undo.
    const member = isMember ? id : name === 'admissions' && r && r.member_id ? String(r.member_id) : null;
    const undoable = member ? name !== 'transfer' : !['candidates', 'steps', 'admissions'].includes(name) && can('admin');
    const undo = undoable ? await undoRoute(!!member) : null;
    if (undo && r && r.seq) {
      const b = h('button', { type: 'button' }, t('undo'));
      b.addEventListener('click', async () => {
        try {
          if (member) await api(`/api/v1/members/${enc(member)}/undo`, { method: 'POST', body: { seq: r.seq } });
          else await api(undo.replace('{seq}', r.seq), { method: 'POST', body: {} });
          clear(doneBox).append(h('h2', {}, t('undone')), h('p', {}, h('a', { href: back }, t('open'))));
          announce(t('undone'));
        } catch (e) { doneBox.append(errorBox(e)); }
      });
      doneBox.append(h('p', { class: 'actions' }, b));
    }
    if (name === 'admissions' && member) {
      doneBox.append(h('p', { class: 'actions' }, h('a', { href: `#/member/${member}`, class: 'button primary' }, L() ? 'Open the new dossier' : 'Mở hồ sơ đảng viên mới')));
    }
    doneBox.append(h('p', { class: 'actions' }, h('a', { href: back, class: name === 'admissions' ? 'button' : 'button primary' }, (subject && subject.name && !isMember ? subject.name : subjectName) || t('open'))));
    doneBox.hidden = false;
    doneBox.focus();
    announce(t('saved'));
  }
}

// The undo route of the operations journal, when the server has one: a
// member operation is undone by POST /members/{id}/undo {seq}, an
// organisation operation by POST /org-operations/{seq}/undo.
async function undoRoute(isMember) {
  const doc = await routes();
  const p = isMember ? '/api/v1/members/{id}/undo' : '/api/v1/org-operations/{seq}/undo';
  return doc.paths[p] && doc.paths[p].post ? p : null;
}

export { go };
