"""Finding pictures by their words: recall of phrase and two-keyword queries by looks alone, by words alone and fused
(memery's tiers against reciprocal-rank fusion and normalised score mixing), whether visual queries keep their order,
and what OCR costs per image, with and without text, and on indexing a folder of photos.

    python benchmarks/words.py                 # the generated corpus (60 screenshots, 48 photos) and benchmarks/data/photos
    python benchmarks/words.py --screens 200   # a bigger corpus

The looks side is the colour model of `memery.testing` (no pretrained CLIP can be downloaded here), which cannot read:
what finds a screenshot by its text is OCR and the fusion. Photos for the OCR cost come from `bash benchmarks/get_data.sh`.
"""
import argparse, os, shutil, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np
from PIL import Image

COLOURS = 'memery.testing:colour_model'

def fused_rrf(visual, text, k=60):
    "Reciprocal-rank fusion of two ranked lists of paths."
    score = {}
    for ranking in (visual, text):
        for r, p in enumerate(ranking): score[p] = score.get(p, 0) + 1 / (k + r + 1)
    return sorted(score, key=lambda p: -score[p])

def fused_mix(visual, text, weight=0.5):
    "Min-max normalised cosine plus `weight` times min-max normalised BM25 position (1 for the best word match)."
    vis = {m.path: m.score for m in visual}
    lo, hi = min(vis.values()), max(vis.values())
    words = {m.path: 1 - r / max(len(text), 1) for r, m in enumerate(text)}
    score = {p: (s - lo) / max(hi - lo, 1e-9) + weight * words.get(p, 0) for p, s in vis.items()}
    return sorted(score, key=lambda p: -score[p])

def recall(rankings, answers, k):
    return np.mean([a in r[:k] for r, a in zip(rankings, answers)])

def queries(corpus, rng):
    "Phrase queries (three words in a row from a line) and two-keyword queries (two words, from two lines, that only one screenshot has)."
    phrases, pairs = [], []
    sets = {p: set(' '.join(t).split()) for p, t in corpus.screens.items()}
    for path, text in corpus.screens.items():
        line = text[rng.integers(len(text))].split()
        start = rng.integers(len(line) - 2)
        phrases.append((' '.join(line[start:start + 3]), path))
        for _ in range(50):
            a, b = rng.choice(len(text), 2, replace=False)
            w1, w2 = rng.choice(text[a].split()), rng.choice(text[b].split())
            if w1 != w2 and sum(w1 in s and w2 in s for s in sets.values()) == 1: pairs.append((f'{w1} {w2}', path)); break
    return phrases, pairs

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--screens', type=int, default=60)
    ap.add_argument('--photos-per-folder', type=int, default=8)
    ap.add_argument('--photos', default=str(Path(__file__).parent/'data'/'photos'))
    ap.add_argument('--variants', type=int, default=8, choices=range(1, 9), help="copies of each photo, turned or mirrored, in the indexing comparison")
    args = ap.parse_args()
    from memery.core import index_flow, search_flow
    from memery.testing import make_words_folder
    from memery.words import TextReader
    work = Path(tempfile.mkdtemp())
    corpus = make_words_folder(work/'corpus', screens=args.screens, photos_per_folder=args.photos_per_folder)
    t = time.perf_counter()
    report = index_flow(work/'corpus', model=COLOURS, pretrained=None, ocr=True).report
    print(f"corpus: {len(corpus.screens)} screenshots, {len(corpus.photos)} photos; indexed with OCR in {time.perf_counter() - t:.1f} s ({report.read} read)")

    rng = np.random.default_rng(0)
    phrases, pairs = queries(corpus, rng)
    print(f"\n{len(phrases)} phrase queries, {len(pairs)} two-keyword queries (recall of the screenshot they came from)")
    print(f"{'':24} {'phrase @1':>10} {'phrase @5':>10} {'2 words @1':>11} {'2 words @5':>11}")
    rows = {}
    for name in ('looks alone', 'words alone', 'RRF (k=60)', 'score mixing', 'memery (tiers)'):
        rows[name] = []
    for qs in (phrases, pairs):
        got = {n: [] for n in rows}
        for q, _ in qs:
            look = search_flow(work/'corpus', q, model=COLOURS, pretrained=None, update=False, n=None, match='visual')
            text = search_flow(work/'corpus', q, model=COLOURS, pretrained=None, update=False, n=None, match='text')
            fused = search_flow(work/'corpus', q, model=COLOURS, pretrained=None, update=False, n=None)
            rel = lambda ms: [os.path.relpath(m.path, work/'corpus') for m in ms]
            got['looks alone'].append(rel(look)); got['words alone'].append(rel(text))
            got['RRF (k=60)'].append(fused_rrf(rel(look), rel(text)))
            got['score mixing'].append([os.path.relpath(p, work/'corpus') for p in fused_mix(look, text)])
            got['memery (tiers)'].append(rel(fused))
        for n in rows: rows[n] += [recall(got[n], [a for _, a in qs], 1), recall(got[n], [a for _, a in qs], 5)]
    for n, r in rows.items(): print(f"{n:24} {r[0]:10.3f} {r[1]:10.3f} {r[2]:11.3f} {r[3]:11.3f}")

    print("\nvisual queries with a stray word: a colour, and one word that one screenshot's text holds ('red invoice');"
          " the first result should be a photo of that colour")
    first = {n: [] for n in ('looks alone', 'RRF (k=60)', 'score mixing', 'memery (tiers)')}
    words_seen = sorted({w for t in corpus.screens.values() for w in ' '.join(t).split()})
    colour_of = lambda p: corpus.photos.get(os.path.relpath(p, work/'corpus'))
    for colour in sorted(set(corpus.photos.values())):
        for w in rng.choice(words_seen, 3, replace=False):
            q = f'{colour} {w}'
            look = search_flow(work/'corpus', q, model=COLOURS, pretrained=None, update=False, n=None, match='visual')
            text = search_flow(work/'corpus', q, model=COLOURS, pretrained=None, update=False, n=None, match='text')
            fused = search_flow(work/'corpus', q, model=COLOURS, pretrained=None, update=False, n=None)
            first['looks alone'].append(colour_of(look[0].path) == colour)
            first['RRF (k=60)'].append(colour_of(fused_rrf([m.path for m in look], [m.path for m in text])[0]) == colour)
            first['score mixing'].append(colour_of(fused_mix(look, text)[0]) == colour)
            first['memery (tiers)'].append(colour_of(fused[0].path) == colour)
    for n, k in first.items(): print(f"  {n:22} first result of the colour in {np.mean(k):.2f} of {len(k)} queries")
    exact = []
    for colour in sorted(set(corpus.photos.values())):
        q = f'a {colour} photo' # no word of it is in the folder: the order of looks, exactly
        exact.append([m.path for m in search_flow(work/'corpus', q, model=COLOURS, pretrained=None, update=False, n=None)] ==
                     [m.path for m in search_flow(work/'corpus', q, model=COLOURS, pretrained=None, update=False, n=None, match='visual')])
    print(f"  purely visual queries ('a red photo'): memery's whole order is that of looks in {np.mean(exact):.2f} of {len(exact)}")

    reader = TextReader(threads=1) # as in each decoding process
    def per_image(images):
        reader(images[0])
        times = []
        for im in images:
            t = time.perf_counter(); reader(im); times.append(time.perf_counter() - t)
        return np.array(times)
    shots = [Image.open(work/'corpus'/p).convert('RGB') for p in list(corpus.screens)[:20]]
    photos = [Image.open(work/'corpus'/p).convert('RGB') for p in corpus.photos]
    print("\nOCR per image, one thread (as in each of the decoding processes):")
    for name, images in (('screenshots (text)', shots), ('generated photos (no text)', photos)):
        s = per_image(images)
        print(f"  {name:34} median {np.median(s)*1000:6.0f} ms   max {s.max()*1000:6.0f} ms")
    real = sorted(Path(args.photos).glob('*.jpg'))
    if real:
        from memery.crafter import open_image
        drafted = [open_image(p, 448)[0] for p in real] # as indexing decodes them for ViT-B-32
        s = per_image(drafted)
        with_text = [p.name for p, im in zip(real, drafted) if reader(im)]
        print(f"  {'real photos (' + str(len(real)) + ', decoded for the model)':34} median {np.median(s)*1000:6.0f} ms   max {s.max()*1000:6.0f} ms"
              f"   (text found in {len(with_text)}: {', '.join(with_text)})")
        source = work/'photo-source' # each photo up to eight times, turned and mirrored: distinct files, as many pixels to decode
        source.mkdir()
        text_free = [p for p, im in zip(real, drafted) if not reader(im)] # the comparison is of a folder without text
        for p in text_free:
            im = Image.open(p)
            for k, turn in enumerate([None, *Image.Transpose][:args.variants]):
                (im if turn is None else im.transpose(turn)).save(source/f'{p.stem}-{k}.jpg', quality=92)
        times = {}
        memery = [str(Path(sys.executable).parent/'memery'), 'index', str(work/'photos'), '--pretrained', 'none', '--quiet'] # as a user runs it
        for ocr in (False, True, False, True):
            shutil.rmtree(work/'photos', ignore_errors=True); shutil.copytree(source, work/'photos')
            t = time.perf_counter(); subprocess.run(memery + ['--ocr'] * ocr, check=True, capture_output=True); times.setdefault(ocr, []).append(time.perf_counter() - t)
        off, on = min(times[False]), min(times[True])
        print(f"\n`memery index` of {len(text_free) * args.variants} text-free photos with ViT-B-32 (a new process each, best of 2): "
              f"{off:.1f} s without --ocr, {on:.1f} s with it: {on / off:.2f}x")
    else: print(f"(no photos in {args.photos}: bash benchmarks/get_data.sh fetches them)")
    shutil.rmtree(work)

if __name__ == '__main__':
    import warnings; warnings.simplefilter('ignore') # random weights, said loudly elsewhere
    main()
