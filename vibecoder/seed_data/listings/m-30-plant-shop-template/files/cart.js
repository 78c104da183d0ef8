"use strict";
// Cart logic shared by the page and the tests: add/remove, quantities, discount codes, totals.

const CODES = { WELCOME10: { percent: 10 }, FREESHIP: { shipping: true } };

function createCart(products) {
  const lines = new Map();
  const byId = new Map(products.map((p) => [p.id, p]));
  return {
    add(id, qty = 1) {
      if (!byId.has(id)) throw new Error(`unknown product ${id}`);
      if (!Number.isInteger(qty) || qty < 1 || qty > 99) throw new RangeError("quantity must be 1-99");
      lines.set(id, Math.min((lines.get(id) || 0) + qty, 99));
    },
    remove(id) { lines.delete(id); },
    totals(code, shippingCents = 499) {
      const subtotal = [...lines].reduce((sum, [id, qty]) => sum + byId.get(id).price * qty, 0);
      const offer = CODES[String(code || "").toUpperCase()] || {};
      const discount = Math.round(subtotal * (offer.percent || 0) / 100);
      const shipping = subtotal === 0 || offer.shipping || subtotal >= 5000 ? 0 : shippingCents;
      return { subtotal, discount, shipping, total: subtotal - discount + shipping, items: [...lines.values()].reduce((a, b) => a + b, 0) };
    },
  };
}

const money = (cents) => `$${(cents / 100).toFixed(2)}`;

if (typeof module !== "undefined") module.exports = { createCart, money, CODES };

if (typeof document !== "undefined") {
  const cart = createCart(PRODUCTS);
  const list = document.getElementById("products");
  list.innerHTML = PRODUCTS.map((p) => `<article class="card"><h3>${p.name}</h3><p>${money(p.price)}</p>` +
    `<button class="btn" data-id="${p.id}">Add to cart</button></article>`).join("");
  list.addEventListener("click", (event) => {
    const id = event.target.dataset.id;
    if (!id) return;
    cart.add(id);
    const t = cart.totals();
    document.getElementById("cart-summary").textContent = `${t.items} item(s) — ${money(t.total)}`;
  });
} else if (typeof require !== "undefined" && require.main === module) {
  const { PRODUCTS } = require("./products.js");
  const cart = createCart(PRODUCTS);
  cart.add(PRODUCTS[0].id, 2);
  cart.add(PRODUCTS[1].id);
  const t = cart.totals("welcome10");
  console.log(`2 x ${PRODUCTS[0].name}, 1 x ${PRODUCTS[1].name}`);
  console.log(`subtotal ${money(t.subtotal)}  discount -${money(t.discount)}  shipping ${money(t.shipping)}  total ${money(t.total)}`);
}
