// Refusals and error pages: a staff member trying a coordinator's address, pages that do not
// exist, a wrong method.

import assert from 'node:assert/strict';

import { scenario } from '../lib/harness.mjs';

scenario("a staff member who tries the coordinator's intake queue is refused", async (s) => {
  const v = await s.signIn('staff@randers.demo');
  await v.goto('/infohus/indgang', { status: 403 });
  await v.expectH1('Ingen adgang');
  await v.expectText('Du har ikke adgang til denne funktion');
  // The refusal page leads back home with the keyboard.
  await v.follow('Til forsiden');
  assert.equal(v.path(), '/');
});

scenario('an address that does not exist gives the Danish 404 page, signed in or not', async (s) => {
  const anon = await s.anonymous();
  await anon.goto('/findes-ikke', { status: 404 });
  await anon.expectH1('Siden findes ikke');
  const v = await s.signIn('coordinator@randers.demo');
  await v.goto('/findes/heller/ikke', { status: 404 });
  await v.expectH1('Siden findes ikke');
  await v.goto('/logout', { status: 405 });
});
