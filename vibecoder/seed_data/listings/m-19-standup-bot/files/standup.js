"use strict";
// Async standup state machine: collect answers per member, find who to nudge, render a digest.

const QUESTIONS = ["What did you do yesterday?", "What will you do today?", "Anything blocking you?"];

class Standup {
  constructor(members) {
    this.members = [...members];
    this.answers = new Map();
  }

  answer(member, index, text) {
    if (!this.members.includes(member)) throw new Error(`${member} is not on this team`);
    if (index < 0 || index >= QUESTIONS.length) throw new RangeError("no such question");
    const list = this.answers.get(member) || [];
    list[index] = text.trim();
    this.answers.set(member, list);
  }

  toNudge() {
    return this.members.filter((m) => (this.answers.get(m) || []).filter(Boolean).length < QUESTIONS.length);
  }

  digest() {
    const lines = ["*Daily standup*"];
    for (const member of this.members) {
      const list = this.answers.get(member);
      if (!list) { lines.push(`• ${member}: _no update_`); continue; }
      lines.push(`• *${member}*`);
      QUESTIONS.forEach((q, i) => list[i] && lines.push(`   ${q} ${list[i]}`));
      if (list[2] && !/^(no|none|nope)\b/i.test(list[2])) lines.push("   🚧 needs help");
    }
    return lines.join("\n");
  }
}

module.exports = { Standup, QUESTIONS };
