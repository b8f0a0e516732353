// Single sign-on through the municipality's identity provider: a real OpenID Connect provider
// (tests/oidc) with its own login page. The happy path lands on the home page and logs out at
// the provider too; a forged state, a wrong nonce, a token for another audience, an expired
// token, a token signed with the client secret, an unverified e-mail, an unlinked account, a
// second person with the same e-mail and a provider that is down are all refused with one
// Danish message.

import assert from 'node:assert/strict';

import { run, scenario } from '../lib/harness.mjs';
import { OIDC_PASSWORD, SSO } from '../lib/oidc.mjs';

const REFUSED = /Du blev ikke logget ind/;

/// From our login page through the provider's login page and back to us.
async function throughProvider(v, name, email, { status = 200 } = {}) {
  const page = v.page;
  if (!v.path().startsWith('/login')) await v.goto('/login');
  await Promise.all([
    page.waitForURL((u) => !u.href.startsWith(run.app.url)),
    page.getByRole('link', { name: `Log ind med ${name}` }).click(),
  ]);
  return signInAtProvider(v, email, { status });
}

async function signInAtProvider(v, email, { status = 200 } = {}) {
  const page = v.page;
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(OIDC_PASSWORD);
  return v.navigate(() => page.locator('#sign-in').click(), { status });
}

scenario('a coordinator signs in through the identity provider and is logged out there too', async (s) => {
  const v = await s.anonymous('coordinator@randers.demo (SSO)');
  await v.goto('/login?next=%2Fsager');
  await v.expectText(/Log ind med Randers Kommune \(test\)/);
  await throughProvider(v, 'Randers Kommune (test)', 'coordinator@randers.demo');
  assert.equal(v.path(), '/sager', 'back where the login was asked for');
  await v.goto('/');
  await v.expectH1(/^Velkommen/);

  // Logging out ends the session at the provider as well, and comes back to our login page.
  await Promise.all([
    v.page.waitForURL((u) => u.href.startsWith(`${run.app.url}/login?logget_ud=1`)),
    v.page.getByRole('button', { name: 'Log ud' }).click(),
  ]);
  await v.page.waitForLoadState('networkidle');
  await v.expectText(/Du er logget ud/);
  await Promise.all([
    v.page.waitForURL((u) => u.href.startsWith(run.oidc.issuers.good)),
    v.page.getByRole('link', { name: 'Log ind med Randers Kommune (test)' }).click(),
  ]);
  assert.equal(await v.page.locator('#sign-in').count(), 1, 'the provider asks for the password again');

  // Signed in again, the account is found by the provider's subject.
  await signInAtProvider(v, 'coordinator@randers.demo');
  await v.expectH1(/^Velkommen/);
});

scenario('the provider only links an account an admin made, by a verified e-mail, once', async (s) => {
  // Nobody by that e-mail in Infohus.
  const stranger = await s.anonymous('ukendt (SSO)');
  await throughProvider(stranger, 'Randers Kommune (test)', 'ukendt@randers.demo', { status: 422 });
  await stranger.expectText(REFUSED);
  await stranger.goto('/', { status: 200 });
  assert.match(stranger.path(), /^\/login/, 'not signed in');

  // The provider does not vouch for the e-mail.
  const unverified = await s.anonymous('staff (SSO, e-mail not verified)');
  await throughProvider(unverified, 'Randers Kommune (test)', 'staff@randers.demo', { status: 422 });
  await unverified.expectText(REFUSED);

  // Another subject with the coordinator's (already linked) e-mail does not get the account.
  const impostor = await s.anonymous('impostor (SSO)');
  await throughProvider(impostor, 'Randers Kommune (test)', 'impostor@randers.demo', { status: 422 });
  await impostor.expectText(REFUSED);

  // Just-in-time accounts, where the provider is set to make them: the group claim gives the role.
  const newcomer = await s.anonymous('ny.koordinator (SSO, just in time)');
  await throughProvider(newcomer, 'Randers Kommune (test)', 'ny.koordinator@randers.demo');
  await newcomer.expectH1(/^Velkommen/);
  await newcomer.goto('/konto');
  await newcomer.expectText(/Infohus-tovholder/);
  await newcomer.expectText(/ingen adgangskode i Infohus/);
});

scenario('a forged state, a wrong nonce and tokens that fail verification are refused', async (s) => {
  const forger = await s.anonymous('forger (SSO)');
  await forger.goto('/login');
  await forger.goto(`/login/sso/${SSO.good}/callback?code=abc&state=forged`, { status: 422 });
  await forger.expectText(REFUSED);

  // A login begun here, whose nonce is changed on its way to the provider: the provider signs
  // a token for another nonce, which we refuse.
  const nonce = await s.anonymous('wrong nonce (SSO)');
  const begin = await nonce.context.request.get(`${run.app.url}/login/sso/${SSO.good}?next=%2F`, { maxRedirects: 0 });
  assert.equal(begin.status(), 303);
  const authorize = new URL(begin.headers().location);
  assert.ok(authorize.searchParams.get('nonce'), 'the authorization request carries a nonce');
  assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256', 'and a PKCE challenge');
  authorize.searchParams.set('nonce', 'a-nonce-of-somebody-else');
  await nonce.page.goto(authorize.href);
  await signInAtProvider(nonce, 'coordinator@randers.demo', { status: 422 });
  await nonce.expectText(REFUSED);

  // Replaying the provider's answer: the state was good for one answer only.
  const replayed = nonce.page.url();
  await nonce.goto(new URL(replayed).pathname + new URL(replayed).search, { status: 422 });

  for (const [name, who] of [
    ['Forkert publikum (test)', 'wrong audience'],
    ['Udløbet (test)', 'expired token'],
    ['Randers HS256 (test)', 'HS256 signed with the client secret'],
  ]) {
    const v = await s.anonymous(`${who} (SSO)`);
    await throughProvider(v, name, 'coordinator@randers.demo', { status: 422 });
    await v.expectText(REFUSED);
    await v.goto('/', { status: 200 });
    assert.match(v.path(), /^\/login/, `${who}: not signed in`);
  }

  // A provider that does not answer: a Danish message, not an error page.
  const down = await s.anonymous('provider down (SSO)');
  await down.goto('/login');
  await down.navigate(() => down.page.getByRole('link', { name: 'Log ind med Nede (test)' }).click(), { status: 422 });
  await down.expectText(/svarer ikke lige nu/);
});
