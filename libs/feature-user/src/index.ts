export { userTicketsRoute, type UserTicketsDeps } from './user-tickets.route';
export { userReplyRoute, type UserReplyDeps } from './user-reply.route';
export { foldConversation, type Conversation } from './conversation';
