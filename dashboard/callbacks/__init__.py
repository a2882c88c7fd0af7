"""One module per page: plain functions (testable without Dash) and `register(app, ...)`."""
