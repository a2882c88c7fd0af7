/* Put the browser's own string and number built-ins back after Dash's @babel/polyfill.
 *
 * The polyfill (core-js 2, loaded first on every page) replaces String.prototype.trim and its
 * siblings, parseInt and parseFloat whenever the native ones disagree with its whitespace list,
 * which predates Unicode 6.3 (U+180E stopped being a space): so in every current browser. Its
 * replacements run two regular expressions per call, and plotly.js calls them for every colour
 * it parses: ~50-65 ms of the overview's first render (1,900 map markers; CPU profile in
 * benchmarks/README.md). A fresh realm (an empty, detached iframe) still has the originals.
 * Anything unexpected leaves the polyfill's versions in place.
 */
(function () {
  "use strict";
  var frame = null;
  try {
    frame = document.createElement("iframe");
    frame.style.display = "none";
    frame.setAttribute("aria-hidden", "true");
    frame.tabIndex = -1;
    (document.body || document.documentElement).appendChild(frame);
    var fresh = frame.contentWindow;
    var put = function (target, name, value) {
      if (typeof value === "function" && typeof target[name] === "function") {
        Object.defineProperty(target, name, {
          value: value, writable: true, configurable: true, enumerable: false
        });
      }
    };
    ["trim", "trimStart", "trimEnd", "trimLeft", "trimRight"].forEach(function (name) {
      put(String.prototype, name, fresh.String.prototype[name]);
    });
    put(window, "parseInt", fresh.parseInt);
    put(window, "parseFloat", fresh.parseFloat);
    put(Number, "parseInt", window.parseInt);  // the spec: Number.parseInt === parseInt
    put(Number, "parseFloat", window.parseFloat);
  } catch (err) {
    // keep whatever is there
  } finally {
    if (frame && frame.parentNode) {
      frame.parentNode.removeChild(frame);
    }
  }
})();
