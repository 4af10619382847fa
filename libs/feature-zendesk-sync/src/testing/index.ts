export { FakeZendesk, type Endpoint, type Fault, type FakeTicket, type RecordedRequest } from './fake-zendesk-server';
