// The steering group opens the quarterly report and downloads its CSV; figures only.

import assert from 'node:assert/strict';

import { scenario } from '../lib/harness.mjs';

scenario('the steering group opens the quarterly report, picks a quarter and downloads the CSV', async (s) => {
  const v = await s.signIn('steering_group@randers.demo');
  await v.activate(v.page.locator('main a[href="/statistik"]'));
  await v.expectH1(/^Kvartalsstatistik/);
  assert.ok(await v.page.locator('main table').count(), 'the report has tables');

  // Another quarter, chosen with the keyboard.
  const options = await v.page.locator('#kvartal option').allInnerTexts();
  const other = options.find((o, i) => i > 0) ?? options[0];
  await v.select('Kvartal', other, { exact: true });
  await v.submit('Vis kvartalet');
  assert.match(v.path(), /^\/statistik\?kvartal=/);
  await v.expectH1(`Kvartalsstatistik: ${other}`);

  // An address with the quarter spelled out, as the design's example.
  await v.goto('/statistik?kvartal=2026-3');

  const csv = await v.download(/Hent tallene som CSV/);
  assert.match(csv.filename, /\.csv$/, `a .csv file (${csv.filename})`);
  const lines = csv.body.trim().split(/\r?\n/);
  assert.ok(lines.length > 2, 'the CSV has a header and rows');
  assert.doesNotMatch(csv.body, /Frederik Browsertest|Naboens søn|@randers\.demo/, 'the CSV has no personal data');
});

scenario('the statistics are refused to a staff member', async (s) => {
  const v = await s.signIn('staff@ballerup.demo');
  await v.goto('/statistik', { status: 403 });
  await v.expectH1('Ingen adgang');
});
