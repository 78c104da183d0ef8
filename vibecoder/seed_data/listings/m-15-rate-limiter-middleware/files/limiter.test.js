const test = require("node:test");
const assert = require("node:assert");
const { TokenBucketLimiter } = require("./limiter.js");

test("allows bursts up to capacity then limits", () => {
  let t = 0;
  const limiter = new TokenBucketLimiter({ capacity: 2, refillPerSecond: 1, now: () => t });
  assert.ok(limiter.take("a").allowed);
  assert.ok(limiter.take("a").allowed);
  const third = limiter.take("a");
  assert.strictEqual(third.allowed, false);
  assert.strictEqual(third.headers["Retry-After"], "1");
  t = 1000;
  assert.ok(limiter.take("a").allowed);
});

test("keys are independent", () => {
  const limiter = new TokenBucketLimiter({ capacity: 1, refillPerSecond: 1, now: () => 0 });
  assert.ok(limiter.take("a").allowed);
  assert.ok(limiter.take("b").allowed);
});
