"""The load benchmark of docs/design.md (targets) (``python -m bench``, ``python -m bench --quick``)."""
