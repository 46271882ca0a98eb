// End-to-end tests of the web application in a real browser (Debian's
// chromium driven by playwright-core): every role logs in, searches with
// and without diacritics, opens a dossier, runs an operation with an error
// first then correctly, views a unit as of a past day, downloads the XLSX
// report and compares it with the API. Screenshots go to
// tests/out/screenshots/. Usage: node run.js [path/to/hoso]
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { readXlsx } from './xlsx.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const hoso = path.resolve(repo, process.argv[2] || 'build/dev/hoso');
const shots = path.join(repo, 'tests/out/screenshots');
const axeSrc = fs.readFileSync(path.join(here, 'node_modules/axe-core/axe.min.js'), 'utf8');
fs.mkdirSync(shots, { recursive: true });

let passed = 0, failed = 0;
function check(name, ok, detail = '') {
  if (ok) { passed++; console.log(`ok: ${name}`); }
  else { failed++; console.log(`FAIL: ${name} ${detail}`); }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hoso-e2e-'));
const db = path.join(tmp, 'hoso.db');
const run = (...a) => execFileSync(hoso, ['--db', db, ...a], { encoding: 'utf8', env: { ...process.env, HOSO_LANG: 'vi' } });
const PW = { admin: 'admin-pass-2025', org: 'organiser-pass-1', sec: 'secretary-pass-1' };

let server, base;
async function startServer() {
  server = spawn(hoso, ['--db', db, 'serve', '--listen', '127.0.0.1:0', '--web', path.join(repo, 'web')],
    { env: { ...process.env, HOSO_NO_ACCESS_LOG: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  base = await new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error('server did not start: ' + err)), 20000);
    server.stderr.on('data', (d) => {
      err += d;
      const m = err.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) { clearTimeout(timer); resolve(`http://127.0.0.1:${m[1]}`); }
    });
    server.on('exit', (c) => reject(new Error('server exited ' + c + ': ' + err)));
  });
}

// A logged-in API client (token-less: cookie + CSRF, as the browser).
async function apiLogin(user, pw) {
  const r = await fetch(base + '/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user, password: pw }) });
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const { csrf } = await r.json();
  return async (p, opts = {}) => {
    const resp = await fetch(base + p, { ...opts, headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json', ...(opts.headers || {}) } });
    return { status: resp.status, json: await resp.json().catch(() => null) };
  };
}

async function axeCheck(page, name) {
  // evaluated through the debugging protocol: the page's CSP (rightly)
  // refuses injected inline scripts
  await page.evaluate(axeSrc);
  const res = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, target: v.nodes[0] && v.nodes[0].target.join(' ') }));
  });
  const bad = res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(`axe: no serious violations on ${name}`, bad.length === 0, JSON.stringify(bad));
}

async function shot(page, name, opts = {}) {
  await page.screenshot({ path: path.join(shots, name + '.png'), fullPage: true, ...opts });
}

async function login(page, user, pw) {
  await page.goto(base + '/#/login');
  await page.getByLabel('Tên người dùng').fill(user);
  await page.getByLabel('Mật khẩu').fill(pw);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('heading', { level: 1, name: /Xin chào/ }).waitFor();
}

async function logout(page) {
  await page.getByRole('button', { name: 'Đăng xuất' }).click();
  await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
}

async function main() {
  execFileSync(hoso, ['generate', '--scale', 'tiny', '--seed', '11', '--out', path.join(tmp, 'data')], { stdio: 'ignore' });
  execFileSync(hoso, ['--db', db, 'import', path.join(tmp, 'data')], { stdio: 'ignore' });
  execFileSync(hoso, ['--db', db, 'user', 'add', 'admin', '--role', 'admin', '--password-stdin'], { input: PW.admin + '\n' });
  await startServer();
  const admin = await apiLogin('admin', PW.admin);
  // a grassroots unit with cells for the organiser, one of its cells for
  // the secretary, and a second cell to transfer into
  const root = (await admin('/api/v1/search?q=a&limit=1')).json.org;
  const cells = [];
  let upper = null;
  async function walk(id, depth) {
    const o = (await admin(`/api/v1/orgs/${id}`)).json;
    for (const c of o.children) {
      if ((c.kind === 'cell' || c.kind === 'grassroots_cell') && c.members > 2) cells.push({ ...c, parent: o.id });
      else if (depth < 4 && cells.length < 6) await walk(c.id, depth + 1);
    }
    if (!upper && o.children.filter((c) => c.kind === 'cell' && c.members > 2).length >= 2) upper = o;
  }
  await walk(root, 0);
  const secCell = cells.find((c) => upper && c.parent === upper.id) || cells[0];
  const otherCell = cells.find((c) => c.id !== secCell.id);
  execFileSync(hoso, ['--db', db, 'user', 'add', 'org1', '--role', 'organiser', '--org', String(upper ? upper.id : root), '--password-stdin'], { input: PW.org + '\n' });
  execFileSync(hoso, ['--db', db, 'user', 'add', 'sec1', '--role', 'secretary', '--org', String(secCell.id), '--password-stdin'], { input: PW.sec + '\n' });

  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'hoso-chromium-'));
  const ctx = await chromium.launchPersistentContext(userData, {
    executablePath: '/usr/bin/chromium', headless: true, acceptDownloads: true,
    locale: 'vi-VN', viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = ctx.pages()[0] || await ctx.newPage();
  const consoleErrors = [];
  // failed requests show as console errors; the expected ones (401 before
  // login, 422 for the rejected form, 404 for an unknown unit being typed)
  // are checked by the scenario itself, any other one is a bug
  page.on('console', (m) => { if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) consoleErrors.push(m.text()); });
  page.on('response', (r) => { if (r.status() >= 400 && ![401, 404, 422].includes(r.status())) consoleErrors.push(`${r.status()} ${r.url()}`); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  try {
    // ---- the shell: offline-safe, strict CSP, small ----
    const r0 = await fetch(base + '/');
    const html = await r0.text();
    const csp = r0.headers.get('content-security-policy') || '';
    check('/ serves the application with a strict CSP', r0.status === 200 && /script-src 'self'/.test(csp) && !/unsafe-inline/.test(csp));
    check('no inline script or style in index.html', !/<script(?![^>]*\bsrc=)[^>]*>/.test(html) && !/\sstyle=/.test(html) && !/<style/.test(html));
    check('no external URL in the web files', fs.readdirSync(path.join(repo, 'web/app')).every((f) => !/https?:\/\//.test(fs.readFileSync(path.join(repo, 'web/app', f), 'utf8').replace(/http:\/\/www\.w3\.org\/2000\/svg/g, ''))));
    const trav = await fetch(base + '/app/..%2f..%2fMakefile');
    check('path traversal refused', trav.status === 404);
    const bytes = [];
    page.on('response', async (resp) => { try { bytes.push((await resp.body()).length); } catch (e) { /* redirects */ } });
    await page.goto(base + '/');
    await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
    const weight = bytes.reduce((a, b) => a + b, 0);
    check(`first page under 200 KB (${weight} bytes)`, weight < 200 * 1024);
    await shot(page, '01-login');
    await axeCheck(page, 'login');
    // the login page puts the focus in the name field; going back by
    // keyboard passes the language switch and reaches the skip link
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    check('keyboard: the skip link is the first stop', await page.evaluate(() => document.activeElement && document.activeElement.id === 'skip'));
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');

    // ---- login: wrong password, then right ----
    await page.getByLabel('Tên người dùng').fill('admin');
    await page.getByLabel('Mật khẩu').fill('wrong-password');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('alert').filter({ hasText: 'Sai tên người dùng hoặc mật khẩu' }).waitFor();
    check('wrong password explained in Vietnamese', true);
    await page.getByLabel('Mật khẩu').fill(PW.admin);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('heading', { level: 1, name: /Xin chào, admin/ }).waitFor();
    check('admin logs in and sees the home page', true);
    await page.locator('.unit-card').first().waitFor();
    check('admin home shows the root unit', (await page.locator('.unit-card h3').first().textContent()).length > 0);
    await shot(page, '02-home-admin');
    await axeCheck(page, 'home');

    // ---- search with and without diacritics ----
    const withMarks = 'Nguyễn Thị';
    const api1 = (await admin(`/api/v1/search?q=${encodeURIComponent(withMarks)}&limit=1`)).json;
    const api2 = (await admin(`/api/v1/search?q=${encodeURIComponent('nguyen thi')}&limit=1`)).json;
    await page.goto(`${base}/#/members/${root}`);
    const box = page.getByRole('searchbox', { name: 'Tìm đảng viên' });
    await box.waitFor();
    await box.pressSequentially('nguyen thi', { delay: 20 });
    await page.locator('.count-line', { hasText: `Kết quả: ${api2.total.toLocaleString('vi-VN')}` }).waitFor();
    check('search without diacritics finds what the API finds', true);
    const firstNoMarks = await page.locator('table.members tbody tr th a').first().textContent();
    await box.fill('');
    await box.pressSequentially(withMarks, { delay: 20 });
    await page.locator('.count-line', { hasText: `Kết quả: ${api1.total.toLocaleString('vi-VN')}` }).waitFor();
    check('search with diacritics finds what the API finds', api1.total === api2.total,
      `${api1.total} vs ${api2.total}`);
    const names = await page.locator('table.members tbody tr th a').allTextContents();
    check('search results are all Nguyễn Thị …', names.length > 0 && names.every((n) => /^Nguyễn Thị /.test(n.normalize('NFC'))), names.slice(0, 3).join(', '));
    check('same first result with and without marks', names[0] === firstNoMarks);
    const coll = new Intl.Collator('vi', { sensitivity: 'accent' });
    const key = (f) => { const w = f.split(' '); return [w[w.length - 1], w.slice(1, -1).join(' '), w[0]].join('\t'); };
    check('results sorted in Vietnamese name order', names.every((n, i) => i === 0 || coll.compare(key(names[i - 1]), key(n)) <= 0));
    await shot(page, '03-search');
    await axeCheck(page, 'members');

    // ---- dossier ----
    await page.locator('table.members tbody tr th a').first().click();
    await page.getByRole('heading', { level: 1, name: names[0] }).waitFor();
    check('dossier opens from the list', true);
    await page.locator('ol.timeline li').nth(1).waitFor();
    check('dossier shows the timeline', await page.locator('ol.timeline li').count() >= 2);
    await shot(page, '04-dossier');
    await axeCheck(page, 'dossier');

    // ---- transfer (or admit when the route exists): error first, then right ----
    const member = (await admin(`/api/v1/search?q=a&in=${secCell.id}&limit=1`)).json.rows[0];
    const before = (await admin(`/api/v1/members/${member.id}`)).json;
    await page.goto(`${base}/#/member/${member.id}`);
    await page.getByRole('link', { name: 'Chuyển sinh hoạt đảng', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /Chuyển sinh hoạt/ }).waitFor();
    await page.getByRole('button', { name: 'Xem lại trước khi lưu' }).click();
    await page.locator('#f-to-err', { hasText: 'Cần nhập mục này' }).waitFor();
    check('empty required field explained next to it', await page.locator('#f-to').getAttribute('aria-invalid') === 'true');
    await page.getByLabel(/Đơn vị nhận/).fill(String(root));
    await page.getByLabel('Ngày có hiệu lực').fill('2025-03-01');
    await page.getByRole('button', { name: 'Xem lại trước khi lưu' }).click();
    await page.getByRole('heading', { name: 'Sẽ thay đổi như sau:' }).waitFor();
    check('confirmation says what will change', (await page.locator('.confirm').textContent()).includes(member.full_name));
    await shot(page, '05-transfer-confirm');
    await page.getByRole('button', { name: 'Xác nhận và lưu' }).click();
    await page.locator('#f-to-err').waitFor({ state: 'visible' });
    const errText = await page.locator('#f-to-err').textContent();
    check('server rule violation shown next to the field, in Vietnamese', /chi bộ/.test(errText), errText);
    check('form keeps what the user typed', await page.getByLabel(/Đơn vị nhận/).inputValue() === String(root) && await page.getByLabel('Ngày có hiệu lực').inputValue() === '2025-03-01');
    const afterBad = (await admin(`/api/v1/members/${member.id}`)).json;
    check('nothing written when the form is rejected', JSON.stringify(afterBad.placements) === JSON.stringify(before.placements));
    await shot(page, '06-transfer-error');
    await axeCheck(page, 'transfer form');
    await page.getByLabel(/Đơn vị nhận/).fill(String(otherCell.id));
    await page.locator('#f-to-res', { hasText: otherCell.name }).waitFor();
    await page.getByRole('button', { name: 'Xem lại trước khi lưu' }).click();
    await page.getByRole('button', { name: 'Xác nhận và lưu' }).click();
    await page.getByRole('heading', { name: 'Đã lưu.' }).waitFor();
    const after = (await admin(`/api/v1/members/${member.id}`)).json;
    const last = after.placements[after.placements.length - 1];
    check('transfer saved through the form', last.org_id === otherCell.id && last.valid_from === '2025-03-01', JSON.stringify(last));

    // ---- a unit as of a past day, tree, history ----
    const past = '2012-06-30';
    const apiPast = (await admin(`/api/v1/orgs/${root}?on=${past}`)).json;
    await page.goto(`${base}/#/org/${root}`);
    await page.getByLabel('Xem theo ngày').fill(past);
    await page.getByRole('search').getByRole('button', { name: 'Xem', exact: true }).click();
    await page.locator('[data-testid=headcount]', { hasText: apiPast.members.toLocaleString('vi-VN') }).waitFor();
    check('unit as of a past day shows the API headcount of that day', true);
    check('children listed with headcounts', await page.locator('table.children tbody tr').count() === apiPast.children.length);
    await page.locator('.chart').first().waitFor();
    await shot(page, '07-unit-past');
    await axeCheck(page, 'unit dashboard');
    await page.goto(`${base}/#/tree/${root}?on=${past}`);
    await page.locator('.tree button[aria-expanded=true]').first().waitFor();
    await page.locator('.tree > li > ul > li button.toggle').first().click();
    await page.locator('.tree > li > ul > li > ul > li').first().waitFor();
    check('tree browser opens a unit', true);
    await shot(page, '08-tree');
    await axeCheck(page, 'tree');

    // ---- report: screen, print layout, XLSX = API ----
    const on = '2018-12-31';
    await page.goto(`${base}/#/report/${root}?on=${on}`);
    await page.getByRole('heading', { name: 'BÁO CÁO THỐNG KÊ ĐẢNG VIÊN VÀ TỔ CHỨC ĐẢNG' }).waitFor();
    check('report has the official header', (await page.locator('.paper').textContent()).includes('ĐẢNG CỘNG SẢN VIỆT NAM') && (await page.locator('.date-line').textContent()).includes('ngày 31 tháng 12 năm 2018'));
    await shot(page, '09-report');
    await axeCheck(page, 'report');
    await page.emulateMedia({ media: 'print' });
    await shot(page, '10-report-print');
    await page.pdf({ path: path.join(repo, 'tests/out/report.pdf'), format: 'A4' });
    await page.emulateMedia({ media: 'screen' });
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Tải tệp Excel/ }).click()]);
    const file = path.join(tmp, 'report.xlsx');
    await dl.saveAs(file);
    const sheets = readXlsx(fs.readFileSync(file));
    const data = {};
    const cells = sheets[1].cells;
    for (let i = 1; cells['A' + i] !== undefined; i++) data[cells['A' + i]] = cells['B' + i];
    const bd = (await admin(`/api/v1/orgs/${root}/breakdown?on=${on}`)).json;
    const ch = (await admin(`/api/v1/orgs/${root}/changes?from=2018-01-01&to=2019-01-01`)).json;
    const cnt = (await admin(`/api/v1/orgs/${root}/count?on=${on}`)).json;
    const mism = [];
    if (data.total !== cnt.count) mism.push(`total ${data.total} != ${cnt.count}`);
    for (const [group, obj] of Object.entries(bd)) {
      if (typeof obj !== 'object' || obj === null) continue;
      for (const [k, v] of Object.entries(obj)) if (data[`${group}.${k}`] !== v) mism.push(`${group}.${k}: ${data[`${group}.${k}`]} != ${v}`);
    }
    for (const k of ['admitted', 'made_official', 'moved_in', 'moved_out', 'left', 'expelled', 'died']) if (data['changes.' + k] !== ch[k]) mism.push(`changes.${k}`);
    check('XLSX figures equal the API (breakdown, count, changes)', mism.length === 0 && Object.keys(data).length > 40, mism.join('; '));
    const s1 = Object.values(sheets[0].cells);
    check('XLSX report sheet has the official header', s1.includes('ĐẢNG CỘNG SẢN VIỆT NAM') && s1.includes('BÁO CÁO THỐNG KÊ ĐẢNG VIÊN VÀ TỔ CHỨC ĐẢNG'));
    const onScreen = await page.locator('tr[data-key="total"] td.num').first().textContent();
    check('report on screen shows the same total', onScreen.replace(/\D/g, '') === String(cnt.count));

    // ---- English switch ----
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('link', { name: 'Members' }).waitFor();
    check('English switch translates the navigation', true);
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await page.getByRole('link', { name: 'Đảng viên' }).waitFor();

    // ---- the other roles: organiser sees its subtree, secretary its cell ----
    await logout(page);
    await login(page, 'org1', PW.org);
    const orgHome = await page.locator('.unit-card h3').first().textContent();
    check('organiser home shows its subtree', orgHome === (upper ? upper.name : (await admin(`/api/v1/orgs/${root}`)).json.name), orgHome);
    await shot(page, '11-home-organiser');
    await logout(page);
    await login(page, 'sec1', PW.sec);
    const secHome = await page.locator('.unit-card h3').first().textContent();
    check('secretary home shows their cell', secHome === secCell.name, `${secHome} vs ${secCell.name}`);
    check('secretary sees the role name', (await page.locator('.unit-card .role').first().textContent()).includes('Bí thư'));
    await shot(page, '12-home-secretary');
    await page.goto(`${base}/#/members/${secCell.id}`);
    await page.locator('table.members tbody tr').first().waitFor();
    const apiCell = (await admin(`/api/v1/orgs/${secCell.id}/members?per_page=200`)).json;
    check('secretary lists the members of the cell', await page.locator('table.members tbody tr').count() === Math.min(25, apiCell.total));

    // ---- phone ----
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/#/org/${secCell.id}`);
    await page.locator('[data-testid=headcount]').waitFor();
    await page.locator('.chart').first().waitFor();
    check('no horizontal scrolling on a phone', await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1));
    await shot(page, '13-phone-unit');
    check('no script errors in the console', consoleErrors.length === 0, consoleErrors.join(' | '));
  } catch (e) {
    check('scenario ran to the end', false, e.stack || String(e));
    try { await shot(page, 'zz-failure'); } catch (e2) { /* the page may be gone */ }
  } finally {
    await ctx.close();
    fs.rmSync(userData, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (e) {
  check('setup', false, e.stack || String(e));
} finally {
  if (server) server.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
