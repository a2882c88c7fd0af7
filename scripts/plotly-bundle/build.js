const banner = `/**
* plotly.js (basic + choropleth, scattergeo - minified) v4.1.1
* Copyright 2012-2026, Plotly, Inc.
* All rights reserved.
* Licensed under the MIT license
* Built by scripts/build_plotly_bundle.sh (esbuild) from npm plotly.js@4.1.1
*/`;
require('esbuild').build({
  entryPoints: ['entry.js'], outfile: 'out/plotly-atm.min.js', format: 'iife', globalName: 'Plotly',
  bundle: true, minify: true, sourcemap: false, legalComments: 'none', banner: {js: banner},
  loader: {'.css': 'empty'},
  alias: { stream: 'stream-browserify' },
  define: { global: 'window', 'define.amd': 'false', 'process.env.NODE_DEBUG': 'false' },
  target: 'es2016', logLevel: 'warning',
}).catch(() => process.exit(1));
