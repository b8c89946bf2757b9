// Console benchmark: the real built app in a real window (Xvfb + tauri-driver), each
// figure beside a baseline measured in the same run. Writes its section of
// docs/benchmarks.md. Run: (cd ui && npm run bench:console) after building the app.

import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

// Measure what users run: the release builds (cargo build --release -p tideline-console -p tideline).
const root = resolve(import.meta.dirname, '../..');
process.env.TIDELINE_APP ||= join(root, 'target/release/tideline-console');
process.env.TIDELINE_CLI ||= join(root, 'target/release/tideline');
const { startConsole, ROOT } = await import('../e2e/harness.mjs');

const RUNS = Number(process.env.RUNS || 5);
const pct = (xs, p) => {
  const v = [...xs].sort((a, b) => a - b);
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))];
};
const median = (xs) => pct(xs, 50);

/** Proportional set size (KiB) of every process whose command line names `needle`, and
 * of their descendants (the WebKit web and network processes). PSS divides shared
 * pages among the processes that map them, so the system libraries every process maps
 * are not counted three times, as a sum of RSS would. */
function treeRssKiB(needle) {
  const procs = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const rss = Number((readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+)/m) || [0, 0])[1]);
      return { pid: Number(pid), ppid, cmd, rss };
    } catch {
      return null;
    }
  }).filter(Boolean);
  const roots = procs.filter((p) => p.cmd.includes(needle)).map((p) => p.pid);
  const inTree = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of procs) if (!inTree.has(p.pid) && inTree.has(p.ppid)) { inTree.add(p.pid); grew = true; }
  }
  return procs.filter((p) => inTree.has(p.pid)).reduce((a, p) => a + p.rss, 0);
}

/** Polls until `probe` is truthy; returns ms since `t0`. */
async function until(t0, probe) {
  for (;;) {
    if (await probe().catch(() => false)) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Milliseconds from clicking `selector` until `[data-testid=…]` appears, timed in the page. */
const CLICK_UNTIL = `
  const [selector, testId, done] = arguments;
  const target = document.querySelector(selector);
  const t0 = performance.now();
  const seen = () => document.querySelector('[data-testid="' + testId + '"]');
  const obs = new MutationObserver(() => { if (seen()) { obs.disconnect(); done(performance.now() - t0); } });
  obs.observe(document.body, { childList: true, subtree: true });
  target.click();`;

const INVOKE_TIMES = `
  const [command, args, n, done] = arguments;
  (async () => {
    const times = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await window.__TAURI_INTERNALS__.invoke(command, args);
      times.push(performance.now() - t0);
    }
    done(times);
  })();`;

async function main() {
  const start = [], session = [], rss = [], rssBlank = [];
  let heavy = [], light = [], ipcTimeline = [], ipcStatus = [];
  for (let run = 0; run < RUNS; run++) {
    const app = await startConsole({ customers: 300, largestHistory: 50000 });
    const s = app.session;
    session.push(app.sessionMs);
    start.push(await until(app.sessionStartedAt, async () => (await s.byTestId('queue-row')).length > 0));
    // Idle: let start-up work finish, then read memory.
    await new Promise((r) => setTimeout(r, 3000));
    rss.push(treeRssKiB('tideline-console'));
    if (run === 0) {
      // Opening customers: the 50k-touchpoint C-1 against a small one, each from the palette.
      for (let i = 0; i < 10; i++) {
        for (const [id, out] of [['1', heavy], ['2', light]]) {
          await s.chord(['Control', 'k']);
          const [input] = await s.waitForTestId('palette-input');
          await input.type(`C-${id}`);
          await s.waitForTestId('palette-result', `[data-kind="customer"][data-id="${id}"]`);
          out.push(await s.cmd('POST', '/execute/async', {
            script: CLICK_UNTIL,
            args: [`[data-testid="palette-result"][data-kind="customer"][data-id="${id}"]`, 'timeline-item'],
          }));
          await (await s.waitForTestId('nav-queue'))[0].click();
          await s.waitGone('timeline-item');
        }
      }
      const query = { query: { customer: 1, before: null, limit: 200, case: null, channels: null }, jumpTo: null };
      ipcTimeline = await s.cmd('POST', '/execute/async', { script: INVOKE_TIMES, args: ['timeline_page', query, 200] });
      ipcStatus = await s.cmd('POST', '/execute/async', { script: INVOKE_TIMES, args: ['app_status', {}, 200] });
    }
    // Baseline memory: the same process tree once its page is unloaded.
    await s.cmd('POST', '/url', { url: 'about:blank' }).catch(() => {});
    await new Promise((r) => setTimeout(r, 2000));
    rssBlank.push(treeRssKiB('tideline-console'));
    await app.close();
  }
  const rows = [
    ['Cold start to a usable queue (median of ' + RUNS + ')', median(start), 'window up with the page loaded (WebDriver session ready)', median(session), 'ms', '≤ 1,000 ms', median(start) <= 1000],
    ['Idle memory (PSS), app and WebKit processes (median)', median(rss) / 1024, 'the same processes with the page unloaded', median(rssBlank) / 1024, 'MiB', '≤ 150 MiB', median(rss) / 1024 <= 150],
    ['Open a customer with 50k touchpoints, first screen p50', pct(heavy, 50), 'open a customer with ~20 touchpoints, p50', pct(light, 50), 'ms', '≤ 100 ms', pct(heavy, 50) <= 100],
    ['Open a customer with 50k touchpoints, first screen max', Math.max(...heavy), 'open a customer with ~20 touchpoints, max', Math.max(...light), 'ms', '≤ 100 ms', Math.max(...heavy) <= 100],
    ['IPC round trip, timeline page of 200, p50', pct(ipcTimeline, 50), 'IPC round trip of app_status, p50', pct(ipcStatus, 50), 'ms', '–', null],
    ['IPC round trip, timeline page of 200, p99', pct(ipcTimeline, 99), 'IPC round trip of app_status, p99', pct(ipcStatus, 99), 'ms', '–', null],
  ];
  const fmt = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  const table = ['| Figure | Tideline | Baseline (same run) | Ratio | Goal | Met |', '|---|---|---|---|---|---|',
    ...rows.map(([name, v, bname, b, unit, goal, met]) =>
      `| ${name} | ${fmt(v)} ${unit} | ${bname}: ${fmt(b)} ${unit} | ${(v / b).toFixed(2)}× | ${goal} | ${met === null ? '–' : met ? 'yes' : '**no**'} |`)].join('\n');
  console.log(table);
  const section = `## Console\n\nWritten by \`npm run bench:console\` (ui/bench/console.mjs) on ${new Date().toISOString().slice(0, 10)}: the release build of the real app under Xvfb, driven over WebDriver, on a demo cache of 300 customers where C-1 has a 50k-touchpoint history. Times inside the page come from \`performance.now()\` (clicks and IPC); cold start is measured from the WebDriver session request (process launch) to the first queue row.\n\n${table}\n`;
  const path = join(ROOT, 'docs/benchmarks.md');
  const doc = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const begin = '<!-- console:begin -->', end = '<!-- console:end -->';
  const block = `${begin}\n${section}${end}`;
  const next = doc.includes(begin) ? doc.replace(new RegExp(`${begin}[\\s\\S]*${end}`), block) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, next);
  console.log(`Written to ${path}`);
}

await main();
