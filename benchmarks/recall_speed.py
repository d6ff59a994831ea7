"""Wall time of `memery recall` on an indexed folder: queries by words, and by an example picture from outside the folder,
through the ONNX export (no PyTorch) against the same queries through PyTorch and open_clip, in fresh processes, as a
user runs them from a shell.

    python benchmarks/recall_speed.py                 # ViT-B-32 with random weights: the cost of a trained one
    python benchmarks/recall_speed.py --model ViT-B-16 --runs 7
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time
from pathlib import Path
from PIL import Image

MEMERY = str(Path(sys.executable).parent/'memery')
QUERIES = ['a red car', 'a dog on a skateboard, blue sky', 'the receipt from the plumber', 'a bowl of fruit']

def wall(cmd, env) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--model', default='ViT-B-32')
    p.add_argument('--runs', type=int, default=5, help="searches per way (the queries in turn)")
    args = p.parse_args()
    work = Path(tempfile.mkdtemp())
    env = {**os.environ, 'XDG_CACHE_HOME': str(work/'cache'), 'MEMERY_INDEX_DIR': ''}
    shutil.copytree(Path(__file__).resolve().parent.parent/'images', work/'images', ignore=shutil.ignore_patterns('.*'))
    model = ['--model', args.model, '--pretrained', 'none']
    subprocess.run([MEMERY, 'index', str(work/'images'), *model, '--quiet'], env=env, check=True, capture_output=True)
    [export] = (work/'cache'/'memery'/'exports').iterdir()
    manifest = json.loads((export/'manifest.json').read_text())
    outside = work/'outside.jpg'
    Image.open(work/'images'/'food'/'fries_ganson.png').convert('RGB').rotate(10).save(outside)
    kinds = {'words': lambda i: [QUERIES[i % len(QUERIES)]], 'picture': lambda i: ['--image', str(outside)]}
    times = {(kind, way): [] for kind in kinds for way in ('onnx', 'torch')}
    for i in range(args.runs):
        for kind, way in times: # alternating, so that both ways see the same machine
            if way == 'torch': (export/'manifest.json').write_text(json.dumps({**manifest, 'failed': 'benchmark: PyTorch'}))
            times[kind, way].append(wall([MEMERY, 'recall', str(work/'images'), *kinds[kind](i), *model, '--quiet'], env))
            (export/'manifest.json').write_text(json.dumps(manifest))
    print(f"memery recall, {args.model}, median of {args.runs} fresh processes on {os.cpu_count()} cores")
    for kind in kinds:
        onnx, torch = statistics.median(times[kind, 'onnx']), statistics.median(times[kind, 'torch'])
        print(f"  by {kind}: ONNX export (no PyTorch) {onnx:.2f} s (best {min(times[kind, 'onnx']):.2f}), "
              f"PyTorch + open_clip {torch:.2f} s (best {min(times[kind, 'torch']):.2f}): {onnx / torch:.2f} of the time, {torch / onnx:.1f}x faster")
    shutil.rmtree(work, ignore_errors=True)

if __name__ == '__main__': main()
