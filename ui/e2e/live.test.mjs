// Journey 6: the console signed in to a real back end (`tideline serve --demo` on its
// own PostgreSQL), with the token in the real OS keyring. A colleague changes a case
// through the API; the open console shows it without a reload.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startConsole, SHOTS } from './harness.mjs';
import { startServer, ApiUser } from './server.mjs';

let server;
let app;
let s;

before(async () => {
  server = await startServer();
  app = await startConsole({ server: { url: server.url, username: 'tom', password: 'demo' } });
  s = app.session;
});

after(async () => {
  await app?.close();
  await server?.close();
});

test('6. a colleague’s change made through the API appears in the open console without a reload', async () => {
  // Signed in and synced: tom's own cases are on screen, and the status bar says so.
  const [user] = await s.waitForTestId('status-user');
  assert.match(await user.text(), /tom/i);
  await s.waitForTestId('status-online', '[data-online="true"]');
  const rows = await s.waitForTestId('queue-row');
  const row = rows[0];
  const caseId = Number(await row.attr('data-case-id'));
  const before = await row.attr('data-priority');
  const after = before === 'urgent' ? 'low' : 'urgent';

  const lead = await ApiUser.signIn(server.url, 'lead');
  const result = await lead.act(caseId, { type: 'set_priority', priority: after });
  assert.equal(result.outcome, 'applied', JSON.stringify(result));

  const [changed] = await s.waitForTestId('queue-row', `[data-case-id="${caseId}"][data-priority="${after}"]`, 5000);
  const [prio] = await changed.findAll('[data-testid="row-priority"]');
  assert.match(await prio.text(), new RegExp(after, 'i'));
  await s.screenshot(join(SHOTS, 'live-update.png'));
});
