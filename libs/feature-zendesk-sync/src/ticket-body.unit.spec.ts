import { describe, expect, it } from 'vitest';
import type { FileLinks, OpenTicket } from '@support-desk/ticket-domain';
import { categoryTag, escapeHtml, fileCommentHtml, zendeskTicketFor } from './ticket-body';

const links: FileLinks = {
  supportFileUrl: (t, f) => `https://desk.example/api/aws/download/support/file/${t}/${f}`,
  imageUrl: (n) => `https://desk.example/api/admin/images/${n}`,
};

const ticket: OpenTicket = {
  status: 'open',
  recordId: 'r-1',
  ticketId: 't-1',
  uuid: 'u-1',
  udid: 'D-1',
  subject: 'Login <fails>',
  message: 'Line 1\nLine "2" & more',
  email: 'ann@example.com',
  name: null,
  category: 'Log In / Auth',
  phone: null,
  images: ['a.png'],
  requestedAt: 1,
  files: {},
  sync: { status: 'PENDING' },
  zendeskStatus: null,
  zendeskFiles: [],
  replies: [],
  commentIds: [],
};

describe('Zendesk ticket body', () => {
  it('maps our ticket: external_id, requester, category tag, escaped HTML with facts and image links', () => {
    const z = zendeskTicketFor(ticket, links);
    expect(z).toMatchObject({ subject: 'Login <fails>', external_id: 't-1', requester: { name: 'ann', email: 'ann@example.com' }, tags: ['log_in_/_auth'] });
    expect(z.comment.html_body).toContain('<p>Line 1<br>Line &quot;2&quot; &amp; more</p>');
    expect(z.comment.html_body).toContain('<a href="https://desk.example/api/admin/images/a.png">a.png</a>');
    expect(z.comment.html_body).toContain('D-1');
    expect(z.comment.html_body).not.toContain('Phone');
  });

  it('makes one safe tag of any category', () => {
    expect(categoryTag('  Billing Issue ')).toBe('billing_issue');
    expect(categoryTag('💥')).toBe('uncategorized');
  });

  it('says why a file is a link only', () => {
    const html = fileCommentHtml(
      { fileType: 'LOG', fileName: '<x>.log', contentType: 'text/plain', size: 2048, blobKey: 'k' },
      'https://l',
      'Zendesk refused the file (HTTP 422)',
    );
    expect(html).toContain(escapeHtml('<x>.log'));
    expect(html).toContain('2.0 KiB');
    expect(html).toContain('Not attached in Zendesk: Zendesk refused the file (HTTP 422). Use the link.');
  });
});
