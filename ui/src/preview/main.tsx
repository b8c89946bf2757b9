// `npm run dev`, then open /preview.html: the console on generated data, no Rust needed.
// Like the app (tauri.conf.json "freezePrototype"), Object.prototype is frozen.
import { installFakeBackend } from './fakeBackend';

const errors: string[] = [];
(window as unknown as { __errors: string[] }).__errors = errors;
window.addEventListener('error', (e) => errors.push(String(e.message)));
window.addEventListener('unhandledrejection', (e) => errors.push(String((e.reason as Error)?.message ?? e.reason)));

installFakeBackend();
Object.freeze(Object.prototype);
await import('../main');
