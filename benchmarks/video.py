"""Videos as moments: what sampling a 1080p video costs against decoding every frame, and how many moments each kind of
clip keeps per minute, in the same run.

Three synthetic kinds of a minute each, textured and noisy (a camera's noise) so that decoding costs what real video does: a talking head (a still
background, a patch that moves), sport (the whole frame pans, a cut every 3 s) and a slideshow (a new picture every
4 s). Each is written twice with libx264: with a keyframe every second, as phones record, and with the encoder's own
keyframes (every 250 frames, and at cuts), as screen recorders and editors write. Then, on each, the time of
`memery.video.Video.moments` (decoding only what it keeps, and the frames it looks at for cuts) against decoding every
frame (PyAV, threads on), and the moments kept per minute before and after leaving out those alike the one before
(the cosine of the frames at 32x18 stands in for the model's).

Then, with `--long`, a long recording indexed through `memery.core.index_flow` (`memery.testing`'s colour model stands in for
CLIP, on a camera-like clip tinted another colour every 4 s, which it tells apart: this measures decoding and
storing, not the model): how often the progress moves (wall seconds and seconds of video
between two calls), and a run stopped half-way (`KeyboardInterrupt` from the progress callback) then resumed, against
a run never stopped: the work lost, and the moments (the same, none encoded twice). With `--ocr`, the cost of reading
the text in a slideshow's frames (`--ocr` indexing against indexing without it), per minute of video, and OCR turned
on later (`--ocr` after a run without it): the frames of the moments kept read again, nothing encoded, against a
first run with OCR on.

    python benchmarks/video.py               # 60 s clips at 1920x1080
    python benchmarks/video.py --seconds 20 --size 1280x720
    python benchmarks/video.py --long 600 --ocr 120 --size 1280x720 --skip-sampling

With `--apart`, a phone's clip indexed with ViT-B-32 (random weights: the cost of the real model) decoded in this process
(`--workers 0`) against a decoding process of its own (`memery.video.Decoder`, the default), which decodes ahead
while the model encodes.

    python benchmarks/video.py --apart 60 --skip-sampling
"""
import argparse, shutil, tempfile, time
from fractions import Fraction
from pathlib import Path
import numpy as np

def frames(kind: str, seconds: float, fps: int, w: int, h: int, rng):
    "The frames of a clip of `kind`, as RGB arrays."
    # shapes of colour at a coarse scale (what a shot looks like), detail at a fine one
    coarse = lambda: rng.integers(0, 256, (9, 16, 3), dtype=np.uint8).repeat(h // 9 + 1, 0).repeat(w // 16 + 1, 1)[:h, :w]
    texture = lambda: (coarse() // 2 + rng.integers(0, 128, (h // 8, w // 8, 3), dtype=np.uint8).repeat(8, 0).repeat(8, 1))
    wide = np.concatenate([texture(), texture()], 1) if kind == 'sport' else None
    picture = texture()
    noise = [rng.normal(0, 4, (h, w, 1)).astype(np.int16) for _ in range(7)]
    for k in range(int(seconds * fps)):
        t = k / fps
        if kind == 'talking head':
            a = picture.copy()
            y, x = h // 3 + int(20 * np.sin(t * 3)), w // 3 + int(30 * np.cos(t * 2))
            a[y:y + h // 3, x:x + w // 4] = 255 - a[y:y + h // 3, x:x + w // 4]
        elif kind == 'coloured shots':
            # a camera's picture tinted by a colour that changes every 4 s: the colour model tells them apart
            if k % (4 * fps) == 0: tint = np.array(TINTS[k // (4 * fps) % len(TINTS)], np.uint16)
            a = ((picture.astype(np.uint16) + 3 * tint) // 4).astype(np.uint8)
        elif kind == 'sport':
            if k and k % (3 * fps) == 0: wide = np.concatenate([texture(), texture()], 1) # a cut
            offset = (k % (3 * fps)) * 8
            a = wide[:, offset:offset + w]
        else:
            if k and k % (4 * fps) == 0: picture = texture()
            a = picture
        # a camera's noise: every frame differs a little everywhere, as in real video
        yield np.clip(a.astype(np.int16) + noise[k % len(noise)], 0, 255).astype(np.uint8)

TINTS = [(255, 0, 0), (255, 140, 0), (255, 255, 0), (0, 153, 0), (0, 255, 255), (0, 0, 255), (128, 0, 128),
         (255, 191, 204), (153, 102, 51)] # the colour model's palette

def write(path: Path, kind: str, seconds: float, fps: int, w: int, h: int, keyframes: float|None):
    import av
    rng = np.random.default_rng(0)
    with av.open(str(path), 'w') as out:
        # B-frames and CABAC, as phones and editors write
        s = out.add_stream('libx264', rate=fps, options={'preset': 'veryfast', 'crf': '23'})
        s.width, s.height, s.pix_fmt = w, h, 'yuv420p'
        if keyframes: s.codec_context.gop_size = round(keyframes * fps)
        for k, a in enumerate(frames(kind, seconds, fps, w, h, rng)):
            f = av.VideoFrame.from_ndarray(np.ascontiguousarray(a), format='rgb24')
            f.pts, f.time_base = k, Fraction(1, fps)
            out.mux(s.encode(f))
        out.mux(s.encode())

def decode_all(path: Path) -> int:
    import av
    with av.open(str(path)) as c:
        c.streams.video[0].thread_type = 'AUTO'
        return sum(1 for _ in c.decode(video=0))

def look(im) -> np.ndarray:
    "A stand-in for the model's embedding: the frame at 32x18, centred, of length 1."
    v = np.asarray(im.convert('RGB').resize((32, 18)), np.float32).ravel()
    v -= v.mean()
    return v / max(np.linalg.norm(v), 1e-6)

def timed(f):
    wall, cpu = time.perf_counter(), time.process_time()
    out = f()
    return out, time.perf_counter() - wall, time.process_time() - cpu

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--seconds', type=float, default=60)
    p.add_argument('--size', default='1920x1080')
    p.add_argument('--fps', type=int, default=30)
    p.add_argument('--long', type=float, default=0, help="seconds of a long recording to stop and resume")
    p.add_argument('--ocr', type=float, default=0, help="seconds of a slideshow to read the text of")
    p.add_argument('--apart', type=float, default=0, help="seconds of a clip indexed with and without a decoder")
    p.add_argument('--skip-sampling', action='store_true', help="only --long, --ocr and --apart")
    args = p.parse_args()
    w, h = map(int, args.size.split('x'))
    work = Path(tempfile.mkdtemp())
    if not args.skip_sampling: sampling(args, w, h, work)
    if args.long: stopped_and_resumed(args, w, h, work)
    if args.ocr: text_read(args, w, h, work)
    if args.apart: decoded_apart(args, w, h, work)

def sampling(args, w: int, h: int, work: Path):
    from memery.video import Video
    print(f"{args.seconds:g} s clips at {w}x{h}, {args.fps} fps, libx264; times are wall (CPU) seconds on this machine\n")
    print(f"| clip | keyframes | decode every frame | memery's moments | speed-up | moments/min | kept/min |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for kind in ('talking head', 'sport', 'slideshow'):
        for keyframes, said in ((1, 'every 1 s'), (None, "encoder's")):
            path = work/f"{kind.replace(' ', '-')}-{said.split()[0]}.mp4"
            write(path, kind, args.seconds, args.fps, w, h, keyframes)
            _, all_wall, all_cpu = timed(lambda: decode_all(path))
            def sample():
                with Video(path) as v: return [(m.time, look(m.image)) for m in v.moments()]
            moments, wall, cpu = timed(sample)
            kept, last = 0, None
            for _, v in moments:
                if last is None or float(v @ last) < 0.97: kept, last = kept + 1, v
            per_minute = 60 / args.seconds
            print(f"| {kind} | {said} | {all_wall:.2f} ({all_cpu:.2f}) | {wall:.2f} ({cpu:.2f}) | {all_wall / wall:.1f}x "
                  f"| {len(moments) * per_minute:.0f} | {kept * per_minute:.0f} |")

def indexed(folder: Path, progress=None, **options):
    "`folder` indexed with the colour model: its index, the wall seconds it took."
    from memery.core import index_flow
    return timed(lambda: index_flow(folder, colours(), progress=progress, **options))[:2]

def colours():
    from memery.options import Options
    return Options('memery.testing:colour_model', pretrained=None)

def moment_times(index) -> list[float]:
    return [t for t, in index.db.execute('SELECT time FROM images WHERE time IS NOT NULL ORDER BY time')]

def stopped_and_resumed(args, w: int, h: int, work: Path):
    "A long recording: progress granularity; stopped half-way and resumed, against a run never stopped."
    import shutil
    whole, stopped = work/'whole', work/'stopped'
    whole.mkdir()
    # a shot of another colour every 4 s; a screen recording's long groups of pictures, decoded throughout
    write(whole/'recording.mp4', 'coloured shots', args.long, args.fps, w, h, 10)
    shutil.copytree(whole, stopped)
    calls = []
    index, wall = indexed(whole, progress=lambda done, total: calls.append((time.perf_counter(), done, total)))
    gaps = np.diff([c[0] for c in calls[1:]]) # from the first chunk stored: the model loads before it
    total = calls[-1][2]
    print(f"\n{args.long:g} s recording at {w}x{h}, a keyframe every 10 s: indexed in {wall:.1f} s, "
          f"{index.report.moments} moments; progress told {len(calls)} times over {total} steps, "
          f"every {np.median(gaps):.2f} s (at most {gaps.max():.2f} s) of work, "
          f"every {args.long / max(1, len(calls) - 2):.1f} s of video")
    def stop_half_way(done, total):
        if done >= total // 2: raise KeyboardInterrupt
    began = time.perf_counter()
    try: indexed(stopped, progress=stop_half_way)
    except KeyboardInterrupt: pass
    first = time.perf_counter() - began
    from memery.core import open_index
    before = len(moment_times(open_index(stopped, colours())))
    again, second = indexed(stopped)
    same = moment_times(again) == moment_times(index)
    print(f"stopped half-way after {first:.1f} s with {before} moments stored, resumed in {second:.1f} s: "
          f"{first + second:.1f} s in all against {wall:.1f} s never stopped ({first + second - wall:+.1f} s); "
          f"moments encoded after resuming {again.report.moments}, {before} + {again.report.moments} = "
          f"{before + again.report.moments} against {index.report.moments}; the same times: {same}")

def text_read(args, w: int, h: int, work: Path):
    "The cost of reading a slideshow's text, per minute of video."
    import av
    from PIL import Image
    from memery.testing import make_words_folder
    slides = make_words_folder(work/'slides', screens=8, photos_per_folder=0)
    pictures = [Image.open(work/'slides'/rel).convert('RGB').resize((w, h)) for rel in slides.screens]
    for name in ('plain', 'read', 'later'):
        (work/name).mkdir()
        with av.open(str(work/name/'talk.mp4'), 'w') as out:
            s = out.add_stream('libx264', rate=args.fps, options={'preset': 'veryfast'})
            s.width, s.height, s.pix_fmt = w, h, 'yuv420p'
            # a new slide every 15 s, as a talk shows them
            for k in range(int(args.ocr * args.fps)):
                out.mux(s.encode(av.VideoFrame.from_image(pictures[k // (15 * args.fps) % len(pictures)])))
            out.mux(s.encode())
    plain, plain_wall = indexed(work/'plain')
    read, read_wall = indexed(work/'read', ocr=True)
    indexed(work/'later')
    later, later_wall = indexed(work/'later', ocr=True)
    texts = lambda index: index.db.execute("SELECT time, text FROM images JOIN words ON words.rowid = images.id "
                                           "WHERE text != '' ORDER BY time").fetchall()
    words = len(texts(read))
    minutes = args.ocr / 60
    print(f"\n{args.ocr:g} s slideshow at {w}x{h} (a new slide every 15 s): indexed in {plain_wall:.1f} s without OCR, "
          f"{read_wall:.1f} s with it ({read_wall / plain_wall:.1f}x); OCR costs {(read_wall - plain_wall) / minutes:.1f} s "
          f"per minute of video; {read.report.moments} moments, {words} with text read")
    print(f"OCR turned on later: {later_wall:.1f} s ({later.report.encoded} encoded, {later.report.read} read) against "
          f"{read_wall:.1f} s for a first run with OCR on ({later_wall / read_wall:.2f}x); "
          f"the same text at the same times: {texts(later) == texts(read)}")

def decoded_apart(args, w: int, h: int, work: Path):
    "A clip indexed with ViT-B-32, decoded in this process and in a decoding process of its own."
    from memery.core import index_flow
    from memery.options import Options
    clip = work/'apart'/'clip.mp4'
    clip.parent.mkdir()
    write(clip, 'sport', args.apart, args.fps, w, h, 1)
    # the model loaded and exported before either is timed
    model = Options('ViT-B-32', pretrained=None)
    index_flow(clip.parent, model, num_workers=0)
    times = {}
    for workers in (0, None, 0, None):
        shutil.rmtree(clip.parent/'.memery', ignore_errors=True)
        index, wall = timed(lambda: index_flow(clip.parent, model, num_workers=workers))[:2]
        times.setdefault(workers, []).append(wall)
    here, apart = min(times[0]), min(times[None])
    print(f"\n{args.apart:g} s phone clip at {w}x{h}, ViT-B-32 (random weights), {index.report.moments} moments: "
          f"decoded in this process {here:.1f} s, in a decoding process {apart:.1f} s ({here / apart:.2f}x), best of 2")

if __name__ == '__main__':
    main()
