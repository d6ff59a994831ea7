"Memery as it was at a git revision, for benchmarks that compare a change against what came before, in one run."
import subprocess, tempfile
from pathlib import Path

def package_at(rev: str) -> Path:
    "A folder holding memery's package as it was at git revision `rev`, to put first on PYTHONPATH (the caller removes it)."
    root = Path(__file__).resolve().parent.parent
    old = Path(tempfile.mkdtemp())
    archive = subprocess.run(['git', '-C', str(root), 'archive', rev, 'memery'], capture_output=True, check=True).stdout
    subprocess.run(['tar', '-x', '-C', str(old)], input=archive, check=True)
    return old

def aged(folder: Path):
    "Record the indexes under `folder` (a copy) as of the schema the memery on the path reads, if newer, for it to read them."
    import sqlite3
    from memery.schema import SCHEMA_VERSION
    for path in Path(folder).rglob('*.sqlite3'):
        with sqlite3.connect(path) as db:
            db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version' AND CAST(value AS INTEGER) > ?",
                       (SCHEMA_VERSION, SCHEMA_VERSION))
        db.close()
