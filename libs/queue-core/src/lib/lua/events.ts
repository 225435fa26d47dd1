/**
 * Lua helpers shared by every script that changes a job's state.
 *
 * `emit(stream, maxlen, ev, id, name, at, data)` appends one job event to the
 * queue's event stream (`QueueKeys.events`), trimmed to about `maxlen` entries;
 * `data` is an optional JSON string of at most ~1 KB.
 *
 * `emitActive(stream, maxlen, at, started)` appends the `active` events of the
 * jobs one take started in one queue as one entry (`started`: a list of
 * {id, name, attempt}): the first job in the usual fields, the others, when
 * there are any, in `more` as a JSON array of [id, name, attempt]. Nothing
 * resumes in the middle of an `active` entry (typed subscriptions do not deliver
 * `active`), so one entry per take costs one XADD instead of one per job.
 *
 * `wake(list)` pushes a wake-up token for idle workers, unless one is already
 * waiting to be taken (so the list holds at most one token).
 *
 * `nameOf(json)` reads the job name from a stored job's JSON without decoding
 * the whole payload (ours always starts with `{"data":{"name":"...`); it falls
 * back to a full decode for jobs written by other bee-queue producers.
 */
export const EVENT_FUNCTIONS = `
local function emit(stream, maxlen, ev, id, name, at, data)
  if data then
    redis.call('xadd', stream, 'MAXLEN', '~', maxlen, '*', 'ev', ev, 'id', id, 'name', name or '', 'at', at, 'data', data)
  else
    redis.call('xadd', stream, 'MAXLEN', '~', maxlen, '*', 'ev', ev, 'id', id, 'name', name or '', 'at', at)
  end
end
local function emitActive(stream, maxlen, at, started)
  local first = started[1]
  local data = string.format('{"attempt":%d}', first[3])
  if #started == 1 then return emit(stream, maxlen, 'active', first[1], first[2], at, data) end
  local more = {}
  for i = 2, #started do more[i - 1] = started[i] end
  redis.call('xadd', stream, 'MAXLEN', '~', maxlen, '*', 'ev', 'active', 'id', first[1], 'name', first[2], 'at', at, 'data', data, 'more', cjson.encode(more))
end
local function wake(list)
  if redis.call('llen', list) == 0 then redis.call('lpush', list, '1') end
end
local function nameOf(json)
  if not json then return '' end
  local name = string.match(json, '^{"data":{"name":"([^"\\\\]*)"')
  if name then return name end
  local ok, job = pcall(cjson.decode, json)
  if ok and type(job) == 'table' and type(job.data) == 'table' and type(job.data.name) == 'string' then return job.data.name end
  return ''
end
`;
