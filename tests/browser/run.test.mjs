// The browser tests: `npm test` here, or `bash tests/browser/run.sh` from the repository.
// One app (own embedded PostgreSQL, demo data, free port) and one headless Chromium for the
// whole run; the scenarios run in order; then the W3C Nu checker over every page reached, and
// a clean stop of the app.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { run, startRun, stopApp, stopBrowser, validateAll } from './lib/harness.mjs';

import './scenarios/checkers.mjs';
import './scenarios/signin.mjs';
import './scenarios/sso.mjs';
import './scenarios/second_factor.mjs';
import './scenarios/refusals.mjs';
import './scenarios/admin.mjs';
import './scenarios/randers.mjs';
import './scenarios/ballerup.mjs';
import './scenarios/citizen.mjs';
import './scenarios/forms.mjs';
import './scenarios/statistics.mjs';
import './scenarios/meetings.mjs';
import './scenarios/lists.mjs';
import './scenarios/alerts.mjs';

before(startRun, { timeout: 30 * 60 * 1000 });

after(async () => {
  await stopBrowser();
  await stopApp(); // in case the last test did not run
});

test('every page reached is valid HTML (W3C Nu checker)', { timeout: 5 * 60 * 1000 }, () => {
  assert.ok(run.pages.length > 0, 'the scenarios reached no page');
  const html = run.pages.filter((p) => p.html !== null);
  const axeRan = html.filter((p) => p.axeViolations !== undefined);
  const undecided = new Map();
  for (const p of axeRan) for (const i of p.axeIncomplete ?? []) undecided.set(i.id, (undecided.get(i.id) ?? 0) + i.nodes);
  process.stderr.write(
    `# axe-core: ${axeRan.length} of ${html.length} pages checked` +
      (undecided.size ? `; left for a person to check: ${[...undecided].map(([id, n]) => `${id} (${n} elements)`).join(', ')}` : '') +
      '\n',
  );
  assert.equal(axeRan.length, html.length, 'axe-core ran on every page');
  const { checked, errors, warnings, screenshots } = validateAll();
  for (const w of warnings) process.stderr.write(`# vnu warning: ${w}\n`);
  if (errors.length > 0) {
    assert.fail(`${errors.length} HTML error(s) in ${checked} pages:\n${errors.join('\n')}\n(screenshots: ${screenshots})`);
  }
  process.stderr.write(`# vnu: ${checked} pages, no errors\n`);
});

test('the app stops on SIGTERM and leaves no PostgreSQL process behind', { timeout: 2 * 60 * 1000 }, async () => {
  await stopBrowser();
  await stopApp();
});
