// A real OpenID Connect provider (panva/oidc-provider, OpenID Certified) for
// Infohus' OIDC login tests. Usable as a module (startProvider) and as a CLI:
//
//   OIDC_PORT=0 OIDC_REDIRECT_URIS=http://127.0.0.1:8123/login/oidc/test/callback \
//     node tests/oidc/provider.mjs        # prints "OIDC_READY http://127.0.0.1:<port>"
//
// See README.md in this directory for accounts, clients, the login form and
// the failure modes.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

import Provider from 'oidc-provider';

export const PASSWORD = 'oidc-test-2026';

// Fixed test accounts. `amr` is what the login reports (goes into the ID token).
export const ACCOUNTS = Object.freeze([
  // Infohus' demo users, as a municipality's identity provider would know them.
  { sub: 'entra-coordinator-randers', email: 'coordinator@randers.demo', email_verified: true, name: 'Koordinator Randers', amr: ['pwd'] },
  { sub: 'entra-core-group-randers', email: 'core_group@randers.demo', email_verified: true, name: 'Kernegruppe Randers', amr: ['pwd', 'mfa'] },
  { sub: 'entra-unverified', email: 'staff@randers.demo', email_verified: false, name: 'Medarbejder Randers' },
  { sub: 'entra-stranger', email: 'ukendt@randers.demo', email_verified: true, name: 'Ukendt Person' },
  { sub: 'entra-new-coordinator', email: 'ny.koordinator@randers.demo', email_verified: true, name: 'Ny Koordinator', amr: ['pwd', 'mfa'], groups: ['infohus-koordinatorer'] },
  // Same e-mail as the Randers coordinator, another subject: must never take over that account.
  { sub: 'entra-impostor', email: 'Coordinator@Randers.demo', email_verified: true, name: 'Anden Person', amr: ['pwd'], login: 'impostor@randers.demo' },
]);

const SCOPE = 'openid email profile';

function list(value) {
  if (Array.isArray(value)) return value;
  return String(value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  }[c]));
}

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>`;
}

function loginPage({ uid, clientId, email = '', error }) {
  return page('Test OIDC provider: sign in', `
<p>Signing in to <code>${escapeHtml(clientId)}</code>.</p>
${error ? `<p id="login-error" role="alert">${escapeHtml(error)}</p>` : ''}
<form id="login-form" method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
  <p><label for="email">Email</label>
  <input id="email" name="email" type="email" required value="${escapeHtml(email)}"></p>
  <p><label for="password">Password</label>
  <input id="password" name="password" type="password" required></p>
  <p><button id="sign-in" type="submit">Sign in</button></p>
</form>
<form id="cancel-form" method="post" action="/interaction/${escapeHtml(uid)}/abort">
  <p><button id="cancel" type="submit">Cancel</button></p>
</form>`);
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('form body too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * Start a provider.
 * @param {object} [options]
 * @param {number} [options.port=0]  0 = let the OS pick a free port
 * @param {string[]|string} [options.redirectUris]  default: env OIDC_REDIRECT_URIS
 * @param {string[]|string} [options.postLogoutRedirectUris]  default: env OIDC_POST_LOGOUT_REDIRECT_URIS
 * @param {number} [options.clockOffsetSeconds=0]  e.g. -7200: ID tokens are dated 2h in the past
 * @param {boolean} [options.wrongAudience=false]  ID tokens for `infohus` get aud `andet-system`
 * @param {boolean} [options.logoutConfirm=false]  show the provider's logout confirm page instead of auto-submitting
 * @returns {Promise<{ issuer: string, port: number, provider: Provider, stop(): Promise<void> }>}
 */
export async function startProvider(options = {}) {
  const redirectUris = list(options.redirectUris ?? process.env.OIDC_REDIRECT_URIS);
  if (redirectUris.length === 0) {
    throw new Error('no redirect URIs: set OIDC_REDIRECT_URIS (comma separated) or options.redirectUris');
  }
  const postLogoutRedirectUris = list(options.postLogoutRedirectUris ?? process.env.OIDC_POST_LOGOUT_REDIRECT_URIS);
  const clockOffsetSeconds = Number(options.clockOffsetSeconds ?? 0);
  const wrongAudience = Boolean(options.wrongAudience);
  const logoutConfirm = Boolean(options.logoutConfirm);

  // Listen first so the issuer can carry the real port.
  let handler = (_req, res) => { res.statusCode = 503; res.end(); };
  const server = createServer((req, res) => handler(req, res));
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(options.port ?? 0), '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: `test-rs256-${randomBytes(4).toString('hex')}`, use: 'sig', alg: 'RS256' };

  const common = {
    redirect_uris: redirectUris,
    post_logout_redirect_uris: postLogoutRedirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
  const clients = [
    { ...common, client_id: 'infohus', client_secret: 'infohus-oidc-secret', id_token_signed_response_alg: 'RS256' },
    { ...common, client_id: 'andet-system', client_secret: 'andet-oidc-secret', id_token_signed_response_alg: 'RS256' },
    { ...common, client_id: 'infohus-hs256', client_secret: 'infohus-hs256-secret-that-is-long-enough-32b', id_token_signed_response_alg: 'HS256' },
    // `infohus-none` (alg "none") is not possible: oidc-provider v8 does not
    // support unsigned ID tokens at all ("none" is not in its JWA list). See README.
  ];

  const byId = new Map(ACCOUNTS.map((a) => [a.sub, a]));
  // The login name is the e-mail, or `login` where two accounts share one (the impostor).
  const byEmail = new Map(ACCOUNTS.map((a) => [(a.login ?? a.email).toLowerCase(), a]));

  const configuration = {
    clients,
    jwks: { keys: [jwk] },
    cookies: {
      keys: [randomBytes(32).toString('base64url')],
      // plain http on 127.0.0.1: the default SameSite=None session cookie
      // (without Secure) would be dropped by browsers, so use Lax.
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    claims: {
      acr: null,
      amr: null,
      sid: null,
      auth_time: null,
      iss: null,
      openid: ['sub', 'groups', 'amr'], // amr comes from the login result (session), not the account
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    scopes: ['openid', 'email', 'profile'],
    conformIdTokenClaims: false, // scope claims go into the ID token, too
    pkce: { required: () => true, methods: ['S256'] },
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    enabledJWA: { idTokenSigningAlgValues: ['RS256', 'HS256'] },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.type = 'html';
          if (logoutConfirm) {
            ctx.body = page('Test OIDC provider: sign out', `${form}
<p><button id="logout-yes" type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button></p>
<p><button id="logout-no" type="submit" form="op.logoutForm">No, stay signed in</button></p>`);
            return;
          }
          // Auto-confirm: end the whole provider session and continue to the
          // post_logout_redirect_uri without user interaction.
          const autoForm = form.replace('</form>', '<input type="hidden" name="logout" value="yes"/><noscript><button id="logout-yes" type="submit">Sign out</button></noscript></form>');
          ctx.body = page('Test OIDC provider: signing out', `${autoForm}
<script>document.getElementById('op.logoutForm').submit();</script>`);
        },
        async postLogoutSuccessSource(ctx) {
          ctx.type = 'html';
          ctx.body = page('Test OIDC provider: signed out', '<p id="signed-out">You are signed out.</p>');
        },
      },
    },
    async findAccount(_ctx, sub) {
      const account = byId.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          const { sub: s, email, email_verified, name, groups } = account;
          return { sub: s, email, email_verified, name, ...(groups ? { groups } : {}) };
        },
      };
    },
    // First-party clients: consent is implied. A grant with the OIDC scopes is
    // created (or topped up) here, so the consent prompt never triggers.
    async loadExistingGrant(ctx) {
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
      let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      if (!grant || grant.accountId !== oidc.session.accountId) {
        grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
      }
      grant.addOIDCScope(SCOPE);
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Session: 3600 * 8,
      Grant: 3600 * 8,
    },
    clientBasedCORS: () => false,
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Test OIDC provider: error', Object.entries(out)
        .map(([k, v]) => `<p><strong>${escapeHtml(k)}</strong>: <span class="${escapeHtml(k)}">${escapeHtml(v)}</span></p>`).join('\n'));
    },
  };

  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (_ctx, err) => { process.stderr.write(`oidc server_error: ${err?.stack || err}\n`); });

  // Failure modes: both patch only how ID tokens are issued. The token is still
  // signed normally (RS256 with the published key / HS256 with the secret).
  const { IdToken } = provider;
  if (clockOffsetSeconds) {
    const origPayload = IdToken.prototype.payload;
    IdToken.prototype.payload = async function payload() {
      const p = await origPayload.call(this);
      const now = Math.floor(Date.now() / 1000);
      p.iat = now + clockOffsetSeconds;
      if (typeof p.auth_time === 'number') p.auth_time += clockOffsetSeconds;
      return p;
    };
    const origIssue = IdToken.prototype.issue;
    IdToken.prototype.issue = function issue(opts = {}) {
      if (opts.use !== 'idtoken') return origIssue.call(this, opts);
      const now = Math.floor(Date.now() / 1000);
      const ttl = IdToken.expiresIn(this.ctx, this, this.client);
      let expiresAt = now + clockOffsetSeconds + ttl;
      if (expiresAt === now) expiresAt -= 1; // issue() treats a 0 lifetime as "default"
      return origIssue.call(this, { ...opts, expiresAt });
    };
  }
  if (wrongAudience) {
    const origIssue = IdToken.prototype.issue;
    IdToken.prototype.issue = async function issue(opts = {}) {
      if (opts.use === 'idtoken' && this.client?.clientId === 'infohus') {
        // issue() takes aud (and the signing alg) from this.client; both
        // clients use RS256 with the provider's key, so only aud differs.
        this.client = await provider.Client.find('andet-system');
      }
      return origIssue.call(this, opts);
    };
  }

  // Login interaction with real password checking.
  provider.use(async (ctx, next) => {
    const m = /^\/interaction\/([\w-]+)(?:\/(login|abort))?$/.exec(ctx.path);
    if (!m) return next();
    const [, , action] = m;
    ctx.set('cache-control', 'no-store');
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const { uid, prompt, params } = details;

    if (!action && ctx.method === 'GET') {
      if (prompt.name !== 'login') {
        ctx.status = 501;
        ctx.body = `unexpected prompt ${prompt.name}`;
        return undefined;
      }
      ctx.type = 'html';
      ctx.body = loginPage({ uid, clientId: params.client_id, email: params.login_hint || '' });
      return undefined;
    }
    if (action === 'login' && ctx.method === 'POST') {
      const form = await readForm(ctx.req);
      const email = (form.get('email') || '').trim();
      const account = byEmail.get(email.toLowerCase());
      if (!account || form.get('password') !== PASSWORD) {
        ctx.status = 401;
        ctx.type = 'html';
        ctx.body = loginPage({ uid, clientId: params.client_id, email, error: 'Invalid email or password.' });
        return undefined;
      }
      return provider.interactionFinished(ctx.req, ctx.res, {
        login: { accountId: account.sub, ...(account.amr ? { amr: account.amr } : {}) },
      }, { mergeWithLastSubmission: false });
    }
    if (action === 'abort' && ctx.method === 'POST') {
      return provider.interactionFinished(ctx.req, ctx.res, {
        error: 'access_denied',
        error_description: 'End-User aborted interaction',
      }, { mergeWithLastSubmission: false });
    }
    ctx.status = 405;
    return undefined;
  });

  handler = provider.callback();

  let stopped;
  return {
    issuer,
    port,
    provider,
    stop() {
      stopped ||= new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      });
      return stopped;
    },
  };
}

function truthy(v) {
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

async function main() {
  // Keep stdout for the READY line only: oidc-provider's notices use console.info.
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
  console.warn = console.error;

  const env = process.env;
  const { issuer, stop } = await startProvider({
    port: Number(env.OIDC_PORT || 0),
    clockOffsetSeconds: Number(env.OIDC_CLOCK_OFFSET_SECONDS || 0),
    wrongAudience: truthy(env.OIDC_WRONG_AUDIENCE),
    logoutConfirm: truthy(env.OIDC_LOGOUT_CONFIRM),
  });
  const shutdown = async () => {
    await stop();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  process.stdout.write(`OIDC_READY ${issuer}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] || '').href) {
  main().catch((err) => {
    process.stderr.write(`${err?.stack || err}\n`);
    process.exit(1);
  });
}
