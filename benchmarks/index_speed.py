"""Indexing speed: memery's pipeline against a naive loop, on the same images and model, in the same run.

The naive loop is what a first attempt at CLIP indexing does in one process: open each file with Pillow, decode it
in full, apply the model's transform, and encode it. It runs twice: one image at a time, as such a loop is usually
written, and in batches of memery's size, which isolates what memery's decoding and pipeline gain from what
batching alone gains. memery's side is `index_flow` on a fresh index: scanning,
fingerprinting, draft-mode JPEG decoding in DataLoader worker processes, encoding, and committing every batch to
SQLite. The model is loaded once beforehand for both; random weights cost exactly what trained ones do.

    python benchmarks/index_speed.py                 # after benchmarks/get_data.sh
    python benchmarks/index_speed.py --photos DIR --pngs DIR --n-photos 100 --n-pngs 256 --rounds 2

memery runs twice more: with `precision='int8'` (the image tower quantized to 8-bit integers), and as the encoder alone, on
batches decoded beforehand, at both precisions: the speed the pipeline aims at.

Prints images/s for each side and each kind of image, and memery's speed as a multiple of each naive loop's. Rounds alternate between the
two sides, and each side's best round counts, so a noisy neighbour slows both alike.
"""
import argparse, shutil, tempfile, time, warnings
from pathlib import Path
import torch
from PIL import Image
from memery.core import index_flow
from memery.models import load_encoder
from memery.fileutils import is_image_name, with_precision

DATA = Path(__file__).resolve().parent/'data'

def sample(folder: Path, n: int, dest: Path) -> list[Path]:
    "Copy `n` images of `folder` (cycling through them if it has fewer) into `dest`, under distinct names."
    files = sorted(p for p in folder.rglob('*') if p.is_file() and is_image_name(p.name))
    if not files: raise SystemExit(f"no images in {folder}: run benchmarks/get_data.sh, or pass another folder")
    dest.mkdir(parents=True)
    return [Path(shutil.copy(files[i % len(files)], dest/f'{i:05d}-{files[i % len(files)].name}')) for i in range(n)]

def naive(paths: list[Path], enc, batch_size: int) -> float:
    "Seconds to decode, transform and encode `paths` in one process, one file after another, `batch_size` at a time."
    start = time.perf_counter()
    for i in range(0, len(paths), batch_size):
        pixels = torch.stack([enc.preprocess(Image.open(p).convert('RGB')) for p in paths[i:i + batch_size]])
        enc.encode_images(pixels)
    return time.perf_counter() - start

def encoder_alone(paths: list[Path], enc, batch_size: int) -> float:
    "Seconds for the encoder alone to encode `paths`, decoded and transformed beforehand: the speed the pipeline aims at."
    pixels = torch.stack([enc.preprocess(Image.open(p).convert('RGB').reduce(4)) for p in paths[:batch_size]])
    start = time.perf_counter()
    for _ in range(0, len(paths), batch_size): enc.encode_images(pixels)
    return (time.perf_counter() - start) * len(paths) / (batch_size * -(-len(paths) // batch_size))

def ours(folder: Path, model: str, batch_size: int, precision: str='fp32') -> float:
    "Seconds for `index_flow` to index `folder` from scratch."
    index_root = Path(tempfile.mkdtemp())
    start = time.perf_counter()
    idx = index_flow(folder, model=model, pretrained=None, index_dir=index_root, batch_size=batch_size, precision=precision)
    elapsed = time.perf_counter() - start
    assert idx.report.encoded == len(list(folder.iterdir())), idx.report
    shutil.rmtree(index_root)
    return elapsed

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--photos', type=Path, default=DATA/'photos')
    p.add_argument('--pngs', type=Path, default=DATA/'pngs')
    p.add_argument('--n-photos', type=int, default=100)
    p.add_argument('--n-pngs', type=int, default=256)
    p.add_argument('--model', default='ViT-B-32')
    p.add_argument('--batch-size', type=int, default=32)
    p.add_argument('--rounds', type=int, default=2)
    args = p.parse_args()
    warnings.simplefilter('ignore')
    enc = load_encoder(args.model, None)
    int8 = load_encoder(with_precision(args.model, 'int8'), None) # quantized once, before any timing
    print(f"{args.model} (random weights), {enc.device}, {torch.get_num_threads()} torch threads, batch size {args.batch_size}")
    work = Path(tempfile.mkdtemp())
    for kind, folder, n in [('large JPEG photos', args.photos, args.n_photos), ('small PNGs', args.pngs, args.n_pngs)]:
        paths = sample(folder, n, work/kind.replace(' ', '-'))
        megapixels = sum(w * h for w, h in (Image.open(p).size for p in paths)) / len(paths) / 1e6
        times = {'naive, one at a time': [], f'naive, batches of {args.batch_size}': [], 'memery': [], 'memery, int8': [],
                 'encoder alone': [], 'encoder alone, int8': []}
        for _ in range(args.rounds):
            times['naive, one at a time'].append(naive(paths, enc, 1))
            times[f'naive, batches of {args.batch_size}'].append(naive(paths, enc, args.batch_size))
            times['memery'].append(ours(paths[0].parent, args.model, args.batch_size))
            times['memery, int8'].append(ours(paths[0].parent, args.model, args.batch_size, 'int8'))
            times['encoder alone'].append(encoder_alone(paths, enc, args.batch_size))
            times['encoder alone, int8'].append(encoder_alone(paths, int8, args.batch_size))
        rates = {side: n / min(t) for side, t in times.items()}
        print(f"{kind}: {n} images, {megapixels:.1f} MP on average")
        for side, rate in rates.items():
            if side.startswith('naive'): versus = f"   memery is {rates['memery'] / rate:.2f}x faster"
            elif side == 'memery, int8': versus = f"   {rate / rates['memery']:.2f}x memery at fp32"
            elif side.startswith('encoder'):
                ours_at = 'memery' + side[len('encoder alone'):]
                versus = f"   memery{side[len('encoder alone'):]} runs at {rates[ours_at] / rate:.0%} of it"
            else: versus = ''
            print(f"  {side:24s} {rate:6.1f} images/s{versus}")
    shutil.rmtree(work)

if __name__ == '__main__': main()
