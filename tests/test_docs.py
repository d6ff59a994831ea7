"Every parameter of memery's public functions, methods and dataclasses is documented (docments), so `show_doc`, `help` and the CLI's help can show it."
import dataclasses, importlib, inspect
import pytest
from fastcore.docments import docments

MODULES = ['fileutils', 'loader', 'crafter', 'encoder', 'indexer', 'ranker', 'core', 'cli', 'gui', 'testing', 'thumbnails', 'exported', 'dupes',
           'models', 'options', 'vectors', 'schema', 'words', 'metadata', 'video', 'moments'] # the server's routes are documented by their OpenAPI parameters

def public_callables():
    "(name, callable) of each exported function and dataclass, and of each public method and `__init__` of an exported class."
    for m in MODULES:
        mod = importlib.import_module(f'memery.{m}')
        for name in mod.__all__:
            o = getattr(mod, name)
            if inspect.isfunction(o) or dataclasses.is_dataclass(o): yield f'{m}.{name}', o
            if not inspect.isclass(o) or o.__module__ != mod.__name__: continue
            if '__init__' in vars(o) and not dataclasses.is_dataclass(o): yield f'{m}.{name}.__init__', o.__init__
            for k, v in vars(o).items():
                if not k.startswith('_') and inspect.isfunction(v): yield f'{m}.{name}.{k}', v

@pytest.mark.parametrize('name,f', list(public_callables()), ids=lambda x: x if isinstance(x, str) else '')
def test_parameters_are_documented(name, f):
    params = [p for p in inspect.signature(f).parameters if p not in ('self', 'args', 'kwargs')]
    if len(params) < 2 and not dataclasses.is_dataclass(f): return # a single parameter is what the docstring is about
    docs = docments(f)
    assert not [p for p in params if not docs.get(p)], f"{name}: document each parameter with a comment (docments)"
