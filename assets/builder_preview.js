// The builder's preview iframes report "ready" or "error" by postMessage (see
// vibecoder/services/builder_preview.py). Reflex cannot listen to postMessage, so this forwards
// each message into the hidden #preview-bridge input, whose change event reaches
// BuildPreviewState.bridge. Only messages whose source is one of our preview iframes count.
(function () {
  if (window.__vibecoderPreviewBridge) return;
  window.__vibecoderPreviewBridge = true;
  var seq = 0;
  var setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
  window.addEventListener("message", function (event) {
    var data = event.data;
    // A sandboxed frame without allow-same-origin always has the opaque origin "null".
    if (!data || data.vibecoderPreview !== 1 || event.origin !== "null") return;
    var frames = document.querySelectorAll("iframe[data-preview-role]");
    var frame = null;
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) frame = frames[i];
    }
    var input = document.getElementById("preview-bridge");
    if (!frame || !input) return;
    // The page says which version it is: a late message of the frame's previous page (its src
    // changed since) must not count for the version it shows now.
    var match = /\/preview\/[^/]+\/(\d+)\/$/.exec(String(data.path || ""));
    var version = Number(frame.getAttribute("data-version"));
    if (!match || Number(match[1]) !== version) return;
    seq += 1; // every message differs, so React never drops one as "unchanged"
    setValue.call(
      input,
      JSON.stringify({
        role: frame.getAttribute("data-preview-role"),
        version: version,
        kind: String(data.kind),
        message: String(data.message || "").slice(0, 2000),
        seq: seq,
      })
    );
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
