'use strict';
// plotly.js basic (lib/index-basic.js: scatter, bar, pie) plus the geo traces the district
// map draws: choropleth (district shapes) and scattergeo (districts drawn as points).
var Plotly = require('plotly.js/lib/core');
Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/pie'),
    require('plotly.js/lib/choropleth'),
    require('plotly.js/lib/scattergeo'),
    require('plotly.js/lib/calendars'),
]);
module.exports = Plotly;
