"use strict";
// Data → HTML for a pricing table; the toggle just re-renders with another period.

const PLANS = [
  { name: "Starter", monthly: 900, features: ["1 project", "Community support"] },
  { name: "Pro", monthly: 2900, features: ["10 projects", "Priority support", "Custom domain"], featured: true },
  { name: "Team", monthly: 7900, features: ["Unlimited projects", "SSO", "Audit log"] },
];

function price(cents, currency = "USD", locale = "en-US") {
  return new Intl.NumberFormat(locale, { style: "currency", currency, maximumFractionDigits: cents % 100 ? 2 : 0 }).format(cents / 100);
}

function yearly(monthlyCents, discount = 0.2) {
  return Math.round(monthlyCents * 12 * (1 - discount));
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function render(plans, period = "monthly", currency = "USD") {
  const cards = plans.map((plan) => {
    const amount = period === "yearly" ? yearly(plan.monthly) : plan.monthly;
    const save = period === "yearly" ? `<span class="badge">Save ${price(plan.monthly * 12 - amount, currency)}</span>` : "";
    return `<article class="plan${plan.featured ? " featured" : ""}"><h3>${escapeHtml(plan.name)}</h3>` +
      `<p class="price">${price(amount, currency)}<small>/${period === "yearly" ? "year" : "month"}</small></p>${save}` +
      `<ul>${plan.features.map((f) => `<li>${escapeHtml(f)}</li>`).join("")}</ul></article>`;
  });
  return `<section class="pricing" aria-label="Pricing">${cards.join("")}</section>`;
}

module.exports = { PLANS, price, yearly, render, escapeHtml };

if (require.main === module) {
  for (const period of ["monthly", "yearly"]) {
    console.log(period, PLANS.map((p) => `${p.name}: ${price(period === "yearly" ? yearly(p.monthly) : p.monthly)}`).join(" | "));
  }
}
