/**
 * Reads list rows without shipping big payloads out of Redis: a job JSON up to
 * ARGV[2] bytes comes back whole; a longer one as its first ARGV[2] bytes plus its
 * last ARGV[3] bytes (where bee-queue keeps `options`, `status`, `progress`).
 * Run-record strings that users control (error, progress) are cut to ARGV[4] bytes.
 *
 * KEYS: 1 jobs hash
 * ARGV: 1 run key prefix (`prefix:queue:x:run:`), 2 head bytes, 3 tail bytes,
 *       4 max bytes of error/progress, 5.. ids
 * Returns per id `{ head|false, tail, totalBytes, state, attempts, startedAt,
 * finishedAt, durationMs, worker, error, errorCode, progress }`.
 */
export const READ_SUMMARIES = `
local head, tail, cut = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local out = {}
for i = 5, #ARGV do
  local id = ARGV[i]
  local row = {false, '', 0}
  local json = redis.call('hget', KEYS[1], id)
  if json then
    local len = #json
    row[3] = len
    if len <= head then
      row[1] = json
    else
      row[1] = string.sub(json, 1, head)
      row[2] = string.sub(json, math.max(head + 1, len - tail + 1))
    end
  end
  local run = redis.call('hmget', ARGV[1] .. id, 'state', 'attempts', 'startedAt', 'finishedAt',
    'durationMs', 'worker', 'error', 'errorCode', 'progress')
  for j = 1, 9 do
    local v = run[j]
    if v and (j == 7 or j == 9) and #v > cut then v = string.sub(v, 1, cut) end
    row[3 + j] = v or ''
  end
  out[#out + 1] = row
end
return out
`;
