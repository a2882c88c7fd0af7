"""Every component id in one place, so callbacks and layouts cannot drift apart."""

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
DI_CSV = "di-csv"
DI_XLSX = "di-xlsx"
DI_DOWNLOAD = "di-download"

# JASS
OC_HISTORY = "oc-history"

# Goals
GO_META = "go-meta"
GO_GRID = "go-grid"
GO_CSV = "go-csv"
GO_STATE = "go-state"

# Exit readiness
EX_ORG = "ex-org"
EX_GRID = "ex-grid"
EX_CSV = "ex-csv"
EX_STATE = "ex-state"

# Data
DA_REJECTS_CSV = "da-rejects-csv"
DA_DOWNLOAD = "da-download"
DI_CP_GRID = "di-cp-grid"
