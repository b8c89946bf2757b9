// Journey 7: contact arrives live. A team lead's console is signed in to a real back end
// (`tideline serve --demo`); `tideline demo-traffic` sends correctly signed Twilio,
// website and branch payloads to it. The SMS from a known customer appears on that
// customer's open timeline, and the stranger's call waits on the Unlinked list, both
// without a reload.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { CLI, startConsole, SHOTS } from './harness.mjs';
import { startServer } from './server.mjs';

let server;
let app;
let s;

before(async () => {
  server = await startServer();
  app = await startConsole({ server: { url: server.url, username: 'lead', password: 'demo' } });
  s = app.session;
});

after(async () => {
  await app?.close();
  await server?.close();
});

async function openCustomer(id) {
  await s.chord(['Control', 'k']);
  const [input] = await s.waitForTestId('palette-input');
  await input.clear();
  await input.type(`C-${id}`);
  const [result] = await s.waitForTestId('palette-result', `[data-kind="customer"][data-id="${id}"]`);
  await result.click();
  return s.waitForTestId('timeline-item');
}

test('7. contact sent by demo-traffic appears on the timeline and the Unlinked list without a reload', async () => {
  await s.waitForTestId('status-online', '[data-online="true"]');
  // Contacts 1 and 2: a call and an SMS from known customers.
  const { stdout } = await promisify(execFile)(
    CLI,
    ['demo-traffic', '--server', server.url, '--count', '2', '--every-ms', '0'],
    { encoding: 'utf8' },
  );
  const sms = stdout.match(/SMS from (.+) \(C-(\d+), /);
  assert.ok(sms, `demo-traffic printed:\n${stdout}`);
  const id = Number(sms[2]);
  await openCustomer(id);
  const [item] = await s.waitForTestId('timeline-item', '[data-kind="touchpoint"][data-channel="sms"]', 10_000);
  assert.match(await item.innerText(), /SMS: Hi, my card was declined twice today/);
  await s.screenshot(join(SHOTS, 'live-contact.png'));

  // Contacts 1..4 again: the fourth is a chat from a stranger, so it belongs to nobody's
  // timeline and waits on the Unlinked list.
  await promisify(execFile)(CLI, ['demo-traffic', '--server', server.url, '--count', '4', '--every-ms', '0'], {
    encoding: 'utf8',
  });
  await (await s.waitForTestId('nav-unlinked'))[0].click();
  const [stranger] = await s.waitForTestId('unlinked-item', '[data-channel="chat"]', 10_000);
  assert.match(await stranger.innerText(), /card keeps getting declined/i);
});
