-- fanout's operations on one topic in Redis, each atomic: no other command runs while a script does, which is
-- what makes "number, append, publish" one step that every node sees in the same order.
--
-- KEYS[1] the topic's meta hash: e (epoch, a decimal string never read as a number), s (last sequence),
--         f (first sequence the log holds, while it exists), b (payload bytes the log holds), t (last publish
--         time, ms), x (publish time of the newest message trimmed, ms: what firstSince needs to know whether a
--         moment is still held)
-- KEYS[2] the topic's log: a stream with an entry per publish burst (per 64 KiB of it: see Burst.java), its id
--         <first sequence>-0, its fields d (the payloads, each after its length, u32 big-endian), t (time),
--         o (origin), n (how many), z (where each payload's length starts in d, 0 for the first, u32 big-endian,
--         n + 1 of them: the last is d's length). An entry per burst, not per message, keeps Redis's work per
--         publish nearly the same for a burst of one message or of a thousand. Trimming lets go of whole entries;
--         of the oldest one left, those before f are no longer held (Redis keeps them until the entry goes).
-- Key names carry the log's format (v2): nodes of another format never share a topic with these.
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

-- Where payload i (0-based) of an entry starts in its d, from its z.
local function offset(z, i)
  return (struct.unpack('>I4', z, 4 * i + 1))
end

-- The payload bytes of an entry's messages i to j - 1 (0-based), from its z: their span less their lengths.
local function payload_bytes(z, i, j)
  return offset(z, j) - offset(z, i) - 4 * (j - i)
end

-- The topic's epoch; a topic Redis does not know (new, expired, or lost with Redis's data) starts in new_epoch.
local function epoch_of(new_epoch, meta_ttl)
  local e = redis.call('HGET', meta, 'e')
  if not e then
    e = new_epoch
    redis.call('DEL', log)
    redis.call('HSET', meta, 'e', e, 's', 0, 'f', 1, 'b', 0, 't', 0, 'x', 0)
  end
  redis.call('PEXPIRE', meta, meta_ttl)
  return e
end

local function first_held(s)
  if redis.call('EXISTS', log) == 1 then
    return tonumber(redis.call('HGET', meta, 'f'))
  end
  return s + 1
end

-- The entry that holds sequence q, if the log has it.
local function entry_of(q)
  local entry = redis.call('XREVRANGE', log, int(q) .. '-0', '-', 'COUNT', 1)[1]
  if entry and seq_of(entry[1]) + tonumber(entry[2][8]) > q then
    return entry
  end
  return nil
end

-- Lets go of the oldest messages while the log holds more than max_messages or max_bytes, or older than
-- max_age ms (0: no age bound): whole entries, then as many of the oldest entry left as the bounds still want,
-- found from its z without a look at each message, by moving f past them.
local function trim(max_messages, max_bytes, max_age, now, s)
  local f = first_held(s)
  local held = s - f + 1
  local bytes = tonumber(redis.call('HGET', meta, 'b'))
  if held <= max_messages and bytes <= max_bytes and max_age == 0 then
    return
  end
  local cut_t, keep_id = nil, nil
  local after = '-'
  while held > 0 and not keep_id do
    -- Two at a time: a publish usually lets go of one whole entry and part of the next.
    local heads = redis.call('XRANGE', log, after, '+', 'COUNT', 2)
    if #heads == 0 then
      break
    end
    for _, head in ipairs(heads) do
      local fields = head[2]
      local first, n, t, z = seq_of(head[1]), tonumber(fields[8]), tonumber(fields[4]), fields[10]
      local i = math.max(f - first, 0)
      local left = n - i
      -- The payload bytes of the oldest k of those it still holds.
      local function oldest_bytes(k)
        return payload_bytes(z, i, i + k)
      end
      -- How many of them go: all when too old, else the fewest that satisfy both bounds (the byte bound by a
      -- binary search over the offsets).
      local k = left
      if max_age == 0 or t >= now - max_age then
        k = math.min(math.max(held - max_messages, 0), left)
        if k < left and bytes - oldest_bytes(k) > max_bytes then
          local lo, hi = k + 1, left
          while lo < hi do
            local mid = math.floor((lo + hi) / 2)
            if bytes - oldest_bytes(mid) > max_bytes then
              lo = mid + 1
            else
              hi = mid
            end
          end
          k = lo
        end
      end
      if k > 0 then
        held, bytes, f, cut_t = held - k, bytes - oldest_bytes(k), f + k, t
      end
      if k < left then
        keep_id = head[1]
        break
      end
      after = '(' .. head[1]
    end
  end
  if after ~= '-' then
    redis.call('XTRIM', log, 'MINID', keep_id or (int(f) .. '-0'))
  end
  if cut_t then
    redis.call('HSET', meta, 'f', int(f), 'b', int(bytes), 'x', int(cut_t))
  end
end

-- How many messages the burst from ARGV[10] holds: its entries' data and offsets come in pairs.
local function burst_count()
  local n = 0
  for i = 11, #ARGV, 2 do
    n = n + #ARGV[i] / 4 - 1
  end
  return n
end

-- Appends the burst (ARGV[10..], an entry's data then its offsets, for each entry) at sequences first.. of epoch
-- e, trims, and publishes it on the live channel as one frame: "<epoch>:<first>:<time>\n", the origin, then the
-- entries' data one after another. ARGV[3] max messages, ARGV[4] max bytes, ARGV[5] max age ms, ARGV[6] meta
-- ttl ms, ARGV[8] channel, ARGV[9] origin.
local function append(e, first)
  local clock = redis.call('TIME')
  local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
  local last_t = tonumber(redis.call('HGET', meta, 't'))
  if now < last_t then
    now = last_t
  end
  local origin = ARGV[9]
  if redis.call('EXISTS', log) == 0 then
    -- Expired whole (a quiet topic) or never written: whatever it held is gone.
    redis.call('HSET', meta, 'f', int(first), 'b', 0, 'x', int(last_t))
  end
  local parts = {e, ':', int(first), ':', int(now), '\n', origin}
  local seq, bytes = first, 0
  for i = 10, #ARGV, 2 do
    local data, offsets = ARGV[i], ARGV[i + 1]
    local n = #offsets / 4 - 1
    redis.call('XADD', log, int(seq) .. '-0', 'd', data, 't', int(now), 'o', origin, 'n', int(n), 'z', offsets)
    parts[#parts + 1] = data
    seq = seq + n
    bytes = bytes + #data - 4 * n
  end
  redis.call('HINCRBY', meta, 'b', int(bytes))
  redis.call('HSET', meta, 't', int(now))
  trim(tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), now, seq - 1)
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
  -- [9] origin, [10..] the burst's entries. Returns {epoch, first sequence, time}, or {'repeat', 'epoch:sequence'}.
  if ARGV[7] ~= '0' then
    local done = redis.call('GET', KEYS[3])
    if done then
      return {'repeat', done}
    end
  end
  local e = epoch_of(ARGV[2], ARGV[6])
  local n = burst_count()
  local first = redis.call('HINCRBY', meta, 's', n) - n + 1
  local now = append(e, first)
  if ARGV[7] ~= '0' then
    redis.call('SET', KEYS[3], e .. ':' .. int(first + n - 1), 'PX', ARGV[7])
  end
  return {e, first, now}
elseif op == 'at' then
  -- A relay's message at its upstream's position. ARGV[2] epoch, [3..5] bounds, [6] meta ttl ms, [7] sequence,
  -- [8] channel, [9] origin, [10..] the message as a burst of one. Returns {epoch, sequence, time}, or
  -- {'behind', last sequence}.
  local e = redis.call('HGET', meta, 'e')
  if e ~= ARGV[2] then
    e = ARGV[2]
    redis.call('DEL', log)
    redis.call('HSET', meta, 'e', e, 's', 0, 'f', 1, 'b', 0, 't', 0, 'x', 0)
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
  local now = append(e, seq)
  return {e, seq, now}
elseif op == 'state' then
  -- ARGV[2] new epoch, [3] meta ttl ms. Returns {epoch, first held, last}.
  local e = epoch_of(ARGV[2], ARGV[3])
  local s = tonumber(redis.call('HGET', meta, 's'))
  return {e, first_held(s), s}
elseif op == 'read' then
  -- ARGV[2] first sequence, [3] most messages, [4] about the most payload bytes (at least one entry). Returns
  -- {epoch, first held, entries}: the entries that hold messages from the first sequence on (the first of them
  -- may start before it, and before the first held), within the bounds; or {} for a topic Redis does not know.
  -- Read a few entries at a time, so that a bound of a few large messages does not make Redis gather many first.
  local e = redis.call('HGET', meta, 'e')
  if not e then
    return {}
  end
  local s = tonumber(redis.call('HGET', meta, 's'))
  local f = first_held(s)
  local from = math.max(tonumber(ARGV[2]), f)
  local max, max_bytes = tonumber(ARGV[3]), tonumber(ARGV[4])
  local out, count, bytes = {}, 0, 0
  local holding = entry_of(from)
  local start = int(from) .. '-0'
  local chunk = {}
  if holding then
    -- Taken from the entry that holds the first sequence, which is not read again.
    start = '(' .. holding[1]
    chunk = {holding}
  end
  while count < max do
    if #chunk == 0 then
      chunk = redis.call('XRANGE', log, start, '+', 'COUNT', 8)
      if #chunk == 0 then
        break
      end
      start = '(' .. chunk[#chunk][1]
    end
    for _, entry in ipairs(chunk) do
      local first, n, z = seq_of(entry[1]), tonumber(entry[2][8]), entry[2][10]
      local i = math.max(from - first, 0)
      local size = payload_bytes(z, i, n)
      if #out > 0 and bytes + size > max_bytes then
        return {e, f, out}
      end
      out[#out + 1] = entry
      count = count + n - i
      bytes = bytes + size
      if count >= max then
        return {e, f, out}
      end
    end
    chunk = {}
  end
  return {e, f, out}
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
    return tonumber(entry_of(q)[2][4])
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
