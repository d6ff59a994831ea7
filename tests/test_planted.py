"Damaged and planted indexes, each tried on the real `memery` command in its own process: it must end with status 0 or 1, never a signal."
import os, shutil, sqlite3, subprocess, sys
from pathlib import Path
import numpy as np
import pytest
from filelock import FileLock
from memery.testing import make_colour_folder, run_unprivileged
from cli import COLOURS, MEMERY, memery, offline_env

SWATCHES = ['red', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'brown']
OUTSIDE = ('/etc/passwd', '/etc/shadow', 'etc/passwd', '/usr/share', 'secret.png')

@pytest.fixture
def env(env, tmp_path):
    "Offline, with a signing key and a cache of the test's own."
    return {**env, 'XDG_CONFIG_HOME': str(tmp_path/'config'), 'XDG_CACHE_HOME': str(tmp_path/'cache')}

@pytest.fixture(scope='module')
def swatches(tmp_path_factory) -> Path:
    "A folder of eight swatches, indexed with the colour model once for all the tests here."
    root = tmp_path_factory.mktemp('swatches')
    folder = root/'pics'
    make_colour_folder(folder, SWATCHES)
    env = offline_env(root, XDG_CACHE_HOME=str(root/'cache'))
    res = memery('index', folder, *COLOURS, env=env)
    assert res.returncode == 0, res.stderr
    return folder

@pytest.fixture
def indexed(tmp_path, swatches) -> Path:
    "A copy of the indexed swatches, with their dates, for one test to damage; returns the index database."
    folder = shutil.copytree(swatches, tmp_path/'pics')
    [db] = (folder/'.memery').glob('*.sqlite3')
    return db

def check(res: subprocess.CompletedProcess, folder: Path, names: Path|None=None) -> str:
    "Status 0 or 1, only paths inside `folder` on stdout, no path outside in any output; with status 1, a last line of error naming `names` (after the run's report and warnings, if any)."
    assert res.returncode in (0, 1), (res.returncode, res.stderr) # a negative status is a signal: a crash
    output = res.stdout + res.stderr
    assert 'Traceback' not in output and 'unexpected' not in output, output
    for bad in OUTSIDE: assert bad not in output, output
    for line in res.stdout.splitlines(): assert Path(line).resolve().is_relative_to(folder.resolve()), line
    if res.returncode == 1: # one line of error, last; before it, only what the run reported (busy, say) and warnings
        *before, error = res.stderr.strip().splitlines()
        assert error.startswith('memery: error: ') and not any('error' in line for line in before), res.stderr
        assert all(line.startswith(('memery: warning: ', str(folder))) for line in before), res.stderr
        if names: assert str(names) in error, error
    return 'repaired' if res.returncode == 0 else res.stderr

def recall_as_is(db: Path, env, *args) -> subprocess.CompletedProcess:
    "Search while the writer lock is held by someone else, as anyone who can write to a shared folder can: nothing is repaired first."
    folder = db.parent.parent
    with FileLock(db.with_suffix('.lock')):
        return memery('recall', folder, 'red', '--n', 50, *COLOURS, *args, env=env)

def sql(db: Path, *statements, bump=True):
    with sqlite3.connect(db, isolation_level=None) as con:
        for s in statements: con.execute(*([s] if isinstance(s, str) else s))
        if bump: con.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")

def test_rows_naming_files_outside_the_folder(indexed, env):
    "Planted rows are ignored with a warning while the index cannot be updated, and removed by the next update."
    folder = indexed.parent.parent
    red = "(SELECT vector FROM images WHERE path = 'red.png')"
    rows = ['../../etc/passwd', '/etc/shadow', 'sub/../../etc/passwd', 'red.png\0/etc/passwd', './red.png', 'RED.PNG', 'sub//red.png']
    sql(indexed, *[(f"INSERT INTO images (path, size, mtime_ns, hash, status, vector) VALUES (?, 1, 1, 'x', 'ok', {red})", (p,)) for p in rows])
    res = recall_as_is(indexed, env)
    check(res, folder)
    assert 'rows name files outside the folder' in res.stderr
    assert len(res.stdout.splitlines()) == 9 # the eight swatches, and RED.PNG, a name that stays inside
    res = memery('recall', folder, 'red', '--n', 50, *COLOURS, env=env)
    check(res, folder)
    assert sorted(res.stdout.splitlines()) == sorted(str(folder/f'{c}.png') for c in SWATCHES)
    assert '8 images indexed (7 deleted)' in res.stderr, res.stderr

@pytest.mark.parametrize('key,value', [('dim', '0'), ('dim', '2000000000'), ('dim', 'abc'), ('generation', 'x'), ('schema_version', 'two'),
                                       ('model', 'someone-else/none')])
def test_bad_meta_values(indexed, env, key, value):
    "A meta value out of range is one line naming the index, and `memery purge` is the way back."
    folder = indexed.parent.parent
    sql(indexed, ("UPDATE meta SET value = ? WHERE key = ?", (value, key)), bump=False)
    res = memery('recall', folder, 'red', *COLOURS, env=env)
    check(res, folder, names=indexed)
    assert res.returncode == 1 and ('purge' in res.stderr or 'holds vectors of' in res.stderr), res.stderr
    assert memery('purge', folder, env=env).returncode == 0
    res = memery('recall', folder, 'red', '--n', 1, *COLOURS, env=env)
    assert (res.returncode, res.stdout) == (0, f"{folder/'red.png'}\n"), res.stderr

def test_vectors_of_the_wrong_length(indexed, env):
    folder = indexed.parent.parent
    sql(indexed, "UPDATE images SET vector = x'00ff' WHERE path = 'red.png'", "UPDATE images SET vector = zeroblob(100000) WHERE path = 'blue.png'")
    res = recall_as_is(indexed, env)
    check(res, folder)
    assert len(res.stdout.splitlines()) == 6 and 'hold vectors of the wrong length' in res.stderr
    res = memery('recall', folder, 'red', '--n', 1, *COLOURS, env=env) # the update reads the two images again
    assert (res.returncode, res.stdout) == (0, f"{folder/'red.png'}\n"), res.stderr

def test_page_damaged_in_the_middle(indexed, env):
    "Garbage written over the middle of the database file: status 1 and one line naming it, or a repaired search."
    folder = indexed.parent.parent
    sql(indexed, 'PRAGMA wal_checkpoint(TRUNCATE)', bump=False)
    size = indexed.stat().st_size
    with open(indexed, 'r+b') as f:
        f.seek(size // 2); f.write(np.random.default_rng(0).bytes(4096))
    for res in recall_as_is(indexed, env), memery('recall', folder, 'red', *COLOURS, env=env):
        check(res, folder, names=indexed)

@pytest.mark.parametrize('dropped', ['TABLE vector_changes', 'TRIGGER vector_added'])
def test_change_tracking_dropped(indexed, env, dropped):
    "Schema 4's record of changed rows, or a trigger that keeps it, dropped: searched as it is, then mended, and new images are found."
    folder = indexed.parent.parent
    write = (f"from memery.core import open_index; from memery.vectors import write_vector_file; "
             f"print(write_vector_file(open_index({str(folder)!r}, model='memery.testing:colour_model', pretrained=None)))")
    subprocess.run([sys.executable, '-c', write], check=True, capture_output=True, env=env, timeout=300)
    before = recall_as_is(indexed, env)
    sql(indexed, f'DROP {dropped}', bump=False)
    res = recall_as_is(indexed, env) # opened read-write, mended (the writer lock is another's: nothing is indexed)
    check(res, folder)
    assert res.returncode == 0 and res.stdout == before.stdout, res.stderr
    make_colour_folder(folder, ['grey'])
    res = memery('recall', folder, 'grey', '--n', 1, *COLOURS, env=env)
    assert res.returncode == 0 and res.stdout.strip() == str(folder/'grey.png'), res.stderr
    names = sqlite3.connect(indexed).execute("SELECT group_concat(name) FROM sqlite_master WHERE name LIKE 'vector%'").fetchone()[0]
    assert sorted(names.split(',')) == ['vector_added', 'vector_changed', 'vector_changes', 'vector_removed']

def test_not_a_database(indexed, env):
    folder = indexed.parent.parent
    indexed.write_bytes(np.random.default_rng(1).bytes(8192))
    for name in ('-wal', '-shm'): Path(f'{indexed}{name}').unlink(missing_ok=True)
    res = memery('recall', folder, 'red', *COLOURS, env=env)
    check(res, folder, names=indexed)
    assert res.returncode == 1 and 'damaged' in res.stderr

@pytest.mark.parametrize('kind', ['link to another database', 'fifo', 'folder', 'wal link'])
def test_index_files_that_are_not_files(indexed, env, kind, tmp_path):
    "A planted link, pipe or folder in place of an index file is never opened: SQLite would write through a link, and hang on a pipe."
    folder = indexed.parent.parent
    other = tmp_path/'other.sqlite3'
    sql(other, 'CREATE TABLE mine (x)', bump=False)
    target = Path(f'{indexed}-wal') if kind == 'wal link' else indexed
    for name in ('', '-wal', '-shm'): Path(f'{indexed}{name}').unlink(missing_ok=True)
    if kind == 'fifo': os.mkfifo(target)
    elif kind == 'folder': target.mkdir()
    else: target.symlink_to(other)
    res = memery('recall', folder, 'red', *COLOURS, env=env)
    check(res, folder, names=target)
    assert res.returncode == 1 and 'is not opened' in res.stderr
    con = sqlite3.connect(other)
    assert con.execute("SELECT group_concat(name) FROM sqlite_master").fetchone() == ('mine',)
    assert con.execute('PRAGMA journal_mode').fetchone() == ('delete',)

@pytest.mark.parametrize('kind', ['link to another database', 'fifo', 'folder', 'wal link', 'wal fifo', 'not a database', 'bad meta'])
def test_info_on_planted_files(indexed, env, kind, tmp_path):
    "`memery info` lists a planted or damaged index file with what is wrong with it: it never follows a link, nor waits on a pipe."
    folder = indexed.parent.parent
    other = tmp_path/'other.sqlite3'
    sql(other, 'CREATE TABLE mine (x)', bump=False)
    if kind == 'bad meta': sql(indexed, "UPDATE meta SET value = 'abc' WHERE key = 'dim'", bump=False)
    else:
        target = Path(f'{indexed}-wal') if kind.startswith('wal') else indexed
        for name in ('', '-wal', '-shm'): Path(f'{indexed}{name}').unlink(missing_ok=True)
        if kind.startswith('wal'): sql(indexed, 'CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)', bump=False)
        if kind.endswith('fifo'): os.mkfifo(target)
        elif kind == 'folder': target.mkdir()
        elif kind == 'not a database': target.write_bytes(np.random.default_rng(1).bytes(8192))
        else: target.symlink_to(other)
    res = memery('info', folder, env=env)
    assert res.returncode == 0 and res.stdout.startswith(f'{indexed}: ') and 'Traceback' not in res.stderr, res.stdout + res.stderr
    assert 'damaged' in res.stdout or 'cannot read' in res.stdout, res.stdout
    assert sqlite3.connect(other).execute("SELECT group_concat(name) FROM sqlite_master").fetchone() == ('mine',)

def test_index_folder_that_is_a_link(indexed, env, tmp_path):
    "A `.memery` that leads elsewhere is not used: memery would write its index wherever the link points."
    folder = indexed.parent.parent
    elsewhere = tmp_path/'elsewhere'
    (folder/'.memery').rename(elsewhere)
    (folder/'.memery').symlink_to(elsewhere)
    res = memery('recall', folder, 'red', *COLOURS, env=env)
    check(res, folder, names=folder/'.memery')
    assert res.returncode == 1 and '--index-dir' in res.stderr

CODES_CASES = ['random bytes', 'half', 'empty', 'link to /dev/zero', 'writable by all', 'of another vector file',
               'of another generation', 'planted beside it']

@pytest.mark.parametrize('case', CODES_CASES)
def test_damaged_or_planted_first_pass(indexed, env, case):
    "Codes this user's memery did not sign for the vector file in use are never loaded into faiss: the search is exact, and says so."
    folder = indexed.parent.parent
    build = f"""
from memery.core import open_index
from memery.ranker import Query, search
from memery.models import encoder_getter
from memery.vectors import build_ann, write_vector_file
import sys
index = open_index({str(folder)!r}, model='memery.testing:colour_model', pretrained=None)
if sys.argv[1] == 'build': print(build_ann(index))
elif sys.argv[1] == 'rewrite': print(write_vector_file(index))
else: print(*[m.path for m in search(index, Query('red', n=3), encoder_getter('memery.testing:colour_model', None), exact=False)], sep='\\n')
"""
    def python(action): return subprocess.run([sys.executable, '-c', build, action], capture_output=True, text=True, env=env, timeout=300)
    codes = Path(python('build').stdout.strip())
    signed = python('search')
    assert signed.returncode == 0 and signed.stderr == '' and signed.stdout.splitlines()[0] == str(folder/'red.png'), signed.stderr
    size, rng = codes.stat().st_size, np.random.default_rng(2)
    if case == 'random bytes': codes.write_bytes(rng.bytes(size))
    elif case == 'half': codes.write_bytes(codes.read_bytes()[:size // 2])
    elif case == 'empty': codes.write_bytes(b'')
    elif case == 'link to /dev/zero': codes.unlink(); codes.symlink_to('/dev/zero')
    elif case == 'writable by all': codes.chmod(0o666)
    elif case == 'of another vector file': # signed, for the vector file before this one
        old = codes.read_bytes()
        python('rewrite')
        codes.write_bytes(old)
    elif case == 'of another generation':
        sql(indexed, "UPDATE images SET mtime_ns = mtime_ns WHERE path = 'red.png'")
        # the codes made before, which a rewrite of the vector file removes, planted under the next one's name
        old = codes.read_bytes()
        vectors = Path(python('rewrite').stdout.strip())
        codes = codes.with_name(vectors.name.replace('.vectors', '.ann'))
        codes.write_bytes(old)
    else: # beside the signed file, planted files that no search opens
        for name in (codes.name + '.tmp', codes.name.replace('.ann', '0.ann'), 'x.ann'): (codes.parent/name).write_bytes(rng.bytes(size))
    res = python('search')
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines() == signed.stdout.splitlines() # the exact answer
    if case == 'planted beside it': assert res.stderr == '', res.stderr
    else: assert 'is not a first-pass file' in res.stderr and str(codes) in res.stderr, res.stderr

VECTOR_CASES = ['random bytes', 'cut short', 'count of 2**40', 'link to /dev/zero', 'a pipe', 'vectors of NaN', 'ids of other rows',
                'one id everywhere']

@pytest.mark.parametrize('case', VECTOR_CASES)
def test_damaged_or_planted_vector_file(indexed, env, case):
    "A vector file that does not match its record is not used; one that does, with planted values, still names only the folder's files."
    folder = indexed.parent.parent
    write = (f"from memery.core import open_index; from memery.vectors import write_vector_file; "
             f"print(write_vector_file(open_index({str(folder)!r}, model='memery.testing:colour_model', pretrained=None)))")
    before = recall_as_is(indexed, env)
    vectors = Path(subprocess.run([sys.executable, '-c', write], capture_output=True, text=True, env=env, timeout=300).stdout.strip())
    assert vectors.is_file() and recall_as_is(indexed, env).stdout == before.stdout # the file gives the database's answer
    data = vectors.read_bytes()
    count, dim = int.from_bytes(data[24:32], 'little'), int.from_bytes(data[16:20], 'little')
    if case == 'random bytes': vectors.write_bytes(np.random.default_rng(3).bytes(len(data)))
    elif case == 'cut short': vectors.write_bytes(data[:-8])
    elif case == 'count of 2**40': vectors.write_bytes(data[:24] + (2**40).to_bytes(8, 'little') + data[32:])
    elif case == 'link to /dev/zero': vectors.unlink(); vectors.symlink_to('/dev/zero')
    elif case == 'a pipe': vectors.unlink(); os.mkfifo(vectors)
    elif case == 'vectors of NaN': vectors.write_bytes(data[:64] + b'\xff\x7f' * (count * dim) + data[64 + 2 * count * dim:])
    elif case == 'one id everywhere': # issue 22: one image shown many times, the others never, and never repaired
        vectors.write_bytes(data[:-8 * count] + data[-8 * count:][:8] * count)
    else: vectors.write_bytes(data[:-8 * count] + np.array([10**9 + i for i in range(count - 2)] + [-1, 2**62], '<i8').tobytes())
    res = recall_as_is(indexed, env)
    check(res, folder)
    assert res.returncode == 0, res.stderr
    assert res.stdout == before.stdout and 'is not a vector file' in res.stderr and str(vectors) in res.stderr, res.stderr
    if case in ('vectors of NaN', 'ids of other rows'): return # a header as written: only the search itself can tell, each time
    assert memery('index', folder, *COLOURS, env=env).returncode == 0 # writes it again
    after = memery('recall', folder, 'red', '--n', 50, *COLOURS, env=env)
    assert after.stdout == before.stdout and 'vector file' not in after.stderr, after.stderr

def test_read_only_index_is_searched_in_place(indexed, env, tmp_path):
    "Done-check 2: a read-only folder with a read-only `.memery` is searched with its own index: no cache, no encoding."
    folder = indexed.parent.parent
    make_colour_folder(folder, ['grey']) # new since indexing: found once the index can be written
    for d, _, files in os.walk(folder):
        for name in files: os.chmod(os.path.join(d, name), 0o444)
        os.chmod(d, 0o555)
    try:
        res = run_unprivileged([MEMERY, 'recall', str(folder), 'red', '--n', '50', *COLOURS], env=env, timeout=300)
        check(res, folder)
        assert res.returncode == 0 and sorted(res.stdout.splitlines()) == sorted(str(folder/f'{c}.png') for c in SWATCHES)
        assert 'its index cannot be written, so it was searched as it is (8 images)' in res.stderr, res.stderr
        assert not (tmp_path/'cache'/'memery'/'indexes').exists()
        assert sorted(p.name for p in (folder/'.memery').iterdir()) == sorted([indexed.name, indexed.with_suffix('.lock').name])
    finally:
        for d, _, _ in os.walk(folder): os.chmod(d, 0o755)

def test_index_is_no_more_readable_than_its_folder(tmp_path, env):
    "A private folder's index, even in the cache directory, is private too."
    folder = tmp_path/'private'
    make_colour_folder(folder, SWATCHES[:2])
    folder.chmod(0o700)
    cache = {**env, 'MEMERY_INDEX_DIR': str(tmp_path/'indexes')}
    assert memery('index', folder, *COLOURS, env=cache).returncode == 0
    made = [p for p in (tmp_path/'indexes').rglob('*')]
    assert made and all(p.stat().st_mode & 0o077 == 0 for p in made), {p.name: oct(p.stat().st_mode) for p in made}


def test_row_whose_path_is_a_blob(indexed, env):
    "A planted row whose path is a BLOB neither stops an update nor a search (issue 22: it once raised TypeError in every run)."
    folder = indexed.parent.parent
    sql(indexed, "INSERT INTO images (path, size, mtime_ns, status, reason) VALUES (X'6162', 1, 1, 'skipped', 'x')",
        "INSERT INTO images (path, size, mtime_ns, hash, status, vector) "
        "SELECT X'2e2e2f6f7574', size, mtime_ns, hash, status, vector FROM images WHERE path = 'red.png'")
    for args in (['index', folder], ['recall', folder, 'red', '--n', 50]):
        res = memery(*args, *COLOURS, env=env)
        assert res.returncode == 0 and 'Traceback' not in res.stderr and 'unexpected' not in res.stderr, res.stderr
    assert sorted(res.stdout.splitlines()) == sorted(str(folder/f'{c}.png') for c in SWATCHES)


def test_words_table_dropped(indexed, env):
    "An index whose words table was dropped mends on opening: an update with a new image and a search by words both work (issue 22)."
    folder = indexed.parent.parent
    sql(indexed, 'DROP TABLE words')
    make_colour_folder(folder, ['white'], seed=20)
    res = memery('recall', folder, 'white', '--n', 1, *COLOURS, env=env)
    assert res.returncode == 0 and 'unexpected' not in res.stderr, res.stderr
    assert res.stdout.splitlines() == [str(folder/'white.png')]
    found = memery('recall', folder, 'orange', '--text-only', *COLOURS, '-q', env=env) # by its file name's words
    assert found.returncode == 0 and found.stdout.splitlines() == [str(folder/'orange.png')], found.stderr
