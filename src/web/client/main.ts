// Entry of the bpfbox web page. The shim must come first: library code reads `process`.
import './shims/process.js';
import { initCf291 } from './cf291.js';
import { initCompare } from './compare.js';
import { currentSession, initDebugger } from './debugger.js';
import { $ } from './dom.js';

function showTab(name: string): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>('.tabs [data-tab]')) {
    const on = b.dataset.tab === name;
    b.setAttribute('aria-selected', String(on));
    $(`#tab-${b.dataset.tab}`).hidden = !on;
  }
  if (name === 'cf291') initCf291();
  window.dispatchEvent(new Event('resize'));
  if (location.hash !== `#${name}`) history.replaceState(null, '', `#${name}`);
}

for (const b of document.querySelectorAll<HTMLButtonElement>('.tabs [data-tab]')) b.addEventListener('click', () => showTab(b.dataset.tab!));

initDebugger();
initCompare();
const start = location.hash.slice(1);
showTab(['debug', 'compare', 'cf291'].includes(start) ? start : 'debug');

// For the browser tests: the page's current session (read-only use).
(window as unknown as { __bpfbox: unknown }).__bpfbox = { session: currentSession, ready: true };
