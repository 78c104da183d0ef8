"use strict";
// Fit a conversation into a token budget without breaking user/assistant pairs.

const estimateTokens = (text) => Math.ceil(text.length / 4) + 4;

function fit(messages, budget, summarise = (dropped) => `Earlier: ${dropped.length} messages about ${dropped[0].content.slice(0, 40)}…`) {
  const system = messages.filter((m) => m.role === "system");
  const rest = messages.filter((m) => m.role !== "system");
  const used = system.reduce((n, m) => n + estimateTokens(m.content), 0);
  if (used > budget) throw new RangeError("system prompt alone exceeds the budget");
  const kept = [];
  let total = used;
  for (let i = rest.length - 1; i >= 0; i--) {
    const pair = rest[i].role === "assistant" && rest[i - 1]?.role === "user" ? [rest[i - 1], rest[i]] : [rest[i]];
    const cost = pair.reduce((n, m) => n + estimateTokens(m.content), 0);
    if (total + cost > budget) break;
    kept.unshift(...pair);
    total += cost;
    i -= pair.length - 1;
  }
  const dropped = rest.slice(0, rest.length - kept.length);
  const note = dropped.length ? [{ role: "system", content: summarise(dropped) }] : [];
  return [...system, ...note, ...kept];
}

module.exports = { fit, estimateTokens };

if (require.main === module) {
  const history = [{ role: "system", content: "You are a helpful travel agent." }];
  for (let i = 1; i <= 6; i++) {
    history.push({ role: "user", content: `Question ${i}: what should I see in city number ${i}? `.repeat(3) });
    history.push({ role: "assistant", content: `Answer ${i}: museums, food markets and a sunset walk. `.repeat(3) });
  }
  const window = fit(history, 220);
  console.log(`${history.length} messages -> ${window.length} in the window`);
  for (const m of window) console.log(`${m.role.padEnd(9)} ${m.content.slice(0, 60)}`);
}
