// Self-test for provider.mjs: starts the CLI in each mode, runs the full
// authorization code flow with PKCE using fetch (manual cookies), verifies
// the ID token signature and claims, and exercises RP-initiated logout.
//   node tests/oidc/check.mjs          (exit code 0 = all good)

import { spawn } from 'node:child_process';
import { createHash, createHmac, createPublicKey, randomBytes, verify } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const REDIRECT = 'http://127.0.0.1:8123/login/oidc/test/callback';
const POST_LOGOUT = 'http://127.0.0.1:8123/logged-out';
const PASSWORD = 'oidc-test-2026';
const SECRETS = {
  infohus: 'infohus-oidc-secret',
  'andet-system': 'andet-oidc-secret',
  'infohus-hs256': 'infohus-hs256-secret-that-is-long-enough-32b',
};
const verbose = process.argv.includes('-v');

async function startCli(extraEnv) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./provider.mjs', import.meta.url))], {
    env: { ...process.env, OIDC_PORT: '0', OIDC_REDIRECT_URIS: REDIRECT, OIDC_POST_LOGOUT_REDIRECT_URIS: POST_LOGOUT, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const lines = [];
  const rl = createInterface({ input: child.stdout });
  const ready = new Promise((resolve, reject) => {
    rl.on('line', (line) => { lines.push(line); if (line.startsWith('OIDC_READY ')) resolve(line.slice(11)); });
    child.once('exit', (code) => reject(new Error(`provider exited ${code}: ${stderr}`)));
  });
  const issuer = await ready;
  return {
    issuer,
    async stop() {
      child.kill('SIGTERM');
      const [code, signal] = await once(child, 'exit');
      assert.equal(code, 0, `exit code on SIGTERM (signal ${signal})`);
      assert.deepEqual(lines, [`OIDC_READY ${issuer}`], 'stdout must hold only the READY line');
    },
  };
}

class Jar {
  cookies = new Map(); // name -> { value, path }

  store(res) {
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';').map((s) => s.trim());
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      const path = attrs.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) || '/';
      const expires = attrs.find((a) => a.toLowerCase().startsWith('expires='));
      if (!value || (expires && new Date(expires.slice(8)) < new Date())) this.cookies.delete(name);
      else this.cookies.set(name, { value, path });
    }
  }

  header(url) {
    const { pathname } = new URL(url);
    return [...this.cookies].filter(([, c]) => pathname.startsWith(c.path)).map(([n, c]) => `${n}=${c.value}`).join('; ');
  }

  async fetch(url, init = {}) {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie: this.header(url) } });
    this.store(res);
    return res;
  }
}

const b64u = (buf) => Buffer.from(buf).toString('base64url');

function decodeJwt(jwt) {
  const [h, p, s] = jwt.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url')), payload: JSON.parse(Buffer.from(p, 'base64url')), data: `${h}.${p}`, sig: Buffer.from(s, 'base64url') };
}

function verifySignature(jwt, jwks, clientSecret) {
  const { header, data, sig } = decodeJwt(jwt);
  if (header.alg === 'RS256') {
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    assert.ok(jwk, `kid ${header.kid} published in jwks`);
    return verify('sha256', Buffer.from(data), createPublicKey({ key: jwk, format: 'jwk' }), sig);
  }
  if (header.alg === 'HS256') {
    return createHmac('sha256', clientSecret).update(data).digest().equals(sig);
  }
  throw new Error(`unexpected alg ${header.alg}`);
}

async function codeFlow({ issuer, clientId, email, password = PASSWORD, jar = new Jar(), expectLogin = true }) {
  const disco = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
  const verifier = b64u(randomBytes(32));
  const challenge = b64u(createHash('sha256').update(verifier).digest());
  const state = b64u(randomBytes(12));
  const nonce = b64u(randomBytes(12));
  const auth = new URL(disco.authorization_endpoint);
  auth.search = new URLSearchParams({
    client_id: clientId, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid email profile',
    state, nonce, code_challenge: challenge, code_challenge_method: 'S256',
  });
  let res = await jar.fetch(auth.href);
  assert.equal(res.status, 303);
  let loc = new URL(res.headers.get('location'), issuer);

  if (expectLogin) {
    assert.match(loc.pathname, /^\/interaction\//);
    res = await jar.fetch(loc.href);
    assert.equal(res.status, 200);
    const html = await res.text();
    for (const needle of ['name="email"', 'name="password"', '>Sign in</button>']) assert.ok(html.includes(needle), needle);
    const action = new URL(/<form id="login-form" method="post" action="([^"]+)"/.exec(html)[1], issuer);
    // wrong password first
    res = await jar.fetch(action.href, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email, password: 'wrong' }) });
    assert.equal(res.status, 401);
    assert.ok((await res.text()).includes('Invalid email or password.'));
    res = await jar.fetch(action.href, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email, password }) });
    assert.equal(res.status, 303, 'login accepted');
    loc = new URL(res.headers.get('location'), issuer);
    res = await jar.fetch(loc.href); // resume /auth/<uid>
    assert.equal(res.status, 303);
    loc = new URL(res.headers.get('location'), issuer);
  }
  assert.equal(`${loc.origin}${loc.pathname}`, REDIRECT, `redirected to the client, got ${loc}`);
  assert.equal(loc.searchParams.get('state'), state);
  assert.equal(loc.searchParams.get('iss'), issuer);
  const code = loc.searchParams.get('code');
  assert.ok(code, 'code present');

  const tokenRes = await fetch(disco.token_endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(SECRETS[clientId])}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }),
  });
  const tokens = await tokenRes.json();
  assert.equal(tokenRes.status, 200, JSON.stringify(tokens));
  const jwks = await (await fetch(disco.jwks_uri)).json();
  assert.ok(verifySignature(tokens.id_token, jwks, SECRETS[clientId]), 'ID token signature valid');
  const { header, payload } = decodeJwt(tokens.id_token);
  assert.equal(payload.nonce, nonce);
  return { disco, jar, tokens, header, claims: payload };
}

async function pkceIsRequired(issuer) {
  const auth = new URL(`${issuer}/auth`);
  auth.search = new URLSearchParams({ client_id: 'infohus', redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's', nonce: 'n' });
  const res = await fetch(auth, { redirect: 'manual' });
  const loc = new URL(res.headers.get('location'));
  assert.equal(loc.searchParams.get('error'), 'invalid_request');
  assert.match(loc.searchParams.get('error_description'), /PKCE/);
}

const now = () => Math.floor(Date.now() / 1000);
const show = (label, x) => { if (verbose) console.log(label, JSON.stringify(x)); };

// ---- normal mode
{
  const p = await startCli({});
  try {
    const r = await codeFlow({ issuer: p.issuer, clientId: 'infohus', email: 'core_group@randers.demo' });
    show('normal/infohus', { header: r.header, claims: r.claims });
    const c = r.claims;
    assert.equal(r.header.alg, 'RS256');
    assert.equal(c.iss, p.issuer);
    assert.equal(c.aud, 'infohus');
    assert.equal(c.sub, 'entra-core-group-randers');
    assert.equal(c.email, 'core_group@randers.demo');
    assert.equal(c.email_verified, true);
    assert.deepEqual(c.amr, ['pwd', 'mfa']);
    assert.ok(c.exp > now() && c.iat <= now() + 1);
    assert.ok(r.disco.end_session_endpoint, 'end_session_endpoint');

    // SSO: a second client in the same browser session skips the login page.
    const r2 = await codeFlow({ issuer: p.issuer, clientId: 'andet-system', jar: r.jar, expectLogin: false });
    assert.equal(r2.claims.aud, 'andet-system');

    // RP-initiated logout with id_token_hint + post_logout_redirect_uri.
    const end = new URL(r.disco.end_session_endpoint);
    end.search = new URLSearchParams({ id_token_hint: r.tokens.id_token, post_logout_redirect_uri: POST_LOGOUT, state: 'bye' });
    let res = await r.jar.fetch(end.href);
    assert.equal(res.status, 200);
    const html = await res.text();
    const action = /<form id="op.logoutForm" method="post" action="([^"]+)"/.exec(html)[1];
    const form = new URLSearchParams([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [m[1], m[2]]));
    assert.equal(form.get('logout'), 'yes');
    assert.ok(html.includes('.submit()'), 'auto-submits');
    res = await r.jar.fetch(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `${POST_LOGOUT}?state=bye`);
    // the provider session is gone: login page again
    const r3 = await codeFlow({ issuer: p.issuer, clientId: 'infohus', jar: r.jar, email: 'coordinator@randers.demo' });
    assert.deepEqual(r3.claims.amr, ['pwd']);

    const u = await codeFlow({ issuer: p.issuer, clientId: 'infohus', email: 'staff@randers.demo' });
    assert.equal(u.claims.email_verified, false);
    assert.equal(u.claims.amr, undefined);
    const l = await codeFlow({ issuer: p.issuer, clientId: 'infohus-hs256', email: 'ny.koordinator@randers.demo' });
    show('normal/infohus-hs256', { header: l.header, claims: l.claims });
    assert.equal(l.header.alg, 'HS256');
    assert.deepEqual(l.claims.groups, ['infohus-koordinatorer']);
    const s = await codeFlow({ issuer: p.issuer, clientId: 'infohus', email: 'ukendt@randers.demo' });
    assert.equal(s.claims.sub, 'entra-stranger');
    await pkceIsRequired(p.issuer);
  } finally {
    await p.stop();
  }
  console.log('ok normal mode');
}

// ---- expired mode
{
  const p = await startCli({ OIDC_CLOCK_OFFSET_SECONDS: '-7200' });
  try {
    const r = await codeFlow({ issuer: p.issuer, clientId: 'infohus', email: 'coordinator@randers.demo' });
    show('expired/infohus', { header: r.header, claims: r.claims, now: now() });
    assert.ok(r.claims.iat <= now() - 7190, 'iat 2h in the past');
    assert.ok(r.claims.exp < now() - 3000, 'exp in the past');
    assert.equal(r.claims.aud, 'infohus');
  } finally {
    await p.stop();
  }
  console.log('ok expired mode');
}

// ---- wrong audience mode
{
  const p = await startCli({ OIDC_WRONG_AUDIENCE: '1' });
  try {
    const r = await codeFlow({ issuer: p.issuer, clientId: 'infohus', email: 'coordinator@randers.demo' });
    show('wrong-aud/infohus', { header: r.header, claims: r.claims });
    assert.equal(r.header.alg, 'RS256');
    assert.equal(r.claims.aud, 'andet-system');
    assert.equal(r.claims.iss, p.issuer);
    assert.ok(r.claims.exp > now());
  } finally {
    await p.stop();
  }
  console.log('ok wrong-audience mode');
}

// ---- module API
{
  const { startProvider } = await import('./provider.mjs');
  const p = await startProvider({ redirectUris: [REDIRECT] });
  assert.match(p.issuer, new RegExp(`^http://127\\.0\\.0\\.1:${p.port}$`));
  const d = await (await fetch(`${p.issuer}/.well-known/openid-configuration`)).json();
  assert.equal(d.issuer, p.issuer);
  await p.stop();
  console.log('ok module API');
}
