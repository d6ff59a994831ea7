"""Search at scale: 100,000 / 1,000,000 / 10,000,000 images, memery's way against exact NumPy and other indexes.

The vectors are synthetic and shaped like CLIP's (`memery.testing.clip_like`: they lean one way and cluster), and the
100 queries sit across the modality gap as CLIP's texts do (`text_like`: best cosine about 0.34, a random image 0.16).
Each candidate runs in a process of its own, so its memory is its own; every recall@10 is against exact search.

- numpy: exact float32 matrix product (the baseline; memery's search of the database below `VECTOR_FILE_MIN`)
- memery: memery's own `Index` and `nearest`, exact, as a user's `memery recall` runs it: the vector file, scanned by
  faiss in float16; "open" is a new process's first search, SQLite and the file included
- memery-ann: memery's first pass (`build_ann`: 4-bit codes per pair of dimensions, faiss fast-scan, over every
  image) and the exact float16 re-rank of its `RERANKED` candidates, as `nearest` runs it above `ANN_MIN`
- faiss-ivf: an IVF index (4 sqrt(n) lists, float16 vectors, 64 lists probed): it searches the query's region only
- faiss-hnsw, hnswlib, usearch: graph indexes, as their own defaults build them, with a generous search setting
  (hnswlib and usearch only where they are installed)

Build times are wall-clock and CPU seconds ("cpu s"), and "cpu ms" is the CPU time of a query (p50, all threads), on the
machine as it is: on a shared 2-core machine wall-clock times are longer than the CPU time they would take alone.

At 10,000,000 (`--direct`, the default above 2,000,000) SQLite is not filled (10 million rows take hours): the vector
file is written directly, in the format of `memery.vectors` (generated in slices, never all in memory as float32), with
one row in the database so that the index has its schema; `memery-ann` builds its codes from that file and searches it
through `first_pass_candidates` and the exact re-rank, without naming paths. Recall is against an exact float32 scan of
the float16 file, in slices. Exact search at 10M needs 10 GB of memory, so only `memery-ann` runs there by default.

    python benchmarks/scale.py                                   # 100,000
    python benchmarks/scale.py --sizes 1000000 --candidates numpy memery memery-ann faiss-ivf
    python benchmarks/scale.py --sizes 10000000                  # needs 30 GB of disk
    python benchmarks/scale.py --sizes 10000000 --before HEAD    # memery-ann as at HEAD too, on the same vectors

With --before REV, memery at git revision REV builds its own codes of the same vector file (in a copy of the index
that shares the file) and is measured beside this one, alternately: `memery-ann (REV)`.
"""
import argparse, json, os, shutil, struct, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np

QUERIES = 100

def rss_mb() -> float:
    "This process's resident memory now."
    with open('/proc/self/status') as f: return next(int(l.split()[1]) for l in f if l.startswith('VmRSS')) / 1024

def timed(search, queries) -> tuple[list, list, list]:
    "The answers of `search` to each query, and the seconds each took, wall-clock and CPU (all threads)."
    found, times, cpu = [], [], []
    for q in queries:
        start, used = time.perf_counter(), time.process_time()
        found.append(list(search(q))[:10])
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - used)
    return found, times, cpu

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
    elif name == 'memery-ann' and (work/'direct').exists():
        from memery.vectors import RERANKED, _best, first_pass, first_pass_candidates, vector_file
        start = time.perf_counter()
        index = memery_index(work)
        vf = vector_file(index)
        codes = first_pass(index, vf)
        out['open_s'] = time.perf_counter() - start
        def search(q):
            rows = first_pass_candidates(codes, vf, q, RERANKED)
            return rows[_best(np.asarray(vf.matrix[rows], np.float32) @ q, 10)]
    elif name in ('memery', 'memery-ann'):
        from memery.vectors import nearest, vector_file
        start = time.perf_counter()
        index = memery_index(work)
        exact = name == 'memery'
        ids = {int(i): r for r, i in enumerate(vector_file(index).ids)}
        nearest(index, queries[0], 10, exact=exact) # the first search loads what it needs
        out['open_s'] = time.perf_counter() - start
        search = lambda q: [ids[m.id] for m in nearest(index, q, 10, exact=exact)]
    else:
        m = np.load(work/'vectors.npy', mmap_mode='r')
        start, cpu = time.perf_counter(), time.process_time()
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
        elif name == 'faiss-ivf':
            import faiss
            lists = int(4 * np.sqrt(n))
            ann = faiss.index_factory(m.shape[1], f'IVF{lists},SQfp16', faiss.METRIC_INNER_PRODUCT)
            sample = np.random.default_rng(0).choice(n, min(n, 50 * lists), replace=False)
            ann.train(np.ascontiguousarray(m[np.sort(sample)]))
            for s in range(0, n, 100_000): ann.add(np.ascontiguousarray(m[s:s + 100_000]))
            ann.nprobe = 64
            search = lambda q: ann.search(q[None], 10)[1][0]
        elif name == 'usearch':
            from usearch.index import Index as UIndex
            ann = UIndex(ndim=m.shape[1], metric='ip', dtype='f16', expansion_search=1024)
            ann.add(np.arange(n), np.ascontiguousarray(m))
            search = lambda q: ann.search(q, 10).keys
        out['build_s'], out['build_cpu_s'] = time.perf_counter() - start, time.process_time() - cpu
        search(queries[0])
    found, times, cpu = timed(search, queries)
    out.update(p50_ms=np.percentile(times, 50) * 1000, p95_ms=np.percentile(times, 95) * 1000, memory_mb=rss_mb() - base,
               cpu_ms=np.percentile(cpu, 50) * 1000,
               found=[[int(i) for i in f] for f in found])
    return out

def built(build) -> tuple[float, float]:
    "Wall-clock and CPU seconds (this process and its threads) that `build()` takes."
    start, cpu = time.perf_counter(), time.process_time()
    build()
    return time.perf_counter() - start, time.process_time() - cpu

def direct(work: Path, n: int, dim: int, queries: np.ndarray) -> list[set]:
    "Write `clip_like(n, dim)`'s vectors straight to an index's vector file, in slices; exact top 10 of each query."
    from memery.indexer import Entry, Index
    from memery.testing import _clip_space
    index = Index(work/'index', 'synthetic/none', work/'photos')
    index.add([Entry('one.jpg', 1, 1, 'h', 8, 6, vector=np.ones(dim, np.float32) / np.sqrt(dim))])
    gen, token = index.generation, os.urandom(16)
    name = f'{index.name}.{gen}.vectors'
    # `clip_like`'s recipe, slice by slice (it draws its random numbers in this order)
    rng, lean, centres = _clip_space(n, dim, 0)
    best = [(np.full(0, -np.inf, np.float32), np.zeros(0, np.int64)) for _ in queries]
    with open(work/'index'/name, 'wb') as f:
        f.write(struct.pack('<16sIIQQ16s', b'memery vectors 1', dim, 0, n, gen, token).ljust(64, b'\0'))
        for start in range(0, n, 50_000):
            part = centres[rng.integers(0, len(centres), min(50_000, n - start))] * 0.6
            part += rng.standard_normal(part.shape, dtype=np.float32)
            part *= 0.8 / np.linalg.norm(part, axis=1, keepdims=True)
            part += 0.6 * lean
            part /= np.linalg.norm(part, axis=1, keepdims=True)
            stored = part.astype(np.float16)
            f.write(stored.tobytes())
            scores = queries @ stored.astype(np.float32).T
            for i, (s, rows) in enumerate(best):
                s, rows = np.concatenate([s, scores[i]]), np.concatenate([rows, np.arange(start, start + len(part))])
                top = np.argpartition(-s, 10)[:10]
                best[i] = s[top], rows[top]
        f.write(bytes(-f.tell() % 8))
        f.write(np.arange(2, n + 2, dtype='<i8').tobytes()) # row ids; the database's one row is 1
    with index.transaction(bump=False) as db:
        db.executemany('INSERT OR REPLACE INTO meta VALUES (?, ?)',
                       [('vector_file', name), ('vector_generation', str(gen)), ('vector_token', token.hex())])
        db.execute('DELETE FROM vector_changes')
    (work/'direct').touch()
    return index, [set(rows.tolist()) for _, rows in best]

def build_before(work: Path) -> dict:
    "Build the codes of the index in `work` with the memery first on the path (another revision's); the seconds."
    from memery.vectors import build_ann
    from revisions import aged
    # a later schema only adds what an earlier memery does not read
    aged(work)
    wall, cpu = built(lambda: build_ann(memery_index(work)))
    return {'build_s': wall, 'build_cpu_s': cpu}

def copy_for(rev: str, work: Path) -> tuple[Path, dict]:
    "A copy of the index in `work` sharing its vector file, and the environment that runs memery at `rev` on it."
    from revisions import package_at
    copy = work/'before'
    (copy/'photos').mkdir(parents=True)
    (copy/'index').mkdir()
    for f in (work/'index').iterdir():
        if f.suffix == '.vectors': os.link(f, copy/'index'/f.name)
        elif f.suffix != '.ann': shutil.copy2(f, copy/'index'/f.name)
    if (work/'direct').exists(): (copy/'direct').touch()
    shutil.copy2(work/'queries.npy', copy/'queries.npy')
    return copy, {**os.environ, 'PYTHONPATH': str(package_at(rev))}

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--sizes', type=int, nargs='+', default=[100_000])
    p.add_argument('--candidates', nargs='+', default=['numpy', 'memery', 'memery-ann', 'faiss-ivf', 'faiss-hnsw'])
    p.add_argument('--dim', type=int, default=512)
    p.add_argument('--direct', action='store_true', help='write the vector file directly (the default above 2,000,000)')
    p.add_argument('--before', metavar='REV', help="memery-ann as at git revision REV too, on the same vectors")
    p.add_argument('--rounds', type=int, default=1, help="times each candidate is measured, alternately (medians)")
    p.add_argument('--run', nargs=3, help=argparse.SUPPRESS) # one candidate, in its own process: name, folder, size
    p.add_argument('--build', help=argparse.SUPPRESS) # the codes of the index in this folder, by the memery on the path
    args = p.parse_args()
    if args.run:
        name, work, n = args.run
        print(json.dumps(run(name, Path(work), int(n))))
        return
    if args.build:
        print(json.dumps(build_before(Path(args.build))))
        return
    from memery.indexer import Entry, Index
    from memery.vectors import build_ann, write_vector_file
    from memery.testing import clip_like, isolate_tests, text_like
    isolate_tests() # its files go to a scratch folder, removed at exit
    for n in args.sizes:
        work = Path(tempfile.mkdtemp(dir=os.environ.get('SCALE_DIR')))
        (work/'photos').mkdir()
        queries = text_like(QUERIES, n, args.dim)
        np.save(work/'queries.npy', queries)
        builds, start = {}, time.perf_counter()
        if args.direct or n > 2_000_000:
            candidates = [c for c in args.candidates if c == 'memery-ann'] if args.candidates == p.get_default('candidates') else args.candidates
            index, truth = direct(work, n, args.dim, queries)
            stored = f"vector file written directly in {time.perf_counter() - start:.0f} s"
        else:
            candidates = args.candidates
            vectors = clip_like(n, args.dim)
            np.save(work/'vectors.npy', vectors)
            truth = [set(np.argsort(-(vectors @ q))[:10].tolist()) for q in queries]
            index = Index(work/'index', 'synthetic/none', work/'photos')
            for s in range(0, n, 20_000):
                index.add([Entry(f'{i:07d}.jpg', 1000, i, f'h{i}', 800, 600, vector=v) for i, v in enumerate(vectors[s:s + 20_000], s)])
            del vectors
            stored = f"stored in SQLite in {time.perf_counter() - start:.0f} s"
            builds['memery'] = built(lambda: write_vector_file(index))
        if 'memery-ann' in candidates: builds['memery-ann'] = built(lambda: build_ann(index))
        index.close()
        runs = {name: (work, os.environ) for name in candidates}
        if args.before and 'memery-ann' in candidates:
            copy, env = copy_for(args.before, work)
            said = subprocess.run([sys.executable, __file__, '--build', str(copy)], env=env, capture_output=True, text=True)
            if said.returncode: sys.exit(f"memery at {args.before} failed to build its codes: {said.stderr[-2000:]}")
            before = json.loads(said.stdout.strip().splitlines()[-1])
            name = f'memery-ann ({args.before})'
            builds[name] = before['build_s'], before['build_cpu_s']
            runs[name] = copy, env
            candidates = [*candidates, name]
        print(f"\n{n:,} images of {args.dim} dimensions, {QUERIES} text-like queries ({stored})")
        print(f"  {'candidate':<18} {'build s':>8} {'cpu s':>7} {'open s':>7} {'memory MB':>10} {'p50 ms':>8} {'p95 ms':>8} {'cpu ms':>7} {'recall@10':>10}")
        baseline, measured = None, {name: [] for name in candidates}
        for _ in range(args.rounds):
            for name in candidates:
                folder, env = runs[name]
                res = subprocess.run([sys.executable, __file__, '--run', name.split(' ')[0], str(folder), str(n)],
                                     capture_output=True, text=True, env=env)
                if res.returncode:
                    print(f"  {name:<18} failed: {(res.stderr.strip().splitlines() or ['?'])[-1]}"); continue
                measured[name].append(json.loads(res.stdout.strip().splitlines()[-1]))
        for name, rs in measured.items():
            if not rs: continue
            # the medians of the rounds, the answers of the first
            r = {**rs[0], **{key: float(np.median([x[key] for x in rs])) for key in rs[0] if key != 'found'}}
            recall = np.mean([len(truth[i] & set(f)) / 10 for i, f in enumerate(r['found'])])
            build, cpu = builds.get(name, (r.get('build_s'), r.get('build_cpu_s')))
            baseline = baseline or r['p50_ms']
            print(f"  {name:<18} {'' if build is None else f'{build:.1f}':>8} {'' if cpu is None else f'{cpu:.1f}':>7} "
                  f"{r.get('open_s', float('nan')):>7.2f} {r['memory_mb']:>10.0f} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {r['cpu_ms']:>7.1f} {recall:>10.3f}"
                  f"   p50 {r['p50_ms'] / baseline:.2f}x {candidates[0]}'s", flush=True)
        shutil.rmtree(work) # gigabytes at each size
        if args.before and 'memery-ann' in args.candidates: shutil.rmtree(env['PYTHONPATH'])

if __name__ == '__main__': main()
