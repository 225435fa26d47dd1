// Worker process of the runtime benchmark (forked by scripts/lib/bench-procs.cjs).
// Opens `workers` workers of one system, each with `concurrency` slots, and
// answers the parent over IPC:
//   { id, cmd: 'start' }    start taking jobs          -> { id, ok }
//   { id, cmd: 'stats' }    handler calls so far       -> { id, count, first, last }
//   { id, cmd: 'collect' }  samples, cleared           -> { id, samples }
//   { id, cmd: 'close' }    close the workers, exit    -> { id, ok }
// What a handler records depends on `mode` (argv[2], JSON):
//   latency  now - payload.t (payload.t = producer's send time, sub-ms clock)
//   delayed  Date.now() - payload.t (payload.t = due time, integer ms)
//   starts   Date.now() at each handler start (rate-limit benchmark)
//   other    nothing but the call count and first/last call time
// Every handler returns { doneAt: now } (handler finished, for result latency).
const { openWorker, now } = require('./bench-systems.cjs');

const spec = JSON.parse(process.argv[2]);
const samples = [];
let count = 0;
let first = 0;
let last = 0;

function handler(payload) {
  const t = now();
  if (spec.mode === 'latency') samples.push(t - payload.t);
  else if (spec.mode === 'delayed') samples.push(Date.now() - payload.t);
  else if (spec.mode === 'starts') samples.push(Date.now());
  count += 1;
  if (count === 1) first = t;
  last = t;
  return { doneAt: now() };
}

async function main() {
  const workers = [];
  for (let i = 0; i < spec.workers; i += 1) {
    workers.push(
      await openWorker(spec.system, {
        url: spec.url,
        prefix: spec.prefix,
        name: `${spec.name}-${i}`,
        concurrency: spec.concurrency,
        delayed: spec.mode === 'delayed',
        handler,
      }),
    );
  }
  process.on('message', async (msg) => {
    const reply = (body) => process.send({ id: msg.id, ...body });
    try {
      if (msg.cmd === 'start') {
        await Promise.all(workers.map((w) => w.start()));
        reply({ ok: true });
      } else if (msg.cmd === 'stats') {
        reply({ count, first, last });
      } else if (msg.cmd === 'collect') {
        reply({ samples: samples.splice(0) });
      } else if (msg.cmd === 'close') {
        await Promise.all(workers.map((w) => w.close()));
        reply({ ok: true });
        process.disconnect();
        setTimeout(() => process.exit(0), 200).unref();
      }
    } catch (err) {
      reply({ error: err.stack || String(err) });
    }
  });
  process.on('disconnect', () => setTimeout(() => process.exit(0), 1_000).unref());
  process.send({ id: 0, ready: true });
}

main().catch((err) => {
  process.stderr.write(`bench child (${spec.system}): ${err.stack || err}\n`);
  process.exit(1);
});
