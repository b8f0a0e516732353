// A self-test first: the checkers must be able to fail, or every green run below means nothing.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { run, runAxe, validateAll } from '../lib/harness.mjs';

// The checkers must be able to fail: a page with a field without a label and a duplicate id.
const BROKEN = `<!DOCTYPE html><html lang="da"><head><meta charset="utf-8"><title>Fejl</title></head>
<body><main><h1>Fejl</h1><p id="x">a</p><p id="x">b</p><form><input type="text" name="navn"></form></main></body></html>`;

test('the checkers themselves find a missing label and invalid HTML', async () => {
  const context = await run.browser.newContext();
  try {
    const page = await context.newPage();
    await page.setContent(BROKEN);
    const violations = await runAxe(page);
    assert.ok(violations.some((v) => v.id === 'label'), `axe-core reports the missing label (${violations.map((v) => v.id)})`);
  } finally {
    await context.close();
  }
  const { errors } = validateAll([{ n: 0, scenario: 'self-test', actor: '-', url: 'about:self-test', html: BROKEN }], {
    screenshots: false,
  });
  assert.ok(errors.some((e) => /Duplicate ID/i.test(e)), `vnu reports the duplicate id (${errors.join('; ')})`);
});
