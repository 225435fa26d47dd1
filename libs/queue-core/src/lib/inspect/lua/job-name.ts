/**
 * Lua helper shared by the inspection scripts: the job name of a stored job JSON.
 * bee-queue writes `{"data":{"name":...` first, so a prefix match finds valid names
 * without decoding a possibly multi-MB payload; only short JSON of another shape
 * is decoded in full.
 */
export const JOB_NAME_LUA = `
local function job_name(json)
  local name = string.match(json, '^{"data":{"name":"([%w%._%-]+)"')
  if name then return name end
  if #json <= 65536 then
    local ok, job = pcall(cjson.decode, json)
    if ok and type(job) == 'table' and type(job.data) == 'table' and type(job.data.name) == 'string' then
      return job.data.name
    end
  end
  return nil
end
`;
