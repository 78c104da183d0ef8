"use strict";
// Catalogue data; replace with your own products (prices in cents).
const PRODUCTS = [
  { id: "runner-v2", name: "Runner V2 — Volt", price: 12900, tags: ["limited"] },
  { id: "court-low", name: "Court Low — Bone", price: 9900, tags: ["classic"] },
  { id: "trail-x", name: "Trail X — Moss", price: 14900, tags: ["outdoor"] },
];
if (typeof module !== "undefined") module.exports = { PRODUCTS };
