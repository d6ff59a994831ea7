"""How well "-n auto" (a per-query count of the results that stand out of the bulk) finds planted relevant images,
beside the best fixed cosine threshold chosen with hindsight and a fixed top 20; on SYNTHETIC data: CLIP-like vectors
(`memery.testing.clip_like`), text-like and image-like queries, and a folder of colour shades under the colour model.

    python benchmarks/relevance.py            # 100,000 vectors, 8 queries a cell, timing at 1,000,000
    python benchmarks/relevance.py --quick    # 3 queries a cell, timing at 1,000,000
    python benchmarks/relevance.py --folder PATH   # a sorted album: its subfolders are the labels (see `labelled_report`)
"""
import argparse, colorsys, time
from pathlib import Path
import numpy as np

from memery.ranker import AUTO_TOP as TOP, NULL_MARGIN, SAMPLE, relevant_count

SIZES = (0, 1, 10, 100, 1_000, 10_000) # relevant images planted among N
SEPARATIONS = (3.0, 4.5, 6.0, 8.0) # how far each planted image moves up, in standard deviations of the query's bulk
N = 100_000
FIXED_TOP = 20

# ---------------------------------------------------------------- synthetic CLIP-like folders, with their clusters

def clusters_of(n: int, dim: int = 512, seed: int = 0) -> np.ndarray:
    "The cluster of each of `clip_like(n, dim, seed=seed)`'s rows, by replaying its random numbers."
    from memery.testing import _clip_space
    rng, _, centres = _clip_space(n, dim, seed)
    labels = np.empty(n, np.int64)
    for start in range(0, n, 50_000): # as clip_like draws them: the picks, then that slice's noise
        part = min(50_000, n - start)
        labels[start:start + part] = rng.integers(0, len(centres), part)
        rng.standard_normal((part, dim), dtype=np.float32)
    return labels

def text_aims(k: int, n: int, dim: int = 512, seed: int = 0) -> np.ndarray:
    "The cluster each of `text_like(k, n, dim, seed)`'s queries is aimed at, by replaying its random numbers."
    rng = np.random.default_rng([seed, 1])
    rng.standard_normal(dim)
    return rng.integers(0, max(n // 50, 1), k)

def fresh_images(k: int, dim: int = 512, seed: int = 0) -> np.ndarray:
    "`k` image-like queries (made as `clip_like` makes its rows) from new clusters: nothing in the folder is like them."
    from memery.testing import _clip_space
    _, lean, _ = _clip_space(1, dim, seed)
    rng = np.random.default_rng([seed, 2]) # a stream of its own: seed alone would replay clip_like's lean
    v = rng.standard_normal((k, dim)).astype(np.float32) * 0.6 + rng.standard_normal((k, dim)).astype(np.float32)
    v *= 0.8 / np.linalg.norm(v, axis=1, keepdims=True)
    v += 0.6 * lean
    return v / np.linalg.norm(v, axis=1, keepdims=True)

def fresh_texts(k: int, dim: int = 512, seed: int = 0) -> np.ndarray:
    "`k` text-like queries made as `text_like` makes them (same side of the modality gap), but aimed at new clusters."
    from memery.testing import _clip_space
    _, lean, _ = _clip_space(1, dim, seed)
    side = np.random.default_rng([seed, 1]).standard_normal(dim).astype(np.float32) # text_like's first draw
    side -= side @ lean * lean
    side /= np.linalg.norm(side)
    rng = np.random.default_rng([seed, 4])
    aim = rng.standard_normal((k, dim)).astype(np.float32)
    aim /= np.linalg.norm(aim, axis=1, keepdims=True)
    q = 0.9 * side + 0.3 * lean + 0.3 * aim + rng.standard_normal((k, dim), dtype=np.float32) * 0.02
    return q / np.linalg.norm(q, axis=1, keepdims=True)

def plant(x: np.ndarray, q: np.ndarray, rows: np.ndarray, shift: float) -> np.ndarray:
    "The scores of `rows` after each is moved toward `q` (x + a q, renormalised) until its cosine has risen by `shift`."
    c = (x[rows] @ q).astype(np.float64)
    t = np.minimum(c + shift, 0.999)
    # (c + a) / |x + a q| = t  <=>  a = -c + t sqrt((1 - c^2) / (1 - t^2)), the root that moves toward q
    a = -c + t * np.sqrt((1 - c * c) / (1 - t * t))
    moved = x[rows] + a[:, None].astype(np.float32) * q[None]
    return (moved @ q / np.linalg.norm(moved, axis=1)).astype(np.float32)

# ---------------------------------------------------------------- the three ways of cutting, and their scores

def inputs(scores: np.ndarray, sample_rows: np.ndarray, k: int = TOP):
    "What the estimator gets: the top `k` scores sorted descending, the sample's scores, and N."
    k = min(k, len(scores))
    top = scores[np.argpartition(-scores, k - 1)[:k]] if k < len(scores) else scores
    return -np.sort(-top), scores[sample_rows], len(scores)

def prf(tp: float, called: float, relevant: float) -> tuple[float, float, float]:
    "Precision, recall and F1 of one query's cut; with nothing relevant, 1 for calling nothing and 0 otherwise."
    if relevant == 0: return (float(called == 0),) * 3
    p = tp / called if called else 1.0
    r = tp / relevant
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)

class Cell:
    "One query's scores, its ground truth and the estimator's count."
    def __init__(self, scores, truth, sample_rows, k=TOP, null=None):
        top, sample, total = inputs(scores, sample_rows, k)
        start = time.perf_counter()
        self.count = relevant_count(top, sample, total)
        self.ms = (time.perf_counter() - start) * 1e3
        # no bell-shaped bulk: as memery does, an image is relevant if the query describes it past halfway from an
        # empty text's score (`null`: each image's) to a perfect 1; without `null`, the top 20
        self.declined = self.count is None
        self.called = None if not self.declined or null is None else scores > null + NULL_MARGIN * (1 - null)
        if self.declined: self.count = FIXED_TOP if self.called is None else int(self.called.sum())
        order = np.argsort(-scores, kind='stable')
        self.hits = np.cumsum(truth[order]) # true matches among the first i + 1
        self.asc = np.sort(scores)
        self.relevant, self.truth = int(truth.sum()), truth
        self.sep = float(scores[truth].mean() - np.median(scores)) if self.relevant else np.nan
    def auto(self) -> tuple[float, float, float]:
        "Precision, recall, F1 of what `n='auto'` shows."
        if self.called is None: return self.first(self.count)
        return prf(int((self.called & self.truth).sum()), int(self.called.sum()), self.relevant)
    def first(self, n: int) -> tuple[float, float, float]:
        "Precision, recall, F1 of taking the first n."
        n = min(n, len(self.hits))
        return prf(self.hits[n - 1] if n else 0, n, self.relevant)
    def above(self, t: float) -> tuple[float, float, float]:
        "Precision, recall, F1 of taking all scores >= t."
        return self.first(len(self.asc) - int(np.searchsorted(self.asc, t, 'left')))

def best_threshold(cells) -> float:
    "The one cosine threshold with the best mean F1 over all `cells`: hindsight that no real search has."
    grid = np.arange(-0.2, 1.0, 0.0025)
    f1 = [np.mean([c.above(t)[2] for c in cells]) for t in grid]
    return float(grid[int(np.argmax(f1))])

def table(title: str, groups: dict, threshold: float):
    "Print precision/recall/F1 per group for the auto cut, the hindsight threshold and the top 20."
    print(f"\n{title}  (fixed threshold, best with hindsight over all of these queries: {threshold:.4f})")
    print(f"{'relevant':>8} {'sep':>5} {'gap cos':>7} {'q':>2} | {'auto: P':>7} {'R':>5} {'F1':>5} {'count':>7} | "
          f"{'thresh: P':>9} {'R':>5} {'F1':>5} | {'top20: P':>8} {'R':>5} {'F1':>5}")
    for (m, sep), cells in groups.items():
        auto = np.array([c.auto() for c in cells])
        fixed = np.array([c.above(threshold) for c in cells])
        top = np.array([c.first(FIXED_TOP) for c in cells])
        gap = np.nanmean([c.sep for c in cells]) if m else np.nan
        count = np.mean([c.count for c in cells])
        sep_s = f"{sep:>5.1f}" if m else '    -'
        gap_s = f"{gap:7.3f}" if m else '      -'
        print(f"{m:>8} {sep_s} {gap_s} {len(cells):>2} | {auto[:, 0].mean():7.2f} {auto[:, 1].mean():5.2f} {auto[:, 2].mean():5.2f} "
              f"{count:7.1f} | {fixed[:, 0].mean():9.2f} {fixed[:, 1].mean():5.2f} {fixed[:, 2].mean():5.2f} | "
              f"{top[:, 0].mean():8.2f} {top[:, 1].mean():5.2f} {top[:, 2].mean():5.2f}")
    every = [c for cells in groups.values() for c in cells]
    print(f"{'all':>8} {'':5} {'':7} {len(every):>2} | {'':7} {'':5} {np.mean([c.auto()[2] for c in every]):5.2f} {'':7} | "
          f"{'':9} {'':5} {np.mean([c.above(threshold)[2] for c in every]):5.2f} | {'':8} {'':5} "
          f"{np.mean([c.first(FIXED_TOP)[2] for c in every]):5.2f}")

# ---------------------------------------------------------------- the experiments

def planted(x, queries, kind: str, per_cell: int, rng):
    "Cells of planted sets (sizes x separations), each with `per_cell` queries; ground truth = the planted rows only."
    groups, n = {}, len(x)
    for m in SIZES:
        for sep in (SEPARATIONS if m else (0.0,)):
            cells = []
            for i in range(per_cell):
                q = queries[(i + 7 * m + int(sep * 10)) % len(queries)]
                scores = x @ q
                sigma = float(np.std(scores))
                truth = np.zeros(n, bool)
                if m:
                    rows = rng.choice(n, m, replace=False)
                    scores[rows] = plant(x, q, rows, sep * sigma)
                    truth[rows] = True
                cells.append(Cell(scores, truth, rng.choice(n, SAMPLE, replace=False)))
            groups[m, sep] = cells
    return groups

def clusters(x, labels, text_q, aims, per_cell: int, rng):
    "What the cut takes when nothing is planted but the query sits at a cluster: text queries aimed at one, and image queries that are a folder image plus noise."
    n = len(x)
    print("\nClusters (nothing planted). Ground truth = the query's cluster (text: the one it is aimed at; image: the folder image's own).")
    print(f"{'query':>14} {'q':>2} | {'cluster':>7} {'count':>7} {'in cluster':>10} | {'auto: P':>7} {'R':>5} {'F1':>5} | "
          f"{'cluster z (median, max)':>24}")
    for kind in ('text', 'image'):
        rows = []
        for i in range(per_cell):
            if kind == 'text':
                q, home = text_q[i % len(text_q)], aims[i % len(aims)]
            else:
                j = int(rng.integers(n))
                q = x[j] + rng.standard_normal(x.shape[1]).astype(np.float32) * 0.02 # cosine ~0.9 to x[j]
                q /= np.linalg.norm(q)
                home = labels[j]
            scores = x @ q
            truth = labels == home
            c = Cell(scores, truth, rng.choice(n, SAMPLE, replace=False))
            taken = np.argsort(-scores)[:c.count]
            z = (scores[truth] - np.median(scores)) / np.std(scores)
            rows.append((truth.sum(), c.count, truth[taken].sum(), *c.auto(), np.median(z), z.max()))
        r = np.array(rows, float)
        print(f"{kind + ' queries':>14} {len(r):>2} | {r[:, 0].mean():7.1f} {r[:, 1].mean():7.1f} {r[:, 2].mean():10.1f} | "
              f"{r[:, 3].mean():7.2f} {r[:, 4].mean():5.2f} {r[:, 5].mean():5.2f} | {r[:, 6].mean():11.2f}, {r[:, 7].mean():5.2f}")

# ---------------------------------------------------------------- the colour folder

HUES = {'red': 0, 'orange': 33, 'yellow': 60, 'green': 120, 'cyan': 180, 'blue': 240, 'purple': 300}
SHADES = [(1, 1), (1, .75), (.7, 1), (.7, .75), (.45, 1), (1, .5)] # (saturation, value)

def shade_folder(rng, step: int = 5):
    "Swatches of every `step` degrees of hue in each of SHADES, and each one's colour family; PIL images."
    from PIL import Image
    from memery.testing import PALETTE
    names, palette = list(PALETTE), np.array(list(PALETTE.values()))
    ims, families = [], []
    for h in range(0, 360, step):
        for s, v in SHADES:
            rgb = np.array(colorsys.hsv_to_rgb((h + rng.uniform(-2, 2)) % 360 / 360, s, v))
            noise = rng.normal(0, 8, (48, 48, 3))
            ims.append(Image.fromarray(np.clip(rgb * 255 + noise, 0, 255).astype(np.uint8)))
            # its family: the named colour it is closest to, as a person naming it from the palette would
            families.append(names[int(np.argmin(((palette - rgb) ** 2).sum(1)))])
    return ims, np.array(families)

def colour_vectors(ims, words):
    "Unit vectors of the images and the texts under memery's colour model, as the encoder makes them; the last text is ''."
    import torch
    from memery.testing import colour_model
    words = [*words, '']
    model, preprocess, tokenizer = colour_model()
    with torch.no_grad():
        im = model.encode_image(torch.stack([preprocess(i) for i in ims])).float()
        tx = model.encode_text(tokenizer(words)).float()
    unit = lambda v: (v / v.norm(dim=-1, keepdim=True)).numpy().astype(np.float32)
    return unit(im), unit(tx)

def colour(rng):
    "Queries by colour name over a folder of shades: ground truth = the swatches of that colour's family; and a family the folder lacks."
    ims, families = shade_folder(rng)
    words = list(HUES)
    x, t = colour_vectors(ims, words)
    cells = {w: Cell(x @ q, families == w, np.arange(len(x)), null=x @ t[-1]) # a small folder: the sample is all of it
             for w, q in zip(words, t[:-1])}
    kept = families != 'green'
    cells['green (none in folder)'] = Cell(x[kept] @ t[words.index('green')], np.zeros(kept.sum(), bool),
                                           np.arange(kept.sum()), null=x[kept] @ t[-1])
    thr = best_threshold(list(cells.values()))
    print(f"\nColour folder: {len(x)} swatches ({360 // 5} hues x {len(SHADES)} shades) under memery.testing's colour model; "
          f"relevant = the swatches of the colour's family (the named colour each is closest to). "
          f"Fixed threshold with hindsight: {thr:.4f}")
    print(f"{'query':>24} {'relevant':>8} | {'auto: P':>7} {'R':>5} {'F1':>5} {'count':>10} | {'thresh: P':>9} {'R':>5} {'F1':>5} | "
          f"{'top20: P':>8} {'R':>5} {'F1':>5}")
    print("(auto: 'no bell' = the scores have no bell-shaped bulk: relevant = past halfway from an empty text's score to 1)")
    for w, c in cells.items():
        a, f, t20 = c.auto(), c.above(thr), c.first(FIXED_TOP)
        count = ('no bell ' if c.declined else '') + str(c.count)
        print(f"{w:>24} {c.relevant:>8} | {a[0]:7.2f} {a[1]:5.2f} {a[2]:5.2f} {count:>10} | {f[0]:9.2f} {f[1]:5.2f} "
              f"{f[2]:5.2f} | {t20[0]:8.2f} {t20[1]:5.2f} {t20[2]:5.2f}")
    every = list(cells.values())
    print(f"{'all':>24} {'':>8} | {'':7} {'':5} {np.mean([c.auto()[2] for c in every]):5.2f} {'':>10} | {'':9} {'':5} "
          f"{np.mean([c.above(thr)[2] for c in every]):5.2f} | {'':8} {'':5} {np.mean([c.first(FIXED_TOP)[2] for c in every]):5.2f}")

# ---------------------------------------------------------------- a user's sorted album

def labelled_report(vectors: np.ndarray, labels: np.ndarray, queries: np.ndarray, query_labels: np.ndarray, rng=None,
                    null: np.ndarray|None = None):
    """The same figures on real vectors: `vectors` (N x d, unit) labelled by `labels` (e.g. each image's subfolder),
    `queries` (Q x d, unit: a text or an image per label) with the label each should find. Ground truth = that label's images."""
    rng = rng or np.random.default_rng(0)
    n = len(vectors)
    sample_rows = rng.choice(n, SAMPLE, replace=False) if n > SAMPLE else np.arange(n)
    cells = {}
    for q, lab in zip(queries, query_labels):
        c = Cell(vectors @ q, labels == lab, sample_rows, null=None if null is None else vectors @ null)
        cells.setdefault((int(c.relevant), 0.0), []).append(c)
    table(f"Labelled folder: {n} images, {len(set(labels.tolist()))} labels, {len(queries)} queries "
          f"(rows: queries grouped by their label's size)", dict(sorted(cells.items())),
          best_threshold([c for v in cells.values() for c in v]))

def album(folder: Path, model: str, pretrained: str|None):
    """The figures on a sorted album that memery indexed with `model`: each image's first subfolder is its label, and
    each label is asked for twice, by its name ('a photo of NAME', through the model's text tower) and by one of its images."""
    from memery.core import index_flow
    from memery.models import QueryEncoder
    from memery.vectors import all_vectors
    index = index_flow(folder, model=model, pretrained=pretrained)
    found = all_vectors(index)
    labels = np.array([p.split('/')[0] if '/' in p else '' for p in found.paths])
    names = sorted(set(labels.tolist()) - {''})
    if len(names) < 2: raise SystemExit(f"{folder}: give a folder whose subfolders (two or more) are labels")
    *texts, null = QueryEncoder(model, pretrained).encode_texts([f'a photo of {n}' for n in names] + [''])
    print(f"A LABELLED FOLDER: {folder}, {len(found.paths)} images under {model} ({pretrained}); the queries: each label's name")
    labelled_report(found.matrix, labels, np.array(texts), np.array(names), null=null)
    firsts = [int(np.flatnonzero(labels == n)[0]) for n in names]
    print("... and one image of each label as the query (it finds itself too)")
    labelled_report(found.matrix, labels, found.matrix[firsts], np.array(names), null=null)

# ---------------------------------------------------------------- timing at a million

def timing(n: int = 1_000_000, dim: int = 512, runs: int = 20):
    "The estimate's time at N = n beside the exact scan it goes with (faiss, flat, one thread, the top TOP)."
    import faiss
    faiss.omp_set_num_threads(1)
    rng = np.random.default_rng(0)
    x = np.empty((n, dim), np.float32)
    for s in range(0, n, 100_000): # the content does not change the time
        x[s:s + 100_000] = rng.standard_normal((min(100_000, n - s), dim), dtype=np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    q = x[:1] * 0.5 + rng.standard_normal((1, dim), dtype=np.float32) * 0.03
    q /= np.linalg.norm(q)
    index = faiss.IndexFlatIP(dim)
    index.add(x)
    start = time.perf_counter(); top, _ = index.search(q, TOP); scan = time.perf_counter() - start
    start = time.perf_counter(); index.search(q, 100); scan100 = time.perf_counter() - start
    rows = np.sort(rng.choice(n, SAMPLE, replace=False))
    start = time.perf_counter()
    for _ in range(runs): sample = x[rows] @ q[0]
    samp = (time.perf_counter() - start) / runs
    relevant_count(top[0], sample, n)
    start = time.perf_counter()
    for _ in range(runs): relevant_count(top[0], sample, n)
    est = (time.perf_counter() - start) / runs
    print(f"\nTiming at N = {n:,} ({dim} dims, float32, one thread): the estimate {est * 1e3:.2f} ms (K = {TOP:,} top scores, "
          f"sample of {SAMPLE:,}), the sample's scores {samp * 1e3:.2f} ms; the exact scan for the top {TOP:,} "
          f"{scan * 1e3:.0f} ms (top 100: {scan100 * 1e3:.0f} ms): the estimate and its sample add "
          f"{(est + samp) / scan * 100:.2f}% to the scan.")

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--quick', action='store_true', help="3 queries a cell instead of 8")
    p.add_argument('--folder', type=Path, help="a sorted album: its subfolders are the labels")
    p.add_argument('--model', default='ViT-B-32', help="for --folder: the model to index it with")
    p.add_argument('--pretrained', default='laion2b_s34b_b79k', help="for --folder: its weights ('none': random)")
    p.add_argument('--no-timing', action='store_true')
    args = p.parse_args()
    if args.folder: return album(args.folder, args.model, None if args.pretrained == 'none' else args.pretrained)
    from memery.testing import clip_like, text_like
    per_cell = 3 if args.quick else 8
    rng = np.random.default_rng([0, 3]) # not clip_like's stream
    print("SYNTHETIC DATA: CLIP-like vectors from memery.testing.clip_like, not a real model's; the figures say how the "
          "estimator behaves on a near-normal bulk with clusters, not how it does on your photos.")
    x = clip_like(N)
    labels = clusters_of(N)
    text_q, aimed = fresh_texts(16), text_like(16, N) # aimed: at the folder's own clusters, for `clusters`
    image_q = fresh_images(16)
    print(f"{N:,} images, {x.shape[1]} dims; top K = {TOP:,} scores and a sample of {SAMPLE:,} go to the estimator. "
          f"'sep' = planted shift in bulk standard deviations; 'gap cos' = mean planted minus median cosine. "
          f"Planted rows are moved toward the query (x + a q, renormalised).")
    for kind, qs in (('text', text_q), ('image', image_q)):
        s = x @ qs.T
        print(f"  {kind} queries: median cosine {np.median(s):.3f}, bulk sd {s.std(0).mean():.4f}")
    text_cells = planted(x, text_q, 'text', per_cell, rng)
    image_cells = planted(x, image_q, 'image', per_cell, rng)
    every = lambda g: [c for v in g.values() for c in v]
    both = best_threshold(every(text_cells) + every(image_cells))
    table("Text-like queries (low cosines, across the modality gap; aimed at clusters the folder lacks); ground truth = planted", text_cells, best_threshold(every(text_cells)))
    table("Image-like queries (from clusters the folder lacks); ground truth = planted", image_cells, best_threshold(every(image_cells)))
    print(f"\nOne threshold for text and image queries together (best with hindsight: {both:.4f}): mean F1 "
          f"{np.mean([c.above(both)[2] for c in every(text_cells) + every(image_cells)]):.2f}; auto: "
          f"{np.mean([c.auto()[2] for c in every(text_cells) + every(image_cells)]):.2f}; top 20: "
          f"{np.mean([c.first(FIXED_TOP)[2] for c in every(text_cells) + every(image_cells)]):.2f}")
    ms = [c.ms for c in every(text_cells) + every(image_cells)]
    print(f"Estimate time at N = {N:,}: median {np.median(ms):.2f} ms, max {np.max(ms):.2f} ms")
    clusters(x, labels, aimed, text_aims(16, N), per_cell, rng)
    del x
    colour(rng)
    if not args.no_timing: timing()

if __name__ == '__main__': main()
