/**
 * The outbox's Redis scripts for pacing: `RESERVE` (the producer, a batch of deliveries at once),
 * `OPEN` (one per delivery attempt: everything it needs before it may call the platform) and
 * `BLOCK` (a 429). Every time is Redis's own clock (`TIME`), in whole milliseconds.
 *
 * Pacing is GCRA with reservations. Each bucket of a scope keeps `g<j>`, the theoretical arrival
 * time (TAT) of its next send; a send at `t` conforms when `t >= TAT - tolerance`, and counting it
 * moves TAT to `max(TAT, t) + interval` (interval = 1000 / perSecond, tolerance =
 * (capacity - 1) × interval). A delivery that does not conform now reserves the earliest time that
 * does, and is delayed to exactly that time: nothing polls, and a backlog of n messages costs n
 * reservations, not n × retries. The producer reserves when it queues (the job is added delayed to
 * its slot, and runs once); the worker reserves for what the producer could not (a reply or an
 * update, whose conversation is known once the message it needs is delivered).
 *
 * Scopes are walked narrowest first: the conversation, then the tenant. A delivery holds a slot in
 * at most one scope at a time (a member of that scope's `held` or `bulk` sorted set, scored by its
 * slot); when the slot comes it passes that scope and the next one is asked then, so a backlog in
 * one conversation never reserves the tenant's capacity ahead of time. A delivery that may go at
 * once when the producer queues it holds its slot (now) in the last scope, so that the worker
 * does not count it twice.
 *
 * Priorities: an interactive delivery that would wait behind a bulk reservation takes that bulk
 * reservation's slot instead (the earliest one), and the bulk delivery is re-reserved at the back
 * of the line. When it wakes at its old slot it finds its new one and waits again. So an
 * interactive message waits at most one slot of the scope, whatever the bulk backlog.
 *
 * A 429 sets `blocked` (no sends before) on the scope and moves its TATs past it: new reservations
 * start after the block at the sustained rate, and a delivery whose slot fell inside the block
 * reserves again when it wakes.
 *
 * A worker that wakes late sends late, and late sends may bunch up by as much as they are late:
 * the buckets' burst allowance absorbs a little of that, and a 429 (blocking the scope for every
 * delivery waiting on it) the rest.
 */
import { Script } from '../../store/script.js';

/**
 * What RESERVE and OPEN share: the clock, the scopes' state, and `walk`, which decides where a
 * delivery stands and reserves what it must wait for. Scope hashes hold `blocked`, `g<j>` and when
 * the hash and its two sets expire (`x`, `xh`, `xb`: PEXPIRE runs only when a reservation reaches
 * past them). Conversation keys are built here from prefixes + the conversation, under the same
 * {tenant} hash tag as the declared keys (one Redis Cluster slot).
 */
const PACE = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local EARLY = 5         -- a slot this close is due (BullMQ may wake a job a ms early); never a 429's block
local FORGET = 3600000  -- reservations this far past their slot belong to jobs that are gone

local loaded = {}

-- Reads m, then m × (interval ms, tolerance ms) from ARGV at a; returns the buckets and the next a.
local function buckets(a)
  local n = tonumber(ARGV[a]); a = a + 1
  local out = {}
  for j = 1, n do out[j] = { interval = tonumber(ARGV[a]), tolerance = tonumber(ARGV[a + 1]) }; a = a + 2 end
  return out, a
end

-- A scope's state, read once per script.
local function scope(state, held, bulk, list)
  local s = loaded[state]
  if s then return s end
  local fields = { 'blocked', 'x', 'xh', 'xb' }
  for j = 1, #list do fields[4 + j] = 'g' .. j end
  local values = redis.call('HMGET', state, unpack(fields))
  s = { state = state, held = held, bulk = bulk, buckets = list, changed = {} }
  s.blocked = tonumber(values[1] or '0')
  s.x = { tonumber(values[2] or '0'), tonumber(values[3] or '0'), tonumber(values[4] or '0') }
  s.tat = {}
  for j = 1, #list do s.tat[j] = tonumber(values[4 + j] or '0') end
  loaded[state] = s
  loaded[#loaded + 1] = s
  return s
end

local function line(s, lane)
  if lane == 'b' then return s.bulk end
  return s.held
end

-- The earliest time, from the given one on, at which every bucket of the scope has room.
local function earliest(s, from)
  local t = math.max(from, s.blocked)
  for j, b in ipairs(s.buckets) do t = math.max(t, s.tat[j] - b.tolerance) end
  return t
end

-- Counts one send at time t in every bucket of the scope (written by save).
local function take(s, t)
  for j, b in ipairs(s.buckets) do
    s.tat[j] = math.max(s.tat[j], t) + b.interval
    s.changed['g' .. j] = s.tat[j]
  end
end

-- Records that member holds slot t in a line (sorted set) of the scope.
local function hold(s, set, member, t)
  redis.call('ZADD', set, t, member)
  s.held_until = math.max(s.held_until or 0, t)
  s[set == s.bulk and 'bulk_used' or 'held_used'] = true
end

-- Writes what changed in a scope. The hash lives a minute past its latest reservation, each set an
-- hour past it (members older than that belong to jobs that are gone and are dropped then).
local function save(s)
  local horizon = math.max(s.blocked, s.held_until or 0)
  for j = 1, #s.buckets do horizon = math.max(horizon, s.tat[j]) end
  local expiring = {
    { 'xh', s.held, FORGET, s.held_used, 2 },
    { 'xb', s.bulk, FORGET, s.bulk_used, 3 },
    { 'x', s.state, 60000, false, 1 },
  }
  local extend = {}
  for i, e in ipairs(expiring) do
    -- The hash is written if anything in it changed (the sets' expiry times included).
    if i == 3 then e[4] = next(s.changed) ~= nil end
    if e[4] and horizon + e[3] > s.x[e[5]] then
      extend[i] = horizon + 2 * e[3]
      s.changed[e[1]] = extend[i]
    end
  end
  local fields = {}
  for field, value in pairs(s.changed) do
    fields[#fields + 1] = field
    fields[#fields + 1] = value
  end
  if #fields > 0 then redis.call('HSET', s.state, unpack(fields)) end
  for i, at in pairs(extend) do
    redis.call('PEXPIRE', expiring[i][2], at - now)
    if i < 3 then redis.call('ZREMRANGEBYSCORE', expiring[i][2], '-inf', now - FORGET) end
  end
end

local function saveAll()
  for _, s in ipairs(loaded) do save(s) end
end

-- Where the delivery stands along its scopes (narrowest first), and what it does now: returns 0
-- to go now, or the ms to wait for the slot it holds. When queuing (producer), a delivery that
-- holds a slot already keeps it, and one that may go now holds its slot (now) in the last scope.
local function walk(key, lane, chain, lookup, queuing)
  local start, slot = 1, nil
  if lookup then
    -- Last scope first: a delivery queued with room to go at once holds its slot there.
    for i = #chain, 1, -1 do
      local score = redis.call('ZSCORE', line(chain[i], lane), key)
      if score then start, slot = i, tonumber(score); break end
    end
  end
  if queuing and slot then return math.max(0, slot - now) end
  -- A 429 on a scope passed before sends the delivery back to that scope.
  for i = 1, start - 1 do
    if chain[i].blocked > now then
      redis.call('ZREM', line(chain[start], lane), key)
      start, slot = i, nil
      break
    end
  end
  if slot then
    local s = chain[start]
    if s.blocked <= slot and slot > now + EARLY then return slot - now end
    if s.blocked <= slot and s.blocked > now then return s.blocked - now end
    redis.call('ZREM', line(s, lane), key)
    -- Passed, unless a 429 since it reserved covers its slot: then it reserves again below.
    if s.blocked <= slot then start = start + 1 end
  end

  -- at: when the delivery goes. A scope with room then counts it and the walk goes on. A scope
  -- without room makes it hold a slot there and wait (the scopes after it are asked when the slot
  -- comes). An interactive delivery first looks for a bulk slot before its own: it takes the
  -- earliest, the bulk delivery goes to the back of the line, and the walk goes on from that slot
  -- (at most one slot away, so counting the next scopes then holds nothing back).
  local at = now
  for i = start, #chain do
    local s = chain[i]
    local t = earliest(s, at)
    if t <= at + EARLY and s.blocked <= at then
      take(s, t)
    else
      local bulk = {}
      if lane == 'i' then
        bulk = redis.call('ZRANGEBYSCORE', s.bulk, math.max(at, s.blocked), '(' .. t, 'LIMIT', 0, 1, 'WITHSCORES')
      end
      take(s, t)
      if not bulk[1] then
        hold(s, line(s, lane), key, t)
        return math.max(1, t - now)
      end
      hold(s, s.bulk, bulk[1], t)
      at = tonumber(bulk[2])
    end
  end
  local last = chain[#chain]
  if at > now + EARLY then
    -- Waiting for slots it took over: held in the last scope; the others are passed.
    hold(last, last.held, key, at)
    return at - now
  end
  if queuing then hold(last, line(last, lane), key, now) end
  return 0
end
`;

/**
 * KEYS[1] pace-tenant           the tenant's buckets (hash)
 * KEYS[2] pace-tenant-held      interactive reservations: delivery key → slot ms (sorted set)
 * KEYS[3] pace-tenant-bulk      bulk reservations (sorted set)
 * KEYS[4..3+n] out:sent:<key>   each delivery's idempotency marker
 *
 * ARGV[1..3] the key prefixes of a conversation's pace hash, held set and bulk set
 * then: the conversation's buckets: m, then m × (interval ms, tolerance ms)
 * then: the tenant's buckets: m, then m × (interval ms, tolerance ms)
 * then: n, then n × (idempotency key, lane 'i' | 'b', conversation or '-' for none)
 *
 * Returns, for each delivery: -1 (delivered already), or the ms until its reserved slot (0: now).
 */
export const RESERVE = new Script(`${PACE}
local conversationBuckets, a = buckets(4)
local tenantBuckets
tenantBuckets, a = buckets(a)
local n = tonumber(ARGV[a]); a = a + 1
local out = {}
for i = 1, n do
  local key, lane, conversation = ARGV[a], ARGV[a + 1], ARGV[a + 2]
  a = a + 3
  if redis.call('EXISTS', KEYS[3 + i]) == 1 then
    out[i] = -1
  else
    local chain = {}
    if conversation ~= '-' then
      chain[1] = scope(ARGV[1] .. conversation, ARGV[2] .. conversation, ARGV[3] .. conversation, conversationBuckets)
    end
    chain[#chain + 1] = scope(KEYS[1], KEYS[2], KEYS[3], tenantBuckets)
    out[i] = walk(key, lane, chain, true, true)
  end
end
saveAll()
return out
`);

/**
 * KEYS[1] out:sent:<key>        the idempotency marker (string)
 * KEYS[2] out:refs              message key → MessageRef JSON (hash)
 * KEYS[3] out:versions          message key → last version delivered (hash)
 * KEYS[4..6] pace-tenant, pace-tenant-held, pace-tenant-bulk (as RESERVE)
 * KEYS[7] out:try:<key>         when an attempt last went to the platform (ms; set on 'send')
 *
 * ARGV[1] the delivery's idempotency key
 * ARGV[2] lane: 'i' (interactive) or 'b' (bulk)
 * ARGV[3] the conversation to pace: a name, '' for the conversation of dependency 1's ref (a reply
 *         or an update), '-' for none (a whisper)
 * ARGV[4..6] the key prefixes of a conversation's pace hash, held set and bulk set
 * ARGV[7] the version an update sets (dependency 1 is the message it updates), or -1
 * ARGV[8] 1 when the delivery cannot hold a slot yet (a job's first run, not reserved when
 *         queued): nothing to look up; else 0
 * ARGV[9] n, then n message keys this delivery needs delivered first (replied to, updated, linked)
 * then:   the conversation's buckets, then the tenant's (as RESERVE)
 *
 * then:   how long to remember an attempt (ms)
 *
 * Returns {'duplicate'} | {'stale'} | {'missing', message key} | {'wait', ms} |
 *         {'send', conversation or '', when an earlier attempt went to the platform (ms) or '',
 *          ref JSON of each dependency...}
 * An earlier attempt that went to the platform and was never recorded as sent (its worker died,
 * or the platform's answer was lost) has an unknown outcome: the message may be there already.
 */
export const OPEN = new Script(`${PACE}
local key, lane, conversation = ARGV[1], ARGV[2], ARGV[3]
local version = tonumber(ARGV[7])

if redis.call('EXISTS', KEYS[1]) == 1 then return {'duplicate'} end

local a = 9
local ndeps = tonumber(ARGV[a]); a = a + 1
local deps = {}
for i = 1, ndeps do deps[i] = ARGV[a]; a = a + 1 end

if version >= 0 and version <= tonumber(redis.call('HGET', KEYS[3], deps[1]) or '-1') then return {'stale'} end

local refs = {}
if ndeps > 0 then
  refs = redis.call('HMGET', KEYS[2], unpack(deps))
  for i = 1, ndeps do
    if not refs[i] then return {'missing', deps[i]} end
  end
end
if conversation == '' then conversation = cjson.decode(refs[1]).conversation end

local conversationBuckets, tenantBuckets
conversationBuckets, a = buckets(a)
tenantBuckets, a = buckets(a)
local chain = {}
if conversation ~= '-' then
  chain[1] = scope(ARGV[4] .. conversation, ARGV[5] .. conversation, ARGV[6] .. conversation, conversationBuckets)
end
chain[#chain + 1] = scope(KEYS[4], KEYS[5], KEYS[6], tenantBuckets)

local wait = walk(key, lane, chain, ARGV[8] ~= '1', false)
saveAll()
if wait > 0 then return {'wait', wait} end

local tried = redis.call('GET', KEYS[7]) or ''
redis.call('SET', KEYS[7], now, 'PX', tonumber(ARGV[a]))
local out = {'send', conversation == '-' and '' or conversation, tried}
for i = 1, ndeps do out[i + 3] = refs[i] end
return out
`);

/**
 * KEYS[1] the scope's pace hash (a conversation's or the tenant's)
 * ARGV[1] ms to block (the platform's Retry-After)
 * ARGV[2] m, then m × (interval ms, tolerance ms): the scope's buckets
 */
export const BLOCK = new Script(`
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local blocked = math.max(now + tonumber(ARGV[1]), tonumber(redis.call('HGET', KEYS[1], 'blocked') or '0'))
local fields = { 'blocked', blocked }
local horizon = blocked
local n = tonumber(ARGV[2])
for j = 1, n do
  local tolerance = tonumber(ARGV[2 + 2 * j])
  -- After the block, the sustained rate: no burst straight into another 429.
  local tat = math.max(tonumber(redis.call('HGET', KEYS[1], 'g' .. j) or '0'), blocked + tolerance)
  fields[#fields + 1] = 'g' .. j
  fields[#fields + 1] = tat
  horizon = math.max(horizon, tat)
end
fields[#fields + 1] = 'x'
fields[#fields + 1] = horizon + 120000
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('PEXPIRE', KEYS[1], horizon + 120000 - now)
return blocked - now
`);
