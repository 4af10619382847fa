import { ticketReadModelContract } from '../testing';
import { InMemoryTicketReadModel } from './in-memory-ticket-read-model';

ticketReadModelContract('in-memory', async () => ({ readModel: new InMemoryTicketReadModel() }));
