"""QiaoCamp load and scale benchmarks: `python -m bench live|http|jobs …` (see docs/performance.md).

Scenarios and their exact commands: bench/live.py (module docstring), `python -m bench live --help`.
Nothing here runs in the test suite; tests/bench/ only smoke-tests the harness pieces.
"""
