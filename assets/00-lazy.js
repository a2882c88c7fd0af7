/* Scripts the overview does not load with the page (issue #18; dashboard/server/firstview.py).
 *
 * - plotly.js: dcc.Graph loads it itself, when a graph is first drawn and `window.Plotly` is
 *   not defined, from `window._dashPlotlyJSURL` (set by dash-renderer to the full 3.5 MB
 *   bundle). With the `atm-plotly` meta tag it is our partial bundle instead.
 * - dash-ag-grid: on the overview (no grid) its script is left out and the `atm-lazy-grid`
 *   meta tag names it; the stand-in component below loads it when a grid is first drawn.
 */
(function () {
  'use strict';
  function meta(name) {
    var tag = document.querySelector('meta[name="' + name + '"]');
    return tag ? tag.getAttribute('content') : null;
  }

  var plotly = meta('atm-plotly');
  if (plotly) {
    Object.defineProperty(window, '_dashPlotlyJSURL', {
      configurable: true,
      get: function () { return plotly; },
      set: function () { /* dash-renderer's full-bundle URL: ours is the one to load */ }
    });
  }

  var grid = meta('atm-lazy-grid');
  var React = window.React;
  if (!grid || window.dash_ag_grid || !React || !React.lazy) { return; }
  var loading = null;
  function load() {
    loading = loading || new Promise(function (resolve, reject) {
      var script = document.createElement('script');
      script.src = grid;
      script.onload = function () { resolve(window.dash_ag_grid); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
    return loading;
  }
  var Real = React.lazy(function () {
    return load().then(function (ns) { return {default: ns.AgGrid}; });
  });
  function AgGrid(props) {
    return React.createElement(React.Suspense, {fallback: null}, React.createElement(Real, props));
  }
  window.dash_ag_grid = {AgGrid: AgGrid};
})();
