"""Updating a big folder's index: what the vector file costs an update that changes a few images, and what the changes
then cost each search, now that the file is written again only once `VECTOR_CHANGES_MAX` rows have changed.

The baseline, in the same run, is what every such update did before: write the whole vector file again (and a
long-running process, such as `memery serve`, then loads it again for its next search). The vectors are synthetic
and shaped like CLIP's (`memery.testing.clip_like`), stored through memery's own `Index`; the queries are text-like.

    python benchmarks/update_speed.py                   # 200,000 images
    python benchmarks/update_speed.py --size 1000000
"""
import argparse, statistics, tempfile, time
from pathlib import Path
from memery.indexer import Entry, Index
from memery.loader import Changes
from memery.vectors import VECTOR_CHANGES_MAX, nearest, vector_file, write_vector_file
from memery.testing import clip_like, isolate_tests, text_like

def p50_ms(index: Index, queries) -> float:
    "The median time of a search (10 results) in a process that has searched the index before."
    nearest(index, queries[0], 10)
    times = []
    for q in queries:
        start = time.perf_counter(); nearest(index, q, 10); times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--size', type=int, default=200_000)
    p.add_argument('--dim', type=int, default=512)
    args = p.parse_args()
    isolate_tests() # its files (gigabytes at a million images) go to a scratch folder, removed at exit
    work = Path(tempfile.mkdtemp())
    vectors, queries = clip_like(args.size + VECTOR_CHANGES_MAX, args.dim), text_like(30, args.size, args.dim)
    index = Index(work/'index', 'synthetic/none', work/'photos', create=True)
    for s in range(0, args.size, 20_000):
        index.add([Entry(f'{i:07d}.jpg', 1000, i, f'h{i}', 800, 600, vector=v) for i, v in enumerate(vectors[s:min(s + 20_000, args.size)], s)])
    write_vector_file(index)
    print(f"{args.size:,} images of {args.dim} dimensions; searches of 10 results, median of {len(queries)}")
    print(f"  search, nothing changed since the file was written: {p50_ms(index, queries):.1f} ms")
    new = iter(range(args.size, args.size + VECTOR_CHANGES_MAX))
    def change(n: int): # n images: half new, a quarter re-encoded, a quarter deleted
        index.add([Entry(f'{i:07d}.jpg', 1000, i, f'h{i}', 800, 600, vector=vectors[i]) for i in (next(new) for _ in range(n // 2))])
        index.add([Entry(f'{i:07d}.jpg', 1000, i, f'again{i}', 800, 600, vector=vectors[-1 - i]) for i in range(n // 4)])
        index.apply(Changes(deleted=[f'{i:07d}.jpg' for i in range(args.size - n // 4, args.size)]), {})
    done = 0
    for n in (10, 1000, VECTOR_CHANGES_MAX - 1010):
        change(n); done += n
        start = time.perf_counter(); vf = vector_file(index); kept = time.perf_counter() - start
        assert vf is not None and 0 < len(vf.changed) <= VECTOR_CHANGES_MAX
        print(f"  after {done:,} changed: the update keeps the file ({kept * 1000:.1f} ms to check it, {len(vf.changed):,} rows recorded); "
              f"search {p50_ms(index, queries):.1f} ms")
    start = time.perf_counter(); write_vector_file(index); rewrite = time.perf_counter() - start
    start = time.perf_counter(); nearest(index, queries[0], 10); reload = time.perf_counter() - start
    print(f"  writing the file again, as every update did before: {rewrite:.2f} s, then {reload:.2f} s for a running process's next search "
          f"(it loads the new file): {rewrite / max(kept, 1e-4):,.0f}x the check that replaces it")

if __name__ == '__main__': main()
