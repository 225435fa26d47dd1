import { catalogueList } from '@jobq/job-defs';
import { OutboxTransport } from '../email/outbox-transport';
import { catalogueHandlers } from './index';

describe('catalogueHandlers', () => {
  it('binds exactly one handler to every contract of the catalogue', () => {
    const bound = catalogueHandlers({ emailTransport: new OutboxTransport('/nonexistent'), webhook: { secret: 'test-secret' }, outboxDir: '/nonexistent' });
    expect(bound.map((h) => h.contract).sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      [...catalogueList].sort((a, b) => a.name.localeCompare(b.name)),
    );
  });
});
