/* The overview's first view (issue #18; dashboard/server/firstview.py): the page arrives as
 * static HTML inside #atm-prerender, so its numbers show before any script has run. It is
 * removed the moment Dash has drawn the live page (a mutation observer runs before the
 * browser paints, so no frame shows both or neither). */
(function () {
  'use strict';
  var first = document.getElementById('atm-prerender');
  if (!first) { return; }
  var observer = new MutationObserver(function () {
    var live = document.getElementById('_pages_content');
    if (live && live.firstElementChild) {
      observer.disconnect();
      if (first.parentNode) { first.parentNode.removeChild(first); }
    }
  });
  observer.observe(document.getElementById('react-entry-point') || document.body, {
    childList: true, subtree: true
  });
})();
