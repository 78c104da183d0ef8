"use strict";
const { Standup } = require("./standup.js");

const team = new Standup(["amara", "lukas", "priya"]);
team.answer("amara", 0, "Shipped the poll command");
team.answer("amara", 1, "Reminders with time zones");
team.answer("amara", 2, "None");
team.answer("lukas", 0, "Minimax pruning");
team.answer("lukas", 2, "Waiting on design review");
console.log(team.digest());
console.log("\nNudge:", team.toNudge().join(", "));
