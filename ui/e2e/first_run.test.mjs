// Journey 9: a fresh install. No server is configured and no demo was chosen, so the
// console asks for the server, checks that it answers as Tideline before asking for a
// password, and explains an address that does not. The demo opens only when chosen.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { startConsole, SHOTS } from './harness.mjs';
import { startServer } from './server.mjs';

let server;
let notTideline;
let notTidelineUrl;

before(async () => {
  server = await startServer();
  // Something else entirely, answering on loopback.
  notTideline = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<h1>Intranet</h1>');
  });
  await new Promise((r) => notTideline.listen(0, '127.0.0.1', r));
  notTidelineUrl = `http://127.0.0.1:${notTideline.address().port}`;
});

after(async () => {
  await server?.close();
  await new Promise((r) => notTideline?.close(r));
});

async function enterServer(s, url) {
  const [field] = await s.waitForTestId('signin-server');
  await field.clear();
  await field.type(url);
  const [go] = await s.waitForTestId('signin-submit');
  await go.click();
}

test('9a. a fresh install asks for the server, explains a wrong address, then signs in', async () => {
  const app = await startConsole({ firstRun: true });
  const s = app.session;
  try {
    await s.waitForTestId('signin-screen');
    assert.equal((await s.byTestId('signin-password')).length, 0, 'no password is asked for before the server');
    assert.equal((await s.byTestId('queue-row')).length, 0, 'and no demo data is shown');
    await s.screenshot(join(SHOTS, 'first-run.png'));

    await enterServer(s, notTidelineUrl);
    const [error] = await s.waitForTestId('signin-error');
    assert.match(await error.text(), /answered, but it is not a Tideline server/);
    assert.equal((await s.byTestId('signin-password')).length, 0);

    await enterServer(s, server.url);
    const [known] = await s.waitForTestId('signin-server-known');
    assert.match(await known.text(), new RegExp(`${server.url.replace(/[.]/g, '\\.')}.*Tideline \\d+\\.\\d+\\.\\d+`));
    const [user] = await s.waitForTestId('signin-username');
    await user.type('tom');
    const [password] = await s.waitForTestId('signin-password');
    await password.type('demo');
    await (await s.waitForTestId('signin-submit'))[0].click();
    const [status] = await s.waitForTestId('status-user');
    assert.match(await status.text(), /tom/i);
    await s.waitForTestId('queue-row');
  } finally {
    await app.close();
  }
});

test('9b. the demo opens only when chosen', async () => {
  const app = await startConsole({ firstRun: true });
  const s = app.session;
  try {
    const [demo] = await s.waitForTestId('signin-demo');
    await demo.click();
    await s.waitForTestId('queue-row', '', 60000);
    const [status] = await s.waitForTestId('status-bar');
    assert.match(await status.text(), /demo/i);
  } finally {
    await app.close();
  }
});
