// Alerts and handover, last because the handover changes who holds the demo's cases: the
// header counts unread alerts, a user chooses a daily mail, the admin reads the outgoing mail;
// deactivating a core-group member who still holds work offers the handover, which moves it.

import assert from 'node:assert/strict';

import { scenario } from '../lib/harness.mjs';

scenario('the header counts unread alerts; a user chooses one mail a day; the admin sees the outgoing mail', async (s) => {
  const leader = await s.signIn('leader@randers.demo');
  const link = leader.page.locator('header a[href="/beskeder"]');
  assert.match(await link.innerText(), /^Beskeder \d+/, 'the header counts the unread');
  await leader.activate(link);
  await leader.expectH1('Beskeder');
  await leader.submit('Markér alle som læst');
  assert.equal(await leader.page.locator('header a[href="/beskeder"] .badge').count(), 0, 'nothing unread');

  await leader.follow('Mine indstillinger');
  await leader.expectH1('Mine indstillinger');
  await leader.expectText('leader@randers.demo');
  await leader.choose('Hvordan vil du have beskeder på mail?', 'Én samlet mail om dagen');
  await leader.submit('Gem');
  assert.match(await leader.page.locator('.notice').innerText(), /indstillinger er gemt/);
  assert.ok(await leader.page.getByLabel('Én samlet mail om dagen').isChecked(), 'the choice is kept');

  const admin = await s.signIn('admin@infohus.demo');
  await admin.activate(admin.page.locator('nav a[href="/admin/udgaaende-post"]'));
  await admin.expectH1('Udgående post');
  await admin.expectText(/Mislykket/);
});

scenario('deactivating a core-group member who holds work offers the handover, which moves all of it', async (s) => {
  const admin = await s.signIn('admin@infohus.demo');
  await admin.follow('Brugere');
  await admin.submit('Deaktivér Peter Skov');
  await admin.expectH1('Deaktivér Peter Skov?');
  await admin.expectText(/Plankoordinator for \d+ handleplan/);
  await admin.follow('Overdrag ansvaret først');
  await admin.expectH1('Overdrag ansvar');
  assert.equal(await admin.page.locator('main a[href^="/sager/"]').count(), 0, 'the admin sees counts, not cases');

  // Without a successor: refused at the field, the person still chosen.
  await admin.submit('Overdrag alt til den valgte', { status: 422 });
  await admin.expectFormErrors({ til: /Vælg en aktiv tovholder/ });
  await admin.select('Overdrag til', /^Maria Krogh Degn/);
  await admin.submit('Overdrag alt til den valgte');
  assert.match(await admin.page.locator('.notice').innerText(), /er overdraget fra Peter Skov til Maria Krogh Degn/);
  await admin.expectText(/har intet ansvar på sager, der arbejdes med/);

  // Now the deactivation goes through at once.
  await admin.follow('Brugere');
  await admin.submit('Deaktivér Peter Skov');
  await admin.expectText(/Peter Skov er deaktiveret/, 'body');

  // The coordinator sees, by reference, what a colleague holds.
  const coordinator = await s.signIn('coordinator@randers.demo');
  await coordinator.follow('Overdrag ansvar');
  await coordinator.select('Hvis ansvar skal overdrages?', /^Maria Krogh Degn/);
  await coordinator.submit('Vis, hvad de har ansvar for');
  assert.ok((await coordinator.page.locator('main table a[href^="/sager/"]').count()) > 0, 'the cases, by reference');
});
