// The lists and counts each role works from, and the leader's question back to the employee.

import assert from 'node:assert/strict';

import { daDate, scenario } from '../lib/harness.mjs';

scenario('a leader sends a concern back with a question, the employee answers, and it goes on', async (s) => {
  const SUBJECT = 'Ida Spørgsmål';
  const staff = await s.signIn('staff2@randers.demo');
  await staff.goto('/bekymringer/ny?akut=nej');
  await staff.fill(staff.page.locator('#subject_name'), SUBJECT);
  await staff.fill(staff.page.locator('#subject_approx_age'), '15');
  await staff.choose('Er personen under 18 år?', 'Ja', { exact: true });
  await staff.fill(staff.page.locator('#observation'), 'Har tegnet hagekors i sine bøger og taler om en "racekrig".');
  await staff.choose(/Hvad handler bekymringen om/, 'Højreekstremisme');
  if ((await staff.page.locator('#reporter_name').inputValue()) === '') {
    await staff.fill(staff.page.locator('#reporter_name'), 'Medarbejder To');
  }
  await staff.submit('Send bekymringen');
  const concernPath = staff.path();

  // The other unit's leader: an empty question is refused, then sent.
  const leader = await s.signIn('leader2@randers.demo');
  await leader.goto('/leder/indbakke');
  await leader.openRow(SUBJECT);
  await leader.submit('Send tilbage med spørgsmål', { status: 422 });
  await leader.expectFormErrors({ question: /\S/ });
  await leader.fill(leader.page.locator('#question'), 'Hvornår så du tegningerne første gang?');
  await leader.submit('Send tilbage med spørgsmål');

  // The employee finds the question as a task on the home page and answers it; the concern
  // goes back to the leader, whose home page counts it, and who forwards it.
  await staff.goto('/');
  await staff.follow(/^Besvar lederens spørgsmål/);
  assert.equal(staff.path(), concernPath);
  await staff.expectText('Hvornår så du tegningerne første gang?');
  await staff.fill(staff.page.locator('#reply'), 'For to uger siden, i dansktimen.');
  await staff.submit('Send svar og bekymringen igen');
  await leader.goto('/');
  await leader.follow(/venter i din indbakke$/);
  assert.equal(leader.path(), '/leder/indbakke');
  await leader.openRow(SUBJECT);
  await leader.expectText('For to uger siden, i dansktimen.');
  await leader.submit(/^Send videre til/);
  // The first leader, of another unit, cannot open it.
  const otherLeader = await s.signIn('leader@randers.demo');
  await otherLeader.goto(concernPath, { status: 404 });
});

scenario('each role opens the lists and counts it works from', async (s) => {
  const key = await s.signIn('key_employee@randers.demo');
  await key.activate(key.page.locator('main a[href="/enhed/bekymringer"]'));
  await key.expectH1(/\S/);
  await key.activate(key.page.locator('nav a[href="/enhed/tal"]'));
  await key.expectH1(/\S/);

  // Ballerup's concerns do not pass through the leader: no inbox in the menu, and none at its address.
  const leader = await s.signIn('leader@ballerup.demo');
  await leader.goto('/enhed/tal');
  assert.equal(await leader.page.locator('nav a[href="/leder/indbakke"]').count(), 0, 'no inbox in Ballerup');
  await leader.goto('/leder/indbakke', { status: 403 });
  const randersLeader = await s.signIn('leader@randers.demo');
  await randersLeader.activate(randersLeader.page.locator('nav a[href="/leder/indbakke"]'));
  await randersLeader.expectH1('Lederens indbakke');

  const coordinator = await s.signIn('coordinator@randers.demo');
  // Every task, beyond the home page's first fifteen, and only the overdue ones.
  await coordinator.goto('/opgaver');
  await coordinator.expectH1('Mine opgaver');
  await coordinator.check('Kun overskredne');
  await coordinator.submit('Vis');
  assert.match(coordinator.path(), /^\/opgaver\?(.*&)?overskredne=ja/);
  // One kind of task, the overdue choice kept.
  await coordinator.select('Slags opgave', 'Opfølgning');
  await coordinator.submit('Vis');
  assert.match(coordinator.path(), /[?&]art=opfoelgning/);
  assert.ok(await coordinator.page.getByLabel('Kun overskredne').isChecked(), 'still only the overdue');
  await coordinator.activate(coordinator.page.locator('nav a[href="/sager"]'));
  await coordinator.expectH1('Sager');
  const stages = await coordinator.page.locator('#fase option').allInnerTexts();
  await coordinator.select('Vis sager', stages[stages.length - 1], { exact: true });
  await coordinator.submit('Vis');
  assert.match(coordinator.path(), /^\/sager\?.*fase=/);
  await coordinator.goto('/sager');
  const first = coordinator.page.locator('tbody tr a').first();
  await coordinator.activate(first);
  assert.match(coordinator.path(), /^\/sager\/[^/]+$/);
  await coordinator.goto(`${coordinator.path()}/adgangslog`);
  await coordinator.expectH1(/^Adgangslog/);
  // The case closed at the screening half a year ago is due for deletion within the month; the
  // coordinator postpones it, once refused for an empty form.
  await coordinator.activate(coordinator.page.locator('nav a[href="/sletning"]'));
  await coordinator.expectH1('Sager, der snart slettes');
  await coordinator.activate(coordinator.page.locator('tbody a[href$="/udskyd-sletning"]').first());
  await coordinator.expectH1(/^Udskyd sletningen/);
  await coordinator.submit('Udskyd sletningen', { status: 422 });
  await coordinator.expectFormErrors({ until: /\S/, reason: /\S/ });
  await coordinator.fill('Slet tidligst', daDate(60));
  await coordinator.fill(coordinator.page.locator('#reason'), 'Personen har klaget; sagen gemmes til klagen er afgjort.');
  await coordinator.submit('Udskyd sletningen');
  assert.match(coordinator.path(), /^\/sager\/[^/]+$/);
  await coordinator.expectText('Sletningen er udskudt til');
  // A person asks what Infohus holds about them: the coordinator finds it by CPR number.
  await coordinator.activate(coordinator.page.locator('nav a[href="/indsigt"]'));
  await coordinator.expectH1('Indsigt for en person');
  await coordinator.submit('Find oplysningerne', { status: 422 });
  await coordinator.expectFormErrors({ cpr: /\S/, purpose: /\S/ });
  await coordinator.fill('Personens CPR-nummer', '210107-4123');
  await coordinator.fill('Formål med søgningen', 'Anmodning om indsigt modtaget i dag');
  await coordinator.submit('Find oplysningerne');
  await coordinator.expectH1('Oplysninger om Lukas Holm');
  await coordinator.expectText('Hvem har set oplysningerne');

  const police = await s.signIn('police@oestjyllands-politi.demo');
  await police.goto('/sager');
  await police.goto('/politi/screening');
  await police.goto('/statistik');

  const core = await s.signIn('core_group@ballerup.demo');
  await core.goto('/sager');
  await core.goto('/infohus/indgang', { status: 403 });

  const staff = await s.signIn('staff@randers.demo');
  await staff.goto('/bekymringer');
  await staff.goto('/sager', { status: 403 });
  // Min konto: a wrong current password is refused at its field; the sessions are listed.
  await staff.goto('/');
  await staff.activate(staff.page.locator('a[href="/konto"]'));
  await staff.expectH1('Min konto');
  await staff.fill('Nuværende adgangskode', 'ikke den rigtige adgangskode');
  await staff.fill('Ny adgangskode', 'en helt ny og lang adgangssætning');
  await staff.fill('Gentag den nye adgangskode', 'en helt ny og lang adgangssætning');
  await staff.submit('Skift adgangskode', { status: 422 });
  await staff.expectFormErrors({ current_password: /forkert/ });
  await staff.expectText('Denne session');
  // A malformed case id is simply not found.
  await coordinator.goto('/sager/ikke-et-id', { status: 404 });
});
