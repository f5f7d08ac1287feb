-- fanout's operations on one topic in Redis, each atomic: no other command runs while a script does, which is
-- what makes "number, append, publish" one step that every node sees in the same order.
--
-- KEYS[1] the topic's meta hash: e (epoch, a decimal string never read as a number), s (last sequence),
--         b (payload bytes the log holds), t (last publish time, ms), x (publish time of the newest message
--         trimmed, ms: what firstSince needs to know whether a moment is still held)
-- KEYS[2] the topic's log: a stream whose entry ids are <sequence>-0, fields d (payload), t (time), o (origin)
-- KEYS[3] publish only: the key that remembers a publish id's result
-- ARGV[1] the operation: publish, at, state, read, since, renew; the rest is per operation, below.
--
-- Sequences and times pass through Lua numbers (doubles): exact up to 2^53, and written back with %d.

local meta, log = KEYS[1], KEYS[2]
local op = ARGV[1]

local function int(n)
  return string.format('%d', n)
end

local function seq_of(id)
  return tonumber(string.match(id, '^(%d+)'))
end

-- The topic's epoch; a topic Redis does not know (new, expired, or lost with Redis's data) starts in new_epoch.
local function epoch_of(new_epoch, meta_ttl)
  local e = redis.call('HGET', meta, 'e')
  if not e then
    e = new_epoch
    redis.call('DEL', log)
    redis.call('HSET', meta, 'e', e, 's', 0, 'b', 0, 't', 0, 'x', 0)
  end
  redis.call('PEXPIRE', meta, meta_ttl)
  return e
end

local function first_held(s)
  local head = redis.call('XRANGE', log, '-', '+', 'COUNT', 1)[1]
  if head then
    return seq_of(head[1])
  end
  return s + 1
end

-- Lets go of the oldest messages while the log holds more than max_messages or max_bytes, or older than
-- max_age ms (0: no age bound). The oldest are read in one call, as many as the count bound alone lets go and the
-- one after (a full history lets one go per message: one call, not one per message looked at); more, a chunk at
-- a time, only while the byte or age bound still lets go.
local function trim(max_messages, max_bytes, max_age, now)
  local held = redis.call('XLEN', log)
  local bytes = tonumber(redis.call('HGET', meta, 'b'))
  if held <= max_messages and bytes <= max_bytes and max_age == 0 then
    return
  end
  local cut_id, cut_t = nil, nil
  local want = math.max(held - max_messages, 0) + 1
  local done = false
  while held > 0 and not done do
    local heads = redis.call('XRANGE', log, cut_id and ('(' .. cut_id) or '-', '+', 'COUNT', want)
    if #heads == 0 then
      break
    end
    for _, head in ipairs(heads) do
      local fields = head[2]
      local t = tonumber(fields[4])
      if held <= max_messages and bytes <= max_bytes and (max_age == 0 or t >= now - max_age) then
        done = true
        break
      end
      held = held - 1
      bytes = bytes - #fields[2]
      cut_id = head[1]
      cut_t = t
    end
    want = 64
  end
  if cut_id then
    redis.call('XTRIM', log, 'MINID', int(seq_of(cut_id) + 1) .. '-0')
    redis.call('HSET', meta, 'b', int(bytes), 'x', int(cut_t))
  end
end

-- Appends payloads ARGV[from..] at sequences first.. of epoch e, trims, and publishes them on the live channel
-- as one frame: "<epoch>:<first>:<time>\n", the origin, then each payload after its length (4 bytes, big-endian).
-- ARGV[3] max messages, ARGV[4] max bytes, ARGV[5] max age ms, ARGV[8] channel, ARGV[9] origin.
local function append(e, first, from)
  local clock = redis.call('TIME')
  local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
  local last_t = tonumber(redis.call('HGET', meta, 't'))
  if now < last_t then
    now = last_t
  end
  if redis.call('EXISTS', log) == 0 then
    -- Expired whole (a quiet topic) or never written: whatever it held is gone.
    redis.call('HSET', meta, 'b', 0, 'x', int(last_t))
  end
  local origin = ARGV[9]
  local parts = {e, ':', int(first), ':', int(now), '\n', origin}
  local bytes = 0
  local seq = first
  for i = from, #ARGV do
    local payload = ARGV[i]
    redis.call('XADD', log, int(seq) .. '-0', 'd', payload, 't', int(now), 'o', origin)
    bytes = bytes + #payload
    parts[#parts + 1] = struct.pack('>I4', #payload)
    parts[#parts + 1] = payload
    seq = seq + 1
  end
  redis.call('HINCRBY', meta, 'b', bytes)
  redis.call('HSET', meta, 't', int(now))
  trim(tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), now)
  -- A topic nobody publishes to any more lets go of its log: after its messages' age bound, or with its meta.
  local max_age = tonumber(ARGV[5])
  if max_age > 0 and max_age < tonumber(ARGV[6]) then
    redis.call('PEXPIRE', log, max_age)
  else
    redis.call('PEXPIRE', log, ARGV[6])
  end
  redis.call('PUBLISH', ARGV[8], table.concat(parts))
  return now
end

if op == 'publish' then
  -- ARGV[2] new epoch, [3..5] bounds, [6] meta ttl ms, [7] publish id ttl ms (0: no id), [8] channel,
  -- [9] origin, [10..] payloads. Returns {epoch, first sequence, time}, or {'repeat', 'epoch:sequence'}.
  if ARGV[7] ~= '0' then
    local done = redis.call('GET', KEYS[3])
    if done then
      return {'repeat', done}
    end
  end
  local e = epoch_of(ARGV[2], ARGV[6])
  local n = #ARGV - 9
  local first = redis.call('HINCRBY', meta, 's', n) - n + 1
  local now = append(e, first, 10)
  if ARGV[7] ~= '0' then
    redis.call('SET', KEYS[3], e .. ':' .. int(first + n - 1), 'PX', ARGV[7])
  end
  return {e, first, now}
elseif op == 'at' then
  -- A relay's message at its upstream's position. ARGV[2] epoch, [3..5] bounds, [6] meta ttl ms, [7] sequence,
  -- [8] channel, [9] origin, [10] payload. Returns {epoch, sequence, time}, or {'behind', last sequence}.
  local e = redis.call('HGET', meta, 'e')
  if e ~= ARGV[2] then
    e = ARGV[2]
    redis.call('DEL', log)
    redis.call('HSET', meta, 'e', e, 's', 0, 'b', 0, 't', 0, 'x', 0)
  end
  redis.call('PEXPIRE', meta, ARGV[6])
  local s = tonumber(redis.call('HGET', meta, 's'))
  local seq = tonumber(ARGV[7])
  if seq <= s then
    return {'behind', s}
  end
  if seq > s + 1 then
    -- The history starts at it: what came before was never here.
    redis.call('DEL', log)
    redis.call('HSET', meta, 'b', 0, 'x', redis.call('HGET', meta, 't'))
  end
  redis.call('HSET', meta, 's', int(seq))
  local now = append(e, seq, 10)
  return {e, seq, now}
elseif op == 'state' then
  -- ARGV[2] new epoch, [3] meta ttl ms. Returns {epoch, first held, last}.
  local e = epoch_of(ARGV[2], ARGV[3])
  local s = tonumber(redis.call('HGET', meta, 's'))
  return {e, first_held(s), s}
elseif op == 'read' then
  -- ARGV[2] first sequence, [3] most messages, [4] about the most payload bytes (at least one message). Returns
  -- {epoch, entries}, or {} for a topic Redis does not know. Read a chunk at a time, so that a bound of a few
  -- large messages does not make Redis gather hundreds of them first.
  local e = redis.call('HGET', meta, 'e')
  if not e then
    return {}
  end
  local max, max_bytes = tonumber(ARGV[3]), tonumber(ARGV[4])
  local out, bytes = {}, 0
  local start = ARGV[2] .. '-0'
  while #out < max do
    local want = math.min(64, max - #out)
    local chunk = redis.call('XRANGE', log, start, '+', 'COUNT', want)
    for _, entry in ipairs(chunk) do
      local size = #entry[2][2]
      if #out > 0 and bytes + size > max_bytes then
        return {e, out}
      end
      out[#out + 1] = entry
      bytes = bytes + size
    end
    if #chunk < want then
      break
    end
    start = '(' .. chunk[#chunk][1]
  end
  return {e, out}
elseif op == 'since' then
  -- ARGV[2] a moment, ms. Returns the first sequence held published at or after it, the last + 1 if none was,
  -- or 1 (the epoch's first) if messages of that moment may have been trimmed already.
  local millis = tonumber(ARGV[2])
  local s = tonumber(redis.call('HGET', meta, 's') or '0')
  local lo = first_held(s)
  if lo > s then
    if lo > 1 and tonumber(redis.call('HGET', meta, 't') or '0') >= millis then
      return 1
    end
    return s + 1
  end
  if lo > 1 and tonumber(redis.call('HGET', meta, 'x') or '0') >= millis then
    return 1
  end
  local function time_of(q)
    return tonumber(redis.call('XRANGE', log, int(q) .. '-0', int(q) .. '-0')[1][2][4])
  end
  if time_of(s) < millis then
    return s + 1
  end
  local hi = s
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if time_of(mid) >= millis then
      hi = mid
    else
      lo = mid + 1
    end
  end
  return lo
elseif op == 'renew' then
  -- A node handed on messages up to ARGV[4] of epoch ARGV[2], but Redis's last is below: Redis lost writes (an
  -- older snapshot, a replica that lagged) and would number new messages again with numbers clients have. Moves
  -- the topic to the new epoch ARGV[3] unless another node did already. Returns the epoch now.
  local e = redis.call('HGET', meta, 'e')
  if e == ARGV[2] and tonumber(redis.call('HGET', meta, 's')) < tonumber(ARGV[4]) then
    redis.call('HSET', meta, 'e', ARGV[3])
    return ARGV[3]
  end
  return e or ''
end
return redis.error_reply('fanout topic script: unknown operation ' .. tostring(op))
