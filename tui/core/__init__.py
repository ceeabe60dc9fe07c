"""The headless core: parsing, storage, querying and citations.

Nothing under this package may import Textual; the command line, the tests and
the benchmarks use it directly, and the UI is a thin layer on top of it.
"""
