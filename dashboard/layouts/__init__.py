"""One module per page: a layout function (rendered from the URL state) and page metadata."""
