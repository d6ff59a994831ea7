"""Issue 22, trust's second pass: what a swapped file, a shared machine, a planted index or a concurrent `memery purge`
can do to a real `memery` process. Each test is named after what it guards."""
import json, os, shutil, sqlite3, subprocess, threading, time
from pathlib import Path
import numpy as np
import pytest
from PIL import Image
from memery.testing import make_colour_folder, tiny_clip
from cli import COLOURS, MEMERY, memery


@pytest.fixture
def env(env, tmp_path):
    "Offline, with a config and a cache of the test's own."
    return {**env, 'XDG_CONFIG_HOME': str(tmp_path/'config'), 'XDG_CACHE_HOME': str(tmp_path/'cache')}


def indexed_swatches(tmp_path: Path, env) -> tuple[Path, Path]:
    "A folder of a red and a blue swatch, indexed with the colour model, and its index's database."
    folder = tmp_path/'pics'
    make_colour_folder(folder, ['red', 'blue'])
    assert memery('index', folder, *COLOURS, env=env).returncode == 0
    [db] = (folder/'.memery').glob('*.sqlite3')
    return folder, db


def slow_folder(folder: Path, n: int = 100, side: int = 700) -> Path:
    "`n` large noisy PNGs, `a000.png`…: a second or more of decoding, in name order, with one worker."
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for i in range(n): Image.fromarray(rng.integers(0, 255, (side, side, 3), dtype=np.uint8)).save(folder/f'a{i:03d}.png')
    return folder


class Running:
    "A `memery` process whose stderr is read as it comes, so that a test can act at a moment of its run."
    def __init__(self, *args, env):
        self.process = subprocess.Popen([MEMERY, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self.err, self.out = bytearray(), bytearray()
        self.readers = [threading.Thread(target=self._read, args=(s, b), daemon=True)
                        for s, b in ((self.process.stderr, self.err), (self.process.stdout, self.out))]
        for r in self.readers: r.start()

    def _read(self, stream, into: bytearray):
        while chunk := stream.read1(4096): into += chunk

    def wait_for(self, pattern: bytes, where='err', timeout=300):
        "Wait until the output has `pattern` (a hang guard of `timeout` s)."
        deadline = time.monotonic() + timeout
        while pattern not in getattr(self, where) and time.monotonic() < deadline and self.process.poll() is None: time.sleep(0.01)
        assert pattern in getattr(self, where), (pattern, bytes(self.err[-2000:]))

    def finish(self, timeout=300) -> tuple[int, str, str]:
        "Its status, stdout and stderr once it ends (killed, and the test failed, past `timeout` s: a hang guard)."
        try: code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            pytest.fail(f"still running after {timeout} s: {bytes(self.err[-2000:])!r}")
        for r in self.readers: r.join(10)
        return code, self.out.decode(errors='replace'), self.err.decode(errors='replace')


class Served(Running):
    "`memery serve` on a free port, its indexes as they are; `get` asks it with its token."
    def __init__(self, folder, env):
        super().__init__('serve', folder, '--port', 0, '--no-index', *COLOURS, env=env)
        self.wait_for(b'\n', where='out')
        self.url, _, self.token = self.out.decode().splitlines()[0].partition('?token=')

    def get(self, path: str) -> bytes:
        import urllib.request
        request = urllib.request.Request(self.url + path.lstrip('/'), headers={'X-Memery-Token': self.token})
        with urllib.request.urlopen(request, timeout=60) as answer: return answer.read()

    def __enter__(self): return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.finish(60)


def test_a_file_swapped_for_a_pipe_or_dev_zero_while_indexing_is_skipped(tmp_path, env):
    "Swapped once indexing has begun, a pipe is not waited on (the writer lock held for ever) and /dev/zero is not read until memory runs out."
    folder = slow_folder(tmp_path/'pics')
    make_colour_folder(folder, ['red'])
    (folder/'red.png').rename(folder/'zz pipe.png')
    make_colour_folder(folder, ['red'])
    (folder/'red.png').rename(folder/'zz zeros.png')
    run = Running('index', folder, '--workers', 0, '--batch-size', 1, *COLOURS, env=env)
    run.wait_for(b'/102') # the progress bar: the folder was scanned, and decoding began with a000.png
    (folder/'zz pipe.png').unlink()
    os.mkfifo(folder/'zz pipe.png')
    (folder/'zz zeros.png').unlink()
    (folder/'zz zeros.png').symlink_to('/dev/zero')
    code, _, err = run.finish(timeout=300) # a hang guard: the run takes seconds
    assert code == 0, err
    for name in ('zz pipe.png', 'zz zeros.png'):
        assert f"skipped {folder/name}: not a regular file (a pipe, a device or a folder)" in err, err
    assert memery('index', folder, *COLOURS, '-q', env=env, timeout=60).returncode == 0 # the lock was let go


def test_purge_takes_turns_with_a_running_index(tmp_path, env):
    "`memery purge` during `memery index` is refused with a line; the run ends with its images on disk, not in deleted files."
    folder = slow_folder(tmp_path/'pics', 60)
    run = Running('index', folder, '--workers', 0, '--batch-size', 1, '--json', *COLOURS, env=env)
    run.wait_for(b'/60')
    purge = memery('purge', folder, env=env, timeout=60)
    code, out, err = run.finish()
    assert purge.returncode == 1 and 'is being indexed by another memery process' in purge.stderr, purge.stderr
    assert code == 0 and json.loads(out)['images'] == 60, err
    [db] = (folder/'.memery').glob('*.sqlite3')
    with sqlite3.connect(db) as con: assert con.execute("SELECT count(*) FROM images WHERE status = 'ok'").fetchone() == (60,)
    assert memery('purge', folder, env=env).returncode == 0 and not (folder/'.memery').exists() # once the run is over


def test_watch_starts_afresh_after_a_purge_and_keeps_no_deleted_file_open(tmp_path, env):
    "A purge while `memery watch` runs: the watcher indexes the folder afresh, and holds no descriptor of the purged files."
    folder = tmp_path/'pics'
    make_colour_folder(folder, ['red', 'green', 'blue'])
    watch = Running('watch', folder, '--json', *COLOURS, env=env)
    try:
        watch.wait_for(b'\n', where='out') # the first update
        for _ in range(3):
            lines = watch.out.count(b'\n')
            assert memery('purge', folder, env=env, timeout=60).returncode == 0
            deadline = time.monotonic() + 120
            while watch.out.count(b'\n') == lines and time.monotonic() < deadline: time.sleep(0.05)
            assert watch.out.count(b'\n') == lines + 1, bytes(watch.err)
            assert json.loads(watch.out.decode().splitlines()[-1])['encoded'] == 3 # afresh
        held = [os.readlink(f'/proc/{watch.process.pid}/fd/{fd}') for fd in os.listdir(f'/proc/{watch.process.pid}/fd')]
        assert not [f for f in held if '(deleted)' in f], held
    finally:
        watch.process.terminate()
        watch.finish(60)


def test_thumbnail_folders_that_are_links_get_no_writes(tmp_path, env):
    "`.memery/thumbnails/00`…`ff` swapped for links to another folder: thumbnails are still served, and nothing is written there."
    folder = tmp_path/'pics'
    make_colour_folder(folder, ['red', 'green', 'blue', 'yellow'])
    assert memery('index', folder, *COLOURS, env=env).returncode == 0
    elsewhere = tmp_path/'elsewhere'
    elsewhere.mkdir()
    thumbs = folder/'.memery'/'thumbnails'
    thumbs.mkdir()
    for i in range(256): (thumbs/f'{i:02x}').symlink_to(elsewhere, target_is_directory=True)
    with Served(folder, env) as server:
        ids = [r['id'] for r in json.loads(server.get('/api/search?q=red&n=10'))['results']]
        assert len(ids) == 4
        for id in ids: assert server.get(f'/api/thumb/{id}?size=large')[:3] == b'\xff\xd8\xff'
    assert list(elsewhere.iterdir()) == []


def test_thumbnails_are_never_wider_than_their_images(tmp_path, env):
    "Folder 0755, an image 0600: its thumbnail is 0600 too, also when the image is made private after its thumbnail was."
    folder = tmp_path/'pics'
    make_colour_folder(folder, ['red', 'blue'])
    folder.chmod(0o755)
    (folder/'red.png').chmod(0o600)
    (folder/'blue.png').chmod(0o644)
    assert memery('index', folder, *COLOURS, env=env).returncode == 0
    with Served(folder, env) as server:
        ids = {Path(r['path']).name: r['id'] for r in json.loads(server.get('/api/search?q=red&n=10'))['results']}
        for id in ids.values(): server.get(f'/api/thumb/{id}')
        modes = lambda: sorted(oct(p.stat().st_mode & 0o777) for p in (folder/'.memery'/'thumbnails').rglob('*.thumb'))
        assert modes() == ['0o600', '0o644']
        (folder/'blue.png').chmod(0o600)
        for id in ids.values(): server.get(f'/api/thumb/{id}')
        assert modes() == ['0o600', '0o600']


@pytest.mark.parametrize('case', ["another program's database", "another program's images table", 'schema version -3'])
def test_a_database_that_is_not_memerys_is_refused_not_adopted(tmp_path, env, case):
    "An index file that is another program's database (a browser's history, say) is refused in one line naming the remedy, and left as it was."
    folder, db = indexed_swatches(tmp_path, env)
    if case == 'schema version -3':
        with sqlite3.connect(db) as con: con.execute("UPDATE meta SET value = '-3' WHERE key = 'schema_version'")
    elif case == "another program's images table":
        with sqlite3.connect(db) as con: con.executescript('DROP TABLE images; CREATE TABLE images (id INTEGER PRIMARY KEY, name TEXT)')
    else:
        for p in db.parent.glob(db.name + '*'): p.unlink()
        with sqlite3.connect(db) as con:
            con.execute('CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)')
    dump = lambda: list(sqlite3.connect(db).iterdump())
    before = dump()
    for args in (['index', folder], ['recall', folder, 'red']):
        res = memery(*args, *COLOURS, env=env)
        assert res.returncode == 1 and 'unexpected' not in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.stderr
        expected = "its schema version is '-3'" if case == 'schema version -3' else "another program's database" \
            if case == "another program's database" else "its images table is not memery's"
        assert expected in res.stderr and 'memery purge' in res.stderr, res.stderr
    assert dump() == before


def test_pillows_warnings_about_a_file_are_one_line(tmp_path, env):
    "A TIFF whose directory lists 65,535 broken tags: one warning line about it, not 65,535."
    import struct
    folder = tmp_path/'pics'
    make_colour_folder(folder, ['red'])
    tags = b''.join(struct.pack('<HHII', 1000 + i % 30_000, 1, 1 << 20, 0xFFFFFF) for i in range(65_535))
    (folder/'tags.tif').write_bytes(b'II*\x00' + struct.pack('<IH', 8, 65_535) + tags + bytes(4))
    res = memery('index', folder, *COLOURS, '-q', env=env)
    assert res.returncode == 0, res.stderr[-2000:]
    warned = [line for line in res.stderr.splitlines() if 'warning' in line]
    assert len(warned) == 1 and 'tags.tif: Tag data larger than file' in warned[0], res.stderr[-2000:]


def test_a_query_of_one_endless_word_is_read_as_far_as_the_model_reads(tmp_path, env):
    "A word of 20,000 letters: the tokenizer stops where the model's context does (it once took 45 s), and the search answers."
    folder = tmp_path/'pics'
    make_colour_folder(folder, ['red', 'blue'])
    model = ['--model', tiny_clip(tmp_path/'model'), '--pretrained', 'none']
    assert memery('index', folder, *model, env=env).returncode == 0
    res = memery('recall', folder, 'x' * 20_000, '--n', 1, *model, env=env, timeout=120) # a hang guard: it takes a second
    assert res.returncode == 0 and len(res.stdout.splitlines()) == 1, res.stderr[-2000:]


def test_an_ignore_pattern_that_would_backtrack_for_ever_is_refused(tmp_path, env):
    "A 27-letter line in .memeryignore once hung `memery index` (and every request of `memery serve`): it is refused with a note."
    folder = tmp_path/'pics'
    make_colour_folder(folder, ['red', 'blue'])
    (folder/('a' * 40 + '.png')).write_bytes((folder/'red.png').read_bytes())
    (folder/'.memeryignore').write_text('*a' * 12 + '*c\n*blue*\n')
    res = memery('index', folder, *COLOURS, '--json', env=env, timeout=120) # a hang guard: it takes a second
    assert res.returncode == 0, res.stderr[-2000:]
    assert "line 1 has more than 3 runs of '*'" in res.stderr and json.loads(res.stdout)['images'] == 2, res.stderr # blue.png is ignored


def test_a_trigger_planted_in_the_index_is_refused(tmp_path, env):
    "A trigger someone planted in `.memery` would run with each of memery's changes (one that loops hung every update): the index is refused, in one line."
    folder, db = indexed_swatches(tmp_path, env)
    with sqlite3.connect(db) as con:
        con.execute("CREATE TRIGGER evil AFTER UPDATE ON meta BEGIN INSERT INTO meta SELECT 'x' || x, x FROM "
                    "(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c WHERE x < 0 LIMIT 1); END")
    make_colour_folder(folder, ['green'])
    for args in (['index', folder], ['recall', folder, 'red']):
        res = memery(*args, *COLOURS, env=env, timeout=120) # a hang guard
        assert res.returncode == 1 and "triggers or views memery never makes (evil)" in res.stderr and 'memery purge' in res.stderr, res.stderr


def test_json_output_escapes_what_would_steer_a_terminal(tmp_path, env):
    "C1 controls (a one-byte CSI), DEL and bidi overrides in names come out of --json escaped, and load back as they were."
    folder = tmp_path/'pics'
    make_colour_folder(folder, ['red'])
    names = ['a\u009b2J\u009b31mRED.png', 'del\x7fx.png', 'rlo\u202egnp.png']
    for name in names: (folder/name).write_bytes((folder/'red.png').read_bytes())
    for command in (['recall', folder, 'red'], ['dupes', folder]):
        res = memery(*command, '--json', *COLOURS, env=env)
        assert res.returncode == 0, res.stderr
        assert not any(c in res.stdout for c in '\u009b\x7f\u202e'), res.stdout
        assert all(f'"{folder/name}"' in json.dumps(json.loads(res.stdout), ensure_ascii=False) for name in names)


def test_planted_model_key_and_rows_are_shown_escaped(tmp_path, env):
    "A model key planted in an index's meta table, and planted rows whose paths hold escape sequences, reach `memery info` and `memery dupes` escaped."
    folder, db = indexed_swatches(tmp_path, env)
    planted = shutil.copy(db, db.with_name('planted-00000000.sqlite3'))
    with sqlite3.connect(planted) as con: con.execute("UPDATE meta SET value = 'evil\x1b]0;pwned\x07\x1b[2J' WHERE key = 'model'")
    with sqlite3.connect(db) as con: # two rows copying red.png's vector, under hostile names: a group of copies
        for name in ('a\x1b[31m.png', 'b\nc.png'):
            con.execute("INSERT INTO images (path, size, mtime_ns, hash, status, vector) "
                        "SELECT ?, size, mtime_ns, hash, status, vector FROM images WHERE path = 'red.png'", (name,))
        con.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
    for args in (['info', folder], ['dupes', folder, *COLOURS]):
        res = memery(*args, env=env)
        assert res.returncode == 0 and not any(c in res.stdout + res.stderr for c in '\x1b\x07'), (res.stdout, res.stderr)
    assert 'planted-00000000.sqlite3: not an index memery can read' in memery('info', folder, env=env).stdout
    assert 'a\\x1b[31m.png' in memery('dupes', folder, *COLOURS, env=env).stdout
