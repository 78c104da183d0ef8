"use strict";
// Catalogue data; replace with your own products (prices in cents).
const PRODUCTS = [
  { id: "ethiopia", name: "Ethiopia Guji — natural", price: 1800, tags: ["fruity"] },
  { id: "colombia", name: "Colombia Huila — washed", price: 1600, tags: ["chocolate"] },
  { id: "espresso", name: "House Espresso Blend", price: 1500, tags: ["espresso"] },
];
if (typeof module !== "undefined") module.exports = { PRODUCTS };
