"""memery: search your image folders in plain language. `from memery import query_flow, search_flow, Query, Options` is the API;
`memery.appPage` (the notebook GUI) and `memery.serve` (the browser app) load their heavier packages when first used."""
__version__ = "0.1.0"

from .core import (IndexInfo, IndexReport, Query, Results, dupes_flow, index_flow, info_flow, open_index,
                   purge_flow, query_flow, search_flow)
from .fileutils import MemeryError
from .options import Options
from .ranker import Match

def __getattr__(name):
    if name == 'appPage':
        from .gui import appPage
        return appPage
    if name == 'serve':
        from .server import serve
        return serve
    raise AttributeError(f"module 'memery' has no attribute {name!r}")

__all__ = ['IndexInfo', 'IndexReport', 'Match', 'MemeryError', 'Options', 'Query', 'Results', 'appPage', 'dupes_flow',
           'index_flow', 'info_flow', 'open_index', 'purge_flow', 'query_flow', 'search_flow', 'serve']
