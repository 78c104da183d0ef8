"use strict";
// Framework-free logic behind <star-rating>: value clamping, keyboard handling, labels.

function clamp(value, max, step) {
  const rounded = Math.round(Number(value) / step) * step;
  return Math.min(Math.max(Number.isFinite(rounded) ? rounded : 0, 0), max);
}

function keyToValue(key, value, max, step) {
  switch (key) {
    case "ArrowRight": case "ArrowUp": return clamp(value + step, max, step);
    case "ArrowLeft": case "ArrowDown": return clamp(value - step, max, step);
    case "Home": return 0;
    case "End": return max;
    default: return value;
  }
}

function label(value, max) {
  return `${value} out of ${max} stars`;
}

function stars(value, max) {
  return Array.from({ length: max }, (_, i) => (value >= i + 1 ? "full" : value >= i + 0.5 ? "half" : "empty"));
}

module.exports = { clamp, keyToValue, label, stars };

if (require.main === module) {
  let value = 3;
  for (const key of ["ArrowRight", "ArrowLeft", "ArrowLeft", "End"]) {
    value = keyToValue(key, value, 5, 0.5);
    console.log(key.padEnd(10), label(value, 5).padEnd(20), stars(value, 5).join(" "));
  }
}
