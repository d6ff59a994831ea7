"""`memery dupes` at scale: groups of near-copies among N indexed images (100,000 by default), from the index alone,
against comparing every pair by blocks of a matrix product (timed on a slice of the rows and scaled up, in the same run).

The vectors are synthetic and built to look like CLIP's (they lean one way and cluster), with planted groups of three
near-copies; they are stored through memery's own `Index`, so reading them back is part of the cost, as it is for a user.

    python benchmarks/dupes_speed.py
    python benchmarks/dupes_speed.py --images 200000 --groups 2000
"""
import argparse, tempfile, time
from pathlib import Path
from memery.dupes import duplicate_groups, exact_pairs
from memery.indexer import Entry, Index
from memery.testing import clip_like, isolate_tests

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--images', type=int, default=100_000)
    p.add_argument('--groups', type=int, default=1_000, help="planted groups of three near-copies")
    p.add_argument('--dim', type=int, default=512)
    p.add_argument('--slice', type=int, default=5_000, help="rows compared with all others to time the exact way")
    args = p.parse_args()
    isolate_tests() # its files go to a scratch folder, removed at exit
    work = Path(tempfile.mkdtemp())
    (work/'photos').mkdir()
    index = Index(work/'index', 'synthetic/none', work/'photos')
    vectors = clip_like(args.images, args.dim, args.groups)
    for start in range(0, args.images, 10_000):
        index.add([Entry(f'{i:07d}.jpg', 1000, i, f'h{i}', 800, 600, vector=v) for i, v in enumerate(vectors[start:start + 10_000], start)])
    index.close()
    index = Index(work/'index', 'synthetic/none', work/'photos', create=False) # read back from disk, as `memery dupes` does
    start = time.perf_counter()
    groups = duplicate_groups(index)
    dupes_s = time.perf_counter() - start
    m = index.vectors().matrix
    start = time.perf_counter()
    m[:args.slice] @ m.T
    exact_slice_s = time.perf_counter() - start
    exact_s = exact_slice_s * args.images / args.slice / 2 # every pair once: half the full product
    in_group = {}
    for n, g in enumerate(groups):
        for path in [g.keeper, *(o.path for o in g.others)]: in_group[int(Path(path).stem)] = n
    true_pairs = exact_pairs(m[:3 * args.groups], 0.95) # the planted ones: near-copies are nowhere else
    found = sum(in_group.get(a, -1) == in_group.get(b, -2) for a, b in true_pairs.tolist())
    print(f"{args.images:,} images of {args.dim} dimensions, {args.groups:,} planted groups of three")
    print(f"  memery dupes (index read, sketches, exact check): {dupes_s:.1f} s, {len(groups):,} groups, "
          f"{found / len(true_pairs):.4f} of the {len(true_pairs):,} planted pairs above 0.95 grouped")
    print(f"  every pair by matrix products: {exact_s:.0f} s (estimated from {args.slice:,} rows against all)")
    print(f"  ratio: {dupes_s / exact_s:.3f} of the time ({exact_s / dupes_s:.0f}x faster)")

if __name__ == '__main__': main()
