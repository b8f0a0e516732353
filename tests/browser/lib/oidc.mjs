// The identity providers of the browser run: real OpenID Connect providers (tests/oidc, the
// certified oidc-provider package) on free ports, and the settings file that points the app at
// them. One behaves; one issues ID tokens that are already expired; one issues them for another
// audience; one slug points at a port where nothing listens (a provider that is down).

import fs from 'node:fs';
import path from 'node:path';

import { startProvider } from '../../oidc/provider.mjs';
import { freePort } from './app.mjs';

export const OIDC_PASSWORD = 'oidc-test-2026';

/// The slugs the scenarios use, and what each provider does.
export const SSO = {
  good: 'randers-test',
  hs256: 'randers-hs256',
  expired: 'udloebet',
  wrongAudience: 'forkert-publikum',
  down: 'nede',
};

/// Starts the providers for an app that will listen on `appPort`; writes its settings file
/// into `dir`. Returns { configFile, issuers, stop() }.
export async function startProviders(appPort, dir) {
  const app = `http://127.0.0.1:${appPort}`;
  const callbacks = Object.values(SSO).map((slug) => `${app}/login/sso/${slug}/callback`);
  const options = { redirectUris: callbacks, postLogoutRedirectUris: [`${app}/login?logget_ud=1`] };
  const good = await startProvider(options);
  const expired = await startProvider({ ...options, clockOffsetSeconds: -7200 });
  const wrongAudience = await startProvider({ ...options, wrongAudience: true });
  const nobody = await freePort();
  const provider = (slug, name, issuer, clientId, secret, extra = '') => `
[[oidc.providers]]
slug = "${slug}"
name = "${name}"
issuer = "${issuer}"
client_id = "${clientId}"
client_secret = "${secret}"
${extra}`;
  const toml = [
    '[oidc]\ntimeout_seconds = 5',
    provider(SSO.good, 'Randers Kommune (test)', good.issuer, 'infohus', 'infohus-oidc-secret',
      'just_in_time = true\nmunicipality = "randers"\n[oidc.providers.roles]\n"infohus-koordinatorer" = "coordinator"\n'),
    provider(SSO.hs256, 'Randers HS256 (test)', good.issuer, 'infohus-hs256', 'infohus-hs256-secret-that-is-long-enough-32b'),
    provider(SSO.expired, 'Udløbet (test)', expired.issuer, 'infohus', 'infohus-oidc-secret'),
    provider(SSO.wrongAudience, 'Forkert publikum (test)', wrongAudience.issuer, 'infohus', 'infohus-oidc-secret'),
    provider(SSO.down, 'Nede (test)', `http://127.0.0.1:${nobody}`, 'infohus', 'x'),
  ].join('\n');
  const configFile = path.join(dir, 'oidc.toml');
  fs.writeFileSync(configFile, toml);
  return {
    configFile,
    issuers: { good: good.issuer, expired: expired.issuer, wrongAudience: wrongAudience.issuer },
    async stop() {
      await Promise.all([good.stop(), expired.stop(), wrongAudience.stop()]);
    },
  };
}
