"End-to-end tests of the installed `memery` command, in real processes."
import json, os, shutil, signal, sqlite3, subprocess, sys, time
from pathlib import Path
import numpy as np
from PIL import Image
from memery.testing import copy_images, make_colour_folder, make_hostile_folder, make_words_folder, run_unprivileged, tiny_clip
from cli import COLOURS, MEMERY, memery

REPO = Path(__file__).resolve().parent.parent

def noise_folder(folder: Path, n: int, size=64) -> Path:
    "`n` distinct random PNGs."
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for i in range(n): Image.fromarray(rng.integers(0, 255, (size, size, 3), dtype=np.uint8)).save(folder/f'{i:04d}.png')
    return folder

def searchable(folder: Path) -> int:
    "Images with an embedding in `folder`'s (only) index, read straight from SQLite."
    [db] = (folder/'.memery').glob('*.sqlite3')
    with sqlite3.connect(db) as con:
        assert con.execute('PRAGMA integrity_check').fetchone() == ('ok',)
        return con.execute("SELECT count(*) FROM images WHERE status = 'ok'").fetchone()[0]

def test_recall_prints_existing_paths(tmp_path, env):
    "README's example with a real ViT-B-32 (random weights): five existing paths on stdout, the warning on stderr."
    copy_images(REPO/'images', tmp_path/'images')
    res = memery('recall', 'images', 'a red car', '--n', 5, '--pretrained', 'none', env=env, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    paths = res.stdout.splitlines()
    assert len(paths) == 5 and all((tmp_path/p).is_file() for p in paths), paths
    assert all(p.startswith('images/') for p in paths)
    assert 'RANDOM weights' in res.stderr and 'Traceback' not in res.stderr
    # asked for quiet: nothing on stderr but errors, the warning included
    quiet = memery('recall', 'images', 'a red car', '--n', 5, '--pretrained', 'none', '-q', env=env, cwd=tmp_path)
    assert (quiet.stdout, quiet.stderr) == (res.stdout, '')

def test_default_model_offline_is_one_clear_error(tmp_path, env):
    "With no cached weights and no network: one paragraph naming the model and the way out, status 1 (at once: see the encoder chapter)."
    copy_images(REPO/'images', tmp_path/'images')
    res = memery('recall', tmp_path/'images', 'a dog', env=env)
    assert res.returncode == 1 and res.stdout == ''
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("memery: error: cannot load the ViT-B-32 model with its 'laion2b_s34b_b79k' weights")
    assert '--pretrained /path/to/' in lines[0]

def test_errors_are_one_line(tmp_path, env):
    res = memery('recall', tmp_path/'nowhere', 'cat', *COLOURS, env=env)
    assert (res.returncode, res.stdout, res.stderr) == (1, '', f"memery: error: folder not found: {tmp_path/'nowhere'}\n")
    res = memery('recall', tmp_path, *COLOURS, env=env)
    assert res.returncode == 2 and res.stderr.startswith('memery: error: nothing to search for') and len(res.stderr.splitlines()) == 1
    res = memery('bogus', env=env)
    assert res.returncode == 2 and len(res.stderr.splitlines()) == 1, res.stderr

def test_hostile_folder_reports_every_bad_file_once(tmp_path, env):
    "Truncated, empty, fake, bomb, unreadable, link loops, FIFOs, bad names: each skipped with its reason, once; nothing crashes."
    hostile = make_hostile_folder(tmp_path/'hostile')
    res = run_unprivileged([MEMERY, 'index', str(tmp_path/'hostile'), '--json', *COLOURS], env=env, timeout=600)
    assert res.returncode == 0, res.stderr
    assert 'Traceback' not in res.stderr
    report = json.loads(res.stdout)
    assert report['images'] == len(hostile.good)
    reported = report['skipped'] + report['problems']
    for name, reason in hostile.bad.items():
        full = os.path.join(tmp_path/'hostile', name)
        matching = [r for p, r in reported if p == full]
        assert len(matching) == 1 and reason in matching[0], (name, matching)
        assert sum(line.startswith(f"skipped {full}: ") for line in res.stderr.splitlines()) == 1, name
    assert len(reported) == len(hostile.bad)
    again = json.loads(run_unprivileged([MEMERY, 'index', str(tmp_path/'hostile'), '--json', *COLOURS], env=env).stdout)
    denied = [[os.path.join(tmp_path/'hostile', n), r] for n, r in hostile.bad.items() if r == 'permission denied']
    assert len(denied) == 1
    assert (again['encoded'], again['skipped'], again['images']) == (0, denied, len(hostile.good)) # only the unreadable one is tried again
    assert len(again['known_bad']) == len(report['skipped']) - 1 # the others wait until they change

def test_killed_run_resumes_without_encoding_twice(tmp_path, env):
    "kill -9 in the middle of indexing; the next run encodes exactly what is missing."
    folder = noise_folder(tmp_path/'photos', 64)
    cmd = [MEMERY, 'index', str(folder), '--pretrained', 'none', '--batch-size', '8', '--quiet']
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None:
        try:
            if searchable(folder) >= 16: break
        except (ValueError, sqlite3.OperationalError): pass # no index yet
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = searchable(folder)
    assert 16 <= done < 64, f"the run must be killed midway (indexed {done}): {proc.stderr.read()}"
    res = memery('index', folder, '--pretrained', 'none', '--json', env=env)
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert (report['encoded'], report['unchanged'], report['images']) == (64 - done, done, 64)
    assert searchable(folder) == 64

def read_by_ocr(folder: Path) -> int:
    "Images whose text OCR has read, in `folder`'s (only) index, read straight from SQLite."
    [db] = (folder/'.memery').glob('*.sqlite3')
    with sqlite3.connect(db) as con: return con.execute('SELECT count(*) FROM words WHERE read = 1').fetchone()[0]

def test_killed_ocr_run_resumes(tmp_path, env):
    "OCR turned on for an indexed folder, killed midway: the next run, without --ocr (the index remembers), reads only the rest."
    folder = tmp_path/'shots'
    make_words_folder(folder, screens=24, photos_per_folder=0)
    assert memery('index', folder, *COLOURS, env=env).returncode == 0
    proc = subprocess.Popen([MEMERY, 'index', str(folder), '--ocr', '--batch-size', '2', '--workers', '0', '--quiet', *COLOURS], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None and read_by_ocr(folder) < 4: time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = read_by_ocr(folder)
    assert 4 <= done < 24, f"the run must be killed midway (read {done}): {proc.stderr.read()}"
    report = json.loads(memery('index', folder, '--json', *COLOURS, env=env).stdout)
    assert (report['encoded'], report['read'], read_by_ocr(folder)) == (0, 24 - done, 24)

def test_two_indexers_at_once(tmp_path, env):
    "Two `memery index` started together: one indexes, the other waits, then finds nothing left to do."
    folder = noise_folder(tmp_path/'photos', 400, size=32)
    cmd = [MEMERY, 'index', str(folder), '--json', '--batch-size', '4', '--workers', '0', *COLOURS]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    reports = [json.loads(out) for out, _ in outs]
    assert sorted(r['encoded'] for r in reports) == [0, 400]
    assert all(r['images'] == 400 for r in reports)
    assert any('waiting for another memery process' in err for _, err in outs), "the two runs did not overlap"
    assert searchable(folder) == 400

def test_output_to_a_closed_pipe(tmp_path, env):
    "`memery recall ... | head -1` ends quietly."
    noise_folder(tmp_path/'photos', 40, size=16)
    res = subprocess.run(f"'{MEMERY}' recall '{tmp_path/'photos'}' red --n 0 {' '.join(COLOURS)} | head -1", shell=True,
                         capture_output=True, text=True, env=env)
    assert res.returncode == 0 and len(res.stdout.splitlines()) == 1
    assert 'Error' not in res.stderr and 'Traceback' not in res.stderr

def test_query_needs_no_torch(tmp_path, env):
    "After indexing with ViT-B-32, searches by words and by an outside picture, and indexing a file added since, run on the ONNX export without PyTorch, as open_clip computes."
    env = {**env, 'XDG_CACHE_HOME': str(tmp_path/'cache')}
    copy_images(REPO/'images', tmp_path/'images')
    assert memery('index', tmp_path/'images', '--pretrained', 'none', '--quiet', env=env).returncode == 0
    assert len(list((tmp_path/'cache'/'memery'/'exports').glob('*/*.onnx'))) == 2 # exported when the model was first loaded
    Image.open(REPO/'images'/'food'/'fries_ganson.png').convert('RGB').rotate(10).save(tmp_path/'outside.jpg', quality=80)
    search = """
import json, sys
from memery.core import Query, search_flow
def both(): return [search_flow(sys.argv[1], q, pretrained=None, update=False) for q in (Query('a red car on a street', n=30), Query(image=sys.argv[3], n=30))]
if sys.argv[2] == 'torch':
    from memery.models import load_encoder
    load_encoder('ViT-B-32', None) # loaded in this process: the query is encoded by open_clip itself
print(json.dumps({'torch': 'torch' in sys.modules, 'found': [[(m.path, m.score) for m in found] for found in both()]}))
"""
    runs = {}
    for way in ('onnx', 'torch'):
        res = subprocess.run([sys.executable, '-c', search, str(tmp_path/'images'), way, str(tmp_path/'outside.jpg')], capture_output=True, text=True, env=env, timeout=300)
        assert res.returncode == 0, res.stderr
        runs[way] = json.loads(res.stdout)
    assert (runs['onnx']['torch'], runs['torch']['torch']) == (False, True)
    for onnx, torch_ in zip(runs['onnx']['found'], runs['torch']['found']):
        onnx, torch_ = dict(onnx), dict(torch_)
        assert len(onnx) == 22 and onnx.keys() == torch_.keys()
        assert max(abs(onnx[p] - torch_[p]) for p in onnx) < 1e-5
    # a file added since: encoded with the export too, to the vector the model gives it
    shutil.copy(tmp_path/'outside.jpg', tmp_path/'images'/'added.jpg')
    index = "import sys; from memery.cli import main; main(sys.argv[1:]); print('torch' in sys.modules)"
    res = subprocess.run([sys.executable, '-c', index, 'index', str(tmp_path/'images'), '--pretrained', 'none', '-q'], capture_output=True, text=True, env=env, timeout=300)
    assert res.stdout.strip() == 'False', res.stderr
    check = """
import sys, sqlite3, numpy as np, warnings; warnings.simplefilter('ignore')
from pathlib import Path
from memery.crafter import open_image, jpeg_draft_size
from memery.models import load_encoder
[db] = Path(sys.argv[1], '.memery').glob('*.sqlite3')
stored = np.frombuffer(sqlite3.connect(db).execute("SELECT vector FROM images WHERE path = 'added.jpg'").fetchone()[0], '<f2')
enc = load_encoder('ViT-B-32', None)
print(float(np.abs(stored - enc.encode_pictures([open_image(Path(sys.argv[1], 'added.jpg'), jpeg_draft_size(enc.image_size))[0]])[0]).max()))
"""
    delta = subprocess.run([sys.executable, '-c', check, str(tmp_path/'images')], capture_output=True, text=True, env=env, timeout=300)
    assert float(delta.stdout) < 1e-3, delta.stderr # float16 storage

def test_skipped_for_a_passing_reason_is_tried_again(tmp_path, env):
    "An image that could not be opened (permission denied) is read on the next run once it can be, without being touched."
    folder = tmp_path/'photos'
    make_colour_folder(folder, ['red', 'green', 'blue'])
    (folder/'green.png').chmod(0o000)
    first = run_unprivileged([MEMERY, 'index', str(folder), '--json', *COLOURS], env=env, timeout=300)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)['skipped'] == [[str(folder/'green.png'), 'permission denied']]
    (folder/'green.png').chmod(0o644)
    second = json.loads(memery('index', folder, '--json', *COLOURS, env=env).stdout)
    assert (second['encoded'], second['images'], second['known_bad']) == (1, 3, [])
    (folder/'broken.png').write_bytes(b'not a picture')
    memery('index', folder, *COLOURS, env=env)
    third = memery('index', folder, '--json', *COLOURS, env=env)
    report = json.loads(third.stdout)
    assert (report['encoded'], len(report['known_bad'])) == (0, 1) # a corrupt file is not read again until it changes
    assert 'known to be unreadable' in memery('index', folder, *COLOURS, env=env).stderr

def test_memeryignore_keeps_files_out_and_removes_them_later(tmp_path, env):
    "A .memeryignore added after indexing takes its files out of the index on the next run; --ignore sets them aside for one run."
    folder = tmp_path/'photos'
    make_colour_folder(folder, ['red', 'green']); make_colour_folder(folder/'private', ['blue']); make_colour_folder(folder, ['pink'], ext='.tmp.png')
    make_colour_folder(folder/'@eaDir', ['brown'])
    listed = lambda *args: sorted(Path(p).relative_to(folder).as_posix() for p in
                                  memery('recall', folder, 'red', '--n', 50, *COLOURS, *args, env=env).stdout.split())
    assert listed() == ['green.png', 'pink.tmp.png', 'private/blue.png', 'red.png'] # @eaDir is skipped by default
    (folder/'.memeryignore').write_text('private/\n*.tmp.png\n')
    res = memery('index', folder, '--json', *COLOURS, env=env)
    assert (json.loads(res.stdout)['deleted'], json.loads(res.stdout)['images']) == (2, 2)
    assert listed() == ['green.png', 'red.png']
    assert listed('--ignore', 'green*') == ['red.png']
    # the next run has it back as it was, encoding nothing
    back = json.loads(memery('index', folder, '--json', *COLOURS, env=env).stdout)
    assert (back['restored'], back['encoded'], back['images']) == (1, 0, 2)
    assert listed() == ['green.png', 'red.png']

def test_dupes_groups_copies_and_bursts(tmp_path, env):
    "The same photo as PNG, JPEG, resized PNG and a 90%-quality re-encode, plus a burst of three: two groups, from the index alone."
    folder = tmp_path/'photos'
    make_colour_folder(folder, ['red', 'blue', 'yellow', 'purple'])
    red = Image.open(folder/'red.png')
    red.save(folder/'red.jpg', quality=95); red.resize((24, 24)).save(folder/'red small.png'); red.save(folder/'red q90.jpg', quality=90)
    for i in range(3):
        make_colour_folder(folder/'burst', ['green'], seed=20 + i)
        (folder/'burst'/'green.png').rename(folder/'burst'/f'shot {i}.png')
    assert memery('dupes', folder, *COLOURS, env=env).stderr.startswith(f"memery: error: {folder} has no index")
    assert memery('index', folder, '--quiet', *COLOURS, env=env).returncode == 0
    res = memery('dupes', folder, '--json', *COLOURS, env=env)
    assert res.returncode == 0, res.stderr
    groups = json.loads(res.stdout)
    assert [(Path(g['keeper']).name, sorted(Path(d['path']).name for d in g['others'])) for g in groups] == [
        ('red.png', ['red q90.jpg', 'red small.png', 'red.jpg']), ('shot 0.png', ['shot 1.png', 'shot 2.png'])]
    assert res.stderr == "memery: 2 groups, 5 images that duplicate another\n"
    text = memery('dupes', folder, '--threshold', '0.95', *COLOURS, env=env).stdout
    assert text.splitlines()[0] == f"keep\t{folder/'red.png'}" and len(text.split('\n\n')) == 2
    assert memery('dupes', folder, '--threshold', '1.5', *COLOURS, env=env).returncode == 2
    # no group: nothing on stdout (a script counting lines counts none)
    make_colour_folder(tmp_path/'apart', ['red', 'blue'])
    assert memery('index', tmp_path/'apart', '--quiet', *COLOURS, env=env).returncode == 0
    none = memery('dupes', tmp_path/'apart', *COLOURS, env=env)
    assert (none.returncode, none.stdout, none.stderr) == (0, '', "memery: 0 groups, 0 images that duplicate another\n")
    assert sorted(p.name for p in folder.rglob('*.*') if '.memery' not in p.parts) == sorted(['red.png', 'blue.png', 'yellow.png', 'purple.png', 'red.jpg', 'red small.png',
                                                                 'red q90.jpg', 'shot 0.png', 'shot 1.png', 'shot 2.png']) # nothing deleted

def test_several_folders_one_list(tmp_path, env):
    "`--folder` adds folders to a search: one ranked list, each folder keeping its own index."
    make_colour_folder(tmp_path/'a', ['red', 'blue']); make_colour_folder(tmp_path/'b', ['crimson', 'green'])
    res = memery('recall', tmp_path/'a', 'red', '--folder', tmp_path/'b', '-n', 3, *COLOURS, env=env)
    assert res.returncode == 0, res.stderr
    assert sorted(res.stdout.splitlines()[:2]) == [str(tmp_path/'a'/'red.png'), str(tmp_path/'b'/'crimson.png')]
    assert (tmp_path/'a'/'.memery').is_dir() and (tmp_path/'b'/'.memery').is_dir()

def test_subfolder_uses_its_parents_index(tmp_path, env):
    "Index a parent, search a child: no second index, the parent's results restricted to the child, only the child scanned."
    pictures = tmp_path/'Pictures'
    make_colour_folder(pictures/'2019', ['red', 'blue', 'green']); make_colour_folder(pictures/'2020', ['crimson', 'yellow'])
    assert memery('index', pictures, '--quiet', *COLOURS, env=env).returncode == 0
    make_colour_folder(pictures/'2019', ['pink']); make_colour_folder(pictures/'2020', ['purple']) # new since
    child = json.loads(memery('index', pictures/'2019', '--json', *COLOURS, env=env).stdout)
    assert (child['encoded'], child['images'], child['unchanged']) == (1, 4, 3) # 2020 was not scanned
    scored = lambda folder, *args: [line.split('\t') for line in memery('recall', folder, 'red', '-n', 50, '--scores', *COLOURS, *args, env=env).stdout.splitlines()]
    in_child = scored(pictures/'2019')
    assert [p for _, p in in_child][0] == str(pictures/'2019'/'red.png') and len(in_child) == 4
    parent = json.loads(memery('index', pictures, '--json', *COLOURS, env=env).stdout)
    assert (parent['encoded'], parent['images']) == (1, 7) # 2020/purple.png, left for the parent's own update
    assert [row for row in scored(pictures) if '/2019/' in row[1]] == in_child
    assert not (pictures/'2019'/'.memery').exists() and [p.name for p in (pictures/'.memery').glob('*.sqlite3')] != []

def test_raw_photos_and_raw_jpeg_pairs(tmp_path, env):
    "With the raw extra: a RAW photo is indexed (from its preview), and a RAW + JPEG pair once, both paths in --json."
    from memery.testing import write_dng
    folder = tmp_path/'camera'
    folder.mkdir()
    write_dng(folder/'IMG_1.CR2', colour=(1, 0, 0), preview=(1, 0, 0)); Image.new('RGB', (192, 128), 'red').save(folder/'IMG_1.JPG')
    write_dng(folder/'IMG_2.dng', (640, 480), colour=(0, 0, 1), preview=(0, 0, 1))
    report = json.loads(memery('index', folder, '--json', *COLOURS, env=env).stdout)
    assert (report['encoded'], report['images'], report['skipped']) == (2, 2, [])
    blue = json.loads(memery('recall', folder, 'blue', '-n', 1, '--json', *COLOURS, env=env).stdout)
    assert [r['path'] for r in blue] == [str(folder/'IMG_2.dng')] and 'raw' not in blue[0]
    red = json.loads(memery('recall', folder, 'red', '-n', 1, '--json', *COLOURS, env=env).stdout)
    assert [(r['path'], r['matched'], r['raw'], r['width']) for r in red] == [(str(folder/'IMG_1.JPG'), 'visual', [str(folder/'IMG_1.CR2')], 192)]

def test_int8_precision_is_an_index_of_its_own(tmp_path, env):
    "`--precision int8` indexes with the quantized image tower, into its own index, and searches that index (a tiny open_clip model)."
    folder = tmp_path/'pics'
    make_colour_folder(folder, ['red', 'green', 'blue', 'yellow'])
    model = ['--model', tiny_clip(), '--pretrained', 'none']
    def tiny(*args): return memery(*args, *model, env=env)
    indexed = tiny('index', folder, '--precision', 'int8', '--json')
    assert indexed.returncode == 0, indexed.stderr
    assert json.loads(indexed.stdout)['encoded'] == 4
    assert len(list((folder/'.memery').glob('*.sqlite3'))) == 1
    found = tiny('recall', folder, 'red', '--precision', 'int8', '--n', 10)
    assert found.returncode == 0 and sorted(found.stdout.split()) == sorted(str(folder/f'{c}.png') for c in ['red', 'green', 'blue', 'yellow'])
    assert 'encoded' not in found.stderr, found.stderr # searched the int8 index as it was
    full = tiny('index', folder, '--json') # full precision: another index, encoded anew
    assert full.returncode == 0 and json.loads(full.stdout)['encoded'] == 4
    assert len(list((folder/'.memery').glob('*.sqlite3'))) == 2
    wrong = memery('index', folder, *COLOURS, '--precision', 'int8', env=env)
    assert wrong.returncode == 1 and 'cannot index at int8: only open_clip models' in wrong.stderr, wrong.stderr


def test_index_with_a_long_temporary_directory(tmp_path, env):
    "Decoding workers hand batches over through sockets in TMPDIR: one past a socket path's length used to make `memery index` wait for ever."
    long_tmp = tmp_path/('deep' * 20)
    long_tmp.mkdir()
    noise_folder(tmp_path/'pics', 12, size=32)
    res = memery('index', tmp_path/'pics', '--workers', 2, '--batch-size', 2, '--quiet', *COLOURS, env={**env, 'TMPDIR': str(long_tmp)}, timeout=300)
    assert res.returncode == 0, res.stderr
    assert searchable(tmp_path/'pics') == 12


def test_names_cannot_hijack_the_terminal(tmp_path, env):
    "File names with escape sequences, newlines or a leading '-' print escaped, one per line; --null gives them as they are, for xargs -0."
    folder = tmp_path/'names'
    folder.mkdir()
    hostile = ['red\x1b[2J\x1b]0;pwned\x07.png', 'new\nline.png', '-rf.png']
    for name in hostile: Image.new('RGB', (20, 20), (230, 20, 20)).save(folder/name)
    (folder/'bad\x1b[31m.jpg').write_bytes(b'\xff\xd8 not a JPEG')
    indexed = memery('index', folder, *COLOURS, env=env)
    assert indexed.returncode == 0 and '\x1b' not in indexed.stderr and 'skipped ' in indexed.stderr
    assert f"skipped {folder}/bad\\x1b[31m.jpg" in indexed.stderr
    lines = memery('recall', '.', 'red', *COLOURS, '-q', env=env, cwd=folder).stdout.splitlines()
    assert sorted(lines) == ['./-rf.png', 'new\\nline.png', 'red\\x1b[2J\\x1b]0;pwned\\x07.png']
    raw = memery('recall', folder, 'red', *COLOURS, '-q', '--null', env=env).stdout
    assert sorted(raw.split('\0')[:-1]) == sorted(str(folder/name) for name in hostile)
    # the three are copies of each other: a group of three lines, one per copy
    dupes = memery('dupes', folder, *COLOURS, env=env).stdout.splitlines()
    assert len(dupes) == 3 and not any('\x1b' in line or '\x07' in line for line in dupes), dupes


def test_n_auto_gives_the_queried_colour_family_only(tmp_path, env):
    "`-n auto` on a folder of colour families under neutral names: each colour's family and nothing else, and nothing for a colour not there."
    folder = tmp_path/'families'
    families = {'red': [], 'green': [], 'blue': [], 'yellow': [], 'purple': []}
    for shade in range(3):
        for colour, names in families.items():
            [made] = make_colour_folder(folder, [colour], seed=10 * shade + len(names))
            names.append(made.rename(folder/f'IMG_{len(list(folder.glob("IMG_*"))):04d}.png').name)
    assert memery('index', folder, *COLOURS, '-q', env=env).returncode == 0
    for colour, names in families.items():
        res = memery('recall', folder, colour, '-n', 'auto', *COLOURS, env=env)
        assert res.returncode == 0 and sorted(Path(p).name for p in res.stdout.splitlines()) == sorted(names), (colour, res.stdout)
        assert 'about 3 relevant' in res.stderr, res.stderr
    absent = memery('recall', folder, 'cyan', '-n', 'auto', *COLOURS, env=env)
    assert absent.returncode == 0 and absent.stdout == '' and 'no image stands out as relevant' in absent.stderr, absent.stderr
    marked = json.loads(memery('recall', folder, 'red', '-n', 'auto', '--json', *COLOURS, env=env).stdout)
    assert [r['relevant'] for r in marked] == [True] * 3 + [False] * 12
    bad = memery('recall', folder, 'red', '-n', 'many', *COLOURS, env=env)
    assert bad.returncode == 2 and "'many' is neither a number nor 'auto'" in bad.stderr, bad.stderr

def test_a_video_is_found_at_its_moment(tmp_path, env):
    "A clip whose colour changes at known times, beside a broken video and an image: the queried moment comes first, its time inside its shot; the broken one is skipped with its reason; the runs exit 0."
    from memery.testing import write_clip
    folder = tmp_path/'phone'
    make_colour_folder(folder, ['red', 'green'])
    write_clip(folder/'VID_0704.mp4', [(4, 'yellow'), (5, 'blue'), (6, 'purple')], keyframes=2)
    write_clip(folder/'whole.mp4', [(2, 'cyan')])
    (folder/'broken.mp4').write_bytes((folder/'whole.mp4').read_bytes()[:3000])
    (folder/'whole.mp4').unlink()
    res = memery('index', folder, '--json', *COLOURS, env=env)
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert [Path(p).name for p, _ in report['skipped']] == ['broken.mp4'], report['skipped']
    assert 'not a video FFmpeg can read' in report['skipped'][0][1]
    for colour, start, end in (('blue', 4, 9), ('purple', 9, 15), ('yellow', 0, 4)):
        res = memery('recall', folder, colour, '--json', '-n', 3, *COLOURS, env=env)
        assert res.returncode == 0, res.stderr
        first = json.loads(res.stdout)[0]
        assert Path(first['path']).name == 'VID_0704.mp4' and start <= first['time'] < end, (colour, first)
        assert abs(first['duration'] - 15) < 0.1 and first['moments'] and set(first['moments'][0]) == {'time', 'score'}, first
    plain = memery('recall', folder, 'blue', '-n', 1, *COLOURS, env=env)
    assert plain.stdout == f"{folder/'VID_0704.mp4'}\n", plain.stdout # a video prints as its path

def _tagged(src: Path, dest: Path, tags: dict) -> Path:
    "`src` copied to `dest` with these container tags, as a phone writes them."
    import av
    with av.open(str(src)) as clip, av.open(str(dest), 'w', options={'movflags': 'use_metadata_tags'}) as out:
        stream = out.add_stream_from_template(clip.streams.video[0])
        out.metadata.update(tags)
        for packet in clip.demux(clip.streams.video[0]):
            if packet.dts is not None:
                packet.stream = stream
                out.mux(packet)
    src.unlink()
    return dest

def test_a_video_is_found_by_when_and_where_it_was_filmed(tmp_path, env):
    "A phone's video tagged with its date and place (ISO 6709) is found by date and place filters, not by its file's date, and its best moment, not its first, carries its date, place and size."
    from memery.testing import write_clip
    folder = tmp_path/'phone'
    make_colour_folder(folder, ['purple'])
    _tagged(write_clip(folder/'raw.mp4', [(4, 'yellow'), (5, 'purple')], keyframes=2), folder/'IMG_0001.MOV',
            {'com.apple.quicktime.creationdate': '2019-07-14T18:03:22+0200',
             'com.apple.quicktime.location.ISO6709': '+48.8584+002.2945+035.000/'})
    write_clip(folder/'today.mp4', [(3, 'purple')])
    assert memery('index', folder, '-q', *COLOURS, env=env).returncode == 0
    res = memery('recall', folder, 'purple', '--taken', '2019-07', '--json', *COLOURS, env=env)
    assert res.returncode == 0, res.stderr
    found = json.loads(res.stdout)
    assert [Path(m['path']).name for m in found] == ['IMG_0001.MOV'], found
    best = found[0]
    assert best['time'] >= 4 and best['taken'] == '2019-07-14T18:03:22+02:00' and best['taken_from'] == 'video', best
    assert (best['lat'], best['lon'], best['width'], best['height']) == (48.8584, 2.2945, 320, 240), best
    assert best['place'].endswith('France'), best
    near = memery('recall', folder, 'purple', '--near', 'Paris', '--km', '20', *COLOURS, env=env)
    assert near.returncode == 0 and near.stdout == f"{folder/'IMG_0001.MOV'}\n", near.stdout
