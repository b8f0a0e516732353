// Infohus as a meeting: the coordinator plans a meeting, builds its agenda from the suggestions,
// records who is there (an ad hoc participant told of the duty of confidentiality), writes the
// minutes with an action for a colleague, who finds it on their home page and marks it done;
// the agenda prints one item a page. The police coordinator plans the district's network
// meeting; the steering group's plan and quarterly pack.

import assert from 'node:assert/strict';

import { scenario } from '../lib/harness.mjs';

/// A date `days` from today as a Dane types it.
function inDays(days) {
  const d = new Date(Date.now() + days * 86_400_000);
  const two = (n) => String(n).padStart(2, '0');
  return `${two(d.getDate())}.${two(d.getMonth() + 1)}.${d.getFullYear()}`;
}

const SUGGESTED = /^Sæt \S+ på dagsordenen$/;

scenario('a meeting is planned, its agenda built and its minutes give a colleague an action', async (s) => {
  const c = await s.signIn('coordinator@randers.demo');
  await c.expectText('Næste møde');
  await c.follow('Møder');
  await c.expectH1('Møder');
  await c.follow('Planlæg et møde');
  await c.expectH1('Planlæg et møde');
  await c.choose('Mødets art', 'Ad hoc-møde');
  await c.fill('Dato', inDays(10));
  await c.fill('Sted', 'Rådhuset, lokale 4');
  await c.submit('Planlæg mødet');
  const meeting = c.path();
  assert.match(meeting, /^\/moeder\/[0-9a-f-]{36}$/);
  await c.expectH1(/^Ad hoc-møde /);

  // Two cases from the suggestions, computed from what waits for the meeting.
  await c.expectText('Forslag til dagsordenen');
  for (let i = 0; i < 2; i++) {
    await c.activate(c.page.locator('main').getByRole('button', { name: SUGGESTED }));
    await c.expectText('Sagen er sat på dagsordenen.', 'body');
  }
  // A general item: an empty form is refused at its field.
  await c.follow('Tilføj et punkt');
  await c.expectH1(/^Nyt punkt/);
  await c.submit('Sæt punktet på dagsordenen', { status: 422 });
  await c.expectText(/Skriv sagsnummeret eller en overskrift/);
  await c.fill('Overskrift på et generelt punkt', 'Tendenser blandt unge i bydelen');
  await c.submit('Sæt punktet på dagsordenen');
  assert.equal(await c.page.locator('ol.agenda > li').count(), 3);
  await c.submit('Flyt punkt 3 op');
  await c.expectText('Dagsordenen er ændret.', 'body');
  assert.match(await c.page.locator('ol.agenda > li').nth(1).innerText(), /Tendenser blandt unge/);

  // Who is there: the core group too.
  await c.follow('Ret deltagerne');
  await c.expectH1(/^Deltagere/);
  const coreLabel = c.page.locator('label.checkbox', { hasText: 'Kernegruppe' }).first();
  const coreName = (await coreLabel.innerText()).replace(/\s*\(.*$/, '').trim();
  await c.check(coreLabel.locator('input'));
  await c.submit('Gem deltagerne');
  await c.expectText(coreName);

  // An ad hoc participant for one case, who must be told of the duty of confidentiality.
  await c.follow('Tilføj en ad hoc-deltager til en sag');
  await c.expectH1(/^Ad hoc-deltager/);
  await c.select('Sagen, deltageren kommer for', /^Punkt/);
  await c.fill('Navn', 'Lise Lærer');
  await c.fill('Organisation', 'Skoleområdet');
  await c.fill('Funktion', 'Klasselærer');
  await c.submit('Tilføj deltageren', { status: 422 });
  await c.expectText(/orienteret om sin tavshedspligt, før de deltager/);
  await c.check('Deltageren er orienteret om sin tavshedspligt');
  await c.submit('Tilføj deltageren');
  await c.expectText('Lise Lærer');

  await c.submit('Markér mødet som afholdt');
  await c.expectText('Afholdt');

  // The minutes of a case item: the decision never moves the case; the step is a link.
  await c.activate(c.page.locator('ol.agenda > li').first().getByRole('link', { name: 'Skriv referat og opgaver' }));
  await c.expectH1(/^Referat: Sag /);
  await c.expectText('Beslutningen flytter ikke sagen');
  await c.fill('Kort referat', 'Skolen ser fremgang. Vi afventer næste opfølgning.');
  await c.choose('Beslutning', 'Der skal flere oplysninger til');
  await c.submit('Gem referatet');
  await c.expectText('Referatet af punktet er gemt.', 'body');
  await c.goto(meeting);

  // The general item's minutes, with an action for the core-group member.
  await c.activate(c.page.locator('ol.agenda > li').nth(1).getByRole('link', { name: 'Skriv referat og opgaver' }));
  await c.expectH1('Referat: Tendenser blandt unge i bydelen');
  await c.choose('Beslutning', 'Der handles', { exact: true });
  await c.submit('Gem referatet');
  await c.fill('Hvad skal gøres?', 'Ring til SSP om aftenerne i bydelen');
  await c.select('Hvem gør det?', coreName);
  await c.fill('Senest', inDays(17));
  await c.submit('Giv opgaven');
  await c.expectText(`Opgaven er givet til ${coreName}`, 'body');

  // Printed: confidential, one item a page; the guest's printout has only their case's item.
  await c.goto(`${meeting}/udskrift`);
  await c.expectText(/Fortroligt/i);
  const items = await c.page.locator('section.meeting-print__item').count();
  assert.equal(items, 3);
  await c.page.emulateMedia({ media: 'print' });
  const pdf = (await c.page.pdf({ format: 'A4' })).toString('latin1');
  const pages = (pdf.match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
  assert.ok(pages <= items, `the agenda and minutes print one page per item or less (${pages} pages, ${items} items)`);
  await c.page.emulateMedia({ media: 'screen' });
  await c.goto(meeting);
  await c.follow('Udskrift til Lise Lærer');
  assert.equal(await c.page.locator('section.meeting-print__item').count(), 1);
  await c.expectNoText('Tendenser blandt unge');

  // The colleague finds the action on their home page and marks it done.
  const core = await s.signIn('core_group@randers.demo');
  await core.expectText('Opgave fra mødet: Ring til SSP om aftenerne i bydelen');
  await core.follow(/Opgave fra mødet: Ring til SSP/);
  assert.equal(core.path(), meeting);
  await core.submit('Markér «Ring til SSP om aftenerne i bydelen» som løst');
  await core.expectText('Opgaven er markeret som løst.', 'body');
  await core.goto('/opgaver');
  await core.expectNoText('Ring til SSP');
  // The core group does not plan meetings.
  await core.goto('/moeder/nyt', { status: 403 });
});

scenario('the police coordinator plans the network meeting: general items only, the district figures', async (s) => {
  const p = await s.signIn('police@oestjyllands-politi.demo');
  await p.goto('/moeder');
  await p.follow('Planlæg et møde');
  assert.equal(await p.page.getByRole('radio').count(), 1, 'only the network meeting');
  await p.choose('Mødets art', 'Netværksmøde');
  await p.fill('Dato', inDays(20));
  await p.fill('Sted', 'Online');
  await p.fill('Deltagere fra andre myndigheder', 'Kriminalforsorgen');
  await p.submit('Planlæg mødet');
  await p.expectText('Infohus Østjylland');
  await p.expectText(/Kredsens tal for/);
  await p.follow('Tilføj et punkt');
  assert.equal(await p.page.getByLabel('Sagsnummer').count(), 0, 'no case on the network');
  await p.fill('Overskrift på et generelt punkt', 'Erfaringer fra kredsens kommuner');
  await p.submit('Sæt punktet på dagsordenen');
  await p.expectText('Erfaringer fra kredsens kommuner');
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
