// The library's "Show key" / "Copy" / "Hide" buttons (vibecoder/pages/library.py). The key is
// fetched from /api/library/<id>/key with the HttpOnly session cookie and written into the
// page only: it never enters Reflex state (see vibecoder/api/library_keys.py).
(function () {
  if (window.__vibecoderLibraryKeys) return;
  window.__vibecoderLibraryKeys = true;

  function box(id) {
    return document.querySelector('[data-key-box="' + id + '"]');
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-key-action]");
    if (!button) return;
    var id = button.getAttribute("data-purchase");
    var target = box(id);
    if (!target) return;
    var action = button.getAttribute("data-key-action");
    if (action === "show") {
      fetch(button.getAttribute("data-key-url"), { credentials: "include", cache: "no-store" })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (body) {
          if (!target.hasAttribute("data-masked")) {
            target.setAttribute("data-masked", target.textContent);
          }
          target.textContent = body.key;
          target.closest("[data-key-row]").setAttribute("data-revealed", "1");
        })
        .catch(function () {
          target.closest("[data-key-row]").setAttribute("data-revealed", "error");
        });
    } else if (action === "copy") {
      if (navigator.clipboard) navigator.clipboard.writeText(target.textContent.trim());
    } else if (action === "hide") {
      if (target.hasAttribute("data-masked")) {
        target.textContent = target.getAttribute("data-masked");
      }
      target.closest("[data-key-row]").removeAttribute("data-revealed");
    }
  });
})();
