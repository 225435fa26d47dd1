import { payloadJsonSchema, type AnyJobContract } from '@jobq/job-defs';
import { PayloadValidationError, QueueError } from '@jobq/queue-core';
import { optionFields, readOptions } from '../form/enqueue-options-form';
import type { Request, Response, Router } from 'express';
import { formFields, readForm, type FormValues } from '../form/payload-form';
import { HttpError } from '../http/http-error';
import { redirectWithFlash } from '../http/flash';
import { contractParams, parseInput } from '../http/params';
import { sendPage } from '../http/respond';
import type { RouteContext } from './context';

/**
 * `/enqueue`: the contracts, and per contract a form generated from its payload's
 * JSON Schema. The post is validated by the same contract (through the
 * enqueuer), and its errors are shown next to their fields.
 */
export function enqueueRoutes(router: Router, ctx: RouteContext): void {
  const find = (req: Request): AnyJobContract => {
    const { name } = parseInput(contractParams, req.params);
    const contract = ctx.contracts.find((c) => c.name === name);
    if (!contract) throw new HttpError(404, `There is no job contract named "${name}".`);
    return contract;
  };
  const describe = (c: AnyJobContract) => ({ name: c.name, queue: c.queue, description: c.description, href: ctx.links.enqueue(c.name) });

  router.get('/enqueue', (req: Request, res: Response) => {
    sendPage(req, res, ctx.views, 'enqueue-list', 'Enqueue a job', { contracts: ctx.contracts.map(describe) });
  });
  router.get('/api/enqueue', (_req: Request, res: Response) => {
    res.json({ contracts: ctx.contracts.map((c) => ({ name: c.name, queue: c.queue, description: c.description, payloadSchema: payloadJsonSchema(c) })) });
  });

  const showForm = (req: Request, res: Response, contract: AnyJobContract, values: FormValues, errors: Record<string, string>, formError: string, status = 200) => {
    const schema = payloadJsonSchema(contract);
    sendPage(req, res, ctx.views, 'enqueue-form', `Enqueue ${contract.name}`, {
      contract: describe(contract),
      action: ctx.links.enqueue(contract.name),
      fields: formFields(schema, values, errors),
      options: optionFields(values, errors, contract.defaults.retries),
      optionsOpen: Object.keys(values).some((k) => k.startsWith('option.') && values[k] !== ''),
      formError,
      hasErrors: status !== 200,
      schemaJson: JSON.stringify(schema, null, 2),
    }, status);
  };

  router.get('/enqueue/:name', (req: Request, res: Response) => showForm(req, res, find(req), {}, {}, ''));
  router.get('/api/enqueue/:name', (req: Request, res: Response) => {
    const c = find(req);
    res.json({ name: c.name, queue: c.queue, description: c.description, payloadSchema: payloadJsonSchema(c) });
  });

  router.post('/enqueue/:name', async (req: Request, res: Response) => {
    const contract = find(req);
    const values = stringFields(req.body);
    const reading = readForm(payloadJsonSchema(contract), values);
    const options = readOptions(values);
    if (!reading.ok || !options.ok) {
      const errors = { ...(reading.ok ? {} : reading.errors), ...(options.ok ? {} : options.errors) };
      return showForm(req, res, contract, values, errors, 'Some fields need fixing.', 422);
    }
    try {
      const job = await ctx.enqueuer.enqueue(contract, reading.payload, options.options);
      ctx.logger.info({ job: contract.name, id: job.id, queue: contract.queue }, 'job enqueued from the dashboard');
      redirectWithFlash(res, ctx.links.job(contract.queue, job.id), { kind: 'ok', text: `Enqueued ${contract.name} as job ${job.id}.` }, ctx.cookiePath);
    } catch (err) {
      if (err instanceof QueueError && err.code === 'JOBQ_INVALID_ARGUMENT') return showForm(req, res, contract, values, {}, err.message.slice(0, 500), 422);
      if (!(err instanceof PayloadValidationError)) throw err;
      const errors: Record<string, string> = {};
      const general: string[] = [];
      for (const issue of err.issues) {
        const field = issue.path.split('.')[0];
        if (field && field in values) errors[field] = errors[field] ? `${errors[field]}; ${issue.message}` : issue.message;
        else if (field) errors[field] = issue.message;
        else general.push(issue.message);
      }
      showForm(req, res, contract, values, errors, general.join('; ') || 'Some fields need fixing.', 422);
    }
  });
}

/** The string fields of a urlencoded body (repeated or nested fields are ignored). */
function stringFields(body: unknown): FormValues {
  if (!body || typeof body !== 'object') return {};
  return Object.fromEntries(Object.entries(body as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== '_csrf'));
}
