"""`memery serve` as a real process, asked over raw HTTP: paths exactly as an attacker would send them (no client
normalising `..` or percent-encodings on the way), bad uploads, Host headers, tokens, and the missing-extra message."""
import base64, http.client, io, json, re, shutil, subprocess, sys
from pathlib import Path
import pytest
from PIL import Image
from cli import COLOURS, MEMERY, memery, offline_env

SECRET = 'top secret, outside the folder'


def start(args, env=None) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([MEMERY, 'serve', *map(str, args), '--port', '0', *COLOURS], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    url = process.stdout.readline().strip()
    if not url.startswith('http://'):
        process.kill()
        pytest.fail(f"memery serve printed {url!r}: {process.stderr.read()}")
    return process, url


def ask(url: str, method: str, target: str, body: bytes = b'', headers: dict | None = None) -> tuple[int, bytes, dict]:
    "Send `target` as it is, byte for byte, on the request line; with the token of `url` (as the server printed it), unless `headers` carry credentials."
    host, port = re.match(r'http://([^:/]+):(\d+)', url).groups()
    headers = dict(headers or {})
    token = url.partition('?token=')[2]
    if token and not {'Authorization', 'Cookie', 'X-Memery-Token'} & set(headers): headers['X-Memery-Token'] = token
    conn = http.client.HTTPConnection('127.0.0.1', int(port), timeout=30)
    conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
    conn.putheader('Host', headers.pop('Host', f'{host}:{port}'))
    for k, v in headers.items(): conn.putheader(k, v)
    if body: conn.putheader('Content-Length', str(len(body)))
    conn.endheaders(body or None)
    r = conn.getresponse()
    data, hdrs = r.read(), dict(r.getheaders())
    conn.close()
    return r.status, data, hdrs


@pytest.fixture(scope='module')
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp('http')
    folder = root/'pictures'
    folder.mkdir()
    for name, colour in [('red.png', (230, 20, 20)), ('blue.png', (20, 20, 230)), ('green.png', (20, 200, 20))]:
        Image.new('RGB', (40, 40), colour).save(folder/name)
    (root/'secret.txt').write_text(SECRET)
    (folder/'link to secret.png').symlink_to(root/'secret.txt')
    (folder/'link to root').symlink_to(root, target_is_directory=True)
    Image.new('RGB', (40, 40), (240, 10, 10)).save(root/'private.png') # a picture outside the folder, linked from inside
    (folder/'link out.png').symlink_to(root/'private.png')
    process, url = start([folder])
    try:
        for _ in range(100): # the background indexing of three swatches
            status = json.loads(ask(url, 'GET', '/api/status')[1])
            if not status['folders'][0]['indexing']: break
            import time; time.sleep(0.1)
        yield url, folder, root
    finally:
        process.terminate()
        process.wait(10)


TRAVERSALS = ['/api/image/../../secret.txt', '/api/image/..%2f..%2fsecret.txt', '/api/image/%2e%2e%2f%2e%2e%2fsecret.txt',
              '/api/image/%252e%252e%252fsecret.txt', '/api/image/..%5c..%5csecret.txt', '/api/image/%c0%ae%c0%ae%c0%afsecret.txt',
              '/api/image/0-1/../../../secret.txt', '/api/image/0-1%2f..%2f..%2fsecret.txt', '/api/image/%2fetc%2fpasswd',
              '/api/image//etc/passwd', '/api/image/0-1%00.png', '/api/image/0-99999', '/api/image/1-1', '/api/image/red.png',
              '/api/thumb/..%2f..%2fsecret.txt', '/api/thumb/0-1?size=../../secret', '/api/thumb/0-1?size=99999',
              '/static/../server.py', '/static/..%2fserver.py', '/static/%2e%2e/%2e%2e/secret.txt', '/static//etc/passwd',
              '/static/..%5c..%5csecret.txt', '/../../secret.txt', '/%2e%2e/%2e%2e/secret.txt', '/api/image/link%20to%20secret.png',
              '/api/image/link%20to%20root%2fsecret.txt']


@pytest.mark.parametrize('target', TRAVERSALS)
def test_traversal_refused(served, target):
    url, folder, root = served
    status, body, _ = ask(url, 'GET', target)
    assert 400 <= status < 500, (status, body[:200])
    assert SECRET.encode() not in body and b'import ' not in body
    assert list(json.loads(body)) == ['error'], body


def test_links_out_of_the_folder_are_not_served(served):
    "The link to a file outside the folder is indexed as a file under the folder, yet its id serves nothing."
    url, folder, root = served
    found = json.loads(ask(url, 'GET', '/api/search?q=red&n=50')[1])['results']
    assert 'link to secret.png' not in [r['path'] for r in found] # not an image: skipped when indexed
    assert not [r for r in found if r['path'] in ('link out.png', 'link to root/private.png')] # links out are not followed
    red = next(r['id'] for r in found if r['path'] == 'red.png')
    assert ask(url, 'GET', f'/api/image/{red}')[1] == (folder/'red.png').read_bytes() # what is in the folder is served
    for row in range(1, 20):
        for kind in ('image', 'thumb'):
            status, body, _ = ask(url, 'GET', f'/api/{kind}/0-{row}')
            assert SECRET.encode() not in body
            assert status in (200, 404)


def upload(data: bytes) -> bytes:
    return json.dumps({'upload': base64.b64encode(data).decode(), 'n': 2}).encode()


def test_bad_uploads_refused(served, tmp_path):
    url, folder, root = served
    bomb = io.BytesIO()
    Image.new('1', (30_000, 30_000)).save(bomb, 'PNG')
    cases = {'text': upload(b'just text'), 'html': upload(b'<html><script>alert(1)</script></html>'),
             'svg': upload(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
             'truncated png': upload(io.BytesIO(b'\x89PNG\r\n\x1a\n\0\0\0\rIHDR').getvalue()), 'bomb': upload(bomb.getvalue()),
             'not base64': b'{"upload": "@@@@"}', 'not json': b'{"upload": ', 'a list': b'[1, 2]', 'both': json.dumps(
                 {'upload': base64.b64encode(folder.joinpath('red.png').read_bytes()).decode(), 'image': '0-1'}).encode()}
    before = set(Path('/tmp').glob('memery-upload-*'))
    for name, body in cases.items():
        status, answer, _ = ask(url, 'POST', '/api/search', body, {'Content-Type': 'application/json'})
        assert 400 <= status < 500, (name, status, answer[:200])
        assert len(json.loads(answer)['error'].splitlines()) == 1, answer
    status, answer, _ = ask(url, 'POST', '/api/search', b'x' * 30_000_000, {'Content-Type': 'application/json'})
    assert status == 413, answer[:200]
    assert set(Path('/tmp').glob('memery-upload-*')) == before # nothing uploaded stays on disk
    good = Image.new('RGB', (30, 30), (10, 10, 240))
    buf = io.BytesIO(); good.save(buf, 'JPEG')
    status, answer, _ = ask(url, 'POST', '/api/search', upload(buf.getvalue()), {'Content-Type': 'application/json'})
    assert status == 200 and json.loads(answer)['results'][0]['path'] == 'blue.png', answer


def test_bad_parameters_are_one_line_4xx(served):
    url, _, _ = served
    for target in ['/api/search?q=red&n=-1', '/api/search?q=red&n=1000000000', '/api/search?q=red&threshold=x',
                   '/api/search?q=red&folder=9', '/api/search?q=red&folder=x', '/api/search', '/api/search?q=red&like=0-1%2f..']:
        status, body, _ = ask(url, 'GET', target)
        assert 400 <= status < 500 and len(json.loads(body)['error'].splitlines()) == 1, (target, status, body)
        assert b'Traceback' not in body


def test_host_header_and_headers(served):
    url, _, _ = served
    assert ask(url, 'GET', '/api/status', headers={'Host': 'attacker.example:8765'})[0] == 400
    assert ask(url, 'GET', '/api/status', headers={'Host': f"localhost:{url.split(':')[2].split('/')[0]}"})[0] == 200
    status, body, headers = ask(url, 'GET', '/')
    assert status == 200 and b'<script type="module" src="/static/app.js">' in body
    assert "default-src 'self'" in headers['content-security-policy'] and headers['x-content-type-options'] == 'nosniff'


def test_exposed_needs_a_token(served, env):
    url, folder, _ = served
    refused = memery('serve', folder, '--host', '0.0.0.0', *COLOURS, env=env, timeout=60)
    assert refused.returncode == 1 and '--token' in refused.stderr and refused.stdout == ''
    process, exposed = start([folder, '--host', '0.0.0.0', '--token', 's3cret'])
    try:
        port = exposed.split(':')[2].split('/')[0]
        local = f'http://127.0.0.1:{port}/'
        assert exposed.endswith('/?token=s3cret')
        assert ask(local, 'GET', '/api/status', headers={'Host': 'whatever.example'})[0] == 401
        assert ask(local, 'GET', '/api/status', headers={'Authorization': 'Bearer wrong'})[0] == 401
        assert ask(local, 'GET', '/api/status', headers={'Authorization': 'Bearer s3cret'})[0] == 200
        status, _, headers = ask(local, 'GET', '/?token=s3cret')
        assert status == 200 and 'memery_token=s3cret' in headers['set-cookie'] and 'HttpOnly' in headers['set-cookie']
        assert ask(local, 'GET', '/api/status', headers={'Cookie': 'memery_token=s3cret'})[0] == 200
    finally:
        process.terminate()
        stderr = process.communicate(timeout=10)[1]
    assert 'warning: listening on 0.0.0.0' in stderr


def test_missing_extra_names_it(tmp_path):
    "Without FastAPI, `memery serve` says which extra to install, in one line."
    code = "import sys; sys.modules['fastapi'] = None; from memery.cli import main; sys.exit(main(['serve', '.']))"
    res = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert res.returncode == 1
    assert res.stderr == "memery: error: `memery serve` needs the serve extra (fastapi is missing): pip install 'memery[serve]'\n", res.stderr


def test_ctrl_c_while_indexing_keeps_the_work(tmp_path):
    "Ctrl-C stops the server within seconds, even mid-indexing; what was encoded is kept, and the next start goes on from there."
    sys.path.insert(0, str(Path(__file__).parent))
    from browser import make_picture_folder
    folder = make_picture_folder(tmp_path/'pictures', count=400)
    from memery.testing import tiny_clip
    # a real open_clip model, a batch of two images at a time: indexing takes a few seconds, 200 commits
    clip = ['--model', tiny_clip(), '--pretrained', 'none', '--batch-size', '2', '--workers', '0']
    def serve():
        p = subprocess.Popen([MEMERY, 'serve', str(folder), '--port', '0', '--device', 'cpu', *clip], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
        return p, p.stdout.readline().strip()
    def status(url): return json.loads(ask(url, 'GET', '/api/status')[1])['folders'][0]
    import signal, time
    process, url = serve()
    try:
        while status(url)['done'] < 32: time.sleep(0.2) # a batch or more is in
        process.send_signal(signal.SIGINT)
        start = time.perf_counter()
        assert process.wait(30) == 130 # the usual status after Ctrl-C
        stopped_in = time.perf_counter() - start
    finally: process.kill()
    process, url = serve()
    try:
        kept = status(url)['images']
        assert 32 <= kept < 400, kept
        while status(url)['total'] == 0: time.sleep(0.2)
        assert status(url)['total'] == 400 - kept # only what was not encoded before
    finally:
        process.terminate()
        process.wait(30)
    print(f"stopped {stopped_in:.1f} s after Ctrl-C, keeping {kept} of 400 images")


def test_followed_links_are_still_not_served(served, tmp_path):
    "With --follow-links the picture behind a link out of the folder is indexed and found, yet the server never reads it for a client."
    _, folder, _ = served
    process, url = start([folder, '--follow-links', '--index-dir', tmp_path])
    try:
        import time
        for _ in range(100):
            if not json.loads(ask(url, 'GET', '/api/status')[1])['folders'][0]['indexing']: break
            time.sleep(0.1)
        found = json.loads(ask(url, 'GET', '/api/search?q=red&n=50')[1])['results']
        linked = [r['id'] for r in found if r['path'] in ('link out.png', 'link to root/private.png')]
        assert linked, found # followed, indexed, and found: the colour is red
        for id in linked: assert [ask(url, 'GET', f'/api/{kind}/{id}')[0] for kind in ('image', 'thumb')] == [404, 404]
    finally:
        process.terminate()
        process.wait(10)


def noise_pictures(folder: Path, n: int):
    import numpy as np
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for i in range(n): Image.fromarray(rng.integers(0, 255, (48, 48, 3), dtype=np.uint8)).save(folder/f'{i:03d}.png')


def test_searches_from_the_first_second(tmp_path):
    """A new server answers every search, from the moment it prints its address through its first indexing: what is
    indexed so far, or nothing with the reason; never an error (a tiny open_clip model, loaded and exported meanwhile)."""
    import threading, time
    from concurrent.futures import ThreadPoolExecutor
    from memery.testing import tiny_clip
    folder = tmp_path/'pictures'
    noise_pictures(folder, 80) # more than two batches: decoded by spawned workers
    model = ['--model', tiny_clip(), '--pretrained', 'none']
    for start_number in range(3):
        # a new index at each start; the model's export, made at the first, is the machine's from then on
        env = offline_env(tmp_path, XDG_CACHE_HOME=str(tmp_path/'cache'), MEMERY_INDEX_DIR=str(tmp_path/f'index-{start_number}'))
        process = subprocess.Popen([MEMERY, 'serve', folder, '--port', '0', *model], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        url = process.stdout.readline().strip()
        answers, done = [], threading.Event()
        def search_until_indexed(i):
            while not done.is_set():
                status, body, _ = ask(url, 'GET', '/api/search?q=a+red+car&n=5' if i % 2 else '/api/search?q=noise')
                answers.append((status, json.loads(body)))
                time.sleep(0.02) # every moment is asked about, without starving the indexing
        try:
            with ThreadPoolExecutor(4) as pool:
                searching = [pool.submit(search_until_indexed, i) for i in range(4)]
                deadline = time.monotonic() + 300 # a hang guard
                while time.monotonic() < deadline:
                    state = json.loads(ask(url, 'GET', '/api/status')[1])['folders'][0]
                    if not state['indexing'] and state['images']: break
                    time.sleep(0.05)
                done.set()
                for f in searching: f.result()
        finally:
            process.terminate()
            _, err = process.communicate(timeout=60)
        assert state['images'] == 80, (state, err)
        assert all(status == 200 for status, _ in answers), ([a for a in answers if a[0] != 200][:3], err)
        assert 'Traceback' not in err, err
        empty = [body for _, body in answers if not body['results']]
        assert all(body['why_empty'] for body in empty), empty[:3]
        assert any(body['results'] for _, body in answers), "no search found anything while the folder was indexed"


def test_private_by_default(served):
    "Issue 22: a server started plainly makes a token and refuses every request without it, another local user's `curl` included."
    url, folder, _ = served
    base, _, token = url.partition('?token=')
    assert len(token) >= 20, url
    for target in ('/api/status', '/api/search?q=red', '/api/image/0-1', '/api/thumb/0-1', '/'):
        status, body, _ = ask(base, 'GET', target)
        assert status == 401 and b'needs its token' in body, (target, status, body)
    assert ask(base, 'GET', '/api/status', headers={'Cookie': f'memery_token={token}'})[0] == 200


def test_no_token_shows_only_what_others_may_read(tmp_path):
    "With --no-token anyone on the machine may ask, so only images all users could read are served; a planted row naming a file that is not an image serves nothing."
    import sqlite3, tempfile, time
    public = Path(tempfile.mkdtemp(dir='/tmp', prefix='memery-public-'))
    try:
        public.chmod(0o755)
        for name, colour in [('red.png', (230, 20, 20)), ('blue.png', (20, 20, 230))]: Image.new('RGB', (40, 40), colour).save(public/name)
        (public/'blue.png').chmod(0o600)
        (public/'notes.txt').write_text(SECRET)
        process, url = start([public, '--no-token'])
        try:
            assert '?token=' not in url
            for _ in range(300):
                if not json.loads(ask(url, 'GET', '/api/status')[1])['folders'][0]['indexing']: break
                time.sleep(0.1)
            [db] = (public/'.memery').glob('*.sqlite3')
            with sqlite3.connect(db, isolation_level=None) as con: # as anyone who can write to the folder could
                con.execute("INSERT INTO images (path, size, mtime_ns, hash, status, vector) SELECT 'notes.txt', size, mtime_ns, 'x', status, vector FROM images WHERE path = 'red.png'")
                con.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
            found = {r['path']: r['id'] for r in json.loads(ask(url, 'GET', '/api/search?q=red&n=10')[1])['results']}
            assert set(found) == {'red.png', 'blue.png', 'notes.txt'}, found
            codes = {name: [ask(url, 'GET', f'/api/{kind}/{id}')[0] for kind in ('image', 'thumb')] for name, id in found.items()}
            assert codes == {'red.png': [200, 200], 'blue.png': [403, 403], 'notes.txt': [404, 404]}, codes
            status, body, _ = ask(url, 'GET', f"/api/image/{found['notes.txt']}")
            assert SECRET.encode() not in body and b'not an image' in body, body
        finally:
            process.terminate()
            process.wait(10)
    finally: shutil.rmtree(public)


def test_port_out_of_range_is_a_usage_error(env):
    res = memery('serve', '.', '--port', '80000', env=env, timeout=60)
    assert res.returncode == 2 and '80000 is not from 0 to 65535' in res.stderr and 'unexpected' not in res.stderr, res.stderr
