"""Every component id in one place, so callbacks and layouts cannot drift apart.

A table's export links are `<table id>-csv` and `<table id>-xlsx` (dashboard.exports).
"""

# Shell
NAV_LOCATION = "nav-location"  # written by callbacks to navigate (filters, map clicks)
PAGE_LOADING = "page-loading"

# Overview
OV_DEP = "ov-dep"
OV_PROV = "ov-prov"
OV_DIST = "ov-dist"
OV_YEAR = "ov-year"
OV_IND = "ov-ind"
OV_MAP = "ov-map"
OV_RANKING = "ov-ranking"
OV_GRADES = "ov-grades"
OV_STATE = "ov-state"  # dcc.Store with the page's URL state (for callbacks)

# District
DI_STATE = "di-state"
DI_GRID = "di-grid"
DI_CP_GRID = "di-cp-grid"
DI_PRIORITY = "di-priority"  # the priority list's export links (it is a list, not a grid)
DI_PRINT = "di-print"

# District sheet (ficha, printable)
FI_PRINT = "fi-print"
FI_MAP = "fi-map"

# JASS
OC_HISTORY = "oc-history"

# Goals
GO_META = "go-meta"
GO_DEP = "go-dep"
GO_GRID = "go-grid"
GO_ACT_GRID = "go-act-grid"
GO_DIS_GRID = "go-dis-grid"  # issue 14: computed vs MEF disagreements, both directions
GO_STATE = "go-state"

# Exit readiness
EX_ORG = "ex-org"
EX_GRID = "ex-grid"
EX_STATE = "ex-state"

# Peer exchange (issue 16)
IX_DEP = "ix-dep"
IX_PROV = "ix-prov"
IX_ITEM = "ix-item"
IX_STATE = "ix-state"
IX_SUG_GRID = "ix-sug-grid"  # suggested mentors of weak JASS
IX_ATM_GRID = "ix-atm-grid"  # at-risk ATMs and their pairs
DI_PEERS = "di-peers"  # the district page's section
IX_ALI_GRID = "ix-ali-grid"  # registered partnerships (p16)
# p16: the district section's accept buttons and their answers, pattern-matching ids
# {"type": IX_ACCEPT, "oc": <mentee code>, "rank": <suggestion rank>}
IX_ACCEPT = "ix-accept"
IX_ACCEPT_MSG = "ix-accept-msg"

# Data
DA_REJECTS = "da-rejects"
DA_REJECTS_ALL = "da-rejects-all"  # every rejected row, not only the ones shown
DA_STATE = "da-state"
DA_UPLOAD = "da-upload"  # dcc.Upload (admin and atm accounts)
DA_UPLOAD_REPORT = "da-upload-report"  # the loader's problem report of the staged file
DA_UPLOAD_TOKEN = "da-upload-token"  # dcc.Store: the staged upload awaiting confirmation
DA_UPLOAD_CONFIRM = "da-upload-confirm"
DA_RELOAD = "da-reload"  # after a load: reload the data page to see it in the tables
DA_AUDIT = "da-audit"  # the audit tables, drawn again after an upload is loaded
