import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutboxTransport } from './outbox-transport';

describe('OutboxTransport', () => {
  let dir: string;
  beforeEach(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'jobq-outbox-')), 'nested', 'outbox');
  });
  afterEach(() => rm(join(dir, '..', '..'), { recursive: true, force: true }));

  const message = { messageId: 'abc@jobq.local', from: 'a@example.com', to: ['b@example.com'], subject: 'Hi', text: 'Hello' };

  it('writes one JSON file per message, creating the folder', async () => {
    const transport = new OutboxTransport(dir);
    await expect(transport.send(message)).resolves.toEqual({ accepted: ['b@example.com'], rejected: [] });
    expect(await readdir(dir)).toEqual(['abc_jobq.local.json']);
    const stored = JSON.parse(await readFile(transport.fileFor(message.messageId), 'utf8'));
    expect(stored).toMatchObject({ ...message, writtenAt: expect.any(String) });
  });

  it('replaces the file when the same message is sent again (a retry)', async () => {
    const transport = new OutboxTransport(dir);
    await transport.send(message);
    await transport.send({ ...message, subject: 'Hi again' });
    expect(await readdir(dir)).toEqual(['abc_jobq.local.json']);
    expect(JSON.parse(await readFile(transport.fileFor(message.messageId), 'utf8')).subject).toBe('Hi again');
  });

  it('refuses recipients in the .invalid domain and writes nothing when all are refused', async () => {
    const transport = new OutboxTransport(dir);
    await expect(transport.send({ ...message, to: ['x@nowhere.invalid', 'b@example.com'] })).resolves.toEqual({
      accepted: ['b@example.com'],
      rejected: [{ address: 'x@nowhere.invalid', reason: 'domain does not exist' }],
    });
    const other = { ...message, messageId: 'other', to: ['x@nowhere.invalid'] };
    await expect(transport.send(other)).resolves.toMatchObject({ accepted: [] });
    expect(await readdir(dir)).toEqual(['abc_jobq.local.json']);
  });
});
