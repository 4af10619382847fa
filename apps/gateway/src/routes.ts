/**
 * Which service owns which path: the one place stack mode maps the public `/api`
 * onto the four services (docker-compose's ingress uses the same table).
 */
export type Upstream = 'intake' | 'files' | 'query' | 'zendesk';

const TABLE: [RegExp, Upstream][] = [
  [/^\/api\/user\/log\/message\/?$/, 'intake'],
  [/^\/api\/common\/upload\/file\/?$/, 'files'],
  [/^\/api\/user\/help\/file\/upload\//, 'files'],
  [/^\/api\/aws\/download\/support\/file\//, 'files'],
  [/^\/api\/admin\/images\//, 'files'],
  [/^\/api\/admin\/fetch\/customer\/support\/?$/, 'query'],
  [/^\/api\/admin\/zendesk\//, 'zendesk'],
  [/^\/api\/zendesk\//, 'zendesk'],
];

export function upstreamFor(path: string): Upstream | undefined {
  return TABLE.find(([pattern]) => pattern.test(path))?.[1];
}
