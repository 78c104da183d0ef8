"use strict";
// Build a GitHub-style table of contents for Markdown read from stdin.

function slugify(text, seen) {
  let slug = text.trim().toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, "").replace(/\s/g, "-");
  const count = seen.get(slug) || 0;
  seen.set(slug, count + 1);
  return count ? `${slug}-${count}` : slug;
}

function headings(markdown) {
  const out = [];
  let inFence = false;
  for (const line of markdown.split("\n")) {
    if (/^```/.test(line)) inFence = !inFence;
    const match = !inFence && /^(#{2,6})\s+(.*?)\s*#*$/.exec(line);
    if (match) out.push({ level: match[1].length, text: match[2] });
  }
  return out;
}

function toc(markdown) {
  const seen = new Map();
  return headings(markdown)
    .map(({ level, text }) => `${"  ".repeat(level - 2)}- [${text}](#${slugify(text, seen)})`)
    .join("\n");
}

module.exports = { slugify, headings, toc };

if (require.main === module) {
  let input = "";
  process.stdin.on("data", (chunk) => (input += chunk));
  process.stdin.on("end", () => console.log(toc(input) || "(no headings below level 1)"));
}
