"""Server-side plumbing of the dashboard: settings, accounts and login, the request guard,
the health route, page caching and static compression, and the scope-free validation layout.
The product's parts (pages, queries, figures, exports) live one level up and use these;
nothing here draws a page."""
