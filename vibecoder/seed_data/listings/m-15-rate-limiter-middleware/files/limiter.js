"use strict";
// Token buckets per key; refill continuously. now() is injectable for tests.

class TokenBucketLimiter {
  constructor({ capacity = 10, refillPerSecond = 5, now = () => Date.now() } = {}) {
    if (capacity <= 0 || refillPerSecond <= 0) throw new RangeError("capacity and refill must be positive");
    Object.assign(this, { capacity, refillPerSecond, now, buckets: new Map() });
  }

  take(key, cost = 1) {
    const time = this.now() / 1000;
    const bucket = this.buckets.get(key) || { tokens: this.capacity, at: time };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + (time - bucket.at) * this.refillPerSecond);
    bucket.at = time;
    const allowed = bucket.tokens >= cost;
    if (allowed) bucket.tokens -= cost;
    this.buckets.set(key, bucket);
    const retryAfter = allowed ? 0 : Math.ceil((cost - bucket.tokens) / this.refillPerSecond);
    return {
      allowed,
      headers: {
        "RateLimit-Limit": String(this.capacity),
        "RateLimit-Remaining": String(Math.floor(bucket.tokens)),
        ...(allowed ? {} : { "Retry-After": String(retryAfter) }),
      },
    };
  }
}

module.exports = { TokenBucketLimiter };
