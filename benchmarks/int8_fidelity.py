"""How close 8-bit indexing comes to full precision: memery's int8 image tower (onnxruntime dynamic quantization)
against the fp32 model, and against OpenVINO's post-training quantization (NNCF) where it is installed.

For each way: the encoder's own speed (batches of 32 decoded beforehand), each image's cosine to its fp32 embedding,
and the top-10 overlap of 100 text queries (encoded once, at full precision) searched over the fp32 vectors and over
the int8 ones. The images are the benchmark corpus (benchmarks/get_data.sh: clip-art PNGs and photos).

    python benchmarks/int8_fidelity.py
    python benchmarks/int8_fidelity.py --model ViT-B-32 --pretrained laion2b_s34b_b79k --images 2000   # trained weights
"""
import argparse, time, warnings
from pathlib import Path
import numpy as np
import torch
from memery.crafter import craft, jpeg_draft_size
from memery.models import load_encoder
from memery.fileutils import is_image_name, with_precision

DATA = Path(__file__).resolve().parent/'data'
WORDS = ("dog cat car bicycle tree flower house mountain beach sea boat plane train bird horse cow sheep elephant bear zebra "
         "giraffe pizza cake apple banana orange clock phone laptop keyboard book chair sofa bed table window door street "
         "bridge tower castle church river lake forest desert snow rain sunset sky cloud moon star fire smoke city road "
         "field garden park market kitchen office school hospital station airport stadium museum library painting drawing "
         "cartoon logo icon map chart diagram text sign poster flag toy ball shoe hat shirt dress glasses watch ring guitar "
         "piano drum violin robot computer screen television camera lamp candle bottle cup plate knife fork spoon").split()

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--model', default='ViT-B-32')
    p.add_argument('--pretrained', default=None, help="weights (default: random, which is all this offline machine has)")
    p.add_argument('--images', type=int, default=1000)
    args = p.parse_args()
    warnings.simplefilter('ignore')
    files = sorted(f for d in (DATA/'photos', DATA/'pngs') for f in d.iterdir() if is_image_name(f.name))
    if not files: raise SystemExit("no images: run benchmarks/get_data.sh first")
    files = [files[i] for i in np.linspace(0, len(files) - 1, min(args.images, len(files))).astype(int)]
    full = load_encoder(args.model, args.pretrained)
    int8 = load_encoder(with_precision(args.model, 'int8'), args.pretrained)
    batches = [b.pixels for b in craft(files, full.preprocess, 32, draft_size=jpeg_draft_size(full.image_size))]
    queries = full.encode_texts([f"a photo of a {w}" for w in WORDS[:100]])
    ways = {'fp32 (PyTorch)': full.encode_images, 'int8, onnxruntime dynamic (memery)': int8.encode_images}
    try:
        import nncf, openvino as ov
        core = ov.Core()
        graph = core.read_model(int8.tower.folder/'image.onnx')
        for name, hint in [('fp32, OpenVINO', 'f32'), ('int8, OpenVINO + NNCF', 'f32')]:
            model = graph if 'NNCF' not in name else nncf.quantize(graph, nncf.Dataset([b.numpy() for b in batches[:8]]),
                                                                  model_type=nncf.ModelType.TRANSFORMER, subset_size=256)
            compiled = core.compile_model(model, 'CPU', {'INFERENCE_PRECISION_HINT': hint})
            ways[name] = lambda x, c=compiled: (lambda v: v / np.linalg.norm(v, axis=1, keepdims=True))(c(x.numpy())[0])
    except ImportError: print("(OpenVINO and NNCF are not installed: their rows are left out)")
    vectors, speed = {}, {}
    for name, encode in ways.items():
        encode(batches[0])
        start = time.perf_counter()
        vectors[name] = np.concatenate([encode(b) for b in batches])
        speed[name] = len(files) / (time.perf_counter() - start)
    reference = vectors['fp32 (PyTorch)']
    truth = np.argsort(-(queries @ reference.T), axis=1)[:, :10]
    print(f"{args.model} ({args.pretrained or 'random weights'}), {len(files)} images ({sum('photos' in str(f) for f in files)} photos), "
          f"{torch.get_num_threads()} threads")
    print(f"  {'way':36s} {'images/s':>9s} {'speed':>6s} {'min cos':>8s} {'median':>8s} {'top-10 overlap':>15s}")
    for name, v in vectors.items():
        cos = (v * reference).sum(1)
        top = np.argsort(-(queries @ v.T), axis=1)[:, :10]
        overlap = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(top, truth)])
        print(f"  {name:36s} {speed[name]:9.1f} {speed[name] / speed['fp32 (PyTorch)']:5.2f}x {cos.min():8.4f} {np.median(cos):8.4f} {overlap:15.3f}")

if __name__ == '__main__': main()
