// End-to-end tests of the web page (`bpfbox web`) in a real headless browser: Debian's chromium
// driven by playwright-core. The page is built with Vite, served by src/web/server.ts on a free
// port, and checked against the stepping core (src/debug) run in this process. Screenshots go to
// test-artifacts/ (look at them: the page must read well at 1280x720 and 1440x900).

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WebServer, buildWebAssets, packageRoot, startWebServer } from '../src/web/server.js';
import { hex64, openSession } from '../src/web/session.js';

const CHROMIUM = process.env.BPFBOX_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`test/web.test.ts: skipped: no chromium at ${CHROMIUM} (apt-get install chromium, or set BPFBOX_CHROMIUM)`);

const ROOT = packageRoot();
const ARTIFACTS = join(ROOT, 'test-artifacts');

function coreRegisters(path: string, steps: number): string[] {
  const r = openSession({ kind: 'asm', text: readFileSync(join(ROOT, path), 'utf8'), file: path }, 'sandbox');
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  r.session.goto(steps);
  return r.session.registers().map(hex64);
}

async function shownRegisters(page: Page): Promise<string[]> {
  return page.$$eval('#regs .now', (els) => els.map((e) => e.textContent ?? ''));
}

async function shownStep(page: Page): Promise<number> {
  const t = await page.textContent('#step-label');
  return Number(/step (\d+)/.exec(t ?? '')?.[1] ?? -1);
}

describe.skipIf(!haveChromium)('web page in headless chromium', () => {
  let web: WebServer;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await buildWebAssets(() => {});
    web = await startWebServer({ port: 0, log: () => {} });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(web.url);
    await page.waitForFunction(() => (window as unknown as { __bpfbox?: { ready: boolean } }).__bpfbox?.ready === true);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it('steps an example 10 forward and 10 back, showing the core\'s registers at every step', async () => {
    const path = 'programs/examples/checksum.s';
    await page.selectOption('#program-select', path);
    await page.waitForFunction(() => /step 0 \//.test(document.querySelector('#step-label')?.textContent ?? ''));
    expect(await shownRegisters(page)).toEqual(coreRegisters(path, 0));
    for (let n = 1; n <= 10; n++) {
      await page.click('#btn-step');
      expect(await shownStep(page)).toBe(n);
      expect(await shownRegisters(page)).toEqual(coreRegisters(path, n));
    }
    // a changed register shows old -> new
    const changed = await page.$$eval('#regs tr.changed', (rows) => rows.length);
    expect(changed).toBeGreaterThan(0);
    for (let n = 9; n >= 0; n--) {
      await page.click('#btn-back');
      expect(await shownStep(page)).toBe(n);
      expect(await shownRegisters(page)).toEqual(coreRegisters(path, n));
    }
    // go to step N and the scrubber land on the same state
    await page.fill('#goto-input', '37');
    await page.click('#btn-goto');
    expect(await shownStep(page)).toBe(37);
    expect(await shownRegisters(page)).toEqual(coreRegisters(path, 37));
    await page.$eval('#scrubber', (e) => {
      const s = e as HTMLInputElement;
      s.value = '12';
      s.dispatchEvent(new Event('input'));
    });
    expect(await shownStep(page)).toBe(12);
    expect(await shownRegisters(page)).toEqual(coreRegisters(path, 12));
    // the verifier's view arrives from the worker and is aligned with the listing
    await page.waitForFunction(() => !/verifying/.test(document.querySelector('#verdict')?.textContent ?? 'verifying'));
    expect(await page.textContent('#verdict')).toMatch(/accepted|rejected/);
    expect(await page.locator('#listing .lrow[data-slot]').count()).toBeGreaterThan(10);
    // pointers are drawn as arrows into the memory map
    expect(await page.locator('#arrows path').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'web-debugger-1280x720.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: join(ARTIFACTS, 'web-debugger-1440x900.png') });
    await page.setViewportSize({ width: 1280, height: 720 });
  }, 120_000);

  it('marks an out-of-bounds pointer and the fault in the sandbox', async () => {
    await page.selectOption('#program-select', 'programs/unsafe/oob-read-after.s');
    await page.waitForFunction(() => /step 0 \//.test(document.querySelector('#step-label')?.textContent ?? ''));
    await page.click('#btn-continue');
    await expect.poll(() => page.textContent('#run-state')).toMatch(/fault at insn 0/);
    expect(await page.textContent('#memview')).toMatch(/outside region "mem"|past the end/);
    await page.waitForFunction(() => /rejected at insn 0/.test(document.querySelector('#verdict')?.textContent ?? ''));
    await page.screenshot({ path: join(ARTIFACTS, 'web-debugger-fault-1280x720.png') });
  }, 60_000);

  it('assembles as you type and underlines errors at their line', async () => {
    await page.selectOption('#program-select', 'programs/examples/fib.s');
    await page.waitForFunction(() => /step 0 \//.test(document.querySelector('#step-label')?.textContent ?? ''));
    const src = page.locator('#source');
    await src.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\n        r11 = 5\n');
    await page.waitForSelector('#highlight .err');
    expect(await page.textContent('#diagnostics')).toMatch(/line \d+/);
    await page.screenshot({ path: join(ARTIFACTS, 'web-editor-error-1280x720.png') });
    // fix it: the error goes away and the program runs again
    await page.keyboard.press('Backspace');
    for (let i = 0; i < 'r11 = 5\n'.length + 8; i++) await page.keyboard.press('Backspace');
    await page.waitForFunction(() => document.querySelector('#highlight .err') === null);
  }, 60_000);

  it('opens an uploaded .o file (parsed in the browser)', async () => {
    await page.setInputFiles('#upload', join(ROOT, 'programs/c/xdp_firewall.o'));
    await page.waitForFunction(() => /xdp_firewall\.o/.test(document.querySelector('#status')?.textContent ?? ''));
    expect(await page.locator('#listing .lrow[data-slot]').count()).toBeGreaterThan(10);
    // the new session is ready when the header names the object and the timeline is back at 0
    await page.waitForFunction(() => /xdp_firewall\.o/.test(document.querySelector('#status')?.textContent ?? '') &&
      /step 0 \//.test(document.querySelector('#step-label')?.textContent ?? ''));
    await page.click('#btn-step');
    await page.waitForFunction(() => /step 1 \//.test(document.querySelector('#step-label')?.textContent ?? ''), null, { timeout: 10_000 });
    expect(await shownStep(page)).toBe(1);
  }, 60_000);

  it('runs the crash-vs-sandbox comparison and shows the bug check', async () => {
    await page.click('#tabbtn-compare');
    await page.selectOption('#cmp-select', 'programs/cf291/interpreter-v1.s');
    await page.click('#cmp-run');
    await page.waitForSelector('#bugcheck:not([hidden])', { timeout: 30_000 });
    expect(await page.textContent('#bugcheck')).toMatch(/STOP 0x50 PAGE_FAULT_IN_NONPAGED_AREA/);
    expect(await page.textContent('#bugcheck')).toMatch(/0xffffd6030000006a/);
    await page.waitForFunction(() => /Not loaded/.test(document.querySelector('#cmp-sandbox-verdict')?.textContent ?? ''));
    await page.screenshot({ path: join(ARTIFACTS, 'web-compare-1280x720.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: join(ARTIFACTS, 'web-compare-1440x900.png') });
    await page.setViewportSize({ width: 1280, height: 720 });
    // back to the trace: the fatal step is in the driver's trace
    await page.click('#bsod-close');
    expect(await page.isHidden('#bugcheck')).toBe(true);
    // a program the verifier accepts runs in both
    await page.selectOption('#cmp-select', 'programs/unsafe/safe-sum.s');
    await page.click('#cmp-run');
    await page.waitForFunction(() => /returned r0 = 3/.test(document.querySelector('#cmp-sandbox-verdict')?.textContent ?? ''));
  }, 90_000);

  it('renders the Channel File 291 view: hex and decoded, diff, story, fleet', async () => {
    await page.click('#tabbtn-cf291');
    await page.waitForSelector('#cf-hex .row');
    expect(await page.textContent('#cf-decoded')).toMatch(/EQUALS "msagent_"/);
    expect(await page.textContent('#cf-diff .chg.key')).toMatch(/0x2a\.crit\[20\] = EQUALS "msagent_"/);
    await page.screenshot({ path: join(ARTIFACTS, 'web-cf291-file-1280x720.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: join(ARTIFACTS, 'web-cf291-file-1440x900.png') });
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.click('[data-sub=story]');
    await page.waitForSelector('#cf-story h3', { timeout: 120_000 });
    expect(await page.textContent('#cf-story-bugcheck')).toMatch(/PAGE_FAULT_IN_NONPAGED_AREA/);
    await page.screenshot({ path: join(ARTIFACTS, 'web-cf291-story-1280x720.png') });
    await page.click('[data-sub=fleet]');
    await page.waitForSelector('#fleet-chart svg', { timeout: 180_000 });
    const metrics = await page.textContent('#fleet-metrics');
    expect(metrics).toMatch(/crashed/);
    expect(metrics).toMatch(/S1/);
    await page.screenshot({ path: join(ARTIFACTS, 'web-cf291-fleet-1280x720.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: join(ARTIFACTS, 'web-cf291-fleet-1440x900.png') });
    await page.setViewportSize({ width: 1280, height: 720 });
    expect(errors).toEqual([]);
  }, 240_000);
});

describe('web server', () => {
  it('serves the page and refuses paths outside it', async () => {
    if (!existsSync(join(ROOT, 'dist', 'webapp', 'index.html'))) await buildWebAssets(() => {});
    const web = await startWebServer({ port: 0, log: () => {} });
    try {
      const index = await fetch(web.url);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toMatch(/text\/html/);
      expect(await index.text()).toMatch(/bpfbox/);
      expect((await fetch(new URL('nope.js', web.url))).status).toBe(404);
      expect((await fetch(new URL('/..%2f..%2fpackage.json', web.url))).status).toBe(403);
      expect((await fetch(web.url, { method: 'POST' })).status).toBe(405);
    } finally {
      await web.close();
    }
  }, 240_000);

  it('says clearly when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', () => ok()));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startWebServer({ port, log: () => {} })).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  }, 60_000);
});
