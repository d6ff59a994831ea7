"`memery export` and `memery import` in real processes, with hostile folders in clip-retrieval's layout."
import json, subprocess, sys
from pathlib import Path
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from memery.testing import copy_images, make_colour_folder
from cli import COLOURS, memery

NAMES = ['red', 'green', 'blue', 'yellow', 'purple', 'grey']

def one_error(res) -> str:
    "The one line of a failed run's error."
    assert res.returncode == 1 and res.stdout == '' and 'Traceback' not in res.stderr, res.stderr
    [line] = res.stderr.splitlines()
    assert line.startswith('memery: error: '), line
    return line

@pytest.fixture
def exported(tmp_path, env):
    "A folder of swatches indexed with the colour model and exported in parts of 4 rows; (folder, export)."
    make_colour_folder(tmp_path/'pics', NAMES)
    assert memery('index', tmp_path/'pics', '-q', *COLOURS, env=env).returncode == 0
    res = memery('export', tmp_path/'pics', tmp_path/'emb', '--part-rows', 4, '--json', *COLOURS, env=env)
    assert res.returncode == 0, res.stderr
    return tmp_path/'pics', tmp_path/'emb'

def layout(folder: Path, names, vectors, **columns) -> Path:
    "A folder in clip-retrieval's layout, one part: `names` as image_path, `vectors` as float16."
    for kind in ('img_emb', 'metadata'): (folder/kind).mkdir(parents=True, exist_ok=True)
    np.save(folder/'img_emb'/'img_emb_0.npy', np.asarray(vectors, np.float16))
    pq.write_table(pa.table({'image_path': names, **columns}), folder/'metadata'/'metadata_0.parquet')
    return folder

def test_export_is_clip_retrievals_layout(exported):
    "npy parts of float16 rows, parquet parts of as many rows, numbered alike, read by NumPy and pyarrow."
    pics, emb = exported
    npys, metas = sorted((emb/'img_emb').iterdir()), sorted((emb/'metadata').iterdir())
    assert [p.name for p in npys] == ['img_emb_0.npy', 'img_emb_1.npy']
    assert [p.name for p in metas] == ['metadata_0.parquet', 'metadata_1.parquet']
    vectors = [np.load(p, allow_pickle=False) for p in npys]
    tables = [pq.read_table(p) for p in metas]
    assert [v.shape for v in vectors] == [(4, 12), (2, 12)]
    assert {v.dtype for v in vectors} == {np.dtype('<f2')}
    assert [t.num_rows for t in tables] == [4, 2]
    paths = [p for t in tables for p in t['image_path'].to_pylist()]
    assert sorted(paths) == sorted(str((pics/f'{n}.png').resolve()) for n in NAMES)
    manifest = json.loads((emb/'memery.json').read_text())
    assert (manifest['dim'], manifest['rows'], manifest['parts']) == (12, 6, 2)
    assert [p.name for p in emb.parent.iterdir() if p.name.startswith('.')] == [] # nothing half-made left

def test_round_trip_encodes_nothing_and_ranks_alike(exported, tmp_path, env):
    "Imported into a copy: the same ranking and scores (±1e-4); `memery index` afterwards encodes nothing."
    pics, emb = exported
    copy = copy_images(pics, tmp_path/'copy')
    res = memery('import', emb, copy, '--json', *COLOURS, env=env)
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert (report['imported'], report['images'], report['skipped']) == (6, 6, [])
    again = memery('index', copy, '--json', *COLOURS, env=env)
    assert (json.loads(again.stdout)['encoded'], json.loads(again.stdout)['unchanged']) == (0, 6)
    for query in ('red', 'a blue and yellow kite', 'grey'):
        found = [[line.split('\t') for line in memery('recall', f, query, '--scores', '-n', 0, *COLOURS,
                                                      env=env).stdout.splitlines()] for f in (pics, copy)]
        assert [Path(p).name for _, p in found[0]] == [Path(p).name for _, p in found[1]]
        assert np.allclose([float(s) for s, _ in found[0]], [float(s) for s, _ in found[1]], atol=1e-4)

def test_export_refuses_a_folder_of_other_files(exported, tmp_path, env):
    pics, _ = exported
    (tmp_path/'mine').mkdir()
    (tmp_path/'mine'/'thesis.tex').write_text('years of work')
    line = one_error(memery('export', pics, tmp_path/'mine', *COLOURS, env=env))
    assert 'not an export memery wrote' in line
    assert (tmp_path/'mine'/'thesis.tex').read_text() == 'years of work'

def test_hostile_rows_are_skipped_with_reasons(exported, tmp_path, env):
    "'..', absolute paths elsewhere, a link out, a missing file, NaN and zero rows: skipped; the rest imported."
    pics, emb = exported
    red = np.load(emb/'img_emb'/'img_emb_0.npy')[0]
    outside = make_colour_folder(tmp_path/'outside', ['pink'])[0]
    (pics/'linked.png').symlink_to(outside)
    rows = {'red.png': red, '../outside/pink.png': red, str(outside): red, 'linked.png': red,
            'missing.png': red, 'green.png': red * np.nan, 'blue.png': red * 0, str(pics/'grey.png'): red}
    hostile = layout(tmp_path/'hostile', list(rows), list(rows.values()))
    res = memery('import', hostile, pics, '--json', *COLOURS, env=env)
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    reasons = dict(report['skipped'])
    assert report['imported'] == 2 and len(reasons) == 6
    assert 'outside the folder' in reasons['../outside/pink.png']
    assert 'outside the folder' in reasons[str(outside)]
    assert 'link that leads out' in reasons['linked.png'] and 'no such file' in reasons['missing.png']
    assert 'not finite' in reasons['green.png'] and 'is zero' in reasons['blue.png']
    assert sum(line.startswith('skipped ') for line in res.stderr.splitlines()) == 6

def test_hostile_files_are_one_line_and_change_nothing(exported, tmp_path, env):
    "Wrong length, a pickle, rows that differ, a truncated parquet, a linked part: refused before any write."
    pics, emb = exported
    copy = copy_images(pics, tmp_path/'copy')
    red = np.load(emb/'img_emb'/'img_emb_0.npy')[0]
    wrong = layout(tmp_path/'wrong', ['red.png'], [np.ones(8)])
    assert 'of length 8, but the model' in one_error(memery('import', wrong, copy, *COLOURS, env=env))
    # a pickle that would write a file if it were loaded
    planted = tmp_path/'planted'
    pickled = layout(tmp_path/'pickled', ['red.png'], [red])
    class Payload:
        def __reduce__(self): return (Path.touch, (planted,))
    np.save(pickled/'img_emb'/'img_emb_0.npy', np.array([Payload()], dtype=object), allow_pickle=True)
    assert 'not an npy file of vectors' in one_error(memery('import', pickled, copy, *COLOURS, env=env))
    assert not planted.exists()
    mismatch = layout(tmp_path/'mismatch', ['red.png', 'blue.png'], [red])
    assert 'holds 1 vectors but' in one_error(memery('import', mismatch, copy, *COLOURS, env=env))
    truncated = layout(tmp_path/'truncated', ['red.png'], [red])
    meta = truncated/'metadata'/'metadata_0.parquet'
    meta.write_bytes(meta.read_bytes()[:-20])
    line = one_error(memery('import', truncated, copy, *COLOURS, env=env))
    assert 'not a parquet file memery can read' in line
    linked = layout(tmp_path/'linked', ['red.png'], [red])
    (linked/'img_emb'/'img_emb_0.npy').unlink()
    (linked/'img_emb'/'img_emb_0.npy').symlink_to(emb/'img_emb'/'img_emb_0.npy')
    assert 'is a link, not a file' in one_error(memery('import', linked, copy, *COLOURS, env=env))
    (emb/'metadata'/'metadata_1.parquet').unlink()
    assert 'part 1 has no metadata' in one_error(memery('import', emb, copy, *COLOURS, env=env))
    assert not (copy/'.memery').exists() # no index was made

def test_import_needs_the_model_named(exported, tmp_path, env):
    "The layout does not say which model made the vectors: the user does, or a memery export's memery.json."
    pics, emb = exported
    bare = layout(tmp_path/'bare', ['red.png'], [np.load(emb/'img_emb'/'img_emb_0.npy')[0]])
    assert 'name it with --model M' in one_error(memery('import', bare, pics, env=env))
    line = one_error(memery('import', emb, pics, '--model', 'ViT-B-32', env=env))
    assert 'its memery.json says so' in line

def test_without_the_extra_one_line(exported, tmp_path, env):
    "Without pyarrow, export and import say which extra to install, in one line."
    pics, emb = exported
    code = ("import sys; sys.modules['pyarrow'] = None; sys.argv[0] = 'memery'; from memery.cli import main; "
            f"sys.exit(main(['export', {str(pics)!r}, {str(tmp_path/'new')!r}]))")
    res = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, env=env, timeout=600)
    assert res.returncode == 1 and "pip install 'memery[exchange]'" in res.stderr, res.stderr
    assert len(res.stderr.splitlines()) == 1
