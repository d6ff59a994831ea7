"`memery watch` in a real process: the index follows copies, renames and deletions, and outlives the folder going away."
import json, shutil, signal, sqlite3, subprocess, threading, time
from pathlib import Path
import numpy as np
import pytest
from PIL import Image
from memery.testing import make_colour_folder
from cli import COLOURS, MEMERY

@pytest.fixture
def env(env, tmp_path):
    "Offline, with a cache of the test's own."
    return {**env, 'XDG_CACHE_HOME': str(tmp_path/'cache')}

class Watcher:
    "`memery watch --json` running on `folder`, its reports collected as they come."
    def __init__(self, folder: Path, env):
        self.folder, self.reports = folder, []
        self.proc = subprocess.Popen([MEMERY, 'watch', str(folder), '--json', '--settle', '0.5', *COLOURS], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.reader = threading.Thread(target=lambda: [self.reports.append(json.loads(line)) for line in self.proc.stdout], daemon=True)
        self.reader.start()

    def indexed(self) -> set[str]:
        [db] = (self.folder/'.memery').glob('*.sqlite3')
        with sqlite3.connect(f'file:{db}?mode=ro', uri=True) as con:
            return {p for p, in con.execute("SELECT path FROM images WHERE status = 'ok'")}

    def matches(self, timeout=120) -> float:
        "Seconds until the index holds exactly the folder's images."
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            on_disk = {p.relative_to(self.folder).as_posix() for p in self.folder.rglob('*.png') if '.memery' not in p.parts}
            try:
                if self.indexed() == on_disk: return time.monotonic() - start
            except (ValueError, sqlite3.OperationalError): pass # no index yet
            time.sleep(0.05)
        raise AssertionError(f"the index never matched the folder: {self.reports}, {self.proc.stderr.read() if self.proc.poll() is not None else ''}")

    def stop(self) -> subprocess.CompletedProcess:
        self.proc.send_signal(signal.SIGINT)
        err = self.proc.stderr.read()
        self.proc.wait(timeout=60); self.reader.join(timeout=10)
        return self.proc.returncode, err

def noise_images(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True)
    rng = np.random.default_rng(1)
    for i in range(n): Image.fromarray(rng.integers(0, 255, (16, 16, 3), dtype=np.uint8)).save(folder/f'new {i:03d}.png')
    return sorted(folder.iterdir())

def test_watch_follows_copies_renames_and_deletions(tmp_path, env):
    "Done-check 4: 100 copied in, then 10 renamed and 10 deleted: the index follows, and nothing is encoded twice."
    folder = tmp_path/'photos'
    make_colour_folder(folder, ['red', 'green'])
    incoming = noise_images(tmp_path/'incoming', 100)
    w = Watcher(folder, env)
    w.matches()
    for p in incoming: shutil.copy(p, folder/p.name)
    w.matches()
    for i in range(10): (folder/f'new {i:03d}.png').rename(folder/f'renamed {i:03d}.png')
    for i in range(10, 20): (folder/f'new {i:03d}.png').unlink()
    w.matches()
    # the index is written before its update's report is printed: wait for the report too, then stop
    deadline = time.monotonic() + 60
    while not (w.reports and w.reports[-1]['images'] == 92) and time.monotonic() < deadline: time.sleep(0.05)
    status, err = w.stop()
    assert status == 0 and 'stopped watching' in err and 'Traceback' not in err, err
    total = lambda key: sum(r[key] for r in w.reports)
    assert (total('encoded'), total('moved'), total('deleted')) == (102, 10, 10), w.reports
    assert w.reports[-1]['images'] == 92

def test_watch_outlives_the_folder_going_away(tmp_path, env):
    "A folder moved away (an unplugged drive) is waited for; back again, it is watched afresh."
    folder = tmp_path/'photos'
    make_colour_folder(folder, ['red'])
    w = Watcher(folder, env)
    w.matches()
    folder.rename(tmp_path/'away')
    time.sleep(1.5)
    (tmp_path/'away').rename(folder)
    make_colour_folder(folder, ['blue'])
    w.matches()
    status, err = w.stop()
    assert status == 0 and 'is gone; waiting for it to come back' in err, err
