"""Videos as moments: what sampling a 1080p video costs against decoding every frame, and how many moments each kind of
clip keeps per minute, in the same run.

Three synthetic kinds of a minute each, textured and noisy (a camera's noise) so that decoding costs what real video does: a talking head (a still
background, a patch that moves), sport (the whole frame pans, a cut every 3 s) and a slideshow (a new picture every
4 s). Each is written twice with libx264: with a keyframe every second, as phones record, and with the encoder's own
keyframes (every 250 frames, and at cuts), as screen recorders and editors write. Then, on each, the time of
`memery.video.Video.moments` (decoding only what it keeps, and the frames it looks at for cuts) against decoding every
frame (PyAV, threads on), and the moments kept per minute before and after leaving out those alike the one before
(the cosine of the frames at 32x18 stands in for the model's).

    python benchmarks/video.py               # 60 s clips at 1920x1080
    python benchmarks/video.py --seconds 20 --size 1280x720
"""
import argparse, tempfile, time
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
        elif kind == 'sport':
            if k and k % (3 * fps) == 0: wide = np.concatenate([texture(), texture()], 1) # a cut
            offset = (k % (3 * fps)) * 8
            a = wide[:, offset:offset + w]
        else:
            if k and k % (4 * fps) == 0: picture = texture()
            a = picture
        # a camera's noise: every frame differs a little everywhere, as in real video
        yield np.clip(a.astype(np.int16) + noise[k % len(noise)], 0, 255).astype(np.uint8)

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
    args = p.parse_args()
    from memery.video import Video
    w, h = map(int, args.size.split('x'))
    work = Path(tempfile.mkdtemp())
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

if __name__ == '__main__':
    main()
