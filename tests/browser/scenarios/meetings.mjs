// Infohus as a meeting: the coordinator plans an ordinary meeting, builds its agenda from the
// suggestions, records who is there (an ad hoc participant told of the duty of
// confidentiality), writes the minutes of a case with an action for the core-group member, who
// finds it on their home page and marks it done; the agenda prints one item a page, and the ad
// hoc participant's printout has their case only. The police coordinator plans the district's
// network meeting; the steering group's plan and quarterly pack.

import assert from 'node:assert/strict';

import { daDate, scenario } from '../lib/harness.mjs';

const ON_THE_AGENDA = 'ol.agenda > li';
const GENERAL = 'Tendenser blandt unge i bydelen';
const ACTION = 'Tal med skolen om et mentorforløb';
const GUEST = 'Lise Lærer';

/// Pages in a PDF as Chromium writes it: one /Type /Page object each.
function pdfPages(pdf) {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
}

scenario('a meeting is planned, its agenda built from the suggestions and its minutes give the core group an action', async (s) => {
  // The core-group member's name as the header shows it: the action is given to that name.
  const core = await s.signIn('core_group@randers.demo');
  await core.expectText('Næste møde');
  const coreName = (await core.page.locator('.user-box__name').innerText()).trim();
  // The cases awaiting the assessment that the member is on the team of.
  await core.goto('/sager?fase=assessment&mine=ja');
  const onTeam = (await core.page.locator('main tbody th').allInnerTexts()).map((t) => t.trim());
  assert.ok(onTeam.length > 0, `${coreName} is on the team of a case awaiting the assessment`);

  const c = await s.signIn('coordinator@randers.demo');
  await c.expectText('Næste møde');
  const coordinatorName = (await c.page.locator('.user-box__name').innerText()).trim();
  assert.equal(coordinatorName, 'Maria Krogh Degn');
  await c.follow('Møder');
  await c.expectH1('Møder');
  await c.expectText('Kommende møder');
  await c.expectText('Tidligere møder');
  await c.follow('Planlæg et møde');
  await c.expectH1('Planlæg et møde');
  // The usual time and the planner as chair are filled in already.
  assert.equal(await c.page.getByLabel('Tidspunkt').inputValue(), '14.00');
  assert.equal((await c.page.locator('#chair option:checked').innerText()).trim(), coordinatorName);
  // A couple of weeks ahead by the real clock the app runs on (the demo's next meeting is in
  // two weeks).
  const day = daDate(16);
  await c.choose('Mødets art', 'Ordinært møde');
  await c.fill('Dato', day);
  await c.fill('Sted', 'Rådhuset, lokale 4');
  await c.submit('Planlæg mødet');
  const meeting = c.path();
  assert.match(meeting, /^\/moeder\/[0-9a-f-]{36}$/, 'planning leads to the meeting');
  const title = `Ordinært møde ${day} kl. 14.00`;
  await c.expectH1(title);

  // Two cases from the suggestions, computed from what waits for the meeting: one awaiting the
  // assessment with the core-group member on its team, and one more.
  await c.expectText('Forslag til dagsordenen');
  const suggestions = await c.page
    .locator('section[aria-labelledby="suggest-heading"] tbody tr')
    .evaluateAll((rows) =>
      rows.map((r) => ({ reference: r.querySelector('th').innerText.trim(), stage: r.querySelector('td').innerText.trim() })),
    );
  const assessed = suggestions.find((x) => x.stage === 'Analyse og vurdering' && onTeam.includes(x.reference));
  assert.ok(assessed, `one of ${onTeam.join(', ')} among the suggestions (${JSON.stringify(suggestions)})`);
  const other = suggestions.find((x) => x !== assessed);
  assert.ok(other, 'a second suggestion');
  for (const x of [assessed, other]) {
    await c.submit(`Sæt ${x.reference} på dagsordenen`);
    assert.equal(c.path(), meeting);
    await c.expectText('Sagen er sat på dagsordenen.', 'body');
  }
  assert.equal(await c.page.getByRole('button', { name: `Sæt ${assessed.reference} på dagsordenen` }).count(), 0, 'a case on the agenda is no longer suggested');

  // A general item: an empty form is refused at its field.
  await c.follow('Tilføj et punkt');
  await c.expectH1(/^Nyt punkt: /);
  await c.submit('Sæt punktet på dagsordenen', { status: 422 });
  await c.expectFormErrors({ reference: /Skriv sagsnummeret eller en overskrift/ });
  await c.fill('Overskrift på et generelt punkt', GENERAL);
  await c.submit('Sæt punktet på dagsordenen');
  assert.equal(c.path(), meeting);
  const agenda = c.page.locator(ON_THE_AGENDA);
  assert.equal(await agenda.count(), 3);
  assert.match(await agenda.nth(2).innerText(), new RegExp(GENERAL));
  await c.submit('Flyt punkt 3 op');
  await c.expectText('Dagsordenen er ændret.', 'body');
  assert.match(await agenda.nth(0).innerText(), new RegExp(assessed.reference));
  assert.match(await agenda.nth(1).innerText(), new RegExp(GENERAL), 'the general item moved up');
  assert.match(await agenda.nth(2).innerText(), new RegExp(other.reference));

  // Who is there: the core group too.
  await c.follow('Ret deltagerne');
  await c.expectH1(`Deltagere: ${title}`);
  const coreBox = c.page.locator('label.checkbox', { hasText: coreName }).locator('input[name="users"]');
  assert.equal(await coreBox.count(), 1, `${coreName} may take part`);
  await c.check(coreBox);
  await c.submit('Gem deltagerne');
  assert.equal(c.path(), meeting);
  await c.expectText(coreName, 'section[aria-labelledby="people-heading"]');

  // An ad hoc participant for one case, who must be told of the duty of confidentiality.
  await c.follow('Tilføj en ad hoc-deltager til en sag');
  await c.expectH1(`Ad hoc-deltager: ${title}`);
  await c.select('Sagen, deltageren kommer for', new RegExp(assessed.reference));
  await c.fill('Navn', GUEST);
  await c.fill('Organisation', 'Skoleområdet');
  await c.fill('Funktion', 'Klasselærer');
  await c.submit('Tilføj deltageren', { status: 422 });
  await c.expectText(/orienteret om sin tavshedspligt, før de deltager/);
  assert.equal(await c.page.getByLabel('Navn').inputValue(), GUEST, 'the name is kept');
  await c.check('Deltageren er orienteret om sin tavshedspligt');
  await c.submit('Tilføj deltageren');
  assert.equal(c.path(), meeting);
  await c.expectText(GUEST, `${ON_THE_AGENDA}:nth-child(1)`);

  await c.submit('Markér mødet som afholdt');
  await c.expectText('Afholdt');

  // The minutes of the case item: the decision never moves the case; its step is a link.
  await c.activate(agenda.nth(0).getByRole('link', { name: 'Skriv referat og opgaver' }));
  await c.expectH1(new RegExp(`^Referat: Sag ${assessed.reference}: `));
  const minutes = c.path();
  await c.expectText('Beslutningen flytter ikke sagen');
  assert.equal(await c.page.getByRole('link', { name: 'Se sagen' }).count(), 1);
  assert.equal(await c.page.getByRole('link', { name: 'Gå til analyse og vurdering' }).count(), 1, 'the step the case waits for');
  await c.fill('Kort referat', 'Skolen ser fremgang, men kammeraterne er de samme. Kernegruppen vurderer sagen.');
  await c.choose('Beslutning', 'Der handles', { exact: true });
  await c.submit('Gem referatet');
  assert.equal(c.path(), minutes);
  await c.expectText('Referatet af punktet er gemt.', 'body');

  // The action for the core-group member, who is on the case's team and so among the owners.
  const owners = (await c.page.locator('#owner option').allInnerTexts()).map((t) => t.trim());
  assert.ok(owners.includes(coreName), `${coreName} among the owners (${owners.join(', ')})`);
  assert.ok(owners.includes(coordinatorName));
  await c.fill('Hvad skal gøres?', ACTION);
  await c.select('Hvem gør det?', coreName);
  // A week from today is before the meeting: refused at its field; a week after it is taken.
  await c.fill('Senest', daDate(7));
  await c.submit('Giv opgaven', { status: 422 });
  await c.expectFormErrors({ due_date: /før mødet/ });
  await c.fill('Senest', daDate(23));
  await c.submit('Giv opgaven');
  assert.equal(c.path(), minutes);
  await c.expectText(`Opgaven er givet til ${coreName} med frist ${daDate(23)}.`, 'body');
  await c.expectText(`${ACTION} – ${coreName}, senest`);

  // The other case is referred on: the authority is asked for.
  await c.goto(meeting);
  await c.activate(agenda.nth(2).getByRole('link', { name: 'Skriv referat og opgaver' }));
  await c.expectH1(new RegExp(`^Referat: Sag ${other.reference}: `));
  await c.choose('Beslutning', 'Henvises til anden myndighed');
  await c.submit('Gem referatet', { status: 422 });
  await c.expectFormErrors({ referred_to: /myndighed/ });
  await c.fill('Henvises til hvilken myndighed?', 'Kriminalforsorgen');
  await c.submit('Gem referatet');
  await c.expectText('Referatet af punktet er gemt.', 'body');

  // The meeting is listed as coming; from the list to the printed agenda and minutes:
  // confidential, one item a page.
  await c.goto('/moeder');
  const listed = c.page.locator(`main table:first-of-type a[href="${meeting}"]`);
  assert.equal(await listed.innerText(), title, 'the meeting is among the coming meetings');
  await c.activate(listed);
  assert.equal(c.path(), meeting);
  await c.follow(/^Udskriv dagsorden/);
  assert.equal(c.path(), `${meeting}/udskrift`);
  await c.expectText(/Fortroligt/i);
  const items = await c.page.locator('section.meeting-print__item').count();
  assert.equal(items, 3, 'one section per item');
  await c.expectText('Kriminalforsorgen');
  await c.page.emulateMedia({ media: 'print' });
  assert.equal(await c.page.locator('main .no-print').first().isVisible(), false, 'no links on paper');
  const pages = pdfPages(await c.page.pdf({ format: 'A4' }));
  assert.ok(pages >= items && pages <= items + 1, `each item on a page of its own (${pages} A4 pages, ${items} items)`);
  await c.page.emulateMedia({ media: 'screen' });

  // The ad hoc participant's printout has their own case's item only.
  await c.goto(meeting);
  await c.follow(`Udskrift til ${GUEST}`);
  assert.match(c.path(), new RegExp(`^${meeting}/udskrift\\?gaest=[0-9a-f-]{36}$`));
  assert.equal(await c.page.locator('section.meeting-print__item').count(), 1, 'one item for the ad hoc participant');
  await c.expectText(assessed.reference, 'section.meeting-print__item');
  await c.expectNoText(GENERAL);
  await c.expectNoText(other.reference);

  // The core-group member finds the action on their home page and in their tasks from
  // meetings, follows it to the meeting and marks it done there.
  const label = `Opgave fra mødet: ${ACTION}: ${assessed.reference}`;
  await core.goto('/');
  await core.expectText('Mine opgaver');
  await core.expectText(label);
  await core.goto('/opgaver?art=moeder');
  await core.expectText(label);
  await core.goto('/');
  await core.follow(label);
  assert.equal(core.path(), meeting);
  await core.expectText(ACTION, `${ON_THE_AGENDA}:nth-child(1)`);
  await core.submit(`Markér «${ACTION}» som løst`);
  assert.equal(core.path(), meeting);
  await core.expectText('Opgaven er markeret som løst.', 'body');
  await core.goto('/opgaver');
  await core.expectNoText(ACTION);
  await core.goto('/opgaver?art=moeder');
  await core.expectNoText(ACTION);
  // The core group does not plan meetings.
  await core.goto('/moeder/nyt', { status: 403 });

  // With the action done the coordinator approves the minutes; then they are closed.
  await c.goto(meeting);
  await c.submit('Godkend referatet');
  await c.expectText('Referat godkendt');
  assert.equal(await c.page.getByRole('link', { name: 'Skriv referat og opgaver' }).count(), 0, 'approved minutes are not written any more');
});

scenario('the police coordinator plans the network meeting: general items only, the district figures', async (s) => {
  const p = await s.signIn('police@oestjyllands-politi.demo');
  await p.expectText('Næste møde');
  await p.follow('Møder');
  await p.follow('Planlæg et møde');
  await p.expectH1('Planlæg et møde');
  assert.equal(await p.page.getByRole('radio').count(), 1, 'only the network meeting');
  await p.choose('Mødets art', 'Netværksmøde');
  const day = daDate(20);
  await p.fill('Dato', day);
  await p.fill('Sted', 'Online');
  await p.fill('Deltagere fra andre myndigheder', 'Kriminalforsorgen\nPET, Center for Forebyggelse');
  await p.submit('Planlæg mødet');
  assert.match(p.path(), /^\/moeder\/[0-9a-f-]{36}$/);
  await p.expectH1(`Netværksmøde ${day} kl. 14.00`);
  await p.expectText('Infohus Østjylland');
  await p.expectText(/Kredsens tal for /);
  await p.expectText('Kriminalforsorgen');
  // No cases on the network: no suggestions, and no case number on the item form.
  await p.expectNoText('Forslag til dagsordenen');
  await p.follow('Tilføj et punkt');
  await p.expectH1(/^Nyt punkt: Netværksmøde /);
  assert.equal(await p.page.getByLabel('Sagsnummer').count(), 0, 'no case on the network');
  await p.submit('Sæt punktet på dagsordenen', { status: 422 });
  await p.expectFormErrors({ title: /Skriv punktets overskrift/ });
  await p.fill('Overskrift på et generelt punkt', 'Erfaringer fra kredsens kommuner');
  await p.submit('Sæt punktet på dagsordenen');
  await p.expectText('Erfaringer fra kredsens kommuner', 'ol.agenda');
});

scenario('the steering group revises the plan and prints the quarterly pack; the coordinator logs a training', async (s) => {
  const v = await s.signIn('steering_group@randers.demo');
  await v.follow('Beredskabsplan');
  await v.expectH1('Beredskabsplanen');
  await v.fill('Næste revision senest', 'i morgen');
  await v.submit('Registrér revisionen', { status: 422 });
  await v.expectText(/Datoen kan ikke læses/);
  await v.goto('/statistik');
  await v.follow('Kvartalsrapport til styregruppen (til udskrift)');
  await v.expectH1(/^Kvartalsrapport til styregruppen/);
  await v.expectText('Nøgletal');

  const c = await s.signIn('coordinator@randers.demo');
  await c.follow('Oplysning');
  await c.expectH1('Oplysning og undervisning');
  await c.choose('Hvad blev holdt?', 'Undervisning');
  await c.fill('Hvor', 'Søndergades Skole');
  await c.fill('For hvem', 'Lærere i udskolingen');
  await c.fill('Antal deltagere', 'mange');
  await c.submit('Registrér', { status: 422 });
  await c.expectText(/Skriv antallet af deltagere/);
  await c.fill('Antal deltagere', '24');
  await c.submit('Registrér');
  await c.expectText('Lærere i udskolingen');
});
