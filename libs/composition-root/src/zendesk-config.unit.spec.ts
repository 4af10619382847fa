import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '@support-desk/service-kit';
import { serviceConfigSchema } from './service-config';
import { zendeskConfigured, zendeskSettings, zendeskWebhookSettings } from './zendesk-config';

const parse = (env: Record<string, string>) => parseConfig(serviceConfigSchema(0), env);
const problems = (env: Record<string, string>) => {
  try {
    parse(env);
    return '';
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
};

describe('Zendesk configuration', () => {
  it('is off without a target or without credentials at all', () => {
    expect(zendeskConfigured(parse({}))).toBe(false);
    expect(zendeskConfigured(parse({ ZENDESK_OAUTH_TOKEN: 'x' }))).toBe(false);
  });

  it('prefers OAuth, falls back to email + API token, and builds the base URL from the subdomain', () => {
    expect(zendeskSettings(parse({ ZENDESK_SUBDOMAIN: 'acme', ZENDESK_OAUTH_TOKEN: 'o', ZENDESK_EMAIL: 'a@acme.com', ZENDESK_API_TOKEN: 't' }))).toMatchObject({
      baseUrl: 'https://acme.zendesk.com',
      auth: { kind: 'bearer', token: 'o' },
      requestsPerMinute: 400,
      maxAttempts: 5,
    });
    expect(
      zendeskSettings(parse({ ZENDESK_URL: 'http://127.0.0.1:9/', ZENDESK_EMAIL: 'a@acme.com', ZENDESK_API_TOKEN: 't', ZENDESK_REQUESTS_PER_MINUTE: '60' })),
    ).toMatchObject({
      baseUrl: 'http://127.0.0.1:9',
      auth: { kind: 'basic', email: 'a@acme.com', apiToken: 't' },
      requestsPerMinute: 60,
    });
    expect(zendeskWebhookSettings(parse({ ZENDESK_WEBHOOK_SECRET: 's' }))).toEqual({ secret: 's', maxAgeMs: 300_000 });
  });

  it('stops start-up with a message naming the variable', () => {
    expect(problems({ ZENDESK_SUBDOMAIN: 'acme' })).toMatch(/ZENDESK_OAUTH_TOKEN: .*no credentials/);
    expect(problems({ ZENDESK_SUBDOMAIN: 'acme.zendesk.com', ZENDESK_OAUTH_TOKEN: 'o' })).toMatch(/ZENDESK_SUBDOMAIN: must be the account subdomain/);
    expect(problems({ ZENDESK_EMAIL: 'a@acme.com' })).toMatch(/ZENDESK_API_TOKEN: .*go together/);
    expect(problems({ ZENDESK_REQUESTS_PER_MINUTE: 'fast' })).toMatch(/ZENDESK_REQUESTS_PER_MINUTE/);
    expect(problems({ ZENDESK_MAX_ATTEMPTS: '0' })).toMatch(/ZENDESK_MAX_ATTEMPTS/);
    expect(problems({ ZENDESK_URL: 'not a url', ZENDESK_OAUTH_TOKEN: 'o' })).toMatch(/ZENDESK_URL/);
  });
});
