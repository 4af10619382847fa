import type { TicketHistoryEvent } from '@support-desk/contracts';
import { h } from '../dom';
import { formatTime, summarizeEvent, uploadedFileNames } from '../format';

/**
 * The ticket's events in stream order as a timeline: what happened (and the event
 * type), when it was recorded, its revision, what it changed; the recorded data
 * itself one click away.
 */
export function historyTimeline(events: readonly TicketHistoryEvent[]): HTMLElement {
  if (events.length === 0) return h('p', { class: 'empty' }, 'No events recorded.');
  const fileNames = uploadedFileNames(events);
  return h(
    'ol',
    { class: 'timeline', 'aria-label': `${events.length} ${events.length === 1 ? 'event' : 'events'}, oldest first` },
    events.map((event) => {
      const summary = summarizeEvent(event, fileNames);
      return h(
        'li',
        { class: `event event-${event.type}` },
        h('h3', null, summary.title, ' ', h('span', { class: 'event-type' }, event.type)),
        h(
          'p',
          { class: 'event-meta' },
          h('time', { datetime: new Date(event.recordedAt).toISOString() }, formatTime(event.recordedAt)),
          ` · revision ${event.revision} · position ${event.position}`,
        ),
        summary.changes.length > 0
          ? h(
              'dl',
              { class: 'changes' },
              summary.changes.map((c) => h('div', null, h('dt', null, c.label), h('dd', null, c.value))),
            )
          : null,
        h('details', null, h('summary', null, 'Recorded data'), h('pre', null, JSON.stringify(event.data, null, 2))),
      );
    }),
  );
}
