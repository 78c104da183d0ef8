// The library's "Show key" / "Copy" / "Hide" buttons (vibecoder/pages/library.py). The key is
// fetched from /api/library/<id>/key with the HttpOnly session cookie and written into the
// page only: it never enters Reflex state (see vibecoder/api/library_keys.py).
(function () {
  if (window.__vibecoderLibraryKeys) return;
  window.__vibecoderLibraryKeys = true;

  // The API's configured URL names `localhost`; like Reflex's own websocket URL, it follows the
  // loopback name this page was opened at, so the session cookie (per host) goes along.
  function apiUrl(configured) {
    var url = new URL(configured, window.location.href);
    var loopback = ["localhost", "127.0.0.1", "[::1]"];
    if (loopback.indexOf(url.hostname) >= 0 && loopback.indexOf(window.location.hostname) >= 0) {
      url.hostname = window.location.hostname;
    }
    return url.toString();
  }

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
      fetch(apiUrl(button.getAttribute("data-key-url")), { credentials: "include", cache: "no-store" })
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
