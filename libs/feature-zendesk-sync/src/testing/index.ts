export { FakeZendesk, type Endpoint, type Fault, type FakeTicket, type FakeUser, type FakeZendeskState, type RecordedRequest } from './fake-zendesk-server';
