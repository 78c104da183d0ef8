// The builder's preview iframes report "ready" or "error" by postMessage (see
// vibecoder/builder/service/preview.py). Reflex cannot listen to postMessage, so this forwards
// each message into the hidden #preview-bridge input, whose change event reaches
// BuildPreviewState.bridge. Only messages whose source is one of our preview iframes count.
(function () {
  if (window.__vibecoderPreviewBridge) return;
  window.__vibecoderPreviewBridge = true;
  var SILENT_MS = 10000; // a shadow load that never answers counts as failed
  var seq = 0;
  var waiting = {}; // "version|src" of the shadow frame -> when it started, or null once answered
  var setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;

  function forward(frame, version, kind, message) {
    var input = document.getElementById("preview-bridge");
    if (!input) return;
    seq += 1; // every message differs, so React never drops one as "unchanged"
    setValue.call(
      input,
      JSON.stringify({
        role: frame.getAttribute("data-preview-role"),
        version: version,
        kind: String(kind),
        message: String(message || "").slice(0, 2000),
        seq: seq,
      })
    );
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function shadowKey(frame) {
    return frame.getAttribute("data-version") + "|" + frame.getAttribute("src");
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    // A sandboxed frame without allow-same-origin always has the opaque origin "null".
    if (!data || data.vibecoderPreview !== 1 || event.origin !== "null") return;
    var frames = document.querySelectorAll("iframe[data-preview-role]");
    var frame = null;
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) frame = frames[i];
    }
    if (!frame) return;
    // The page says which version it is: a late message of the frame's previous page (its src
    // changed since) must not count for the version it shows now.
    var match = /\/preview\/[^/]+\/(\d+)\/$/.exec(String(data.path || ""));
    var version = Number(frame.getAttribute("data-version"));
    if (!match || Number(match[1]) !== version) return;
    if (frame.getAttribute("data-preview-role") === "shadow") waiting[shadowKey(frame)] = null;
    forward(frame, version, data.kind, data.message);
  });

  setInterval(function () {
    var frame = document.querySelector('iframe[data-preview-role="shadow"]');
    if (!frame) {
      waiting = {};
      return;
    }
    var key = shadowKey(frame);
    if (!(key in waiting)) {
      waiting = {};
      waiting[key] = Date.now();
    } else if (waiting[key] !== null && Date.now() - waiting[key] > SILENT_MS) {
      waiting[key] = null;
      forward(
        frame,
        Number(frame.getAttribute("data-version")),
        "error",
        "The page did not report that it loaded within " + SILENT_MS / 1000 + " seconds."
      );
    }
  }, 500);
})();
