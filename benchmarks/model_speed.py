"""Encoding speed of candidate default models, on this machine's CPU (or GPU), relative to ViT-B-32.

Random weights cost exactly what trained ones do, so no download is needed. Each model encodes batches of images
and single texts; rounds alternate between the models and each model's best round counts.

    python benchmarks/model_speed.py
    python benchmarks/model_speed.py --models ViT-B-32 ViT-B-16 --rounds 3 --batch-size 32
"""
import argparse, time, warnings
import torch
from memery.models import load_encoder

def image_rate(enc, batch: torch.Tensor) -> float:
    start = time.perf_counter()
    enc.encode_images(batch)
    return len(batch) / (time.perf_counter() - start)

def text_ms(enc, reps: int=5) -> float:
    start = time.perf_counter()
    for _ in range(reps): enc.encode_texts(['a dog on a skateboard, blue sky'])
    return (time.perf_counter() - start) / reps * 1000

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--models', nargs='+', default=['ViT-B-32', 'ViT-B-32-256', 'ViT-B-16'])
    p.add_argument('--batch-size', type=int, default=32)
    p.add_argument('--rounds', type=int, default=3)
    args = p.parse_args()
    warnings.simplefilter('ignore')
    encoders = {m: load_encoder(m, None) for m in args.models}
    batches = {m: torch.randn(args.batch_size, 3, e.image_size, e.image_size) for m, e in encoders.items()}
    for m, e in encoders.items(): e.encode_images(batches[m][:2]) # warm up
    images, texts = {m: 0.0 for m in encoders}, {m: float('inf') for m in encoders}
    for _ in range(args.rounds):
        for m, e in encoders.items():
            images[m] = max(images[m], image_rate(e, batches[m]))
            texts[m] = min(texts[m], text_ms(e))
    base = args.models[0]
    print(f"{next(iter(encoders.values())).device}, {torch.get_num_threads()} threads, batches of {args.batch_size}")
    for m in encoders:
        print(f"{m:16s} {images[m]:6.1f} images/s ({images[m] / images[base]:.2f}x {base})   text query {texts[m]:5.0f} ms")

if __name__ == '__main__': main()
