// A small W3C WebDriver client over fetch: just what the journeys need.

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export class WebDriverError extends Error {}

async function call(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const v = json.value || {};
    throw new WebDriverError(`${method} ${path}: ${v.error || res.status}: ${v.message || ''}`);
  }
  return json.value;
}

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  static async start(base, capabilities) {
    const v = await call(base, 'POST', '/session', { capabilities });
    return new Session(base, v.sessionId);
  }

  cmd(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body);
  }

  async end() {
    await this.cmd('DELETE', '').catch(() => {});
  }

  async findAll(css) {
    const v = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return v.map((e) => new Element(this, e[ELEMENT]));
  }

  /** Every `[data-testid=…]` element, optionally narrowed by more CSS. */
  byTestId(id, extra = '') {
    return this.findAll(`[data-testid="${id}"]${extra}`);
  }

  /** Polls `probe` until it returns a truthy value; fails after `ms` with `what`. */
  async waitFor(what, probe, ms = 15000) {
    const deadline = Date.now() + ms;
    let last;
    for (;;) {
      try {
        const v = await probe();
        if (v) return v;
      } catch (e) {
        last = e;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Waits for at least one element with the test id and returns them all. */
  async waitForTestId(id, extra = '', ms) {
    return this.waitFor(`[data-testid=${id}]${extra}`, async () => {
      const els = await this.byTestId(id, extra);
      return els.length ? els : null;
    }, ms);
  }

  async waitGone(id, extra = '', ms) {
    return this.waitFor(`[data-testid=${id}]${extra} to go`, async () => (await this.byTestId(id, extra)).length === 0, ms);
  }

  script(source, args = []) {
    return this.cmd('POST', '/execute/sync', { script: source, args });
  }

  /** Presses a chord such as ['Control', 'k'] through the Actions API. */
  async chord(keys) {
    const named = { Control: '\uE009', Shift: '\uE008', Alt: '\uE00A', Meta: '\uE03D', Enter: '\uE007', Escape: '\uE00C', ArrowDown: '\uE015', ArrowUp: '\uE013' };
    const k = keys.map((x) => named[x] || x);
    const actions = [...k.map((value) => ({ type: 'keyDown', value })), ...k.reverse().map((value) => ({ type: 'keyUp', value }))];
    await this.cmd('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions }] });
    await this.cmd('DELETE', '/actions');
  }

  async screenshot(path) {
    const b64 = await this.cmd('GET', '/screenshot');
    const { writeFile, mkdir } = await import('node:fs/promises');
    const { dirname } = await import('node:path');
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, Buffer.from(b64, 'base64'));
  }
}

export class Element {
  constructor(session, id) {
    this.s = session;
    this.id = id;
  }

  cmd(method, path, body) {
    return this.s.cmd(method, `/element/${this.id}${path}`, body);
  }

  click() {
    return this.cmd('POST', '/click', {});
  }

  type(text) {
    return this.cmd('POST', '/value', { text });
  }

  clear() {
    return this.cmd('POST', '/clear', {});
  }

  text() {
    return this.cmd('GET', '/text');
  }

  /** The rendered text, as the page lays it out (WebKitWebDriver's getText drops
   * the text of some ellipsised spans). */
  innerText() {
    return this.s.script('return arguments[0].innerText', [{ [ELEMENT]: this.id }]);
  }

  /** Sets an input's value as a script would (date inputs take no typed keys in
   * WebKitWebDriver), firing input and change events. */
  setValue(value) {
    return this.s.script(
      'const el = arguments[0]; el.value = arguments[1];' +
        'el.dispatchEvent(new Event("input", { bubbles: true })); el.dispatchEvent(new Event("change", { bubbles: true }));',
      [{ [ELEMENT]: this.id }, value],
    );
  }

  attr(name) {
    return this.cmd('GET', `/attribute/${name}`);
  }

  async findAll(css) {
    const v = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return v.map((e) => new Element(this.s, e[ELEMENT]));
  }
}
