"""Videos through the installed `memery` command, in real processes: OCR turned on later reads the frames of
the moments kept, and a run killed in the middle of a video resumes where it stopped."""
import json, os, shutil, signal, sqlite3, subprocess, time
from contextlib import closing
from pathlib import Path
import pytest
from PIL import Image
from memery.testing import make_words_folder, write_clip
from cli import COLOURS, MEMERY, memery

# the longest a step may take on a busy machine: ten times what it takes here
HANG_GUARD = 300

def indexed(folder, *args, env) -> dict:
    "The `--json` report of `memery index FOLDER` with the colour model."
    res = memery('index', folder, '--json', *args, *COLOURS, env=env, timeout=HANG_GUARD)
    assert res.returncode == 0 and 'Traceback' not in res.stderr, res.stderr
    return json.loads(res.stdout)

def database(folder: Path) -> Path:
    [db] = (folder/'.memery').glob('*.sqlite3')
    return db

def rows(folder: Path, video: str) -> list[tuple]:
    "The (id, time, vector, reason) of `video`'s row and its moments' rows, by time; the index checked whole."
    with sqlite3.connect(database(folder)) as con:
        assert con.execute('PRAGMA integrity_check').fetchone() == ('ok',)
        return con.execute('SELECT id, time, vector, reason FROM images WHERE path = ? OR path LIKE ? '
                           'ORDER BY time', (video, video + '//%')).fetchall()

def frame_texts(folder: Path, video: str) -> list[tuple]:
    "The (time, text read, read) of `video`'s rows that have words, by time."
    with sqlite3.connect(database(folder)) as con:
        return con.execute('SELECT time, text, read FROM images JOIN words ON words.rowid = images.id '
                           'WHERE path = ? OR path LIKE ? ORDER BY time', (video, video + '//%')).fetchall()

def slideshow(path: Path, slides: list[Image.Image], seconds: list[int], fps: int=10) -> Path:
    "A video showing each of `slides` for its `seconds`, as a recorded talk does."
    import av
    with av.open(str(path), 'w') as out:
        stream = out.add_stream('libx264', rate=fps)
        stream.width, stream.height, stream.pix_fmt = 1280, 640, 'yuv420p'
        for im, shown in zip(slides, seconds):
            frame = av.VideoFrame.from_image(im.convert('RGB').resize((1280, 640)))
            for _ in range(shown * fps): out.mux(stream.encode(frame))
        out.mux(stream.encode())
    return path

def test_ocr_turned_on_later_reads_videos_without_encoding_them(tmp_path, env):
    """`memery index --ocr` after a run without OCR reads the text in a video's kept moments, as a first
    reading with OCR does, encoding nothing again; a word shown only in a frame then finds the video at that
    frame's time."""
    slides = make_words_folder(tmp_path/'slides', screens=1, photos_per_folder=1)
    [(screen, lines)], photo = slides.screens.items(), next(iter(slides.photos))
    talk = [Image.open(tmp_path/'slides'/photo), Image.open(tmp_path/'slides'/screen)]
    for name in ('later', 'first'):
        (tmp_path/name).mkdir()
        slideshow(tmp_path/name/'talk.mp4', talk, [3, 4])
    word = lines[2].split()[-1]
    before = indexed(tmp_path/'later', env=env)
    assert (before['encoded'], before['read']) == (1, 0), before
    unread = rows(tmp_path/'later', 'talk.mp4')
    assert len(unread) >= 2 and frame_texts(tmp_path/'later', 'talk.mp4') == [(0.0, '', 0)], unread
    found = memery('recall', tmp_path/'later', word, '--match', 'text', '--json', *COLOURS, env=env,
                   timeout=HANG_GUARD)
    assert found.returncode == 0 and json.loads(found.stdout) == [], found.stdout # no text read yet
    later = indexed(tmp_path/'later', '--ocr', env=env)
    assert (later['encoded'], later['moments'], later['read'], later['images']) == (0, 0, 1, 1), later
    assert rows(tmp_path/'later', 'talk.mp4') == unread # the same rows and vectors: nothing encoded again
    # what a first reading with OCR on reads, no more, no less
    first = indexed(tmp_path/'first', '--ocr', env=env)
    assert (first['encoded'], first['read']) == (1, 1), first
    assert [t for _, t, _, _ in rows(tmp_path/'first', 'talk.mp4')] == [t for _, t, _, _ in unread]
    read = frame_texts(tmp_path/'later', 'talk.mp4')
    assert read == frame_texts(tmp_path/'first', 'talk.mp4') and word in read[-1][1], read
    found = memery('recall', tmp_path/'later', word, '--match', 'text', '--json', *COLOURS, env=env,
                   timeout=HANG_GUARD)
    assert found.returncode == 0, found.stderr
    [best] = json.loads(found.stdout)
    assert Path(best['path']).name == 'talk.mp4' and 3 <= best['time'] < 7, best # at the screenshot's moment
    again = indexed(tmp_path/'later', env=env)
    assert (again['encoded'], again['read']) == (0, 0), again

def wait_for_progress(folder: Path, video: str, moments: int, proc: subprocess.Popen):
    "Wait until `proc`'s run has stored `moments` moments or more of `video` after its row, still unfinished."
    deadline = time.monotonic() + HANG_GUARD
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        try:
            with closing(sqlite3.connect(f'file:{database(folder)}?mode=ro', uri=True)) as con:
                row = con.execute('SELECT reason, (SELECT count(*) FROM images WHERE path LIKE ?) '
                                  'FROM images WHERE path = ?', (video + '//%', video)).fetchone()
            if row and row[0] == 'unfinished' and row[1] >= moments: return
        # not made yet, or being made
        except (ValueError, sqlite3.OperationalError): pass
        time.sleep(0.01)
    pytest.fail(f"no moments of {video} were stored in {HANG_GUARD} s")

def test_a_run_killed_inside_a_video_resumes_where_it_stopped(tmp_path, env):
    """A real `memery index` killed (SIGKILL) once moments of a long video are committed: the next run goes on
    from the last moment stored and ends with the moments of a run never stopped, encoding none twice; the
    index is sound."""
    cheap = dict(fps=5, size=(96, 64), keyframes=1)
    colours = ['yellow', 'blue', 'orange', 'red', 'green', 'purple', 'cyan']
    # 5 minutes of shots of 7 to 9 s: about 100 sampled moments, stored two at a time
    shots = [(7 + k % 3, colours[k % len(colours)]) for k in range(40)]
    write_clip(tmp_path/'walk.mp4', shots, **cheap)
    for name in ('stopped', 'whole'):
        (tmp_path/name).mkdir()
        shutil.copy(tmp_path/'walk.mp4', tmp_path/name/'walk.mp4')
    args = [MEMERY, 'index', str(tmp_path/'stopped'), '--batch-size', '2', '-q', *COLOURS]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        # moments stored after its row's: progress inside the video committed
        wait_for_progress(tmp_path/'stopped', 'walk.mp4', 3, proc)
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=HANG_GUARD) == -signal.SIGKILL
    finally:
        # its decoding process ends with it (it is told to); if ever not, it does not outlive the test
        try: os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError: pass
        proc.communicate()
    before = rows(tmp_path/'stopped', 'walk.mp4')
    assert before[0][3] == 'unfinished' and 3 <= len(before), before
    resumed = indexed(tmp_path/'stopped', '--batch-size', '2', env=env)
    whole = indexed(tmp_path/'whole', '--batch-size', '2', env=env)
    assert len(before) < whole['moments'], (len(before), whole)
    # the video, once; the moments after those stored, each once
    assert (resumed['encoded'], len(before) + resumed['moments']) == (1, whole['moments']), resumed
    after = rows(tmp_path/'stopped', 'walk.mp4')
    assert after[:len(before)] == [(*r[:3], None) for r in before] # kept as they were, not encoded again
    # the same times and vectors as a run never stopped, all done
    assert [r[1:] for r in after] == [r[1:] for r in rows(tmp_path/'whole', 'walk.mp4')]
