// End-to-end tests of the party-work pages (web/app/party.js) in Debian's
// chromium driven by playwright-core, on demo data (`hoso party-demo`, as
// scripts/demo.sh loads it): meetings with their flags, a meeting recorded
// with errors first then correctly, attendance and striking-off
// candidates, a ranking that breaks the 20% cap and its warning,
// recommendations consolidated and forwarded, a unit reporting on a
// directive and the issuer's roll-up changing, cadres, the English switch,
// axe-core on every page. Screenshots go to tests/out/screenshots/party-*.
// Usage: node party.js [path/to/hoso]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { repo, hoso, shots, check, startServerOn, apiLoginAt, axeCheck, runMain } from './lib.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hoso-e2e-party-'));
const db = path.join(tmp, 'hoso.db');
const PW = 'admin-pass-2025';
const vn = (n) => n.toLocaleString('vi-VN');
const dmy = (iso) => iso.split('-').reverse().join('/');
const iso = (d) => d.toISOString().slice(0, 10);
const today = iso(new Date());

let server, base;
async function startServer() {
  ({ server, base } = await startServerOn(db));
}

const apiLogin = (user, pw) => apiLoginAt(base, user, pw);

const shot = (page, name) => page.screenshot({ path: path.join(shots, `party-${name}.png`), fullPage: true });
// The figure shown in a totals box (data-key) of a section.
async function stat(page, cls, key) {
  const txt = await page.locator(`dl.${cls} [data-key="${key}"] dd`).textContent();
  return Number(txt.replace(/\D/g, ''));
}

async function main() {
  execFileSync(hoso, ['generate', '--scale', 'tiny', '--seed', '11', '--out', path.join(tmp, 'data')], { stdio: 'ignore' });
  execFileSync(hoso, ['--db', db, 'import', path.join(tmp, 'data')], { stdio: 'ignore' });
  execFileSync(hoso, ['--db', db, '--quiet', 'party-demo', '--year', '2025'], { stdio: 'ignore' });
  execFileSync(hoso, ['--db', db, 'user', 'add', 'admin', '--role', 'admin', '--password-stdin'], { input: PW + '\n' });
  await startServer();
  const admin = await apiLogin('admin', PW);
  const root = (await admin('/api/v1/search?q=a&limit=1')).json.org;
  // a cell with members today, under a grassroots committee (the cap is
  // checked per grassroots organisation)
  const flags25 = (await admin(`/api/v1/orgs/${root}/meetings/flags?from=2025-01-01&to=2026-01-01`)).json;
  let cell = null, cellMembers = null;
  for (const s of flags25.short_meetings.concat(flags25.skipped_months)) {
    if (s.org.kind !== 'cell') continue;
    const m = (await admin(`/api/v1/orgs/${s.org.id}/members?on=${today}&per_page=200`)).json;
    if (m.total >= 3) { cell = (await admin(`/api/v1/orgs/${s.org.id}`)).json; cellMembers = m.rows; break; }
  }
  if (!cell) throw new Error('no cell with 3 members in the demo data');
  const oldMeeting = (await admin(`/api/v1/orgs/${cell.id}/meetings?from=2025-01-01&to=2026-01-01`)).json.meetings[0];

  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'hoso-chromium-'));
  const ctx = await chromium.launchPersistentContext(userData, {
    executablePath: '/usr/bin/chromium', headless: true, locale: 'vi-VN', viewport: { width: 1280, height: 900 },
    args: ['--headless', '--lang=vi', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = ctx.pages()[0] || await ctx.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) consoleErrors.push(m.text()); });
  // 422 is the rejected meeting the scenario provokes; anything else is a bug
  page.on('response', (r) => { if (r.status() >= 400 && ![401, 422].includes(r.status())) consoleErrors.push(`${r.status()} ${r.url()}`); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  try {
    await page.goto(base + '/#/login');
    await page.getByLabel('Tên người dùng').fill('admin');
    await page.getByLabel('Mật khẩu').fill(PW);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('heading', { level: 1, name: /Xin chào/ }).waitFor();

    // ---- meetings of the whole tree in 2025: flags, attendance, striking off ----
    await page.getByRole('link', { name: 'Công tác đảng' }).click();
    await page.getByRole('heading', { level: 1, name: /^Sinh hoạt chi bộ: / }).waitFor();
    check('the navigation opens party work on the user\'s unit', page.url().includes('#/party'));
    await page.goto(`${base}/#/party/meetings/${root}?from=2025-01-01&to=2026-01-01`);
    await page.locator('dl.flag-totals').waitFor();
    check('flags: months skipped as the API', await stat(page, 'flag-totals', 'months_skipped') === flags25.totals.months_skipped);
    check('flags: quarters without a thematic meeting as the API', await stat(page, 'flag-totals', 'quarters_without_thematic') === flags25.totals.quarters_without_thematic);
    check('flags: short meetings as the API', await stat(page, 'flag-totals', 'short_meetings') === flags25.totals.short_meetings);
    check('flags rolled up by child', await page.locator('table.flags-by-child tbody tr').count() === flags25.by_child.length);
    const att = (await admin(`/api/v1/orgs/${root}/attendance?from=2025-01-01&to=2026-01-01`)).json;
    await page.locator('dl.att-totals').waitFor();
    check('attendance: absent as the API', await stat(page, 'att-totals', 'absent') === att.absent);
    const strike = (await admin(`/api/v1/orgs/${root}/strike-off-candidates?year=2025`)).json;
    await page.locator('table.strike').waitFor();
    check('striking-off candidates listed', await page.locator('table.strike tbody tr').count() === Math.min(50, strike.candidates.length) && strike.candidates.length > 0);
    await shot(page, '01-meetings-tree');
    await axeCheck(page, 'meetings of the tree');
    const c0 = strike.candidates[0];
    await page.getByRole('link', { name: `Xóa tên… ${c0.full_name}` }).first().click();
    await page.waitForURL(/#\/form\?p=.*strike-off.*/);
    await page.getByRole('button', { name: 'Xem lại trước khi lưu' }).waitFor();
    check('a candidate links to the strike-off operation of that member', decodeURIComponent(page.url()).includes(`/api/v1/members/{id}/strike-off&id=${c0.member}`));

    // ---- record a meeting: errors first, then right ----
    await page.goto(`${base}/#/party/meeting/${cell.id}`);
    await page.getByRole('heading', { name: 'Ghi biên bản cuộc họp' }).waitFor();
    await page.locator('table.att-form tbody tr').first().waitFor();
    check('the form lists the members of the cell', await page.locator('table.att-form tbody tr').count() === cellMembers.length);
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.locator('#mt-date-err', { hasText: 'Cần nhập mục này' }).waitFor();
    check('missing date and length explained next to the fields', await page.locator('#mt-duration-err').textContent() === 'Cần nhập mục này.' && await page.locator('#mt-date').getAttribute('aria-invalid') === 'true');
    const future = iso(new Date(Date.now() + 5 * 86400e3));
    await page.getByLabel(/^Ngày \*/).fill(dmy(future));
    await page.getByLabel(/Thời lượng/).fill('80');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.locator('#mt-date-err', { hasText: 'tương lai' }).waitFor();
    check('a meeting day in the future is refused', true);
    // the server's refusal: the cell already met that day
    const n0 = (await admin(`/api/v1/orgs/${cell.id}/meetings?from=2025-01-01&to=2027-01-01`)).json.total;
    await page.getByLabel(/^Ngày \*/).fill(dmy(oldMeeting.date));
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.locator('#mt-date-err', { hasText: /đã có cuộc họp/ }).waitFor();
    check('the server\'s refusal shown next to the date, in Vietnamese', true);
    check('the form keeps what was typed', await page.getByLabel(/Thời lượng/).inputValue() === '80');
    check('nothing written when refused', (await admin(`/api/v1/orgs/${cell.id}/meetings?from=2025-01-01&to=2027-01-01`)).json.total === n0);
    await shot(page, '02-meeting-error');
    await axeCheck(page, 'meeting form');
    const day = `${today.slice(0, 4)}-01-15`;
    await page.getByLabel(/^Ngày \*/).fill(dmy(day));
    await page.getByLabel(/^Ngày \*/).blur();
    await page.locator('table.att-form tbody tr').first().waitFor();
    const rows = page.locator('table.att-form tbody tr');
    await rows.nth(0).locator('select').selectOption('absent');
    await rows.nth(1).locator('select').selectOption('excused');
    await page.getByLabel('Nội dung', { exact: true }).fill('Học tập Nghị quyết, kiểm điểm tháng');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByRole('heading', { name: 'Đã lưu.' }).waitFor();
    check('a short meeting is saved with a warning', (await page.locator('.alert.warn').textContent()).includes('ngắn hơn thời lượng tối thiểu'));
    const list = (await admin(`/api/v1/orgs/${cell.id}/meetings?from=${day}&to=${iso(new Date(Date.parse(day) + 86400e3))}`)).json.meetings;
    check('the meeting is written with its attendance', list.length === 1 && list[0].duration === 80 && list[0].absent === 1 && list[0].excused === 1 && list[0].short, JSON.stringify(list));
    await shot(page, '03-meeting-saved');
    // the cell's flags for that month: no skipped month, one short meeting
    const m0 = day.slice(0, 8) + '01', m1 = `${day.slice(0, 4)}-02-01`;
    await page.goto(`${base}/#/party/meetings/${cell.id}?from=${m0}&to=${m1}`);
    await page.locator('dl.flag-totals').waitFor();
    check('flags after the meeting: no skipped month', await stat(page, 'flag-totals', 'months_skipped') === 0);
    check('flags after the meeting: the short meeting is listed', await stat(page, 'flag-totals', 'short_meetings') === 1 && (await page.locator('table.short').textContent()).includes(dmy(day)));
    check('attendance of the members of the cell', await page.locator('table.att-members tbody tr').count() === cellMembers.length);
    await page.goto(`${base}/#/party/meetings/${cell.id}?from=${m1}&to=${today.slice(0, 4)}-03-01`);
    await page.locator('table.skipped').waitFor();
    check('a month without a meeting is flagged', (await page.locator('table.skipped').textContent()).includes(`02/${today.slice(0, 4)}`));

    // ---- rankings: the roll-up, the score mapping, the 20% cap ----
    const ru = (await admin(`/api/v1/orgs/${root}/rankings/rollup?year=2025`)).json;
    await page.goto(`${base}/#/party/rankings/${root}?year=2025`);
    await page.locator('table.rollup').waitFor();
    check('ranking roll-up totals as the API', await stat(page, 'rank-totals', 'level.excellent') === ru.totals.excellent && await stat(page, 'rank-totals', 'total') === ru.totals.total);
    check('roll-up by unit with a total row', await page.locator('table.rollup tbody tr').count() === ru.by_unit.length + 1);
    check('the score mapping of 30/8/2025 is shown', (await page.locator('table.mapping').textContent()).includes('90–100'));
    await shot(page, '04-rankings');
    await axeCheck(page, 'rankings');
    const year = Number(today.slice(0, 4));
    const target = cellMembers[2];
    await page.goto(`${base}/#/party/rankings/${cell.id}?year=${year}`);
    await page.locator('#rk-member').waitFor();
    await page.locator('#rk-member').fill(String(target.id));
    await page.locator('#rk-date').fill(dmy(today));
    await page.locator('#rk-score').fill('95');
    await page.locator('.hint', { hasText: 'Hoàn thành xuất sắc nhiệm vụ' }).waitFor();
    check('the level of a score is shown while typing', true);
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.locator('[data-warning=excellent_cap]').waitFor();
    check('a ranking over the 20% cap shows the warning', (await page.locator('[data-warning=excellent_cap]').textContent()).includes('20%'));
    const hist = (await admin(`/api/v1/members/${target.id}/rankings`)).json.rankings;
    check('the ranking is saved (excellent, 95)', hist.some((r) => r.year === year && r.level === 'excellent' && r.score === 95));
    await shot(page, '05-ranking-cap');
    await page.goto(`${base}/#/party/rankings/${root}?year=${year}`);
    await page.locator('[data-testid=cap-over]').waitFor();
    check('the cap check names the grassroots organisation', (await page.locator('table.over-cap').textContent()).length > 0);
    await page.goto(`${base}/#/party/member/${target.id}`);
    await page.locator('table.rank-history').waitFor();
    check('the member\'s ranking history', await page.locator('table.rank-history tbody tr').count() === hist.length);
    await axeCheck(page, 'ranking history');

    // ---- recommendations: consolidate and forward; what my unit sent ----
    const open = (await admin(`/api/v1/orgs/${root}/recommendations/open`)).json.open;
    const sub = open.find((r) => r.status === 'submitted');
    const P = sub.to.id;
    const recv = (await admin(`/api/v1/orgs/${P}/recommendations?box=received`)).json.recommendations.filter((r) => r.status === 'submitted');
    await page.goto(`${base}/#/party/conferences/${P}`);
    await page.locator('table.received').waitFor();
    check('conferences with presentations', await page.locator('table.presentations tbody tr').count() > 0);
    await shot(page, '06-conferences');
    await axeCheck(page, 'conferences and recommendations');
    for (const r of recv) await page.getByLabel(`Chọn kiến nghị ${r.id} để tổng hợp`).check();
    await page.locator('#cons-topic').fill('Tổng hợp kiến nghị');
    await page.locator('#cons-text').fill('Tổng hợp các kiến nghị của các đơn vị trực thuộc');
    await page.getByRole('button', { name: 'Tổng hợp các kiến nghị đã chọn và gửi lên' }).click();
    await page.locator('.alert.ok', { hasText: `Đã tổng hợp ${recv.length} kiến nghị` }).waitFor();
    check('recommendations consolidated and sent up', true);
    const after = (await admin(`/api/v1/orgs/${recv[0].from}/recommendations?box=sent`)).json.recommendations.find((r) => r.id === recv[0].id);
    check('the sender sees it consolidated, forwarded', after.status === 'consolidated' && after.effective_status === 'forwarded', JSON.stringify(after));
    await page.goto(`${base}/#/party/conferences/${recv[0].from}`);
    await page.locator('table.sent').waitFor();
    check('what my unit sent shows where it stands', (await page.locator(`table.sent [data-status=forwarded]`).count()) > 0 && (await page.locator('table.sent').textContent()).includes('Đã tổng hợp → Đã chuyển lên cấp trên'));
    // a new one sent up from that unit, then forwarded by the receiver
    await page.getByText('Gửi kiến nghị lên cấp trên', { exact: true }).first().click();
    await page.locator('#send-topic').fill('Chế độ, chính sách');
    await page.locator('#send-text').fill('Đề nghị hỗ trợ kinh phí sinh hoạt chi bộ');
    await page.locator('#send').getByRole('button', { name: 'Gửi kiến nghị lên cấp trên' }).click();
    await page.locator('table.sent tbody tr', { hasText: 'Đề nghị hỗ trợ kinh phí' }).waitFor();
    const mine = (await admin(`/api/v1/orgs/${recv[0].from}/recommendations?box=sent`)).json.recommendations.find((r) => r.text === 'Đề nghị hỗ trợ kinh phí sinh hoạt chi bộ');
    await page.goto(`${base}/#/party/conferences/${mine.to}`);
    await page.getByRole('button', { name: `Chuyển lên: kiến nghị ${mine.id}` }).click();
    await page.locator('.alert.ok', { hasText: `Đã chuyển kiến nghị ${mine.id} lên` }).waitFor();
    const up = (await admin(`/api/v1/orgs/${mine.to}`)).json.path.slice(-1)[0];
    const fw = (await admin(`/api/v1/orgs/${recv[0].from}/recommendations?box=sent`)).json.recommendations.find((r) => r.id === mine.id);
    check('a received recommendation forwarded up', fw.status === 'forwarded' && fw.now_at === up.id, JSON.stringify(fw));
    check('it left the received box', await page.getByRole('button', { name: `Chuyển lên: kiến nghị ${mine.id}` }).count() === 0);
    await shot(page, '07-recommendations');

    // ---- directives: a late unit reports; the issuer's roll-up changes ----
    const dir = (await admin(`/api/v1/orgs/${root}/directives`)).json.issued[0];
    const st0 = (await admin(`/api/v1/orgs/${root}/directives/${dir.id}/status?on=${today}`)).json;
    await page.goto(`${base}/#/party/directive/${root}/${dir.id}`);
    await page.locator('dl.dir-totals').waitFor();
    check('the issuer sees the API\'s figures', await stat(page, 'dir-totals', 'late') === st0.totals.late && await stat(page, 'dir-totals', 'reported_late') === st0.totals.reported_late);
    await shot(page, '08-directive-before');
    await axeCheck(page, 'directive status');
    const lateUnit = st0.late_units[0].org;
    await page.goto(`${base}/#/party/directives/${lateUnit.id}`);
    await page.locator(`#drep${dir.id}-summary`).waitFor();
    await page.locator(`#drep${dir.id}-summary`).fill('Đã quán triệt, xây dựng kế hoạch thực hiện');
    await page.locator(`#drep${dir.id}`).getByRole('button', { name: 'Báo cáo thực hiện' }).click();
    await page.locator('.alert.ok', { hasText: 'Đã ghi báo cáo' }).waitFor();
    check('the late unit reports through its page', true);
    await axeCheck(page, 'directives of a unit');
    await page.goto(`${base}/#/party/directive/${root}/${dir.id}?t=1`);
    await page.locator('dl.dir-totals').waitFor();
    check('the issuer\'s roll-up: one late less, one reported late more',
      await stat(page, 'dir-totals', 'late') === st0.totals.late - 1 && await stat(page, 'dir-totals', 'reported_late') === st0.totals.reported_late + 1);
    check('the late units list no longer has it', !(await page.locator('table.late-units').textContent()).includes(lateUnit.name) || st0.late_units.filter((u) => u.org.name === lateUnit.name).length > 1);
    await shot(page, '09-directive-after');
    // as of the deadline, nobody was late yet
    const dl = dir.assignments[0].deadline;
    await page.locator('#pp-on').fill(dmy(dl));
    await page.getByRole('button', { name: 'Xem', exact: true }).click();
    await page.waitForURL(new RegExp(`on=${dl}`));
    await page.locator('dl.dir-totals').waitFor();
    check('as of the deadline day nobody is late', await stat(page, 'dir-totals', 'late') === 0);

    // ---- cadres ----
    const cad = (await admin(`/api/v1/orgs/${root}/cadres`)).json;
    await page.goto(`${base}/#/party/cadres/${root}`);
    await page.locator('dl.cadre-totals').waitFor();
    check('cadres per committee as the API', await stat(page, 'cadre-totals', 'total') === cad.total && await page.locator('table.committees tbody tr').count() === cad.committees.length);
    await shot(page, '10-cadres');
    await axeCheck(page, 'cadres');

    // ---- keyboard and English ----
    await page.goto(`${base}/#/party/meetings/${root}?from=2025-01-01&to=2026-01-01`);
    await page.locator('dl.flag-totals').waitFor();
    await page.locator('.party-tabs a').first().focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: /^Xếp loại chất lượng: / }).waitFor();
    check('the sections are reached by keyboard', true);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: /^Annual rankings: / }).waitFor();
    check('English switch translates the party pages', await page.getByRole('link', { name: 'Party work' }).count() === 1);
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await page.getByRole('heading', { level: 1, name: /^Xếp loại chất lượng: / }).waitFor();
    check('no script errors in the console', consoleErrors.length === 0, consoleErrors.join(' | '));
  } catch (e) {
    check('party scenario ran to the end', false, e.stack || String(e));
    try { await shot(page, 'zz-failure'); } catch (e2) { /* the page may be gone */ }
  } finally {
    await ctx.close();
    fs.rmSync(userData, { recursive: true, force: true });
  }
}

await runMain(main, () => {
  if (server) server.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
});
