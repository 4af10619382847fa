export { searchTicketsRoute, type QueryDeps } from './search-tickets.route';
export { projectTicketEvent, startTicketProjection, QUERY_SERVICE_GROUP, TicketSearchProjection } from './ticket-search.projection';
export { ticketDetailRoute, type TicketAdminDeps } from './ticket-detail.route';
export { ticketHistoryRoute, type TicketHistoryDeps } from './ticket-history.route';
export type { TicketStreamReader } from './ticket-stream';
export { rebuildReadModel, REBUILD_MARKER_STREAM, type RebuildOptions, type RebuildProgress } from './rebuild/rebuild-read-model';
export { evolveTicketView, foldTicketView } from './ticket-view.evolve';
