// The account page's "Create key" form (vibecoder/pages/account.py). It posts to
// /api/account/api-keys with the HttpOnly session cookie and writes the new key into the page
// only: the key never enters Reflex state (see vibecoder/api/account_keys.py).
(function () {
  if (window.__vibecoderAccountKeys) return;
  window.__vibecoderAccountKeys = true;

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

  function show(box, key) {
    box.textContent = key;
    box.id = "new-api-key"; // only a filled box carries the id the page and tests look for
    box.closest("[data-new-key]").style.display = "";
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("[data-api-key-form]");
    if (!form) return;
    event.preventDefault();
    var error = document.getElementById("api-key-error");
    var box = document.querySelector("[data-new-key-box]");
    error.textContent = "";
    fetch(apiUrl(form.getAttribute("data-url")), {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      credentials: "include",
      cache: "no-store",
    })
      .then(function (r) {
        return r.json().then(function (body) { return [r.ok, body]; });
      })
      .then(function (answer) {
        if (!answer[0]) {
          error.textContent = answer[1].message || "The key could not be created.";
          return;
        }
        show(box, answer[1].key);
        form.querySelector("input[name=name]").value = "";
        var reload = document.getElementById("reload-api-keys");
        if (reload) reload.click(); // the table of keys comes from the server again
      })
      .catch(function () {
        error.textContent = "The key could not be created; try again.";
      });
  });
})();
