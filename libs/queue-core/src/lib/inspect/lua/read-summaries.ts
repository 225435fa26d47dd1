/**
 * Reads list rows without shipping big payloads out of Redis: a job JSON up to
 * ARGV[2] bytes comes back whole; a longer one as its first ARGV[2] bytes plus its
 * last ARGV[3] bytes (where bee-queue keeps `options`, `status`, `progress`).
 * Values longer than ARGV[5] bytes are not read here at all: copying a multi-MB
 * string into Lua takes milliseconds of Redis time each, so such a job comes back
 * as `false` with its size and the caller reads it outside the script (once).
 * Run-record strings that handlers or workers control (error, error code,
 * progress, worker) are cut to ARGV[4] bytes, or left out when longer than
 * ARGV[5] bytes.
 *
 * KEYS: 1 jobs hash
 * ARGV: 1 run key prefix (`prefix:queue:x:run:`), 2 head bytes, 3 tail bytes,
 *       4 max bytes of error/progress, 5 most bytes read into Lua, 6.. ids
 * Returns per id `{ head|false, tail, totalBytes, state, attempts, startedAt,
 * finishedAt, durationMs, worker, error, errorCode, progress, errorBytes }`
 * (totalBytes 0: no such job).
 */
export const READ_SUMMARIES = `
local head, tail, cut, most = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local fields = {'state', 'attempts', 'startedAt', 'finishedAt', 'durationMs', 'worker', 'error', 'errorCode', 'progress'}
local user = {worker = true, error = true, errorCode = true, progress = true}
local out = {}
for i = 6, #ARGV do
  local id = ARGV[i]
  local row = {false, '', 0}
  local len = redis.call('hstrlen', KEYS[1], id)
  row[3] = len
  if len > 0 and len <= most then
    local json = redis.call('hget', KEYS[1], id)
    if len <= head then
      row[1] = json
    else
      row[1] = string.sub(json, 1, head)
      row[2] = string.sub(json, math.max(head + 1, len - tail + 1))
    end
  end
  local run = ARGV[1] .. id
  local errorBytes = redis.call('hstrlen', run, 'error')
  for j, field in ipairs(fields) do
    local v = ''
    local long = user[field] and redis.call('hstrlen', run, field) > most
    if not long then
      v = redis.call('hget', run, field) or ''
      if (user[field] or #v > 40) and #v > cut then v = string.sub(v, 1, cut) end
    end
    row[3 + j] = v
  end
  row[13] = errorBytes
  out[#out + 1] = row
end
return out
`;
