// Starts the real console in a real window: Xvfb (unless a display exists),
// tauri-driver over WebKitWebDriver, and the built app on a demo cache made by the
// `tideline` CLI. Everything stays on 127.0.0.1 and is torn down after the tests.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { Session } from './webdriver.mjs';

export const ROOT = resolve(import.meta.dirname, '../..');
// The debug builds by default (what scripts/test.sh builds); the console bench points
// these at the release builds.
export const APP = process.env.TIDELINE_APP || join(ROOT, 'target/debug/tideline-console');
export const CLI = process.env.TIDELINE_CLI || join(ROOT, 'target/debug/tideline');
// Screenshots go to a temporary folder, so a test run leaves the tree as it was;
// TIDELINE_UPDATE_SCREENSHOTS=1 refreshes the committed ones in docs/screenshots/.
export const SHOTS =
  process.env.TIDELINE_UPDATE_SCREENSHOTS === '1'
    ? join(ROOT, 'docs/screenshots')
    : join(tmpdir(), 'tideline-screenshots');

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
    srv.on('error', rej);
  });
}

function tauriDriver() {
  const candidates = [process.env.TAURI_DRIVER, join(homedir(), '.cargo/bin/tauri-driver'), 'tauri-driver'];
  return candidates.find((c) => c && (c === 'tauri-driver' || existsSync(c)));
}

/** Starts Xvfb on a display it picks itself, and resolves to ":N". */
function startXvfb(children) {
  return new Promise((res, rej) => {
    const x = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    children.push(x);
    let out = '';
    x.stdio[3].on('data', (d) => {
      out += d;
      if (out.includes('\n')) res(`:${out.trim()}`);
    });
    x.on('exit', (code) => rej(new Error(`Xvfb exited with ${code}`)));
  });
}

/** The demo's "now": an hour ago, to the second, so data and clocks are recent. */
export function demoNow() {
  const t = new Date(Date.now() - 3600_000);
  t.setMilliseconds(0);
  return t.toISOString().replace('.000Z', 'Z');
}

/** Runs the `tideline` CLI and parses its JSON output. */
export function cli(args) {
  return JSON.parse(execFileSync(CLI, [...args, '--json'], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } }));
}

/**
 * A console on a fresh demo cache. Returns { session, db, close }.
 * `customers` sizes the demo; the seed is fixed so the data is known.
 * With `server: { url, username, password }` the console instead signs in to that back
 * end at start-up (token to the OS keyring) and syncs an empty cache from it.
 * With `firstRun`, it starts as a fresh install does: no cache, no server, no demo chosen.
 */
export async function startConsole({ customers = 120, largestHistory, server, firstRun = false } = {}) {
  for (const bin of [APP, CLI]) {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: build it first (scripts/test.sh does)`);
  }
  const children = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'tideline-e2e-'));
  const db = join(dataDir, 'cache.db');
  // The demo opens only when chosen; these journeys choose it up front.
  const signIn = server
    ? { TIDELINE_SERVER: server.url, TIDELINE_USER: server.username, TIDELINE_PASSWORD: server.password }
    : firstRun
      ? {}
      : { TIDELINE_DEMO: '1' };
  if (!server && !firstRun) {
    const extra = largestHistory ? ['--largest-history', String(largestHistory)] : [];
    execFileSync(CLI, ['demo', '--db', db, '--customers', String(customers), '--seed', '7', '--now', demoNow(), ...extra]);
  }

  const display = process.env.DISPLAY || (await startXvfb(children));
  const port = await freePort();
  const nativePort = await freePort();
  const driver = spawn(tauriDriver(), ['--port', String(port), '--native-port', String(nativePort)], {
    env: {
      ...process.env,
      ...signIn,
      DISPLAY: display,
      TIDELINE_DATA_DIR: dataDir,
      // No machine-wide configuration leaks into a journey.
      TIDELINE_CONFIG: join(dataDir, 'no-site-config.json'),
      WEBKIT_DISABLE_COMPOSITING_MODE: '1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(driver);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    try {
      const r = await fetch(`${base}/status`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('tauri-driver did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  const sessionStartedAt = performance.now();
  const session = await Session.start(base, { alwaysMatch: { 'tauri:options': { application: APP } } });
  const sessionMs = performance.now() - sessionStartedAt;
  const close = async () => {
    await session.end();
    for (const c of children.reverse()) c.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { session, db, close, sessionStartedAt, sessionMs };
}
