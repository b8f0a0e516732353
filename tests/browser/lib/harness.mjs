// The browser-test harness: one app and one Chromium for the whole run, one browser context
// per person in a scenario, and on every page a person reaches: axe-core (WCAG 2.1 A/AA),
// a check that nothing the page loads fails, a screenshot kept in memory (written to
// screenshots/ when the scenario fails), and the served HTML kept for one W3C Nu checker
// run at the end.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';

import { App, browserDir, buildApp, freePort } from './app.mjs';
import { startProviders } from './oidc.mjs';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const VNU_JAR = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
export const SCREENSHOT_DIR = path.join(browserDir, 'screenshots');
export const PASSWORD = 'infohus-demo-2026';
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/// What the whole run shares.
export const run = {
  app: null,
  browser: null,
  /// Every page reached by any scenario, in order: { n, scenario, actor, url, status, html, screenshot }.
  pages: [],
  stopped: false,
};

export async function startRun() {
  fs.rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
  const bin = buildApp();
  // The app's port is chosen first: the identity providers must know its callback addresses.
  const port = await freePort();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'infohus-browser-'));
  fs.chmodSync(root, 0o711);
  run.oidc = await startProviders(port, root);
  run.app = await App.start(bin, { port, root, env: { INFOHUS_CONFIG_FILE: run.oidc.configFile } });
  // playwright gives every launch a new, empty profile folder (--user-data-dir) of its own
  // and removes it on close.
  run.browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  process.stderr.write(`# Infohus at ${run.app.url}, Chromium ${run.browser.version()}\n`);
}

export async function stopBrowser() {
  if (run.browser) {
    await run.browser.close();
    run.browser = null;
  }
}

/// Stops the app (SIGTERM) and checks it leaves no postgres process behind.
export async function stopApp() {
  if (run.app && !run.stopped) {
    run.stopped = true;
    await run.app.stop();
  }
  if (run.oidc) {
    await run.oidc.stop();
    run.oidc = null;
  }
}

/// A scenario: a node:test test with its own people (browser contexts). It fails on the first
/// broken expectation, and at its end on any accessibility or page-load problem collected on
/// the way; when it fails, a screenshot of every page it reached goes to screenshots/.
export function scenario(name, fn, options = {}) {
  test(name, options, async () => {
    const s = new Scenario(name);
    let failure = null;
    try {
      await fn(s);
      s.assertNoProblems();
    } catch (e) {
      failure = e;
    }
    try {
      await s.close();
    } catch (e) {
      failure ??= e;
    }
    if (failure) {
      const dir = s.writeScreenshots();
      const errors = run.app.errorLines().slice(s.errorLinesAtStart);
      let message = failure.message;
      if (s.problems.length > 0 && !message.includes(s.problems[0])) {
        message += `\nAlso found on the way:\n${s.problems.join('\n')}`;
      }
      if (dir) message += `\n(screenshots of the ${s.pages.length} pages reached: ${path.relative(process.cwd(), dir)})`;
      if (errors.length > 0) message += `\nThe app logged errors during this scenario:\n${errors.join('\n')}`;
      failure.message = message;
      throw failure;
    }
  });
}

export class Scenario {
  constructor(name) {
    this.name = name;
    this.pages = [];
    this.problems = [];
    this.visitors = [];
    this.errorLinesAtStart = run.app ? run.app.errorLines().length : 0;
  }

  /// A person without an account, in a browser of their own.
  async anonymous(actor = 'borger') {
    const context = await run.browser.newContext({
      baseURL: run.app.url,
      bypassCSP: true, // to inject axe-core; the app's CSP allows only its own scripts
      locale: 'da-DK',
      timezoneId: 'Europe/Copenhagen',
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const v = new Visitor(this, actor, context, page);
    this.visitors.push(v);
    return v;
  }

  /// A demo user, signed in with the keyboard on /login and landing on their home page.
  async signIn(email, { password = PASSWORD } = {}) {
    const v = await this.anonymous(email);
    await v.goto('/login');
    await v.fill('E-mail', email);
    await v.fill('Adgangskode', password);
    await v.pressEnter();
    assert.equal(v.path(), '/', `${email} should land on the home page after signing in, not ${v.page.url()}`);
    return v;
  }

  problem(text) {
    this.problems.push(text);
  }

  assertNoProblems() {
    if (this.problems.length > 0) {
      assert.fail(`${this.problems.length} problem(s) on the pages of "${this.name}":\n${this.problems.join('\n')}`);
    }
  }

  async close() {
    for (const v of this.visitors) await v.context.close();
    this.visitors = [];
  }

  writeScreenshots() {
    if (this.pages.length === 0) return null;
    const dir = path.join(SCREENSHOT_DIR, slug(this.name));
    writeScreenshots(dir, this.pages);
    return dir;
  }
}

function writeScreenshots(dir, pages) {
  fs.mkdirSync(dir, { recursive: true });
  for (const p of pages) {
    if (p.screenshot) fs.writeFileSync(path.join(dir, `${pageLabel(p)}.png`), p.screenshot);
  }
}

function pageLabel(p) {
  const u = new URL(p.url);
  return `${String(p.n).padStart(3, '0')}-${slug(p.actor)}-${slug(u.pathname + u.search) || 'root'}-${p.status}`;
}

function slug(s) {
  return s
    .toLowerCase()
    .replace(/[æ]/g, 'ae')
    .replace(/[ø]/g, 'oe')
    .replace(/[å]/g, 'aa')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
}

/// One person in one browser context, with a keyboard.
export class Visitor {
  constructor(scenario, actor, context, page) {
    this.scenario = scenario;
    this.actor = actor;
    this.context = context;
    this.page = page;
    this.last = null;
    // Anything a page loads (stylesheet, icon) must load.
    page.on('response', (r) => {
      if (r.request().isNavigationRequest()) return;
      if (r.status() >= 400) {
        scenario.problem(`${r.request().resourceType()} ${r.url()} answered ${r.status()} (on ${page.url()})`);
      }
    });
    page.on('requestfailed', (r) => {
      if (r.isNavigationRequest()) return;
      scenario.problem(`${r.resourceType()} ${r.url()} failed: ${r.failure()?.errorText} (on ${page.url()})`);
    });
    page.on('pageerror', (e) => scenario.problem(`JavaScript error on ${page.url()}: ${e.message}`));
  }

  url(p) {
    return new URL(p, run.app.url).href;
  }

  /// The path and query of the current page.
  path() {
    const u = new URL(this.page.url());
    return u.pathname + u.search;
  }

  /// Opens an address as if typed into the address bar.
  async goto(p, { status = 200 } = {}) {
    const response = await this.page.goto(this.url(p), { waitUntil: 'load' });
    return this.arrive(response, status);
  }

  /// Runs an action that leads to a new page (a key press on a link or a submit button) and
  /// checks the page it leads to.
  async navigate(action, { status = 200 } = {}) {
    const [response] = await Promise.all([this.page.waitForNavigation({ waitUntil: 'load' }), action()]);
    return this.arrive(response, status);
  }

  async arrive(response, status) {
    assert.ok(response, `no response for ${this.page.url()}`);
    const page = this.page;
    const record = {
      n: run.pages.length + 1,
      scenario: this.scenario.name,
      actor: this.actor,
      url: page.url(),
      status: response.status(),
      contentType: response.headers()['content-type'] ?? '',
      html: null,
      screenshot: null,
    };
    run.pages.push(record);
    this.scenario.pages.push(record);
    this.last = record;
    record.screenshot = await page.screenshot({ fullPage: true });
    if (record.contentType.startsWith('text/html')) {
      record.html = await response.text();
      if (!/no-store/.test(response.headers()['cache-control'] ?? '')) {
        this.scenario.problem(`${record.url} is sent without Cache-Control: no-store`);
      }
      this.lintServedHtml(record);
      await this.axe(record);
    } else {
      this.scenario.problem(`${record.url} is not HTML but ${record.contentType}`);
    }
    if (status !== undefined && status !== null && record.status !== status) {
      const summary = await page
        .locator('.error-summary, [role="alert"]')
        .allInnerTexts()
        .catch(() => []);
      assert.equal(
        record.status,
        status,
        `${this.actor}: ${record.url} answered ${record.status}, expected ${status}; h1: ${await this.h1().catch(() => '?')}` +
          (summary.length ? `\n${summary.join('\n')}` : ''),
      );
    }
    return record;
  }

  /// The app's CSP allows no inline script or style; axe needs bypassCSP, so a page that would
  /// rely on inline code is caught here from the served HTML instead.
  lintServedHtml(record) {
    const html = record.html;
    const found = [];
    if (/<script\b/i.test(html)) found.push('a <script> element (the app uses no JavaScript)');
    if (/<style\b/i.test(html)) found.push('a <style> element (CSP: style-src self)');
    if (/\sstyle\s*=\s*["']/i.test(html)) found.push('a style="" attribute (CSP: style-src self)');
    if (/\son[a-z]+\s*=\s*["']/i.test(html)) found.push('an inline event handler (CSP)');
    for (const f of found) this.scenario.problem(`${record.url}: served HTML has ${f}`);
  }

  async axe(record) {
    const violations = await runAxe(this.page);
    for (const v of violations) {
      for (const n of v.nodes) {
        this.scenario.problem(
          `axe ${v.id} (${v.impact}) on ${record.url} [${this.actor}]: ${v.help} — ${n.target} — ${n.html.slice(0, 200)}`,
        );
      }
    }
    record.axeViolations = violations.length;
    record.axeIncomplete = violations.incomplete;
  }

  // ---- the keyboard ----

  /// Presses Tab until the element (one of the elements) of `locator` has the focus; fails if
  /// it cannot be reached with Tab at all.
  async tabTo(locator, what = String(locator)) {
    const count = await locator.count();
    assert.ok(count > 0, `${what} is not on ${this.page.url()}`);
    for (let i = 0; i < 150; i++) {
      if (await locator.evaluateAll((els) => els.includes(document.activeElement))) return;
      await this.page.keyboard.press('Tab');
    }
    assert.fail(`${what} could not be reached with Tab on ${this.page.url()}`);
  }

  field(label, { exact = false } = {}) {
    return typeof label === 'string' || label instanceof RegExp ? this.page.getByLabel(loose(label), { exact }) : label;
  }

  /// Tabs to a text field by its label and types the text (replacing what is there).
  async fill(label, text, options = {}) {
    const f = this.field(label, options);
    await this.tabTo(f, `the field "${label}"`);
    if ((await f.inputValue()) !== '') await this.page.keyboard.press('ControlOrMeta+a');
    if (text === '') {
      await this.page.keyboard.press('Delete');
    } else {
      await this.page.keyboard.type(text);
    }
    assert.equal(await f.inputValue(), text.replace(/\r\n/g, '\n'), `typing into "${label}"`);
  }

  /// A date field: typed as a person would in Chromium's Danish date field (dd mm yyyy).
  async fillDate(label, iso, options = {}) {
    const f = this.field(label, options);
    await this.tabTo(f, `the date field "${label}"`);
    const type = await f.getAttribute('type');
    if (type === 'date') {
      const [y, m, d] = iso.split('-');
      await this.page.keyboard.type(`${d}${m}${y}`);
      if ((await f.inputValue()) !== iso) await f.fill(iso); // keyboard layout differs: set it
    } else {
      if ((await f.inputValue()) !== '') await this.page.keyboard.press('ControlOrMeta+a');
      await this.page.keyboard.type(iso);
    }
  }

  /// Checks (or unchecks) a checkbox with Space.
  async check(label, on = true, options = {}) {
    const box = this.field(label, options);
    await this.tabTo(box, `the checkbox "${label}"`);
    if ((await box.isChecked()) !== on) await this.page.keyboard.press('Space');
    assert.equal(await box.isChecked(), on, `checkbox "${label}"`);
  }

  /// Chooses a radio button in the fieldset whose legend is `group`, with Tab and the arrow keys.
  async choose(group, option, { exact = false } = {}) {
    const fieldset = typeof group === 'string' || group instanceof RegExp ? this.page.getByRole('group', { name: group }) : group;
    const radios = fieldset.getByRole('radio');
    const target = fieldset.getByLabel(loose(option), { exact });
    await this.tabTo(radios, `the radio group "${group}"`);
    const n = await radios.count();
    for (let i = 0; i <= n; i++) {
      if (await target.evaluate((el) => el === document.activeElement)) break;
      await this.page.keyboard.press('ArrowDown');
    }
    if (!(await target.isChecked())) await this.page.keyboard.press('Space');
    assert.ok(await target.isChecked(), `"${option}" in "${group}" should be chosen`);
  }

  /// Chooses an option of a <select> by its visible text, with the arrow keys.
  async select(label, optionText, options = {}) {
    const sel = this.field(label, options);
    await this.tabTo(sel, `the list "${label}"`);
    const wanted = await sel.evaluate(
      (el, [source, flags, text]) => {
        const re = source === null ? null : new RegExp(source, flags);
        const o = [...el.options].find((o) => o.value !== '' && (re ? re.test(o.text) : o.text.trim() === text));
        return o ? o.index : -1;
      },
      optionText instanceof RegExp ? [optionText.source, optionText.flags, null] : [null, '', optionText],
    );
    assert.ok(wanted >= 0, `no option "${optionText}" in "${label}"`);
    for (let i = 0; i < 200; i++) {
      const at = await sel.evaluate((el) => el.selectedIndex);
      if (at === wanted) break;
      await this.page.keyboard.press(at < wanted ? 'ArrowDown' : 'ArrowUp');
    }
    assert.equal(await sel.evaluate((el) => el.selectedIndex), wanted, `choosing "${optionText}" in "${label}"`);
  }

  /// Presses Enter where the focus is, leading to a new page (submits from a text field).
  async pressEnter(options) {
    return this.navigate(() => this.page.keyboard.press('Enter'), options);
  }

  /// Tabs to a button by its text and presses Enter.
  async submit(name, options) {
    // A form's button in the content; the header's "Log ud" only when asked for by name.
    const role = ['button', { name, exact: typeof name === 'string' }];
    const inMain = this.page.locator('main').getByRole(...role);
    const b = (await inMain.count()) > 0 ? inMain : this.page.getByRole(...role);
    await this.tabTo(b, `the button "${name}"`);
    return this.pressEnter(options);
  }

  /// Tabs to a link by its text and presses Enter.
  async follow(name, options) {
    const l = this.page.getByRole('link', { name, exact: typeof name === 'string' }).first();
    await this.tabTo(l, `the link "${name}"`);
    return this.pressEnter(options);
  }

  /// Tabs to an element (a link or button) and presses Enter, leading to a new page.
  async activate(locator, options) {
    await this.tabTo(locator.first(), String(locator));
    return this.pressEnter(options);
  }

  /// Follows the link in the table row that mentions `text` (a list's row for one person).
  async openRow(text, options) {
    const row = this.page.locator('tbody tr', { hasText: text }).first();
    assert.ok(await row.count(), `a row with "${text}" on ${this.page.url()}`);
    return this.activate(row.getByRole('link').first(), options);
  }

  /// Tabs to a link by its text and presses Enter; the answer is a download. Returns
  /// { filename, body } (the body as text).
  async download(name) {
    const l = this.page.getByRole('link', { name, exact: typeof name === 'string' }).first();
    await this.tabTo(l, `the link "${name}"`);
    const [dl] = await Promise.all([this.page.waitForEvent('download'), this.page.keyboard.press('Enter')]);
    const file = await dl.path();
    return { filename: dl.suggestedFilename(), url: dl.url(), body: fs.readFileSync(file, 'utf8') };
  }

  // ---- reading the page ----

  async h1() {
    return (await this.page.locator('h1').first().innerText()).trim();
  }

  async mainText() {
    return this.page.locator('main').innerText();
  }

  async expectH1(re) {
    const h = await this.h1();
    assert.match(h, re instanceof RegExp ? re : new RegExp(escapeRe(re)), `h1 on ${this.page.url()}`);
  }

  async expectText(re, where = 'main') {
    const t = await this.page.locator(where).innerText();
    assert.match(t, re instanceof RegExp ? re : new RegExp(escapeRe(re)), `text of ${where} on ${this.page.url()}`);
  }

  async expectNoText(re, where = 'main') {
    const t = await this.page.locator(where).innerText();
    assert.doesNotMatch(t, re instanceof RegExp ? re : new RegExp(escapeRe(re)), `text of ${where} on ${this.page.url()}`);
  }

  /// A rejected form: the error summary (focusable, announced, linking to every field in
  /// error), and at each named field aria-invalid and a message tied to it with
  /// aria-describedby. `fields` maps a field's id to a pattern of its message.
  async expectFormErrors(fields) {
    const summary = this.page.locator('.error-summary');
    assert.equal(await summary.count(), 1, `one error summary on ${this.page.url()}`);
    assert.equal(await summary.getAttribute('tabindex'), '-1', 'the error summary can take the focus');
    assert.equal(await summary.getAttribute('role'), 'alert', 'the error summary is announced');
    const links = await summary.locator('a[href^="#"]').evaluateAll((as) => as.map((a) => a.getAttribute('href').slice(1)));
    for (const [id, re] of Object.entries(fields)) {
      assert.ok(links.includes(id), `the error summary links to #${id} (links: ${links.join(', ')})`);
      const info = await this.page.evaluate((id) => {
        const el = document.getElementById(id);
        if (!el) return null;
        const described = (el.getAttribute('aria-describedby') || '')
          .split(/\s+/)
          .filter(Boolean)
          .map((d) => document.getElementById(d)?.textContent ?? '')
          .join(' ');
        const own = el.closest('fieldset')?.querySelector('.field-error')?.textContent ?? '';
        return {
          tag: el.tagName.toLowerCase(),
          invalid: el.getAttribute('aria-invalid'),
          described,
          own,
        };
      }, id);
      assert.ok(info, `#${id} exists`);
      if (!['input', 'select', 'textarea'].includes(info.tag)) {
        assert.match(info.own + info.described, re, `the message at the group #${id}`);
      } else {
        assert.equal(info.invalid, 'true', `#${id} has aria-invalid="true"`);
        assert.match(info.described, re, `the message tied to #${id} by aria-describedby`);
      }
    }
    for (const id of links) {
      assert.ok(await this.page.locator(`[id="${id}"]`).count(), `the summary's link #${id} leads to an element`);
    }
  }
}

/// axe-core on the page as it is, with the WCAG 2.0/2.1 A and AA rules. Returns the
/// violations; `incomplete` lists the rules axe could not decide on this page (reported, not
/// failed: axe asks a person to look at those).
export async function runAxe(page) {
  await page.addScriptTag({ path: AXE_PATH });
  const { violations, incomplete } = await page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations', 'incomplete'],
    });
    return {
      violations: result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html })),
      })),
      incomplete: result.incomplete.map((v) => ({ id: v.id, nodes: v.nodes.length })),
    };
  }, AXE_TAGS);
  return Object.assign(violations, { incomplete });
}

/// A date `days` from today in Copenhagen, as the forms take it: dd.mm.yyyy.
export function daDate(days = 0) {
  const d = new Date(Date.now() + days * 86_400_000);
  const parts = new Intl.DateTimeFormat('da-DK', {
    timeZone: 'Europe/Copenhagen',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).formatToParts(d);
  const get = (t) => parts.find((p) => p.type === t).value;
  return `${get('day')}.${get('month')}.${get('year')}`;
}

/// A label's text may start with the space after its input: let ^ allow for it.
function loose(label) {
  return label instanceof RegExp && label.source.startsWith('^')
    ? new RegExp(`^\\s*${label.source.slice(1)}`, label.flags)
    : label;
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---- the W3C Nu HTML checker, once for every page reached ----

/// Runs vnu over the served HTML of every page reached; returns { checked, errors, warnings }
/// where each message names the page, the scenario and the line.
export function validateAll(pages = run.pages, { screenshots: keepScreenshots = true } = {}) {
  const html = pages.filter((p) => p.html !== null);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infohus-vnu-'));
  const byFile = new Map();
  for (const p of html) {
    const file = path.join(dir, `${String(p.n).padStart(4, '0')}.html`);
    fs.writeFileSync(file, p.html);
    byFile.set(path.basename(file), p);
  }
  const out = spawnSync('java', ['-jar', VNU_JAR, '--format', 'json', '--stdout', '--exit-zero-always', dir], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (out.error) throw out.error;
  let report;
  try {
    report = JSON.parse(out.stdout);
  } catch {
    throw new Error(`vnu gave no JSON (exit ${out.status}):\n${out.stdout}\n${out.stderr}`);
  }
  const errors = [];
  const warnings = [];
  const failing = new Set();
  for (const m of report.messages ?? []) {
    const file = m.url ? path.basename(decodeURIComponent(m.url)) : '';
    const p = byFile.get(file);
    const where = p ? `${p.url} [${p.scenario} / ${p.actor}]` : m.url;
    const text = `${where} line ${m.lastLine ?? '?'}: ${m.message}${m.extract ? ` — ${JSON.stringify(m.extract.trim())}` : ''}`;
    if (m.type === 'error' || m.type === 'non-document-error') {
      errors.push(text);
      if (p) failing.add(p);
    } else if (m.type === 'info' && m.subType === 'warning') {
      warnings.push(text);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  let screenshots = null;
  if (failing.size > 0 && keepScreenshots) {
    screenshots = path.join(SCREENSHOT_DIR, 'invalid-html');
    writeScreenshots(screenshots, [...failing]);
  }
  return { checked: html.length, errors, warnings, screenshots };
}
