/* Export links follow their grid (dashboard/exports.py).
 *
 * A table's CSV and Excel buttons are plain links to /exportar/<table>.<fmt>?<page state>.
 * When the user filters or sorts the grid, this clientside callback writes the grid's filter
 * model (`filtro`) and its sorted columns (`orden`, in sort order) into both links, so the
 * server builds the file the grid shows. Nothing is sent to the server until the click.
 */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  atm: Object.assign({}, (window.dash_clientside || {}).atm, {
    exportLinks: function (filterModel, columnState, csvHref, xlsxHref) {
      var filter = filterModel && Object.keys(filterModel).length ? JSON.stringify(filterModel) : null;
      var order = (columnState || [])
        .filter(function (col) { return col && (col.sort === 'asc' || col.sort === 'desc'); })
        .sort(function (a, b) { return (a.sortIndex || 0) - (b.sortIndex || 0); })
        .map(function (col) { return [col.colId, col.sort]; });
      function follow(link) {
        if (!link) { return link; }
        var url = new URL(link, window.location.origin);
        if (filter) { url.searchParams.set('filtro', filter); } else { url.searchParams.delete('filtro'); }
        if (order.length) { url.searchParams.set('orden', JSON.stringify(order)); } else { url.searchParams.delete('orden'); }
        return url.pathname + url.search;
      }
      return [follow(csvHref), follow(xlsxHref)];
    }
  })
});
