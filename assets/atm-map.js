/* The overview's district map (issue #18; dashboard/svgmap.py, dashboard/server/mapview.py).
 *
 * The page names the map's URL in `data-atm-map`; the server draws the SVG, and the browser
 * keeps it for a year under that URL (it changes with every load and every account). This
 * script puts the SVG in the box, shows a district's hover text in a tooltip, and opens the
 * district page on a click the way a dcc.Link does (no full page load).
 */
(function () {
  'use strict';
  var BOX = '[data-atm-map]';
  var texts = {};  // URL -> the SVG's text (one request, whichever box asks first)

  function svgText(src) {
    texts[src] = texts[src] || fetch(src, {credentials: 'same-origin'})
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.text(); });
    texts[src].catch(function () { delete texts[src]; });
    return texts[src];
  }

  function load(box) {
    var src = box.getAttribute('data-atm-map');
    if (!src || box.getAttribute('data-atm-shown') === src) { return; }
    box.setAttribute('data-atm-shown', src);
    svgText(src)
      .then(function (svg) {
        if (box.getAttribute('data-atm-map') !== src) { return; }
        box.innerHTML = svg;
        // The hover texts become labels (read by screen readers; our tooltip shows them), so
        // the browser's own tooltip does not show them a second time.
        Array.prototype.forEach.call(box.querySelectorAll('[data-u] > title'), function (t) {
          t.parentNode.setAttribute('aria-label', t.textContent);
          t.parentNode.removeChild(t);
        });
      })
      .catch(function () {
        box.removeAttribute('data-atm-shown');
        box.textContent = box.getAttribute('data-failed') || '';
      });
  }

  function scan() { Array.prototype.forEach.call(document.querySelectorAll(BOX), load); }

  new MutationObserver(scan).observe(document.documentElement, {
    childList: true, subtree: true, attributes: true, attributeFilter: ['data-atm-map']
  });

  var tip = null;
  function tooltip() {
    if (!tip) {
      tip = document.createElement('div');
      tip.className = 'atm-map-tip';
      tip.setAttribute('aria-hidden', 'true');
      document.body.appendChild(tip);
    }
    return tip;
  }

  document.addEventListener('mousemove', function (e) {
    var shape = e.target.closest ? e.target.closest(BOX + ' [data-u]') : null;
    var text = shape && shape.getAttribute('aria-label');
    if (!text) { if (tip) { tip.style.display = 'none'; } return; }
    var box = tooltip();
    if (box.textContent !== text) { box.textContent = text; }
    box.style.display = 'block';
    var x = e.clientX + 14, y = e.clientY + 14;
    if (x + box.offsetWidth > window.innerWidth) { x = e.clientX - box.offsetWidth - 14; }
    if (y + box.offsetHeight > window.innerHeight) { y = e.clientY - box.offsetHeight - 14; }
    box.style.left = x + 'px';
    box.style.top = y + 'px';
  });

  document.addEventListener('click', function (e) {
    var shape = e.target.closest ? e.target.closest(BOX + ' [data-u]') : null;
    if (!shape || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) { return; }
    var href = shape.closest(BOX).getAttribute('data-href');
    if (!href) { return; }
    e.preventDefault();
    if (tip) { tip.style.display = 'none'; }
    window.history.pushState({}, '', href.replace('%7Bu%7D', shape.getAttribute('data-u'))
      .replace('{u}', shape.getAttribute('data-u')));
    window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));
    window.scrollTo(0, 0);
  });
})();
