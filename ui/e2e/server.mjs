// A real back end for the end-to-end tests: `tideline serve --demo` on its own
// throwaway PostgreSQL cluster (zero-config), listening on 127.0.0.1, plus a tiny HTTP
// client that plays a second person working through the API.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './harness.mjs';

/** Starts the server; resolves to { url, close }. */
export async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'tideline-e2e-server-'));
  // PostgreSQL runs as an unprivileged user when we are root; it must reach its dir.
  chmodSync(dir, 0o777);
  const child = spawn(CLI, ['serve', '--demo', '--listen', '127.0.0.1:0', '--data-dir', dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' },
  });
  const url = await new Promise((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error(`tideline serve did not start; it printed:\n${out}`)), 120_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        res(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`tideline serve exited with ${code}:\n${out}`));
    });
  });
  child.stdout.resume();
  const close = async () => {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, close };
}

/** Someone working through the HTTP API (a second agent or a lead). */
export class ApiUser {
  static async signIn(url, username, password = 'demo') {
    const r = await fetch(`${url}/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (!r.ok) throw new Error(`sign-in as ${username} failed: ${r.status} ${await r.text()}`);
    const s = await r.json();
    return new ApiUser(url, s.token, s.user);
  }

  constructor(url, token, user) {
    this.url = url;
    this.token = token;
    this.user = user;
    this.clientId = `e2e-${username(user)}-${Date.now()}`;
    this.seq = 0;
  }

  async call(method, path, body) {
    const r = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** Pushes one case action; resolves to its outcome. */
  async act(caseId, action) {
    this.seq += 1;
    const res = await this.call('POST', '/v1/push', {
      client_id: this.clientId,
      mutations: [{ seq: this.seq, at: new Date().toISOString(), mutation: { type: 'case', case_id: caseId, action } }],
    });
    return res.results[0];
  }
}

const username = (u) => u.username;
