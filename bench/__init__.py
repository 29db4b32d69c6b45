"""QiaoCamp load and scale benchmarks: `python -m bench live|http|jobs …` (see docs/performance.md).

Nothing here runs in the test suite; tests/bench/ only smoke-tests the harness pieces.
"""
