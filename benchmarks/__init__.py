"""`python -m benchmarks`: measure the whole product (load, callbacks, scaling, browser, memory).

Results go to benchmarks/results.json; README.md explains the figures and the targets.
"""
