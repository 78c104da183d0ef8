const test = require("node:test");
const assert = require("node:assert");
const { createCart } = require("./cart.js");
const { PRODUCTS } = require("./products.js");

test("totals with discount code and shipping", () => {
  const cart = createCart(PRODUCTS);
  cart.add(PRODUCTS[0].id, 1);
  const t = cart.totals("WELCOME10");
  assert.strictEqual(t.discount, Math.round(PRODUCTS[0].price / 10));
  assert.strictEqual(t.total, t.subtotal - t.discount + t.shipping);
});

test("free shipping over $50 and with FREESHIP", () => {
  const cart = createCart(PRODUCTS);
  cart.add(PRODUCTS[0].id, 99);
  assert.strictEqual(cart.totals().shipping, 0);
  const small = createCart(PRODUCTS);
  small.add(PRODUCTS[0].id);
  assert.strictEqual(small.totals("freeship").shipping, 0);
});

test("rejects unknown products and bad quantities", () => {
  const cart = createCart(PRODUCTS);
  assert.throws(() => cart.add("nope"), /unknown product/);
  assert.throws(() => cart.add(PRODUCTS[0].id, 0), RangeError);
});
