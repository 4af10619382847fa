export { searchTicketsRoute, type QueryDeps } from './search-tickets.route';
export { projectTicketEvent, startTicketProjection, QUERY_SERVICE_GROUP } from './ticket-search.projection';
