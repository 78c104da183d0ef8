"use strict";
const http = require("node:http");
const { TokenBucketLimiter } = require("./limiter.js");

function handler(limiter) {
  return (req, res) => {
    const { allowed, headers } = limiter.take(req.socket.remoteAddress || "unknown");
    res.writeHead(allowed ? 200 : 429, { "Content-Type": "application/json", ...headers });
    res.end(JSON.stringify(allowed ? { ok: true } : { error: "rate_limited" }));
  };
}

if (process.argv.includes("--demo")) {
  const limiter = new TokenBucketLimiter({ capacity: 3, refillPerSecond: 1 });
  for (let i = 1; i <= 5; i++) {
    const { allowed, headers } = limiter.take("203.0.113.7");
    console.log(`request ${i}: ${allowed ? "200" : "429"}`, headers);
  }
} else if (require.main === module) {
  http.createServer(handler(new TokenBucketLimiter())).listen(8080, "127.0.0.1");
}

module.exports = { handler };
