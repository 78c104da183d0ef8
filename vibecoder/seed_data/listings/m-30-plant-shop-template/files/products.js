"use strict";
// Catalogue data; replace with your own products (prices in cents).
const PRODUCTS = [
  { id: "monstera", name: "Monstera Deliciosa", price: 3200, tags: ["easy"] },
  { id: "fiddle", name: "Fiddle Leaf Fig", price: 4500, tags: ["bright"] },
  { id: "pothos", name: "Golden Pothos", price: 1400, tags: ["low-light"] },
];
if (typeof module !== "undefined") module.exports = { PRODUCTS };
