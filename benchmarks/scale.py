"""Search at scale: 10,000 / 100,000 / 1,000,000 images, memery's way against exact NumPy and the ANN libraries.

The vectors are synthetic and shaped like CLIP's (`memery.testing.clip_like`: they lean one way and cluster), and the
100 queries sit across the modality gap as CLIP's texts do (`text_like`: best cosine about 0.34, a random image 0.16).
Each candidate runs in a process of its own, so its memory is its own; every recall@10 is against exact float32 search.

- numpy: exact float32 matrix product (the baseline; memery's search of the database below `VECTOR_FILE_MIN`)
- memery: memery's own `Index` and `nearest`, as a user's `memery recall` runs them: the vector file, scanned by faiss
  in float16; "open" is a new process's first search, SQLite and the file included
- annoy: memery's Annoy tree (50 trees, memery's search_k, 200 candidates ranked exactly)
- hnswlib, faiss-hnsw, usearch: graph indexes, as their own defaults build them, with a generous search setting

    python benchmarks/scale.py                                   # 10,000 and 100,000
    python benchmarks/scale.py --sizes 1000000 --candidates numpy memery annoy
"""
import argparse, json, os, shutil, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np

QUERIES = 100

def rss_mb() -> float:
    "This process's resident memory now."
    with open('/proc/self/status') as f: return next(int(l.split()[1]) for l in f if l.startswith('VmRSS')) / 1024

def timed(search, queries) -> tuple[list, list]:
    "The answers of `search` to each query, and the seconds each took."
    found, times = [], []
    for q in queries:
        start = time.perf_counter(); found.append(list(search(q))[:10]); times.append(time.perf_counter() - start)
    return found, times

def memery_index(work: Path):
    from memery.indexer import Index
    return Index(work/'index', 'synthetic/none', work/'photos', create=False)

def run(name: str, work: Path, n: int) -> dict:
    "Build, open and query candidate `name` on the saved vectors; its figures."
    queries = np.load(work/'queries.npy')
    base = rss_mb()
    out = {}
    if name == 'numpy':
        start = time.perf_counter(); m = np.load(work/'vectors.npy'); out['open_s'] = time.perf_counter() - start
        def search(q):
            scores = m @ q
            top = np.argpartition(-scores, 10)[:10]
            return top[np.argsort(-scores[top])]
    elif name in ('memery', 'annoy'):
        from memery.vectors import build_tree, nearest, vector_file, write_vector_file
        start = time.perf_counter()
        index = memery_index(work)
        exact = name == 'memery'
        ids = {int(i): r for r, i in enumerate(vector_file(index).ids)}
        nearest(index, queries[0], 10, exact=exact) # the first search loads what it needs
        out['open_s'] = time.perf_counter() - start
        search = lambda q: [ids[m.id] for m in nearest(index, q, 10, exact=exact)]
    else:
        m = np.load(work/'vectors.npy', mmap_mode='r')
        start = time.perf_counter()
        if name == 'hnswlib':
            import hnswlib
            ann = hnswlib.Index('ip', m.shape[1]); ann.init_index(n, M=16, ef_construction=200)
            ann.add_items(m, num_threads=os.cpu_count()); ann.set_ef(512)
            search = lambda q: ann.knn_query(q, 10)[0][0]
        elif name == 'faiss-hnsw':
            import faiss
            ann = faiss.IndexHNSWFlat(m.shape[1], 32, faiss.METRIC_INNER_PRODUCT); ann.hnsw.efConstruction = 200
            for s in range(0, n, 100_000): ann.add(np.ascontiguousarray(m[s:s + 100_000]))
            ann.hnsw.efSearch = 1024
            search = lambda q: ann.search(q[None], 10)[1][0]
        elif name == 'usearch':
            from usearch.index import Index as UIndex
            ann = UIndex(ndim=m.shape[1], metric='ip', dtype='f16', expansion_search=1024)
            ann.add(np.arange(n), np.ascontiguousarray(m))
            search = lambda q: ann.search(q, 10).keys
        out['build_s'] = time.perf_counter() - start
        search(queries[0])
    found, times = timed(search, queries)
    out.update(p50_ms=np.percentile(times, 50) * 1000, p95_ms=np.percentile(times, 95) * 1000, memory_mb=rss_mb() - base,
               found=[[int(i) for i in f] for f in found])
    return out

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--sizes', type=int, nargs='+', default=[10_000, 100_000])
    p.add_argument('--candidates', nargs='+', default=['numpy', 'memery', 'annoy', 'hnswlib', 'faiss-hnsw', 'usearch'])
    p.add_argument('--dim', type=int, default=512)
    p.add_argument('--run', nargs=3, help=argparse.SUPPRESS) # one candidate, in its own process: name, folder, size
    args = p.parse_args()
    if args.run:
        name, work, n = args.run
        print(json.dumps(run(name, Path(work), int(n))))
        return
    from memery.indexer import Entry, Index
    from memery.vectors import build_tree, write_vector_file
    from memery.testing import clip_like, isolate_tests, text_like
    isolate_tests() # its files go to a scratch folder, removed at exit
    for n in args.sizes:
        work = Path(tempfile.mkdtemp())
        (work/'photos').mkdir()
        vectors, queries = clip_like(n, args.dim), text_like(QUERIES, n, args.dim)
        np.save(work/'vectors.npy', vectors); np.save(work/'queries.npy', queries)
        truth = [set(np.argsort(-(vectors @ q))[:10].tolist()) for q in queries]
        builds = {}
        index = Index(work/'index', 'synthetic/none', work/'photos')
        start = time.perf_counter()
        for s in range(0, n, 20_000):
            index.add([Entry(f'{i:07d}.jpg', 1000, i, f'h{i}', 800, 600, vector=v) for i, v in enumerate(vectors[s:s + 20_000], s)])
        stored_s = time.perf_counter() - start
        start = time.perf_counter(); write_vector_file(index); builds['memery'] = time.perf_counter() - start
        if 'annoy' in args.candidates: start = time.perf_counter(); build_tree(index); builds['annoy'] = time.perf_counter() - start
        index.close()
        del vectors
        print(f"\n{n:,} images of {args.dim} dimensions, {QUERIES} text-like queries (stored in SQLite in {stored_s:.0f} s)")
        print(f"  {'candidate':<11} {'build s':>8} {'open s':>7} {'memory MB':>10} {'p50 ms':>8} {'p95 ms':>8} {'recall@10':>10}")
        baseline = None
        for name in args.candidates:
            res = subprocess.run([sys.executable, __file__, '--run', name, str(work), str(n)], capture_output=True, text=True)
            if res.returncode:
                print(f"  {name:<11} failed: {res.stderr.strip().splitlines()[-1]}"); continue
            r = json.loads(res.stdout.strip().splitlines()[-1])
            recall = np.mean([len(truth[i] & set(f)) / 10 for i, f in enumerate(r['found'])])
            build = builds.get(name, r.get('build_s'))
            baseline = baseline or r['p50_ms']
            print(f"  {name:<11} {'' if build is None else f'{build:.1f}':>8} {r.get('open_s', float('nan')):>7.2f} {r['memory_mb']:>10.0f} "
                  f"{r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {recall:>10.3f}   p50 {r['p50_ms'] / baseline:.2f}x numpy's", flush=True)
        shutil.rmtree(work) # gigabytes at each size

if __name__ == '__main__': main()
