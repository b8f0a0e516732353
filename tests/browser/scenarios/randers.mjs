// Randers, the whole flow: staff files a concern → the leader forwards it → the coordinator
// opens a case → the police clear it → joint triage → assessment → action plan with two
// interventions → a follow-up review → closing with an evaluation.

import assert from 'node:assert/strict';

import { daDate, scenario } from '../lib/harness.mjs';

const SUBJECT = 'Frederik Browsertest';

scenario('Randers: a concern goes from staff through the leader to the coordinator, who opens a case, and on to closing', async (s) => {
  // The employee files the concern with the keyboard.
  const staff = await s.signIn('staff@randers.demo');
  await staff.activate(staff.page.locator('main a[href="/bekymringer/ny"]'));
  await staff.expectH1('Ny bekymring');
  // The acute question comes first, on its own page.
  await staff.choose(/Er nogen i fare lige nu/, 'Nej', { exact: true });
  await staff.submit('Videre');
  await staff.fill(staff.page.locator('#subject_name'), SUBJECT);
  await staff.fill(staff.page.locator('#subject_birth_date'), '14.03.2010');
  await staff.fill(staff.page.locator('#subject_connection'), 'Elev i 9.b');
  await staff.fill(
    staff.page.locator('#observation'),
    'Har i flere uger vist voldelig propaganda til klassekammerater og taler om at "gøre noget" mod en bestemt gruppe.',
  );
  await staff.fill(staff.page.locator('#observed_when'), 'Over de sidste tre uger');
  await staff.check(staff.page.locator('#warning_signs input[type="checkbox"]').first());
  await staff.choose(/Hvad handler bekymringen om/, 'Højreekstremisme');
  await staff.choose('Er din leder orienteret?', 'Nej', { exact: true });
  if ((await staff.page.locator('#reporter_name').inputValue()) === '') {
    await staff.fill(staff.page.locator('#reporter_name'), 'Medarbejder Randers');
  }
  await staff.submit('Send bekymringen');
  const concernPath = staff.path();
  assert.match(concernPath, /^\/bekymringer\/[^/]+$/, 'the employee sees the filed concern');
  await staff.expectText('sendt til din nærmeste leder', 'body');

  // The employee's own list shows it.
  await staff.goto('/bekymringer');
  await staff.expectText(SUBJECT);

  // The leader finds it in the inbox, adds a remark and forwards it.
  const leader = await s.signIn('leader@randers.demo');
  await leader.activate(leader.page.locator('main a[href="/leder/indbakke"]'));
  await leader.openRow(SUBJECT);
  await leader.expectH1(SUBJECT);
  await leader.fill(leader.page.locator('#remark'), 'Jeg kender familien; forældrene er ikke orienteret endnu.');
  await leader.submit(/^Send videre til/);
  assert.equal(leader.path(), '/leder/indbakke');
  await leader.expectText('sendt videre', 'body');

  // The coordinator opens it from the intake queue and opens a case.
  const coordinator = await s.signIn('coordinator@randers.demo');
  await coordinator.activate(coordinator.page.locator('main a[href="/infohus/indgang"]'));
  await coordinator.openRow(SUBJECT);
  await coordinator.expectH1(SUBJECT);
  await coordinator.submit('Opret sag og tilknyt bekymringen');
  const casePath = coordinator.path();
  assert.match(casePath, /^\/sager\/[^/]+$/, 'opening the case leads to the case');

  await coordinator.expectH1(new RegExp(`^Sag \\S+: ${SUBJECT}$`));
  const reference = (await coordinator.h1()).match(/^Sag (\S+):/)[1];
  await coordinator.submit('Send til politiets screening');
  assert.equal(coordinator.path(), casePath);

  // Østjyllands Politi clears it for Infohus from the screening queue.
  const police = await s.signIn('police@oestjyllands-politi.demo');
  await police.activate(police.page.locator('main a[href="/politi/screening"]'));
  await police.openRow(reference);
  if (!police.path().endsWith('/screening')) await police.follow('Registrér politiets screening');
  await police.expectText('§ 115', 'main');
  await police.choose(/kriminelle eller sikkerhedsmæssige grunde/, /^Nej: sagen kan behandles i Infohus/);
  await police.submit('Registrér screening');

  // Joint triage: the coordinator proposes "within Infohus' remit", and it takes effect when
  // the police confirm it; then the core group joins the case.
  await coordinator.goto(casePath);
  await coordinator.follow('Fælles vurdering');
  await coordinator.choose('Jeres vurdering', /^Inden for Infohus' område/);
  await coordinator.choose('Er vurderingen aftalt med politiet?', /^Nej: send den som forslag/);
  await coordinator.submit('Send');
  assert.equal(coordinator.path(), casePath);
  await coordinator.expectText('Fælles vurdering: jeres forslag venter på den anden part');
  await police.goto(casePath);
  await police.follow('Fælles vurdering: bekræft eller svar på forslaget');
  await police.expectText(/Forslag fra infohus-tovholderen/);
  await police.submit('Bekræft forslaget');
  assert.equal(police.path(), casePath);
  await police.expectText(/Foreslået af .+, bekræftet af /);
  await coordinator.goto(casePath);
  await coordinator.follow('Sagens team');
  const member = (await coordinator.page.locator('#user option').allInnerTexts()).find((t) => t !== 'Vælg');
  await coordinator.select('Medlem af kernegruppen', member);
  await coordinator.submit('Tilføj til teamet');
  await coordinator.expectText(member);
  // The person turns out to have name and address protection; the case gets its ESDH number.
  await coordinator.goto(casePath);
  await coordinator.follow('Ret sagens oplysninger (adressebeskyttelse, journalnummer)');
  await coordinator.check(coordinator.page.locator('#subject_address_protected'));
  await coordinator.fill('Journalnummer (ESDH)', '27.00.00-G01-123-26');
  await coordinator.submit('Gem oplysningerne');
  assert.equal(coordinator.path(), casePath);
  await coordinator.expectText('Navne- og adressebeskyttelse.');
  await coordinator.expectText('27.00.00-G01-123-26');
  // What the coordinator gave to the municipality's child services goes in the register.
  await coordinator.follow('Registrér en videregivelse');
  await coordinator.fill('Dato for videregivelsen', daDate(0));
  await coordinator.fill('Modtager', 'Børn og Familie, Randers Kommune');
  await coordinator.fill(coordinator.page.locator('#content'), 'Bekymringen og politiets screening');
  await coordinator.choose(/^Hjemmel/, /^Barnets lov/);
  await coordinator.submit('Registrér videregivelsen');
  assert.equal(coordinator.path(), casePath);
  await coordinator.expectText('Videregivelsen er registreret.');

  // The core group's assessment, with the keyboard through the factors.
  const core = await s.signIn('core_group@randers.demo');
  await core.goto('/sager');
  await core.openRow(reference);
  await core.follow('Analyse og vurdering (vurderingsværktøj)');
  await core.fill('Infohus-mødets dato', daDate(0));
  const factors = core.page.locator('fieldset.rating');
  const factorCount = await factors.count();
  assert.ok(factorCount > 5, `the assessment tool has its factors (${factorCount})`);
  for (let i = 0; i < factorCount; i++) {
    await core.choose(factors.nth(i), ['Markant', 'Noget', 'Ikke set'][i % 3], { exact: true });
  }
  await core.fill(core.page.locator('#analysis_person'), 'Ung, isoleret, søger fællesskab online.');
  await core.fill(core.page.locator('#analysis_network'), 'Nye venner i et højreekstremt miljø; familien er bekymret.');
  await core.fill(core.page.locator('#analysis_ideology'), 'Deler propaganda, men har ingen fast ideologi.');
  await core.fill(core.page.locator('#analysis_intent_capability'), 'Ingen konkrete planer; taler om at "gøre noget".');
  await core.choose(/Kernegruppens konklusion/, /^Grundlag for bekymring/);
  await core.choose(/Forebyggelsesniveau/, /^Foregribende/);
  await core.submit('Registrér vurdering');
  assert.equal(core.path(), casePath);

  // The action plan with two interventions.
  await core.follow('Læg handleplan');
  await core.select('Plankoordinator', /\S/, { exact: false });
  await core.fill(core.page.locator('#goals'), 'Frederik får et fællesskab uden for miljøet og gennemfører 9. klasse.');
  if (await core.page.locator('#notification_made').count()) {
    await core.choose(/underretning efter Barnets lov/, 'Ja', { exact: true });
    await core.fill('Dato for underretning', daDate(0));
    // "Ja" without the authority it went to is refused at that field.
    await core.submit('Gem handleplanen', { status: 422 });
    await core.expectFormErrors({ notification_authority: /\S/ });
    await core.fill('Sendt til', 'Børn og Familie, Myndighed');
  }
  await core.submit('Gem handleplanen');
  if (await core.page.getByRole('button', { name: 'Bekræft, at underretningen er modtaget' }).count()) {
    await core.submit('Bekræft, at underretningen er modtaget');
    await core.expectText('modtagelsen er bekræftet');
  }
  for (const [n, authority] of [[1, 'Børn og Familie, Myndighed'], [2, 'Skoleafdelingen']]) {
    await core.follow('Tilføj indsats');
    await core.expectH1(/^Ny indsats/);
    const types = (await core.page.locator('#type_id option').allInnerTexts()).filter((t) => t !== 'Vælg' && !/^Anden/.test(t));
    await core.select(core.page.locator('#type_id'), types[n - 1]);
    await core.select(core.page.locator('#owner'), /\S/);
    await core.fill(core.page.locator('#authority'), authority);
    await core.choose(/^Hjemmel/, /^Barnets lov § 32/);
    await core.fill(core.page.locator('#start_date'), daDate(0));
    await core.fill(core.page.locator('#next_review_date'), daDate(30));
    await core.submit('Gem indsatsen');
    assert.equal(core.path(), casePath);
  }
  assert.equal(await core.page.locator('table:has(caption:text("Indsatser")) tbody tr').count(), 2, 'two interventions');
  // The first intervention starts: its status is changed from the plan's table.
  await core.activate(core.page.locator('table:has(caption:text("Indsatser")) tbody tr a').first());
  await core.expectH1(/^Indsats:/);
  const statuses = await core.page.locator('#status option').allInnerTexts();
  await core.select(core.page.locator('#status'), statuses.find((t) => /aktiv|i gang/i.test(t)) ?? statuses[1]);
  await core.submit('Gem indsatsen');
  assert.equal(core.path(), casePath);
  await core.submit('Planen er lagt: gå til opfølgning');

  // A follow-up review.
  await core.follow('Registrér opfølgning');
  await core.fill(core.page.locator('#progress'), 'Frederik kommer i klubben to gange om ugen og er stoppet med at dele propaganda.');
  await core.fill(core.page.locator('#next_review_date'), daDate(60));
  await core.submit('Registrér opfølgning');
  assert.equal(core.path(), casePath);

  // The coordinator closes it with an evaluation.
  await coordinator.goto(casePath);
  await coordinator.follow('Afslut sagen');
  await coordinator.choose(/^Årsag/, 'Mål nået', { exact: true });
  await coordinator.fill(coordinator.page.locator('#evaluation'), 'Målene er nået: Frederik er ude af miljøet og går i skole.');
  // Both interventions are still open: closing without answering for them is refused.
  await coordinator.submit('Afslut sagen', { status: 422 });
  const fates = coordinator.page.getByRole('group', { name: /^Hvad sker der med indsatsen\?/ });
  assert.equal(await fates.count(), 2, 'one question per open intervention');
  await coordinator.choose(fates.nth(0), 'Indsatsen er afsluttet');
  await coordinator.choose(fates.nth(1), 'Indsatsen fortsætter uden for Infohus');
  await coordinator.submit('Afslut sagen');
  assert.equal(coordinator.path(), casePath);
  await coordinator.expectText('Mål nået');
  await coordinator.expectText(/Fortsætter uden for Infohus \(/);
  await coordinator.expectText(/Afslutning/);
  // The case prints without its buttons and menus.
  await coordinator.page.emulateMedia({ media: 'print' });
  assert.equal(await coordinator.page.locator('main .no-print').first().isVisible(), false, 'no buttons on paper');
  assert.ok(await coordinator.page.locator('main h1').isVisible(), 'the case itself is on paper');
  await coordinator.page.emulateMedia({ media: 'screen' });

  // The follow-up after closing, where the municipality has one, and reopening with a reason.
  // (Randers follows up 6 and 12 months after closing a case that had a plan.)
  await coordinator.follow('Registrér opfølgning efter afslutning');
  await coordinator.expectH1(/^Opfølgning 6 måneder efter afslutning/);
  await coordinator.fill(coordinator.page.locator('#note'), 'Frederik har det godt og går i 10. klasse.');
  await coordinator.submit('Registrér opfølgning');
  assert.equal(coordinator.path(), casePath);
  await coordinator.follow('Genåbn sagen');
  await coordinator.submit('Genåbn sagen', { status: 422 });
  await coordinator.expectFormErrors({ reason: /\S/ });
  await coordinator.fill(coordinator.page.locator('#reason'), 'Ny bekymring fra skolen.');
  await coordinator.submit('Genåbn sagen');
  assert.equal(coordinator.path(), casePath);
  await coordinator.expectText('Send til politiets screening');

  // A citizen's new concern about the same person joins the open case instead of a second one.
  const citizen = await s.anonymous();
  await citizen.goto('/k/randers/bekymring');
  await citizen.choose(/Er nogen i fare lige nu/, 'Nej', { exact: true });
  await citizen.submit('Videre');
  await citizen.fill(citizen.page.locator('#subject_name'), SUBJECT);
  await citizen.fill(citizen.page.locator('#subject_birth_date'), '14.03.2010');
  await citizen.fill(citizen.page.locator('#observation'), 'Han er begyndt at dele de samme videoer igen.');
  await citizen.choose(/Hvad handler bekymringen om/, 'Højreekstremisme');
  await citizen.submit('Send din bekymring');
  await coordinator.goto('/infohus/indgang');
  await coordinator.openRow(SUBJECT);
  await coordinator.expectText(reference);
  await coordinator.submit(`Tilknyt til ${reference}`);
  assert.equal(coordinator.path(), casePath, 'linking leads to the case');
  await coordinator.expectText('Bekymringer (2)');

  // The employee who filed it sees the stage only.
  await staff.goto(concernPath);
  await staff.expectNoText('Politiets note');
});
