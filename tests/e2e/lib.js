// What the browser tests share (run.js, party.js): paths, the check
// counter, starting `hoso serve` on a free port, a logged-in API client
// (cookie + CSRF, as the browser) and the axe-core check.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '../..');
export const hoso = path.resolve(repo, process.argv[2] || 'build/dev/hoso');
export const shots = path.join(repo, 'tests/out/screenshots');
const axeSrc = fs.readFileSync(path.join(here, 'node_modules/axe-core/axe.min.js'), 'utf8');
fs.mkdirSync(shots, { recursive: true });

export const results = { passed: 0, failed: 0 };
export function check(name, ok, detail = '') {
  if (ok) { results.passed++; console.log(`ok: ${name}`); }
  else { results.failed++; console.log(`FAIL: ${name} ${detail}`); }
}

// Starts `hoso serve` on db; resolves to { server, base } once it listens.
export async function startServerOn(db) {
  const server = spawn(hoso, ['--db', db, 'serve', '--listen', '127.0.0.1:0', '--web', path.join(repo, 'web')],
    { env: { ...process.env, HOSO_NO_ACCESS_LOG: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  const base = await new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error('server did not start: ' + err)), 20000);
    server.stderr.on('data', (d) => {
      err += d;
      const m = err.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) { clearTimeout(timer); resolve(`http://127.0.0.1:${m[1]}`); }
    });
    server.on('exit', (c) => reject(new Error('server exited ' + c + ': ' + err)));
  });
  return { server, base };
}

// A logged-in API client of the server at base (token-less: cookie + CSRF).
export async function apiLoginAt(base, user, pw) {
  const r = await fetch(base + '/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user, password: pw }) });
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const { csrf } = await r.json();
  return async (p, opts = {}) => {
    const resp = await fetch(base + p, { ...opts, headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json', ...(opts.headers || {}) } });
    return { status: resp.status, json: await resp.json().catch(() => null) };
  };
}

// axe-core on the page, no serious or critical violation. Evaluated through
// the debugging protocol: the page's CSP (rightly) refuses injected inline
// scripts.
export async function axeCheck(page, name) {
  await page.evaluate(axeSrc);
  const res = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, target: v.nodes[0] && v.nodes[0].target.join(' ') }));
  });
  const bad = res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(`axe: no serious violations on ${name}`, bad.length === 0, JSON.stringify(bad));
}

// Runs the scenario, counts a crash of it as a failure, cleans up, then
// prints the closing line and exits with the result.
export async function runMain(main, cleanup) {
  try {
    await main();
  } catch (e) {
    check('setup', false, e.stack || String(e));
  } finally {
    cleanup();
  }
  finish();
}

function finish() {
  console.log(`${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed ? 1 : 0);
}
