import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { openStore, upsertReports } from '../../src/store/index.ts';
import { createUser, trainTask } from '../../src/triage/index.ts';
import { type ServeProcess, startServe } from '../support/serve-process.ts';
import { triageCorpus } from '../support/triage-corpus.ts';

const CHROMIUM = process.env.EIGHTBALL_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../artifacts/screenshots');
const skip = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set EIGHTBALL_CHROMIUM)`;

describe('the web app in headless Chromium', { skip }, () => {
  let serve: ServeProcess;
  let browser: Browser;

  before(async () => {
    const db = `sqlite:${join(mkdtempSync(join(tmpdir(), 'eightball-browser-')), 'eightball.db')}`;
    const store = await openStore(db);
    await upsertReports(store.db, triageCorpus(160));
    await trainTask(store, 'category');
    await trainTask(store, 'component');
    await createUser(store, { username: 'rita', password: 'correct horse battery', role: 'triager' }, null);
    await createUser(store, { username: 'ada', password: 'correct horse battery', role: 'admin' }, null);
    await store.close();
    serve = await startServe(['--db', db]);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    if (serve) assert.equal(await serve.stop(), 0, 'serve exits 0 on SIGTERM');
  });

  it('logs in, shows suggestions while typing, files the report and finds it in the list', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${serve.url}/login`);
    await page.fill('#username', 'rita');
    await page.fill('#password', 'correct horse battery');
    await page.click('button[type=submit]');
    await page.waitForURL(`${serve.url}/`);
    await page.fill('#summary', 'print preview margin broken');
    await page.fill('#description', 'the printer page footer is cut off in landscape');
    const component = page.locator('#suggestions section[data-task=component]');
    await component.waitFor({ timeout: 10_000 });
    assert.match(await component.innerText(), /Core::Printing/);
    assert.match(await page.locator('#suggestions').innerText(), /Similar reports/);
    await page.screenshot({ path: join(ARTIFACTS, 'new-report.png'), fullPage: true });
    await page.click('#report-form button[type=submit]');
    await page.waitForURL(/\/reports\/\d+$/);
    assert.match(await page.locator('h1').innerText(), /print preview margin broken/);
    await page.screenshot({ path: join(ARTIFACTS, 'report-detail.png'), fullPage: true });
    await page.goto(`${serve.url}/reports?q=preview+margin+broken`);
    const row = page.locator('tbody tr', { hasText: 'print preview margin broken' });
    assert.equal(await row.count(), 1);
    await page.screenshot({ path: join(ARTIFACTS, 'reports.png'), fullPage: true });
    assert.deepEqual(errors, [], 'no script errors and no CSP violations');
    await page.close();
  });

  it('is readable on a phone', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await ctx.newPage();
    await page.goto(`${serve.url}/login`);
    await page.fill('#username', 'rita');
    await page.fill('#password', 'correct horse battery');
    await page.click('button[type=submit]');
    await page.waitForURL(`${serve.url}/`);
    // one letter says nothing yet: a hint, not answers
    await page.fill('#summary', 'd');
    await page
      .locator('#suggestions', { hasText: 'Suggestions appear once the summary has a few words' })
      .waitFor();
    assert.equal(await page.locator('#suggestions section[data-task]').count(), 0);
    await page.fill('#summary', 'dns proxy timeout');
    const answer = page.locator('#suggestions section[data-task=component]');
    await answer.waitFor({ timeout: 10_000 });
    // the reporter, typing at the top of the form, sees the answer without scrolling
    const box = await answer.boundingBox();
    assert.ok(box && box.y >= 0 && box.y < 844, `the suggestion is off screen at y=${box?.y}`);
    // and the panel covers no field being typed in: each, scrolled to, sits above it
    for (const field of ['#summary', '#description']) {
      await page.locator(field).scrollIntoViewIfNeeded();
      await page.focus(field);
      const f = (await page.locator(field).boundingBox())!;
      const panel = (await page.locator('#suggestions').boundingBox())!;
      assert.ok(
        f.y + f.height <= panel.y + 1,
        `${field} (to y=${f.y + f.height}) is under the panel (from y=${panel.y})`,
      );
    }
    // nothing wider than the screen: no sideways scrolling of the page
    const overflow = await page.evaluate(
      // runs in the page, where document and window exist
      () => {
        const g = globalThis as unknown as {
          document: { documentElement: { scrollWidth: number } };
          innerWidth: number;
        };
        return g.document.documentElement.scrollWidth - g.innerWidth;
      },
    );
    assert.ok(overflow <= 1, `page is ${overflow}px wider than the phone`);
    await page.screenshot({ path: join(ARTIFACTS, 'new-report-phone.png'), fullPage: true });
    await ctx.close();
  });

  it('shows an admin the models with their charts, and the admin page', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${serve.url}/login`);
    await page.fill('#username', 'ada');
    await page.fill('#password', 'correct horse battery');
    await page.click('button[type=submit]');
    await page.waitForURL(`${serve.url}/`);
    await page.goto(`${serve.url}/models`);
    await page.screenshot({ path: join(ARTIFACTS, 'models.png'), fullPage: true });
    await page.click('a[href^="/models/"]');
    const report = page.frameLocator('iframe.report');
    await report.locator('svg').first().waitFor({ timeout: 10_000 });
    assert.ok((await report.locator('svg').count()) >= 5);
    // the frame is as tall as the report: nothing is cut off in a scrolling box
    await page.waitForFunction(() => {
      const f = (
        globalThis as unknown as { document: { querySelector(s: string): unknown } }
      ).document.querySelector('iframe.report') as {
        clientHeight: number;
        contentDocument: { documentElement: { scrollHeight: number } };
      };
      return f.clientHeight >= f.contentDocument.documentElement.scrollHeight;
    });
    await page.screenshot({ path: join(ARTIFACTS, 'model-detail.png'), fullPage: false });
    await page.goto(`${serve.url}/admin`);
    await page.fill('#token-name', 'ci bot');
    await page.click('form[action="/admin/tokens"] button');
    assert.match(await page.locator('.once').innerText(), /eb_/);
    await page.screenshot({ path: join(ARTIFACTS, 'admin.png'), fullPage: true });
    // the tasks and their settings have a page of their own
    await page.click('a[href="/admin/tasks"]');
    await page.waitForURL(`${serve.url}/admin/tasks`);
    await page.selectOption('#enc-category', 'use-lite');
    await page.click('form[action="/admin/tasks/category"] button');
    assert.match(await page.locator('.flash').innerText(), /category saved/);
    assert.equal(await page.locator('#enc-category').inputValue(), 'use-lite');
    assert.equal(await page.locator('#enc-component').inputValue(), 'none');
    await page.screenshot({ path: join(ARTIFACTS, 'tasks.png'), fullPage: true });
    await page.close();
  });
});
