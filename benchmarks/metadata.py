"""What photos say about themselves, at a cost: reading their headers against decoding them, and a search filtered by
date against the same search unfiltered, in one run.

- headers: `memery.crafter.read_headers` (EXIF, GPS, XMP with a face region, as a phone and a photo manager write
  them) against `read_image` as indexing decodes for ViT-B-32 (drafted to 448 px), on 12 MP JPEGs; and the seconds
  the next update of an index from before metadata spends per 100,000 photos reading them
- filter: `nearest` over synthetic CLIP-like vectors (`memery.testing.clip_like`) with synthetic dates spread over
  20 years, for text-like queries: a year's images, a month's, against no filter

    python benchmarks/metadata.py                      # 40 photos; 100,000 vectors
    python benchmarks/metadata.py --size 1000000
"""
import argparse, statistics, tempfile, time
from pathlib import Path
import numpy as np

def photos(folder: Path, n: int) -> list[Path]:
    "`n` 12 MP JPEGs with a phone's EXIF and GPS and a photo manager's XMP."
    from PIL import Image
    from memery.testing import XMP_WRAP, _bag
    rng = np.random.default_rng(0)
    base = np.asarray(Image.fromarray(rng.integers(0, 255, (300, 400, 3), dtype=np.uint8)).resize((4000, 3000)))
    xmp = XMP_WRAP.format(_bag('mwg-rs:RegionList', '<mwg-rs:Name>Jenny Baker</mwg-rs:Name>')).encode()
    paths = []
    for i in range(n):
        ex = Image.Exif()
        ex.update({0x010F: 'Apple', 0x0110: 'iPhone 12'})
        ex.get_ifd(0x8769).update({0x9003: f'2019:07:{1 + i % 28:02} 18:03:22', 0x9011: '+01:00'})
        ex.get_ifd(0x8825).update({1: 'N', 2: (38.0, 43.0, float(i % 60)), 3: 'W', 4: (9.0, 8.0, 21.0)})
        paths.append(folder/f'IMG_{i:04}.jpg')
        Image.fromarray(np.roll(base, i, axis=1)).save(paths[-1], quality=90, exif=ex, xmp=xmp)
    return paths

def per_photo(read, paths) -> float:
    "Median seconds of `read` per photo, over three passes."
    passes = []
    for _ in range(3):
        start = time.perf_counter()
        for p in paths: read(p)
        passes.append((time.perf_counter() - start) / len(paths))
    return statistics.median(passes)

def filtered(n: int, dim: int=512, queries: int=50):
    "p50 of a search of `n` synthetic images, unfiltered and filtered by a year and a month."
    from memery.indexer import Entry, Index
    from memery.metadata import About, about_filter
    from memery.vectors import nearest, write_vector_file
    from memery.testing import clip_like, text_like
    work = Path(tempfile.mkdtemp())
    (work/'photos').mkdir()
    vectors, qs = clip_like(n, dim), text_like(queries, n, dim)
    days = np.random.default_rng(1).integers(0, 20 * 365, n)
    index = Index(work/'index', 'synthetic/none', work/'photos')
    start = time.perf_counter()
    for s in range(0, n, 20_000):
        index.add([Entry(f'{i:07d}.jpg', 1000, i, f'h{i}', 800, 600, vector=v,
                         about=About(f'{2005 + d // 365}-{1 + d % 365 // 31:02}-{1 + d % 28:02}T12:00:00', taken_from='exif'))
                   for (i, v), d in zip(enumerate(vectors[s:s + 20_000], s), days[s:s + 20_000])])
    stored = time.perf_counter() - start
    write_vector_file(index)
    taken = lambda start, end: index.ids_about(about_filter(start, end, None, None))
    ways = {'no filter': lambda q: nearest(index, q, 20),
            'a year (5%)': lambda q: nearest(index, q, 20, among=taken('2019-01-01', '2020-01-01')),
            'a month (0.4%)': lambda q: nearest(index, q, 20, among=taken('2019-07-01', '2019-08-01'))}
    for search in ways.values(): search(qs[0])
    times = {name: [] for name in ways}
    for q in qs:
        for name, search in ways.items(): # in turn, so that each sees the same machine
            start = time.perf_counter()
            search(q)
            times[name].append(time.perf_counter() - start)
    return stored, {name: statistics.median(t) * 1000 for name, t in times.items()}

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--photos', type=int, default=40)
    p.add_argument('--size', type=int, default=100_000, help="synthetic images for the filtered search")
    args = p.parse_args()
    from memery.crafter import read_headers, read_image
    from memery.testing import isolate_tests
    isolate_tests()
    folder = Path(tempfile.mkdtemp())
    paths = photos(folder, args.photos)
    headers = per_photo(read_headers, paths)
    decode = per_photo(lambda p: read_image(p, draft_size=448), paths)
    print(f"headers of {args.photos} 12 MP JPEGs (EXIF, GPS, XMP), median of 3 passes:")
    print(f"  read_headers {headers * 1000:.2f} ms a photo; decoding it for ViT-B-32 (read_image, 448 px draft) "
          f"{decode * 1000:.1f} ms: {headers / decode:.1%} of decoding alone")
    print(f"  an index from before metadata: {headers * 100_000:.0f} s per 100,000 photos to read them (one process)")
    stored, p50 = filtered(args.size)
    print(f"\nsearch of {args.size:,} synthetic images with dates over 20 years (stored in {stored:.0f} s), p50 of 50 queries:")
    base = p50['no filter']
    for name, ms in p50.items(): print(f"  {name:<15} {ms:8.1f} ms  {ms / base:5.2f}x no filter")

if __name__ == '__main__': main()
