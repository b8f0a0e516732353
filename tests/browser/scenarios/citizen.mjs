// A citizen reports anonymously from the municipality's public page and checks the status
// with the receipt code; the public pages and the printable action card.

import assert from 'node:assert/strict';

import { scenario } from '../lib/harness.mjs';

scenario('a citizen reports anonymously from the public page and follows it with the receipt code', async (s) => {
  const citizen = await s.anonymous();
  await citizen.goto('/k/randers');
  await citizen.expectText('112');
  await citizen.follow('Fortæl om din bekymring');
  await citizen.expectH1('Fortæl om din bekymring');

  // The acute question comes first: a yes stops before the form, with the number to call.
  await citizen.submit('Videre', { status: 422 });
  await citizen.expectFormErrors({ akut: /\S/ });
  await citizen.choose(/Er nogen i fare lige nu/, 'Ja', { exact: true });
  await citizen.submit('Videre');
  await citizen.expectText('Ring 112 nu');
  assert.equal(await citizen.page.locator('#observation').count(), 0, 'no form while someone is in danger');
  await citizen.follow('Faren er overstået: fortæl om bekymringen');
  assert.equal(await citizen.page.locator('#observation').count(), 1, 'the form once the danger is over');

  // First without the required answers: the form comes back with what was typed.
  await citizen.fill(citizen.page.locator('#subject_name'), 'Naboens søn');
  await citizen.fill(citizen.page.locator('#subject_approx_age'), '16');
  await citizen.submit('Send din bekymring', { status: 422 });
  await citizen.expectFormErrors({ observation: /\S/, kind: /\S/ });
  assert.equal(await citizen.page.locator('#subject_name').inputValue(), 'Naboens søn', 'the name is kept');
  assert.equal(await citizen.page.locator('#subject_approx_age').inputValue(), '16', 'the age is kept');

  await citizen.choose('Er personen under 18 år?', 'Ja', { exact: true });
  await citizen.fill(
    citizen.page.locator('#observation'),
    'Han har skiftet vennekreds og deler videoer, der hylder et terrorangreb.',
  );
  await citizen.choose(/Hvad handler bekymringen om/, 'Anden eller uklar');
  await citizen.submit('Send din bekymring');
  assert.match(citizen.path(), /^\/k\/randers\/kvittering/);
  await citizen.expectH1('Tak for din henvendelse');
  const code = (await citizen.page.locator('.receipt-code').innerText()).trim();
  assert.match(code, /^[A-Z0-9]{4}(-[A-Z0-9]{4})+$/, `a receipt code (${code})`);

  // The code is shown once only.
  await citizen.goto('/k/randers/kvittering');
  await citizen.expectText('allerede vist');

  // A wrong code finds nothing; the right one gives the stage and nothing more.
  await citizen.follow('se status for din henvendelse');
  await citizen.expectH1('Se status for din henvendelse');
  await citizen.fill('Kvitteringskode', 'AAAA-BBBB-CCCC-DDDD-EEEE');
  await citizen.pressEnter();
  await citizen.expectText('Vi fandt ingen henvendelse');
  await citizen.fill('Kvitteringskode', code);
  await citizen.submit('Se status');
  await citizen.expectText(/Status for henvendelsen: \S/);
  await citizen.expectNoText('Naboens søn');
});

scenario('the public pages and the printable action card of both municipalities', async (s) => {
  const v = await s.anonymous();
  for (const kommune of ['randers', 'ballerup']) {
    await v.goto(`/k/${kommune}`);
    await v.follow('actioncardet');
    assert.equal(v.path(), `/k/${kommune}/actioncard`);
    await v.expectText('112');
    // It prints: the print stylesheet leaves the content on the page.
    await v.page.emulateMedia({ media: 'print' });
    assert.ok((await v.page.locator('main').innerText()).length > 200, 'the action card has content when printed');
    // And fits one A4 page.
    const pdf = (await v.page.pdf({ format: 'A4' })).toString('latin1');
    const pages = (pdf.match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
    assert.equal(pages, 1, `the action card of ${kommune} prints on one A4 page (${pages})`);
    await v.page.emulateMedia({ media: 'screen' });
  }
  await v.goto('/k/findes-ikke', { status: 404 });
});
