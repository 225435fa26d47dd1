import { generateReport, payloadJsonSchema, sendEmail, deliverWebhook } from '@jobq/job-defs';
import { formFields, readForm } from './payload-form';

describe('formFields', () => {
  it('turns each property into the right control', () => {
    const fields = formFields(payloadJsonSchema(generateReport));
    const by = Object.fromEntries(fields.map((f) => [f.name, f]));
    expect(by['reportType']).toMatchObject({ isSelect: true, required: true });
    expect(by['reportType'].options.map((o) => o.value)).toEqual(['sales', 'signups', 'usage']);
    expect(by['from']).toMatchObject({ isInput: true, inputType: 'date', required: true });
    expect(by['rowsPerDay']).toMatchObject({ isInput: true, inputType: 'number', step: '1', min: '1', max: '100000', value: '1000', required: false });
  });

  it('uses a JSON text area for objects and unions, a text area for long strings', () => {
    const email = Object.fromEntries(formFields(payloadJsonSchema(sendEmail)).map((f) => [f.name, f]));
    expect(email['to']).toMatchObject({ isTextarea: true, hint: 'Text, or JSON for a list' });
    expect(email['text']).toMatchObject({ isTextarea: true });
    expect(email['from']).toMatchObject({ inputType: 'email', required: false });
    const hook = Object.fromEntries(formFields(payloadJsonSchema(deliverWebhook)).map((f) => [f.name, f]));
    expect(hook['body']).toMatchObject({ isTextarea: true, hint: 'JSON' });
  });

  it('keeps posted values and shows errors', () => {
    const [to] = formFields(payloadJsonSchema(sendEmail), { to: 'x' }, { to: 'must be an email address' });
    expect(to).toMatchObject({ value: 'x', error: 'must be an email address' });
  });
});

describe('readForm', () => {
  it('converts numbers, parses JSON and leaves out empty optional fields', () => {
    const reading = readForm(payloadJsonSchema(deliverWebhook), { url: 'https://e.com/h', event: 'x', body: '{"a":[]}', requestTimeoutMs: '' });
    expect(reading).toEqual({ ok: true, payload: { url: 'https://e.com/h', event: 'x', body: { a: [] } } });
    expect(readForm(payloadJsonSchema(generateReport), { reportType: 'sales', from: '2024-01-01', to: '2024-01-31', rowsPerDay: '50' })).toEqual({
      ok: true,
      payload: { reportType: 'sales', from: '2024-01-01', to: '2024-01-31', rowsPerDay: 50 },
    });
  });

  it('takes a bare string for a field that accepts one, and JSON for a list', () => {
    const schema = payloadJsonSchema(sendEmail);
    expect(readForm(schema, { to: 'a@b.co', subject: 's', text: 't' })).toMatchObject({ payload: { to: 'a@b.co' } });
    expect(readForm(schema, { to: '["a@b.co","c@d.co"]', subject: 's', text: 't' })).toMatchObject({ payload: { to: ['a@b.co', 'c@d.co'] } });
  });

  it('reports JSON that does not parse and leaves the rest to the contract', () => {
    expect(readForm(payloadJsonSchema(deliverWebhook), { body: '{oops' })).toEqual({ ok: false, errors: { body: 'must be valid JSON' } });
    const notANumber = readForm(payloadJsonSchema(generateReport), { rowsPerDay: 'many' });
    expect(notANumber).toMatchObject({ ok: true, payload: { rowsPerDay: 'many' } });
    expect(generateReport.payload.safeParse((notANumber as { payload: unknown }).payload).success).toBe(false);
  });
});
