"Indexing on Ray Data (`memery index --ray`), in real processes with a real Ray started on this machine."
import json, sqlite3
from pathlib import Path
import pytest
from memery.core import index_flow, search_flow
from memery.testing import PALETTE, make_colour_folder, make_hostile_folder
from cli import COLOURS, memery

def swatches(folder: Path) -> Path:
    "Three noisy swatches of each palette colour, and a hostile folder's broken and odd files."
    for seed in range(3): make_colour_folder(folder/f'set{seed}', list(PALETTE), seed=10 * seed)
    make_hostile_folder(folder/'hostile')
    return folder

def rows(index_dir: Path) -> dict[str, tuple]:
    "Each row of the one index under `index_dir`: its status, hash and size, read straight from SQLite."
    [db] = index_dir.rglob('*.sqlite3')
    with sqlite3.connect(db) as con:
        assert con.execute('PRAGMA integrity_check').fetchone() == ('ok',)
        return {p: rest for p, *rest in con.execute('SELECT path, status, hash, width, height FROM images')}

def test_ray_index_is_the_local_index(tmp_path, env):
    "`memery index --ray local` writes the index a local run writes: same rows, same rankings and scores (±1e-4)."
    folder = swatches(tmp_path/'photos')
    ray = memery('index', folder, *COLOURS, '--index-dir', tmp_path/'ray', '--ray', 'local', '--json', env=env)
    local = memery('index', folder, *COLOURS, '--index-dir', tmp_path/'local', '--json', env=env)
    assert ray.returncode == 0 and local.returncode == 0, (ray.stderr, local.stderr)
    assert 'Traceback' not in ray.stderr and 'core_worker' not in ray.stderr, ray.stderr
    # the same images indexed, the same ones skipped, with the same reasons
    reports = [{k: v for k, v in json.loads(res.stdout).items() if k not in ('seconds', 'location')}
               for res in (ray, local)]
    assert reports[0] == reports[1] and reports[0]['skipped'], reports
    assert rows(tmp_path/'ray') == rows(tmp_path/'local')
    for colour in ['red', 'navy', 'a green thing', 'grey']:
        found = [json.loads(memery('recall', folder, colour, *COLOURS, '--index-dir', tmp_path/side, '--json',
                                   '--n', 12, env=env).stdout) for side in ('ray', 'local')]
        assert [m['path'] for m in found[0]] == [m['path'] for m in found[1]], colour
        assert max(abs(a['score'] - b['score']) for a, b in zip(*found)) <= 1e-4, colour
    # incremental as ever: nothing left to encode, with Ray or without
    again = memery('index', folder, *COLOURS, '--index-dir', tmp_path/'ray', '--ray', 'local', '--json', env=env)
    assert json.loads(again.stdout)['encoded'] == 0, again.stdout

def test_interrupted_ray_run_resumes(tmp_path):
    "A run on Ray stopped after its first batch keeps what it wrote; the next encodes the rest, nothing twice."
    folder = swatches(tmp_path/'photos')
    options = dict(model='memery.testing:colour_model', pretrained=None, batch_size=4)
    def stop(done, total):
        if done: raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt): index_flow(folder, progress=stop, ray='local', **options)
    first = rows(folder/'.memery')
    whole = index_flow(folder, index_dir=tmp_path/'local', **options).report
    assert 0 < len(first) < whole.encoded + len(whole.skipped), (len(first), whole)
    ok = sum(status == 'ok' for status, *_ in first.values())
    resumed = index_flow(folder, ray='local', **options).report
    # a copy of an image indexed already keeps its vector
    assert resumed.encoded + resumed.copied == whole.encoded - ok, (resumed, ok)
    assert rows(folder/'.memery') == rows(tmp_path/'local')
    reds = {m.path for m in search_flow(folder, 'red', update=False, n=3, **options)}
    assert reds == {str(folder/f'set{seed}'/'red.png') for seed in range(3)}, reds

def test_unreachable_cluster_is_one_line(tmp_path, env):
    "A cluster that cannot be reached: one line and status 1, nothing indexed."
    folder = swatches(tmp_path/'photos')
    res = memery('index', folder, *COLOURS, '--ray', '127.0.0.1:9', '-q', env=env)
    assert res.returncode == 1 and len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert res.stderr.startswith('memery: error: cannot join Ray at 127.0.0.1:9: Connection refused'), res.stderr
    assert not list(folder.rglob('*.sqlite3'))
