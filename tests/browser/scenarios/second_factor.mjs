// A second factor with an authenticator app: set up from "Min konto" with the QR code drawn on
// the server (no script), the recovery codes shown once, then a login that asks for the code
// and takes a recovery code once.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { PASSWORD, scenario } from '../lib/harness.mjs';

const EMAIL = 'steering_group@ballerup.demo';

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/[\s=]/g, '')) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/// RFC 6238 with SHA-1, six digits, thirty seconds: what the authenticator app shows now.
function totp(secret, seconds = Date.now() / 1000) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(seconds / 30)));
  const mac = crypto.createHmac('sha1', secret).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

scenario('a user sets up an authenticator app and signs in with a recovery code once', async (s) => {
  const v = await s.signIn(EMAIL);
  await v.goto('/konto');
  await v.expectText(/Du har ikke sat en godkendelsesapp op/);
  await v.navigate(() => v.page.getByRole('link', { name: 'Sæt anden faktor op' }).click());
  await v.expectH1('Sæt anden faktor op');
  assert.equal(await v.page.locator('.qr-code svg[role="img"]').count(), 1, 'the QR code is drawn on the server');
  const secret = base32Decode(await v.page.locator('code.secret').innerText());
  assert.equal(secret.length, 20);

  // A wrong code is refused at its field; the same secret stays.
  await v.fill('Skriv koden, appen viser nu', '000000');
  await v.submit('Bekræft og slå til', { status: 422 });
  await v.expectText(/Koden passer ikke/);
  assert.deepEqual(base32Decode(await v.page.locator('code.secret').innerText()), secret);

  await v.fill('Skriv koden, appen viser nu', totp(secret));
  await v.submit('Bekræft og slå til');
  await v.expectH1('Dine gendannelseskoder');
  const codes = await v.page.locator('ol.recovery-codes code').allInnerTexts();
  assert.equal(codes.length, 10);
  await v.goto('/konto');
  await v.expectText(/10 ubrugte gendannelseskoder/);
  await v.submit('Log ud');

  // The password alone no longer signs in: the code is asked for first.
  const again = await s.anonymous(`${EMAIL} again`);
  await again.goto('/login');
  await again.fill('E-mail', EMAIL);
  await again.fill('Adgangskode', PASSWORD);
  await again.pressEnter();
  assert.match(again.path(), /^\/login\/anden-faktor/);
  await again.expectH1('Kode fra din app');
  await again.goto('/', { status: 200 });
  assert.match(again.path(), /^\/login\/anden-faktor/, 'no page before the code');
  await again.fill('Kode', codes[0]);
  await again.submit('Log ind');
  assert.equal(again.path(), '/');
  await again.expectH1(/^Velkommen/);

  // A recovery code works once.
  const third = await s.anonymous(`${EMAIL} a third time`);
  await third.goto('/login');
  await third.fill('E-mail', EMAIL);
  await third.fill('Adgangskode', PASSWORD);
  await third.pressEnter();
  await third.fill('Kode', codes[0]);
  await third.submit('Log ind', { status: 422 });
  await third.expectText(/allerede brugt/);
  await third.submit('Afbryd og log ud');
  assert.match(third.path(), /^\/login/);
});
