import { describe, expect, it } from 'vitest';
import { upstreamFor } from './routes';

describe('gateway routes', () => {
  it.each([
    ['/api/user/log/message', 'intake'],
    ['/api/common/upload/file', 'files'],
    ['/api/user/help/file/upload/abc/LOG', 'files'],
    ['/api/aws/download/support/file/abc/LOG', 'files'],
    ['/api/admin/fetch/customer/support', 'query'],
    ['/api/zendesk/webhook', 'zendesk'],
    ['/api/health', undefined],
    ['/api/user/log/message/extra', undefined],
  ])('%s → %s', (path, owner) => {
    expect(upstreamFor(path)).toBe(owner);
  });
});
