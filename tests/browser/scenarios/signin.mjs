// Signing in and out, home pages, the skip link and focus, and the login form's errors.

import assert from 'node:assert/strict';

import { PASSWORD, scenario } from '../lib/harness.mjs';

scenario('the skip link leads past the header to the content, and the focus is visible', async (s) => {
  const v = await s.anonymous();
  await v.goto('/login');
  const page = v.page;

  // The first Tab reaches the skip link, and it shows where it is.
  await page.keyboard.press('Tab');
  const skip = await page.evaluate(() => {
    const el = document.activeElement;
    const r = el.getBoundingClientRect();
    return { cls: el.className, text: el.textContent.trim(), href: el.getAttribute('href'), w: r.width, h: r.height, top: r.top, left: r.left };
  });
  assert.equal(skip.cls, 'skip-link', 'the first Tab reaches the skip link');
  assert.equal(skip.text, 'Gå til indhold');
  assert.ok(skip.w > 1 && skip.h > 1 && skip.top >= 0 && skip.left >= 0 && skip.top < 900, `the focused skip link is on screen (${JSON.stringify(skip)})`);

  // Enter moves the focus to <main>; the next Tab is the first field of the form.
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash === '#indhold');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'indhold', 'the focus is on the main content');
  await page.keyboard.press('Tab');
  // The first control of the page: "Log ind med <provider>" where identity providers are set
  // up (as in this run), else the e-mail field.
  assert.ok(
    await page.evaluate(() => document.activeElement === document.querySelector('main').querySelector('a[href], input:not([type=hidden]), button')),
    'the next Tab reaches the first control of the login page',
  );

  // The focus can be seen on a field, a button and a link: its style differs from unfocused.
  const focusStyle = (loc) =>
    loc.evaluate((el) => {
      const c = getComputedStyle(el);
      return [c.outlineStyle, c.outlineWidth, c.outlineColor, c.boxShadow, c.borderColor, c.backgroundColor, c.textDecorationLine].join('|');
    });
  const visible = (style) => {
    const [os, ow, , shadow] = style.split('|');
    return (os !== 'none' && parseFloat(ow) > 0) || shadow !== 'none';
  };
  for (const target of [
    page.locator('#email'),
    page.getByRole('button', { name: 'Log ind' }),
    page.getByRole('link', { name: 'Randers', exact: true }),
  ]) {
    await v.tabTo(target);
    const focused = await focusStyle(target);
    await page.keyboard.press('Tab');
    const blurred = await focusStyle(target);
    assert.ok(visible(focused), `${target} shows an outline or shadow when focused (${focused})`);
    assert.notEqual(focused, blurred, `${target} looks different with and without the focus`);
  }
});

scenario('a wrong password keeps the e-mail, says so in Danish, and a right one signs in', async (s) => {
  const v = await s.anonymous('staff@randers.demo');
  await v.goto('/login');
  await v.fill('E-mail', 'staff@randers.demo');
  await v.fill('Adgangskode', 'forkert-kode');
  await v.pressEnter({ status: 422 });
  const summary = v.page.locator('.error-summary');
  assert.equal(await summary.getAttribute('role'), 'alert');
  assert.equal(await summary.getAttribute('tabindex'), '-1', 'the error summary can take the focus');
  await v.expectText(/E-mail eller adgangskode er forkert/);
  assert.equal(await v.page.locator('#email').inputValue(), 'staff@randers.demo', 'the typed e-mail is kept');
  assert.equal(await v.page.locator('#password').inputValue(), '', 'the password is not sent back');

  await v.fill('Adgangskode', PASSWORD);
  await v.pressEnter();
  assert.equal(v.path(), '/');
  await v.expectH1(/^Velkommen/);
});

scenario('a visitor who is not signed in is sent to the login page and back where they were going', async (s) => {
  const v = await s.anonymous('coordinator@randers.demo');
  await v.goto('/');
  assert.match(v.path(), /^\/login/, 'the home page needs a login');
  await v.expectH1('Log ind i Infohus');
  await v.fill('E-mail', 'coordinator@randers.demo');
  await v.fill('Adgangskode', PASSWORD);
  await v.submit('Log ind');
  assert.equal(v.path(), '/');
});

const HOMES = [
  ['staff@randers.demo', 'Medarbejder'],
  ['leader@randers.demo', 'Leder'],
  ['key_employee@randers.demo', 'Nøglemedarbejder'],
  ['coordinator@ballerup.demo', 'Infohus-tovholder'],
  ['core_group@ballerup.demo', 'Kernegruppe'],
  ['steering_group@randers.demo', 'Styregruppe'],
  ['police@oestjyllands-politi.demo', 'Politiets Infohus-tovholder'],
  ['admin@infohus.demo', 'Administrator'],
];

scenario('each role signs in with the keyboard and sees its own home page', async (s) => {
  for (const [email, role] of HOMES) {
    const v = await s.signIn(email);
    await v.expectH1(/^Velkommen, \S/);
    await v.expectText(role, 'header');
    const current = v.page.locator('nav[aria-label="Hovedmenu"] a[aria-current="page"]');
    assert.equal(await current.innerText(), 'Forside', `${email}: the menu marks the home page as current`);
    // Every link on the home page leads to a page that exists for this user.
    const hrefs = await v.page.locator('main a[href^="/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const href of new Set(hrefs)) {
      const r = await v.context.request.get(href, { maxRedirects: 0 });
      assert.ok(r.status() < 400, `${email}: the home page links to ${href}, which answers ${r.status()}`);
    }
  }
});

scenario('signing out with the keyboard ends the session', async (s) => {
  const v = await s.signIn('leader@ballerup.demo');
  await v.submit('Log ud');
  assert.match(v.path(), /^\/login/);
  await v.expectText('Du er logget ud');
  // The old session no longer opens the home page.
  await v.goto('/');
  assert.match(v.path(), /^\/login/, 'after logging out, / asks for a login again');
});
