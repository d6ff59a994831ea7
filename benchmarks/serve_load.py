"""`memery serve` under load: N concurrent clients issuing mixed searches against a 10k-image index, next to the same
searches made in-process, in the same run.

The index holds 10,000 small JPEGs with random 512-d unit vectors, stored by memery's indexer for ViT-B-32 (random
weights, which cost exactly what trained ones do), so that building it takes seconds rather than the hours encoding
10,000 photos takes on a CPU. The searches mix what the page sends: words, words with a "not", an image by id
(Similar), and a feedback round with liked and disliked ids. The server is a real `memery serve --no-index` process
on a free port, asked over HTTP by asyncio + httpx clients; in-process, the same requests go to the same `Library.search`
from a pool of as many threads as the server's (anyio's default of 40), so both sides answer at the same concurrency.

    python benchmarks/serve_load.py                     # 10,000 images, 200 clients, 2 searches each
    python benchmarks/serve_load.py --images 2000 --clients 50 --per-client 4

Prints each side's p50 and p95 latency and its throughput, and the server's as a multiple of in-process: its overhead.
Any failed request makes the run fail.
"""
import argparse, asyncio, random, statistics, subprocess, sys, tempfile, time, warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
import numpy as np
from PIL import Image

WORDS = ['a dog', 'a red car', 'the beach at sunset', 'a receipt', 'a birthday cake', 'snow on mountains', 'a cat on a sofa',
         'a screenshot of code', 'people laughing', 'a bicycle', 'a bowl of soup', 'a lighthouse', 'green leaves', 'a city at night']
THREADS = 40 # anyio's default limit on the threads that run FastAPI's plain (non-async) routes


def make_index(folder: Path, n: int, model: str) -> list[int]:
    "`n` small JPEGs in `folder`, and an index holding a random unit vector for each; return their row ids."
    from memery.core import open_index
    from memery.indexer import Entry
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for i in range(n):
        Image.new('RGB', (64, 48), tuple(int(c) for c in rng.integers(0, 255, 3))).save(folder/f'{i:05d}.jpg', quality=80)
    index = open_index(folder, model=model, pretrained=None, create=True)
    vectors = rng.standard_normal((n, 512)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    files = sorted(folder.glob('*.jpg'))
    for start in range(0, n, 1000):
        index.add([Entry(p.name, p.stat().st_size, p.stat().st_mtime_ns, f'h{i}', 64, 48, vector=v)
                   for i, (p, v) in enumerate(zip(files[start:start + 1000], vectors[start:start + 1000]), start)])
    return [row for row, in index.db.execute('SELECT id FROM images ORDER BY id')]


def requests(rows: list[int], count: int, n: int) -> list[dict]:
    "`count` search requests, a mix of the four kinds the page sends."
    rng = random.Random(1)
    ids = lambda k: [f'0-{r}' for r in rng.sample(rows, k)]
    def request(i: int) -> dict:
        words, avoid = rng.sample(WORDS, 2)
        kind = [dict(text=words), dict(text=words, negatives=[avoid]), dict(image=ids(1)[0]),
                dict(text=words, liked=ids(2), disliked=ids(1))][i % 4]
        return dict(kind, n=n)
    return [request(i) for i in range(count)]


async def clients(search, reqs: list[dict], count: int) -> tuple[list[float], list[str], float]:
    "`count` clients taking turns at `reqs`, each awaiting `search(request)` (which returns its number of results) before its next."
    queue, latencies, failures = asyncio.Queue(), [], []
    for body in reqs: queue.put_nowait(body)
    async def client():
        while not queue.empty():
            body = queue.get_nowait()
            start = time.perf_counter()
            try:
                found = await search(body)
                if found != body['n']: failures.append(f"{found} results, not {body['n']}")
            except Exception as e: failures.append(f"{type(e).__name__}: {e}")
            latencies.append(time.perf_counter() - start)
    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(count)))
    return latencies, failures, time.perf_counter() - start


def summary(name: str, latencies: list[float], failures: list[str], seconds: float) -> dict:
    if failures: raise SystemExit(f"{name}: {len(failures)} of {len(latencies)} searches failed, e.g. {failures[0]}")
    q = statistics.quantiles(latencies, n=100)
    print(f"{name:>11}: p50 {q[49] * 1000:7.1f} ms   p95 {q[94] * 1000:7.1f} ms   {len(latencies) / seconds:6.1f} searches/s   "
          f"({len(latencies)} in {seconds:.1f} s, none failed)")
    return dict(p50=q[49], p95=q[94], rate=len(latencies) / seconds)


def in_process(folder: Path, model: str, reqs: list[dict], count: int) -> dict:
    "The searches made by `Library.search` in this process, from a pool of threads as large as the server's."
    from memery.server import Library, SearchRequest
    library = Library([folder], model=model, pretrained=None)
    library.search(SearchRequest(text='warm up', n=1)) # loads the model, and the vectors into memory
    pool = ThreadPoolExecutor(THREADS)
    async def search(body):
        found = await asyncio.get_running_loop().run_in_executor(pool, library.search, SearchRequest(**body))
        return len(found['results'])
    with pool: return summary('in-process', *asyncio.run(clients(search, reqs, count)))


def over_http(folder: Path, model: str, reqs: list[dict], count: int) -> dict:
    "The searches asked of a `memery serve` process over HTTP."
    import httpx
    memery = str(Path(sys.executable).parent/'memery')
    server = subprocess.Popen([memery, 'serve', str(folder), '--model', model, '--pretrained', 'none', '--port', '0', '--no-index'],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    async def run(reqs, count):
        limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
        url, _, token = server.stdout.readline().strip().partition('?token=')
        async with httpx.AsyncClient(base_url=url, headers={'X-Memery-Token': token}, timeout=300, limits=limits) as http:
            async def search(body):
                r = await http.post('/api/search', json=body)
                if r.status_code != 200: raise RuntimeError(f"{r.status_code}: {r.text[:200]}")
                return len(r.json()['results'])
            await clients(search, [dict(text='warm up', n=1)], 1) # the model loads in the background first
            return await clients(search, reqs, count)
    try: return summary('server', *asyncio.run(run(reqs, count)))
    finally:
        server.terminate()
        server.wait(20)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--images', type=int, default=10_000)
    p.add_argument('--clients', type=int, default=200)
    p.add_argument('--per-client', type=int, default=2)
    p.add_argument('--n', type=int, default=60, help="results per search, as the page asks")
    p.add_argument('--model', default='ViT-B-32')
    args = p.parse_args()
    warnings.filterwarnings('ignore', message='.*RANDOM weights') # they are meant here, and cost what trained ones do
    from memery.testing import isolate_tests
    isolate_tests() # its files and the model's export go to a scratch folder, removed at exit
    folder = Path(tempfile.mkdtemp())/'pictures'
    start = time.perf_counter()
    rows = make_index(folder, args.images, args.model)
    print(f"{args.images} images indexed (random vectors) in {time.perf_counter() - start:.1f} s; "
          f"{args.clients} clients, {args.clients * args.per_client} mixed searches of {args.n} results")
    reqs = requests(rows, args.clients * args.per_client, args.n)
    ours = in_process(folder, args.model, reqs, args.clients)
    http = over_http(folder, args.model, reqs, args.clients)
    print(f"server overhead: p50 x{http['p50'] / ours['p50']:.2f}, p95 x{http['p95'] / ours['p95']:.2f}, "
          f"throughput x{ours['rate'] / http['rate']:.2f} lower")


if __name__ == '__main__':
    main()
