"use strict";
// Toast queue: dedupes identical messages, keeps errors visible longer, caps what is on screen.

const DURATIONS = { info: 4000, success: 3000, warning: 6000, error: 0 };

class ToastQueue {
  constructor({ max = 3, now = () => Date.now() } = {}) {
    Object.assign(this, { max, now, items: [], nextId: 1 });
  }

  push(message, kind = "info") {
    if (!(kind in DURATIONS)) throw new TypeError(`unknown toast kind ${kind}`);
    const existing = this.items.find((t) => t.message === message && t.kind === kind);
    if (existing) { existing.count += 1; existing.at = this.now(); return existing.id; }
    const toast = { id: this.nextId++, message, kind, count: 1, at: this.now() };
    this.items.push(toast);
    return toast.id;
  }

  visible() {
    const time = this.now();
    this.items = this.items.filter((t) => !DURATIONS[t.kind] || time - t.at < DURATIONS[t.kind]);
    const ranked = [...this.items].sort((a, b) => (a.kind === "error") === (b.kind === "error") ? a.id - b.id : a.kind === "error" ? -1 : 1);
    return ranked.slice(0, this.max);
  }

  dismiss(id) { this.items = this.items.filter((t) => t.id !== id); }
}

function renderLiveRegion(toasts) {
  return `<div role="status" aria-live="polite">${toasts
    .map((t) => `<p class="toast ${t.kind}">${t.message}${t.count > 1 ? ` ×${t.count}` : ""}</p>`)
    .join("")}</div>`;
}

module.exports = { ToastQueue, renderLiveRegion };

if (require.main === module) {
  let t = 0;
  const q = new ToastQueue({ now: () => t });
  q.push("Saved"); q.push("Saved"); q.push("Network error", "error"); q.push("New version available", "warning");
  console.log(renderLiveRegion(q.visible()));
  t = 5000;
  console.log(renderLiveRegion(q.visible()));
}
