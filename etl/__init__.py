"""ETL: read the files users bring, validate, load them into the warehouse, derive the scores.

Nothing here imports dash: data flows one way, from etl into the warehouse, then to the dashboard.
"""
