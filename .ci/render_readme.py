"""Render nbs/index.ipynb as README.md, as `nbdev-readme` does where Quarto is installed.

`python .ci/render_readme.py` writes README.md; with `--check` it only fails if README.md is out of date."""
import json, re, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
HIDDEN = re.compile(r'#\|\s*(hide|exporti?|default_exp)\b')

def render(nb: dict) -> str:
    "Markdown cells as they are, code cells as Python blocks (without nbdev directives), hidden cells left out."
    parts = []
    for cell in nb['cells']:
        src = ''.join(cell['source']).strip()
        if cell['cell_type'] == 'markdown':
            parts.append(src)
            continue
        lines = src.splitlines()
        if any(HIDDEN.match(l) for l in lines): continue
        code = '\n'.join(l for l in lines if not l.startswith('#|')).strip()
        if code: parts.append(f"```python\n{code}\n```")
        for out in cell.get('outputs', []):
            text = ''.join(out.get('text') or out.get('data', {}).get('text/plain', [])).rstrip()
            if text: parts.append(f"```\n{text}\n```")
    return '\n\n'.join(parts) + '\n'

if __name__ == '__main__':
    readme = render(json.loads((root/'nbs'/'index.ipynb').read_text(encoding='utf-8')))
    target = root/'README.md'
    if '--check' in sys.argv[1:]:
        if not target.exists() or target.read_text(encoding='utf-8') != readme:
            sys.exit("README.md is out of date with nbs/index.ipynb: run `python .ci/render_readme.py`")
    else: target.write_text(readme, encoding='utf-8')
