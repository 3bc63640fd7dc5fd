-- RENEW of state/redis/lease.rs, which documents its KEYS and ARGV.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
