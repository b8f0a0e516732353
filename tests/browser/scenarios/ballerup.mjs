// Ballerup: staff files directly to the coordinator (no leader step) → the coordinator opens a
// case → the police decide "not for Infohus" → the case closes.

import assert from 'node:assert/strict';

import { scenario } from '../lib/harness.mjs';

const SUBJECT = 'Bo Browsertest';

scenario('Ballerup: a concern goes straight to the coordinator, the police find it not for Infohus, and the case closes', async (s) => {
  const staff = await s.signIn('staff@ballerup.demo');
  await staff.activate(staff.page.locator('main a[href="/bekymringer/ny"]'));
  await staff.choose(/Er nogen i fare lige nu/, 'Nej', { exact: true });
  await staff.submit('Videre');
  await staff.fill(staff.page.locator('#subject_name'), SUBJECT);
  await staff.fill(staff.page.locator('#subject_approx_age'), '19');
  await staff.choose('Er personen under 18 år?', 'Nej', { exact: true });
  await staff.fill(staff.page.locator('#observation'), 'Har truet en kollega med vold og har et våben i sin taske.');
  await staff.choose(/Hvad handler bekymringen om/, 'Anden eller uklar');
  if ((await staff.page.locator('#reporter_name').inputValue()) === '') {
    await staff.fill(staff.page.locator('#reporter_name'), 'Medarbejder Ballerup');
  }
  await staff.submit('Send bekymringen');
  assert.match(staff.path(), /^\/bekymringer\/[^/]+$/);
  await staff.expectText('Den Lille Enhed', 'body');

  const coordinator = await s.signIn('coordinator@ballerup.demo');
  await coordinator.activate(coordinator.page.locator('main a[href="/infohus/indgang"]'));
  await coordinator.openRow(SUBJECT);
  await coordinator.submit('Opret sag og tilknyt bekymringen');
  assert.match(coordinator.path(), /^\/sager\/[^/]+$/);
  const casePath = coordinator.path();
  const reference = (await coordinator.h1()).match(/^Sag (\S+):/)[1];
  await coordinator.submit('Send til politiets screening');

  // Københavns Vestegns Politi: not for Infohus; the police handle it.
  const police = await s.signIn('police@koebenhavns-vestegns-politi.demo');
  await police.activate(police.page.locator('main a[href="/politi/screening"]'));
  await police.openRow(reference);
  if (!police.path().endsWith('/screening')) await police.follow('Registrér politiets screening');
  await police.choose(/kriminelle eller sikkerhedsmæssige grunde/, /^Ja: politiet håndterer sagen/);
  // The note is required when the police take over: first without it.
  await police.submit('Registrér screening', { status: 422 });
  await police.expectFormErrors({ note: /\S/ });
  assert.ok(
    await police.page.getByLabel(/Ja: politiet håndterer sagen/).isChecked(),
    'the chosen outcome is kept',
  );
  await police.fill(police.page.locator('#note'), 'Politiet efterforsker truslen. Sagen håndteres af politiet.');
  await police.submit('Registrér screening');

  // The case is closed, with the reason, for the coordinator.
  await coordinator.goto(casePath);
  await coordinator.expectText('Ikke til Infohus');
  await coordinator.expectNoText('Send til politiets screening');
  // Another district's police cannot see it at all.
  const otherPolice = await s.signIn('police@oestjyllands-politi.demo');
  await otherPolice.goto(casePath, { status: 404 });
});

