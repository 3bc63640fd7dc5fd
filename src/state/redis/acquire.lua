-- ACQUIRE of state/redis/scripts.rs, which documents its KEYS and ARGV.
while true do
  local head = redis.call('LINDEX', KEYS[2], 0)
  if not head or head == ARGV[1] then break end
  local deadline = redis.call('HGET', KEYS[3], head)
  if deadline and tonumber(deadline) >= now then break end
  redis.call('LPOP', KEYS[2])
  redis.call('HDEL', KEYS[3], head)
end
local head = redis.call('LINDEX', KEYS[2], 0)
if redis.call('EXISTS', KEYS[1]) == 0 and (not head or head == ARGV[1]) then
  if head then
    redis.call('LPOP', KEYS[2])
    redis.call('HDEL', KEYS[3], ARGV[1])
  end
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  -- Only the oldest queued message: a turn handles one, and reading a whole
  -- backlog on every turn made draining it quadratic.
  return {1, redis.call('GET', KEYS[4]), redis.call('LINDEX', KEYS[5], 0), 0,
    redis.call('GET', KEYS[6])}
end
if redis.call('HSET', KEYS[3], ARGV[1], now + tonumber(ARGV[3])) == 1 then
  redis.call('RPUSH', KEYS[2], ARGV[1])
end
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return {0, false, false, redis.call('LPOS', KEYS[2], ARGV[1]), false}
