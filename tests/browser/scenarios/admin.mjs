// The administrator's user list: a rejected form keeps what was typed and names each error at
// its field; the corrected form creates the user.

import assert from 'node:assert/strict';

import { scenario } from '../lib/harness.mjs';

scenario('an administrator creates a user with the keyboard; a rejected form keeps the typed values', async (s) => {
  const v = await s.signIn('admin@infohus.demo');
  await v.follow('Brugere');
  await v.expectH1('Brugere');
  const form = v.page.locator('form[action="/admin/brugere"]');

  await v.fill(form.getByLabel('E-mail'), 'ny.medarbejder@randers.demo');
  await v.fill(form.getByLabel('Første adgangskode'), 'kort');
  await v.submit('Opret bruger', { status: 422 });
  await v.expectFormErrors({ name: /\S/, roles: /mindst én rolle/, password: /\S/ });
  assert.equal(await form.getByLabel('E-mail').inputValue(), 'ny.medarbejder@randers.demo', 'the e-mail is kept');

  await v.fill(form.getByLabel('Navn'), 'Ny Medarbejder');
  await v.check(form.getByLabel('Medarbejder', { exact: true }));
  await v.select(form.getByLabel('Kommune'), 'Randers Kommune');
  await v.fill(form.getByLabel('Første adgangskode'), 'en-lang-adgangskode-2026');
  await v.submit('Opret bruger');
  await v.expectText('ny.medarbejder@randers.demo');
  assert.ok(await v.page.locator('.notice').count(), 'a notice says the user was created');
});
