"""Indexing on Ray Data against memery's own pipeline: the same folder, model and options, in the same run.

Each side indexes a fresh copy of the index in a process of its own, from the start of the process to the index
written, model loading included: `memery index` as a user runs it, with and without `--ray` (a Ray started on
this machine, for the run). Rounds alternate between the sides and each side's best round counts, so a noisy
neighbour slows both alike. Then the two indexes are compared: the same images, their vectors, and the ranking
and scores of a few text queries.

    python benchmarks/distributed.py                              # 300 of the repository's example images, ViT-B-32
    python benchmarks/distributed.py --n 1000 --rounds 3 --model ViT-B-16

Prints seconds and images/s for each side, Ray's time as a multiple of the local run's (its overhead on one
machine: starting Ray, moving pixels through its object store, a model per actor), and the largest difference
of a vector and of a score between the two indexes.
"""
import argparse, shutil, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np
from memery.fileutils import is_image_name

IMAGES = Path(__file__).resolve().parent.parent/'images'
QUERIES = ['a dog', 'a red car', 'a plate of food', 'a tall building at night', 'flowers in a garden']

def sample(n: int, dest: Path) -> list[Path]:
    "Copy `n` of the repository's example photos (cycling through them) into `dest`, under distinct names."
    files = sorted(p for p in IMAGES.rglob('*') if is_image_name(p.name))
    dest.mkdir(parents=True)
    return [Path(shutil.copy(files[i % len(files)], dest/f'{i:05d}-{files[i % len(files)].name}')) for i in range(n)]

def index_seconds(folder: Path, index_dir: Path, model: str, ray: bool) -> float:
    "Seconds for `memery index` to index `folder` from scratch in a new process, with `--ray` or not."
    shutil.rmtree(index_dir, ignore_errors=True)
    command = [str(Path(sys.executable).parent/'memery'), 'index', str(folder), '--model', model,
               '--pretrained', 'none', '--index-dir', str(index_dir)] + (['--ray', 'local'] if ray else [])
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start

def original(path: str) -> str:
    "The example photo a sampled copy was made from."
    return Path(path).name.split('-', 1)[1]

def compared(folder: Path, local: Path, ray: Path, model: str) -> tuple[float, float, bool]:
    "The largest difference of a vector and of a score between the two indexes, and whether rankings agree."
    from memery.core import open_index, search_flow
    def vectors(index_dir):
        index = open_index(folder, model=model, pretrained=None, index_dir=index_dir)
        rows = index.vectors()
        return dict(zip(rows.paths, rows.matrix))
    a, b = vectors(local), vectors(ray)
    assert sorted(a) == sorted(b), "the two indexes hold different images"
    vector_gap = max(float(np.abs(a[p] - b[p]).max()) for p in a)
    score_gap, same = 0.0, True
    for q in QUERIES:
        ra, rb = (search_flow(folder, q, model=model, pretrained=None, index_dir=d, update=False)
                  for d in (local, ray))
        # copies of one photo tie: the same photos in the same order, whichever copy comes first
        same &= [original(m.path) for m in ra[:20]] == [original(m.path) for m in rb[:20]]
        score_gap = max(score_gap, max(abs(x.score - y.score) for x, y in zip(ra, rb)))
    return vector_gap, score_gap, same

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--n', type=int, default=300, help="photos to index")
    p.add_argument('--model', default='ViT-B-32')
    p.add_argument('--rounds', type=int, default=2)
    args = p.parse_args()
    work = Path(tempfile.mkdtemp())
    try:
        folder = work/'photos'
        sample(args.n, folder)
        times = {'local': [], 'ray': []}
        for _ in range(args.rounds):
            for side in times: times[side].append(index_seconds(folder, work/side, args.model, side == 'ray'))
        local, ray = min(times['local']), min(times['ray'])
        print(f"{args.n} photos, {args.model} (random weights), best of {args.rounds} rounds, model loading included")
        print(f"{'memery, local':>16}: {local:7.1f} s  {args.n / local:6.1f} images/s")
        print(f"{'memery --ray':>16}: {ray:7.1f} s  {args.n / ray:6.1f} images/s  ({ray / local:.2f}x the local run's time)")
        vector_gap, score_gap, same = compared(folder, work/'local', work/'ray', args.model)
        print(f"largest difference: {vector_gap:.1e} in a vector's component, {score_gap:.1e} in a score; "
              f"the top 20 of {len(QUERIES)} queries {'agree' if same else 'DIFFER'}")
    finally: shutil.rmtree(work, ignore_errors=True)

if __name__ == '__main__': main()
