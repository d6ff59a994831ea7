"""A re-index with nothing changed: `index_flow` on N files (100,000 by default) that its index already holds, against the
floor of any such check, walking the tree and stat-ing every file (`os.walk` + `os.stat`), in the same run.

The files are tiny and the index rows are written to match them (synthetic vectors through memery's own `Index`), so
nothing is decoded and no model is loaded, as in a real rerun where nothing changed.

    python benchmarks/reindex_speed.py
    python benchmarks/reindex_speed.py --files 200000 --rounds 5
"""
import argparse, os, shutil, tempfile, time
from pathlib import Path
from memery.core import index_flow, open_index
from memery.indexer import Entry
from memery.testing import clip_like

COLOURS = 'memery.testing:colour_model' # a model needs naming; it is never loaded

def walk_and_stat(root: Path) -> int:
    n = 0
    for folder, _, names in os.walk(root):
        for name in names: os.stat(os.path.join(folder, name)); n += 1
    return n

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--files', type=int, default=100_000)
    p.add_argument('--rounds', type=int, default=3)
    args = p.parse_args()
    work = Path(tempfile.mkdtemp())
    root = work/'photos'
    files = []
    for i in range(args.files):
        folder = root/f'{i // 5000:03d}'/f'{i // 100:05d}'
        if i % 100 == 0: folder.mkdir(parents=True)
        (folder/f'IMG_{i:07d}.jpg').write_bytes(b'x')
        files.append((folder/f'IMG_{i:07d}.jpg').relative_to(root).as_posix())
    index = open_index(root, model=COLOURS, pretrained=None, create=True)
    vectors = clip_like(args.files, dim=12)
    for start in range(0, args.files, 10_000):
        index.add([Entry(f, st.st_size, st.st_mtime_ns, f'h{i}', 8, 8, vector=vectors[i])
                   for i, f in enumerate(files[start:start + 10_000], start) for st in [os.stat(root/f)]])
    best = {'memery': float('inf'), 'walk + stat': float('inf')}
    for _ in range(args.rounds): # alternating, each side's best round
        start = time.perf_counter(); report = index_flow(root, model=COLOURS, pretrained=None).report; best['memery'] = min(best['memery'], time.perf_counter() - start)
        assert (report.encoded, report.unchanged) == (0, args.files), report
        start = time.perf_counter(); walk_and_stat(root); best['walk + stat'] = min(best['walk + stat'], time.perf_counter() - start)
    print(f"re-index of {args.files:,} unchanged files, best of {args.rounds}")
    print(f"  memery index_flow: {best['memery']:.2f} s ({best['memery'] / args.files * 100_000:.2f} s per 100,000 files)")
    print(f"  os.walk + os.stat: {best['walk + stat']:.2f} s")
    print(f"  ratio: memery takes {best['memery'] / best['walk + stat']:.1f}x the bare walk")
    shutil.rmtree(work, ignore_errors=True)

if __name__ == '__main__': main()
