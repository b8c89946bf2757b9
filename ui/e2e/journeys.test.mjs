// The agent's journeys in the real built app, in a real window (Xvfb + tauri-driver +
// WebKitWebDriver). Each asserts what the agent sees. Screenshots of the main screens
// go to SHOTS (a temporary folder; docs/screenshots/ with TIDELINE_UPDATE_SCREENSHOTS=1).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startConsole, cli, SHOTS } from './harness.mjs';

let app;
let s;

before(async () => {
  app = await startConsole({ customers: 120 });
  s = app.session;
});

after(async () => {
  await app?.close();
});

const attrs = (els, name) => Promise.all(els.map((e) => e.attr(name)));
const ms = (iso) => Date.parse(iso);

/** Opens the palette with Ctrl+K and types `text`; resolves to the result rows. */
async function palette(text, kind) {
  await s.chord(['Control', 'k']);
  const [input] = await s.waitForTestId('palette-input');
  await input.clear();
  await input.type(text);
  return s.waitForTestId('palette-result', `[data-kind="${kind}"]`);
}

async function openCustomer(id) {
  const results = await palette(`C-${id}`, 'customer');
  const ids = await attrs(results, 'data-id');
  await results[ids.indexOf(String(id))].click();
  await s.waitFor(`customer C-${id}`, async () => {
    const [name] = await s.byTestId('customer-name');
    return name && (await name.text()).length > 0;
  });
  return s.waitForTestId('timeline-item');
}

async function goToQueue() {
  const [nav] = await s.waitForTestId('nav-queue');
  await nav.click();
  return s.waitForTestId('queue-row');
}

/** Due times of the rows on screen, asserted to ascend with paused cases last. */
async function assertQueueOrder(rows) {
  const dues = await attrs(rows, 'data-due-at');
  const running = dues.filter(Boolean).map(ms);
  assert.deepEqual(running, [...running].sort((a, b) => a - b), 'due times ascend');
  const firstPaused = dues.findIndex((d) => !d);
  if (firstPaused >= 0) assert.ok(dues.slice(firstPaused).every((d) => !d), 'paused cases come last');
}

test('1. the app opens on the queue, ordered by time to breach', async () => {
  // It opens on the signed-in agent's own cases…
  const [mine] = await s.waitForTestId('queue-mine');
  assert.equal(await mine.attr('aria-pressed'), 'true');
  const own = await s.waitForTestId('queue-row');
  assert.ok(own.length >= 2, `only ${own.length} of my cases`);
  await assertQueueOrder(own);
  // …and the team queue follows the same rule.
  await (await s.byTestId('queue-team'))[0].click();
  const rows = await s.waitFor('the team queue', async () => {
    const r = await s.byTestId('queue-row');
    return r.length >= 10 ? r : null;
  });
  await assertQueueOrder(rows);
  const [badge] = await rows[0].findAll('[data-testid="sla-badge"]');
  assert.equal(await badge.attr('data-state'), 'breached');
  assert.match(await badge.innerText(), /over/);
  await s.screenshot(join(SHOTS, 'queue.png'));
});

test('2. a customer timeline shows four or more channels in time order', async () => {
  // A customer whose newest contacts span at least four channels, found with the CLI.
  let chosen;
  for (let c = 1; c <= 120 && !chosen; c++) {
    const t = cli(['timeline', '--db', app.db, `C-${c}`, '--limit', '12']);
    const channels = new Set(t.timeline.items.filter((i) => i.item === 'touchpoint').map((i) => i.channel));
    if (channels.size >= 4) chosen = c;
  }
  assert.ok(chosen, 'the demo has a customer with four channels');
  const items = await openCustomer(chosen);
  const channels = new Set((await attrs(items, 'data-channel')).filter(Boolean));
  assert.ok(channels.size >= 4, `channels shown: ${[...channels]}`);
  const times = (await attrs(items, 'data-at')).map(ms);
  assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
  await s.screenshot(join(SHOTS, 'customer.png'));
});

test('3. resolving needs a closure code; once resolved the case leaves the queue', async () => {
  const rows = await goToQueue();
  const caseId = await rows[0].attr('data-case-id');
  await rows[0].click();
  let [panel] = await s.waitForTestId('case-panel', `[data-case-id="${caseId}"]`);
  if ((await panel.attr('data-status')) === 'new') {
    await (await s.waitForTestId('action-acknowledge'))[0].click();
    [panel] = await s.waitForTestId('case-panel', `[data-case-id="${caseId}"][data-status="open"]`);
  }
  const statusBefore = await panel.attr('data-status');
  await (await s.waitForTestId('action-resolve'))[0].click();
  await s.waitForTestId('resolve-form');
  const [summary] = await s.byTestId('resolve-summary');
  await summary.type('Card unblocked and the customer told');
  await (await s.byTestId('resolve-submit'))[0].click();
  const [error] = await s.waitForTestId('form-error');
  assert.match(await error.innerText(), /closure code/i);
  // Refused: the case panel (found afresh) still shows the status it had before.
  const [panelAfter] = await s.byTestId('case-panel');
  assert.equal(await panelAfter.attr('data-case-id'), caseId);
  assert.equal(await panelAfter.attr('data-status'), statusBefore, 'the refused resolve left the case as it was');
  assert.notEqual(statusBefore, 'resolved');
  await s.screenshot(join(SHOTS, 'resolve-needs-code.png'));

  await (await s.byTestId('closure-code', ' option[value="fixed"]'))[0].click();
  await (await s.byTestId('resolve-submit'))[0].click();
  await s.waitForTestId('case-panel', `[data-case-id="${caseId}"][data-status="resolved"]`);

  const after = await goToQueue();
  const ids = await attrs(after, 'data-case-id');
  assert.ok(!ids.includes(caseId), `case ${caseId} is still in the queue`);
});

test('4. linking an unlinked X mention moves it to the customer; undo puts it back', async () => {
  await (await s.waitForTestId('nav-unlinked'))[0].click();
  const [mention] = await s.waitForTestId('unlinked-item', '[data-channel="x"]');
  const tp = await mention.attr('data-id');
  const [linkButton] = await mention.findAll('[data-testid="link-button"]');
  await linkButton.click();
  await s.waitForTestId('link-dialog');
  const target = cli(['timeline', '--db', app.db, 'C-1', '--limit', '1']).customer;
  const [search] = await s.byTestId('link-search');
  await search.type(target.name);
  const [result] = await s.waitForTestId('link-result', '[data-customer-id="1"]');
  await result.click();
  const [toast] = await s.waitForTestId('toast');
  assert.match(await toast.innerText(), new RegExp(target.name));
  await s.waitGone('unlinked-item', `[data-id="${tp}"]`);
  await s.screenshot(join(SHOTS, 'linked-with-undo.png'));

  // It is on the customer's timeline now (jump to its day: it may be deep in history).
  const moved = cli(['timeline', '--db', app.db, 'C-1', '--limit', '500']).timeline.items.find(
    (i) => i.item === 'touchpoint' && String(i.id) === tp,
  );
  assert.ok(moved, 'the cache has it on C-1');
  await openCustomer(1);
  const day = new Date(ms(moved.occurred_at) + 86400_000).toISOString().slice(0, 10);
  const [date] = await s.waitForTestId('jump-date');
  await date.setValue(day);
  await (await s.byTestId('jump-go'))[0].click();
  await s.waitForTestId('timeline-item', `[data-kind="touchpoint"][data-id="${tp}"]`);

  // Undo: the mention leaves the customer's timeline on screen, and is unlinked again.
  await (await s.waitForTestId('toast-undo'))[0].click();
  await s.waitGone('timeline-item', `[data-kind="touchpoint"][data-id="${tp}"]`);
  const [name] = await s.byTestId('customer-name');
  assert.equal(await name.text(), target.name, "still on the customer's timeline");
  const back = cli(['timeline', '--db', app.db, 'C-1', '--limit', '500']).timeline.items;
  assert.ok(!back.some((i) => i.item === 'touchpoint' && String(i.id) === tp), 'the cache has it off C-1');
  // Gone from that day too, not only scrolled away: the same jump shows the rest of the
  // day's history without it.
  const [again] = await s.waitForTestId('jump-date');
  await again.setValue(day);
  await (await s.byTestId('jump-go'))[0].click();
  const thatDay = await s.waitFor(`C-1's timeline before ${day}`, async () => {
    const items = await s.byTestId('timeline-item');
    const times = (await attrs(items, 'data-at')).map(ms);
    return items.length > 0 && times.every((t) => t < ms(day)) ? items : null;
  });
  const shown = await Promise.all(thatDay.map(async (i) => `${await i.attr('data-kind')}:${await i.attr('data-id')}`));
  assert.ok(!shown.includes(`touchpoint:${tp}`), `T-${tp} is still on C-1's timeline`);
  await (await s.waitForTestId('nav-unlinked'))[0].click();
  await s.waitForTestId('unlinked-item', `[data-id="${tp}"]`);
});

test('5. Ctrl+K finds a customer by a phone number typed in local format', async () => {
  const c = cli(['timeline', '--db', app.db, 'C-3', '--limit', '1']).customer;
  const phone = c.identities.find((i) => i.kind === 'phone').value; // +44…
  const local = `0${phone.slice(3, 7)} ${phone.slice(7)}`;
  const results = await palette(local, 'customer');
  assert.equal(await results[0].attr('data-id'), '3');
  assert.match(await results[0].innerText(), new RegExp(c.name));
  await s.screenshot(join(SHOTS, 'palette.png'));
  await s.chord(['Escape']);
  await s.waitGone('palette');
});

test('the help overlay lists the shortcuts', async () => {
  await goToQueue();
  await s.chord(['?']);
  const [help] = await s.waitForTestId('help-overlay');
  const text = await help.innerText();
  for (const key of ['Ctrl', 'j', 'k']) assert.ok(text.includes(key), `${key} missing from help`);
  await s.screenshot(join(SHOTS, 'help.png'));
  await s.chord(['Escape']);
  await s.waitGone('help-overlay');
});
