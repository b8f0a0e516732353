// A form submitted with errors comes back with every typed value kept and the errors
// announced next to the fields.

import assert from 'node:assert/strict';

import { scenario } from '../lib/harness.mjs';

scenario('a concern form with errors keeps the typed values and announces each error at its field', async (s) => {
  const v = await s.signIn('staff2@randers.demo');
  await v.goto('/bekymringer/ny?akut=nej');
  const observation = 'Linje ét.\nLinje to med «citationstegn» & <tegn>.';
  await v.fill(v.page.locator('#subject_birth_date'), '31.02.2010'); // no such date
  await v.fill(v.page.locator('#observation'), observation);
  await v.check(v.page.locator('#warning_signs input[type="checkbox"]').nth(1));
  await v.fill(v.page.locator('#reporter_email'), 'ikke-en-adresse');
  await v.submit('Send bekymringen', { status: 422 });

  await v.expectFormErrors({
    subject_name: /\S/,
    subject_birth_date: /\S/,
    kind: /\S/,
    reporter_email: /gyldig e-mail/,
  });
  // Everything typed is still there.
  assert.equal(await v.page.locator('#subject_birth_date').inputValue(), '31.02.2010');
  assert.equal(await v.page.locator('#observation').inputValue(), observation);
  assert.ok(await v.page.locator('#warning_signs input[type="checkbox"]').nth(1).isChecked(), 'the ticked sign is kept');
  assert.equal(await v.page.locator('#reporter_email').inputValue(), 'ikke-en-adresse');

  // The summary's first link leads to its field with the keyboard.
  const first = v.page.locator('.error-summary a').first();
  const target = (await first.getAttribute('href')).slice(1);
  await v.tabTo(first, 'the first link of the error summary');
  await v.page.keyboard.press('Enter');
  await v.page.waitForFunction((id) => location.hash === `#${id}`, target);
  // The focus moves to the field itself, so typing corrects it at once.
  await v.page.waitForFunction((id) => document.activeElement?.id === id, target);
  // Each line of the summary names its field ("Navn: …").
  const lines = await v.page.locator('.error-summary a').allInnerTexts();
  assert.ok(lines.some((l) => /^Navn: /.test(l)), `the summary names the field (${lines.join(' | ')})`);
});
