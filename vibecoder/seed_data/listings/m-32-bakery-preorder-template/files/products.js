"use strict";
// Catalogue data; replace with your own products (prices in cents).
const PRODUCTS = [
  { id: "sourdough", name: "Country Sourdough", price: 750, tags: ["daily"] },
  { id: "croissant", name: "Butter Croissant (4)", price: 1200, tags: ["weekend"] },
  { id: "babka", name: "Chocolate Babka", price: 1400, tags: ["sweet"] },
];
if (typeof module !== "undefined") module.exports = { PRODUCTS };
