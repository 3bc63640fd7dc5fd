-- ENQUEUE of state/redis/scripts.rs, which documents its KEYS and ARGV.
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[2]) then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[1])
-- NX: a conversation a worker holds is hidden until its lease runs out;
-- un-hiding it would send a second worker to wait on the same lease. Its
-- commit makes it ready again while messages remain.
redis.call('ZADD', KEYS[3], 'NX', now, ARGV[3])
return 1
