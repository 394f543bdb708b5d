"""The load benchmark of DESIGN.md §6 (``python -m bench``, ``python -m bench --quick``)."""
