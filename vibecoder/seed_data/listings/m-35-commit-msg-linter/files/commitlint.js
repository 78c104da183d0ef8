"use strict";
// Conventional Commits linter usable as a commit-msg hook: node commitlint.js < .git/COMMIT_EDITMSG

const TYPES = ["feat", "fix", "docs", "style", "refactor", "perf", "test", "build", "ci", "chore", "revert"];
const HEADER = /^(\w+)(\(([\w./-]+)\))?(!)?: (.+)$/;

function lint(message) {
  const errors = [];
  const [header = "", blank, ...body] = message.replace(/\r/g, "").split("\n");
  const match = HEADER.exec(header);
  if (!match) {
    const guess = /^(add|implement)/i.test(header) ? "feat" : /^fix/i.test(header) ? "fix" : "chore";
    errors.push(`header must look like "type(scope): subject" — e.g. "${guess}: ${header.replace(/\.$/, "").toLowerCase()}"`);
    return errors;
  }
  const [, type, , , , subject] = match;
  if (!TYPES.includes(type)) errors.push(`unknown type "${type}"; use one of ${TYPES.join(", ")}`);
  if (header.length > 72) errors.push(`header is ${header.length} characters; keep it under 72`);
  if (/\.$/.test(subject)) errors.push("subject should not end with a period");
  if (/^[A-Z]/.test(subject)) errors.push("subject should start lowercase");
  if (blank !== undefined && blank !== "" && body.length) errors.push("leave a blank line after the header");
  return errors;
}

module.exports = { lint };

if (require.main === module) {
  let input = "";
  process.stdin.on("data", (c) => (input += c));
  process.stdin.on("end", () => {
    const errors = lint(input.trim());
    console.log(errors.length ? errors.map((e) => `✖ ${e}`).join("\n") : "✔ looks good");
  });
}
