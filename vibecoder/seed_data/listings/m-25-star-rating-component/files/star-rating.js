// <star-rating value="3.5" max="5"> — uses rating-core.js logic (bundle both for the browser).
class StarRating extends HTMLElement {
  static observedAttributes = ["value", "max"];
  connectedCallback() {
    this.setAttribute("role", "slider");
    this.tabIndex = 0;
    this.addEventListener("keydown", (event) => {
      const next = keyToValue(event.key, this.value, this.max, 0.5);
      if (next !== this.value) { event.preventDefault(); this.value = next; this.dispatchEvent(new Event("change")); }
    });
    this.render();
  }
  get value() { return clamp(this.getAttribute("value") || 0, this.max, 0.5); }
  set value(v) { this.setAttribute("value", String(v)); }
  get max() { return Number(this.getAttribute("max") || 5); }
  attributeChangedCallback() { this.render(); }
  render() {
    this.setAttribute("aria-valuenow", String(this.value));
    this.setAttribute("aria-valuemax", String(this.max));
    this.setAttribute("aria-label", label(this.value, this.max));
    this.innerHTML = stars(this.value, this.max).map((s) => `<span class="star ${s}" aria-hidden="true">★</span>`).join("");
  }
}
customElements.define("star-rating", StarRating);
