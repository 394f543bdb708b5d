"""The themes engine's work as the media worker runs it, and the little the server needs itself.

The server imports this module, never ``theme_engine.py`` (scikit-learn and SciPy: about 115 MB
more in every server process, and seconds of imports that would pause its hub). Each job below
imports the engine in the worker process (``server/services/media/worker.py``) when it runs:
``cluster`` (new themes), ``place`` (new questions join the nearest theme) and ``pair`` (the
Hungarian assignment of new clusters to old themes). ``label_of`` is plain Python.
"""


def cluster(*args):
    """``theme_engine.cluster(*args)``, in the worker."""
    from server.services.questions import theme_engine

    return theme_engine.cluster(*args)


def place(texts, groups, folded=None):
    """``theme_engine.assign``: the texts without a group join the nearest group, in the worker."""
    from server.services.questions import theme_engine

    return theme_engine.assign(texts, groups, folded=folded)


def pair(overlap):
    """Clusters (rows) matched to old themes (columns) maximising the shared questions
    (``overlap``, a list of rows): ``[(row, column)]``, in the worker (SciPy)."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(-np.asarray(overlap, dtype=float))
    return list(zip(rows.tolist(), cols.tolist()))


def warm():
    """Import the heavy libraries in the worker (a server's ``PRELOAD``), so the first themes view or
    Word export does not wait for them."""
    import fitz  # noqa: F401

    from server.services.questions import theme_engine  # noqa: F401

    return True


def label_of(terms):
    """A theme's label from its top terms: 'Đường, giao thông, cầu'."""
    text = ", ".join(terms)
    return text[:1].upper() + text[1:] if text else "—"
