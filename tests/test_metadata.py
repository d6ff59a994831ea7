"What photos say about themselves, end to end: the `memery` command on a folder whose headers tell when, where, who and what."
import json, sqlite3, subprocess
from pathlib import Path
import pytest
from memery.schema import SCHEMA_VERSION
from memery.testing import make_told_folder
import cli
from cli import COLOURS, MEMERY

@pytest.fixture
def told(tmp_path):
    "A folder of swatches whose headers tell things, and the names of those that do."
    return tmp_path/'told', make_told_folder(tmp_path/'told')

def memery(*args, env) -> subprocess.CompletedProcess:
    "What `memery ARGS` said, quiet, with the colour model: it must succeed."
    res = cli.memery(*args, *COLOURS, '-q', env=env)
    assert res.returncode == 0, res.stderr
    return res

def recall(folder, *args, env) -> list[str]:
    return [Path(p).name for p in memery('recall', folder, *args, env=env).stdout.splitlines()]

def test_each_case_comes_first(told, env):
    "Dates, GPS alone, face regions, titles, Lightroom's people and generators' prompts: each found first; every hostile file indexed."
    folder, names = told
    report = json.loads(memery('index', folder, '--json', env=env).stdout)
    assert (report['encoded'], report['skipped']) == (22, []) # the hostile headers too
    assert recall(folder, 'lisbon tram', '-n', 3, env=env)[0] == names['lisbon'] # from its GPS position alone
    assert recall(folder, 'jenny birthday cake', '-n', 3, env=env)[0] == names['jenny'] # her face region
    assert recall(folder, 'garden party', '-n', 3, env=env)[0] == names['title']
    assert recall(folder, 'tom okafor', '-n', 3, env=env)[0] == names['tom'] # Lightroom's People|Tom Okafor
    assert recall(folder, 'astronaut riding a horse', '--text-only', env=env)[0] == names['a1111']
    assert recall(folder, 'lighthouse thunderstorm', '--text-only', env=env)[0] == names['comfy']
    assert recall(folder, 'blurry', '--text-only', env=env) == [] # a negative prompt is not what it shows
    # filters: alone
    assert recall(folder, 'red', '--after', '2019-06', '--before', '2019-09', env=env) == [names['summer 2019']]
    assert recall(folder, 'red', '--taken', '2020', env=env) == [names['2020']]
    assert recall(folder, 'red', '--person', 'Jenny', env=env) == [names['jenny']]
    assert recall(folder, 'red', '--near', 'Lisbon', '--km', 5, env=env) == [names['lisbon']]
    assert recall(folder, 'red', '--near', '41.15,-8.61', '--km', 100, env=env) == [] # Porto
    dated = recall(folder, 'red', '--before', '2022', '--sort', 'date', '-n', 50, env=env)
    assert dated == [names['jenny'], names['2020'], names['summer 2019'], names['2018']]

def test_json_says_what_each_result_says(told, env):
    "--json gives each result when (with its offset), where, who, the camera and its size; which field matched."
    folder, names = told
    [found] = json.loads(memery('recall', folder, 'orange', '--taken', '2019-07', '--json', env=env).stdout)
    assert found['path'].endswith(names['summer 2019'])
    assert (found['taken'], found['taken_from'], found['camera']) == ('2019-07-14T18:03:22+01:00', 'exif', 'Apple iPhone 12')
    assert (found['width'], found['height']) == (48, 40)
    [jenny] = json.loads(memery('recall', folder, 'jenny', '-n', 1, '--json', env=env).stdout)
    assert (jenny['people'], jenny['fields'], jenny['snippet']) == (['Jenny Baker'], ['people'], '[Jenny] Baker')
    results = json.loads(memery('recall', folder, 'red', '-n', 50, '--json', env=env).stdout)
    odd = {Path(r['path']).name: r for r in results if Path(r['path']).name.startswith('hostile')}
    assert len(odd) == 7
    assert odd['hostile-zero-date.jpg']['taken_from'] == 'file' and 'lat' not in odd['hostile-gps.jpg']
    assert len(odd['hostile-64k.jpg']['camera']) <= 200 and '\x1b' not in odd['hostile-64k.jpg']['camera']
    assert 'title' not in odd['hostile-entities.jpg'] and 'prompt' not in odd['hostile-ztxt.png']

def as_schema_4(db_path: Path):
    "Turn an index back into what the landed memery wrote (schema 4): no `about`, a words table of three columns."
    db = sqlite3.connect(db_path, isolation_level=None)
    for stmt in ['DROP TABLE about',
                 "CREATE VIRTUAL TABLE words_v4 USING fts5(names, text, read UNINDEXED, "
                 "tokenize = 'porter unicode61 remove_diacritics 2')",
                 'INSERT INTO words_v4 (rowid, names, text, read) SELECT rowid, names, text, read FROM words',
                 'DROP TABLE words', 'ALTER TABLE words_v4 RENAME TO words',
                 "UPDATE meta SET value = '4' WHERE key = 'schema_version'"]: db.execute(stmt)
    db.close()

def test_schema_4_index_upgrades_without_encoding(told, env):
    "An index from before metadata opens, upgrades in place, reads the headers of what it holds and answers --after; nothing is encoded again."
    folder, names = told
    memery('index', folder, env=env)
    [db_path] = (folder/'.memery').glob('*.sqlite3')
    vectors = sqlite3.connect(db_path).execute('SELECT id, vector FROM images ORDER BY id').fetchall()
    as_schema_4(db_path)
    assert recall(folder, 'red', '--after', '2019-06', '--before', '2019-09', env=env) == [names['summer 2019']]
    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(SCHEMA_VERSION),)
        assert db.execute('SELECT id, vector FROM images ORDER BY id').fetchall() == vectors
    again = json.loads(memery('index', folder, '--json', env=env).stdout)
    assert (again['encoded'], again['headers']) == (0, 0)
    as_schema_4(db_path)
    upgraded = json.loads(memery('index', folder, '--json', env=env).stdout)
    assert (upgraded['encoded'], upgraded['headers'], upgraded['images']) == (0, 22, 22)

def test_api_filters_and_says_what_results_say(told, env):
    "`memery serve`'s search takes the same filters, and each result says when, where and who."
    import urllib.parse, urllib.request
    folder, names = told
    memery('index', folder, env=env)
    process = subprocess.Popen([MEMERY, 'serve', folder, '--port', '0', '--no-index', *COLOURS],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        url, _, token = process.stdout.readline().strip().partition('?token=')
        assert url.startswith('http://'), process.stderr.read()
        def search(**fields):
            body = json.dumps({'text': 'red', 'n': 50, **fields}).encode()
            request = urllib.request.Request(f'{url}api/search', body, {'Content-Type': 'application/json', 'X-Memery-Token': token})
            with urllib.request.urlopen(request, timeout=60) as answer: return json.load(answer)['results']
        [summer] = search(after='2019-06', before='2019-09')
        assert (Path(summer['path']).name, summer['taken'], summer['camera']) == (names['summer 2019'], '2019-07-14T18:03:22+01:00', 'Apple iPhone 12')
        [lisbon] = search(near='Lisbon', km=5)
        assert lisbon['place'].endswith('Lisbon, Portugal') and lisbon['lat'] == pytest.approx(38.722222)
        assert [r['people'] for r in search(person='jenny')] == [['Jenny Baker']]
        assert [Path(r['path']).name for r in search(before='2022', sort='date')] == [names[k] for k in ('jenny', '2020', 'summer 2019', '2018')]
    finally:
        process.terminate()
        process.wait(timeout=60)


def test_tampered_index_mends_itself(told, env):
    "An index whose `about` table or words columns were dropped, or whose version was set back, mends on opening and reads the headers again."
    folder, names = told
    memery('index', folder, env=env)
    [db_path] = (folder/'.memery').glob('*.sqlite3')
    for tamper in (['DROP TABLE about'], as_schema_4, ["UPDATE meta SET value = '4' WHERE key = 'schema_version'"],
                   ["UPDATE about SET utc_offset = 'zz:zz'", "UPDATE about SET taken = NULL, utc_offset = '+01:00' WHERE id = 3"]):
        if callable(tamper): tamper(db_path)
        else:
            with sqlite3.connect(db_path) as db:
                for stmt in tamper: db.execute(stmt)
        assert recall(folder, 'red', '--before', '2022', '--sort', 'date', '-n', 50, env=env)[:2] == [names['jenny'], names['2020']]
        assert recall(folder, 'red', '--person', 'jenny', env=env) == [names['jenny']]
        assert len(json.loads(memery('recall', folder, 'red', '-n', 50, '--json', env=env).stdout)) == 22
