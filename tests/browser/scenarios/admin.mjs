// The administrator's user list: a rejected form keeps what was typed and names each error at
// its field; the corrected form creates the user, who chooses their own password on a one-time
// link and signs in with it.

import assert from 'node:assert/strict';

import { scenario } from '../lib/harness.mjs';

scenario('an administrator creates a user with the keyboard; the user sets a password on the link', async (s) => {
  const v = await s.signIn('admin@infohus.demo');
  await v.follow('Brugere');
  await v.expectH1('Brugere');
  const form = v.page.locator('form[action="/admin/brugere"]');
  assert.equal(await form.locator('input[type="password"]').count(), 0, 'the admin types no password');

  await v.fill(form.getByLabel('E-mail'), 'ny.medarbejder@randers.demo');
  await v.submit('Opret bruger', { status: 422 });
  await v.expectFormErrors({ name: /\S/, roles: /mindst én rolle/ });
  assert.equal(await form.getByLabel('E-mail').inputValue(), 'ny.medarbejder@randers.demo', 'the e-mail is kept');

  await v.fill(form.getByLabel('Navn'), 'Ny Medarbejder');
  await v.check(form.getByLabel('Medarbejder', { exact: true }));
  await v.select(form.getByLabel('Kommune'), 'Randers Kommune');
  await v.submit('Opret bruger');
  await v.expectText('ny.medarbejder@randers.demo');
  const notice = await v.page.locator('.notice').innerText();
  const link = notice.match(/\/adgangskode\/[A-Za-z0-9_-]+/);
  assert.ok(link, `the notice gives the set-password link: ${notice}`);

  const user = await s.anonymous('ny.medarbejder@randers.demo');
  await user.goto(link[0]);
  await user.expectH1('Vælg din adgangskode');
  await user.fill('Ny adgangskode', 'en-lang-adgangskode-2026');
  await user.fill('Skriv adgangskoden igen', 'en-lang-adgangskode-2026');
  await user.submit('Gem adgangskoden');
  await user.expectText(/adgangskode er gemt/);
  await user.fill('E-mail', 'ny.medarbejder@randers.demo');
  await user.fill('Adgangskode', 'en-lang-adgangskode-2026');
  await user.pressEnter();
  assert.equal(user.path(), '/', 'the new user lands on the home page');
});
