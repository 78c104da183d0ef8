const test = require("node:test");
const assert = require("node:assert");
const { price, yearly, render } = require("./pricing.js");

test("prices format without trailing zeros", () => {
  assert.strictEqual(price(900), "$9");
  assert.strictEqual(price(1950), "$19.50");
});

test("yearly applies the discount", () => {
  assert.strictEqual(yearly(1000), 9600);
});

test("plan names are escaped", () => {
  assert.match(render([{ name: "<b>x</b>", monthly: 100, features: [] }]), /&lt;b&gt;/);
});
