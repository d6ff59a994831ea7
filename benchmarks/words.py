"""Finding pictures by their words: recall of phrase and two-keyword queries by looks alone, by words alone and fused
(memery's tiers against reciprocal-rank fusion and normalised score mixing), whether visual queries keep their order,
and what OCR costs and reads: CPU seconds per text-heavy page before issue 27 and after, step by step, on the
same pages in one run, with the words and characters read as printed; text turned a quarter or upside down;
text-free photos; and `memery index` with and without --ocr, of text-free photos and of text-heavy pages.

Then recall@5 of queries typed as people type them (phrase, two words, the last word in part, a word a letter off,
screenshots turned), words alone and fused, on the generated corpus and on text-heavy pages of documentation;
with --before REV, memery at git revision REV answers them too, on a copy of the same index.

    python benchmarks/words.py                 # the generated corpus (60 screenshots, 48 photos) and benchmarks/data/photos
    python benchmarks/words.py --screens 200   # a bigger corpus
    python benchmarks/words.py --only-ocr      # OCR alone (a few minutes)
    python benchmarks/words.py --only-search --before HEAD   # the searches alone, before and after a change
    python benchmarks/words.py --latency 20000 --before HEAD # ms to match a query's words in 20,000 text-heavy pages

The looks side is the colour model of `memery.testing` (no pretrained CLIP can be downloaded here), which cannot read:
what finds a screenshot by its text is OCR and the fusion. Photos for the OCR cost come from `bash benchmarks/get_data.sh`.
"""
import argparse, json, os, re, resource, shutil, subprocess, sys, tempfile, time
from collections import Counter
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
    ap.add_argument('--pages', type=int, default=8, help="text-heavy pages OCR reads")
    ap.add_argument('--only-ocr', action='store_true', help="OCR's costs and readings alone, not searches")
    ap.add_argument('--only-search', action='store_true', help="searches alone, not OCR's costs")
    ap.add_argument('--latency', type=int, default=0, metavar='N', help="time matching words in N text-heavy screenshots (20000)")
    ap.add_argument('--before', help="a git revision (HEAD, a commit) whose memery answers the forgiving queries too")
    args = ap.parse_args()
    from memery.core import index_flow
    from memery.testing import make_words_folder
    work = Path(tempfile.mkdtemp())
    if args.latency:
        latency(work, args.latency, args.before)
        return shutil.rmtree(work)
    corpus = make_words_folder(work/'corpus', screens=args.screens, photos_per_folder=args.photos_per_folder)
    if not args.only_ocr:
        t = time.perf_counter()
        report = index_flow(work/'corpus', model=COLOURS, pretrained=None, ocr=True).report
        print(f"corpus: {len(corpus.screens)} screenshots, {len(corpus.photos)} photos; indexed with OCR in "
              f"{time.perf_counter() - t:.1f} s ({report.read} read)")
        search_recall(work, corpus)
        forgiving_recall(work, corpus, args.before)
    if not args.only_search: ocr_costs(args, work, corpus)
    shutil.rmtree(work)

def search_recall(work, corpus):
    "Print the recall of phrase and two-keyword queries, and whether visual queries keep the order of looks."
    from memery.core import search_flow
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

# ---------------------------------------------------------------- forgiving queries, typed as people type them

KINDS = ('phrase', 'two words', 'prefix', 'misspelt', 'rotated')

def typed(text):
    "`text` as people type it: lower case, punctuation gone, a section's number without its dot ('19.1': '191')."
    return ' '.join(re.findall(r'[a-z0-9]+', re.sub(r'(?<=\d)\.(?=\d)', '', text.lower())))

def misspelt(word, rng):
    "`word` with one letter changed, dropped, added or two swapped, never the first (typists' mistakes)."
    i = int(rng.integers(1, len(word) - 1))
    c = str(rng.choice(list('abcdefghijklmnopqrstuvwxyz')))
    kind = rng.integers(4)
    if kind == 0: out = word[:i] + c + word[i + 1:]
    elif kind == 1: out = word[:i] + word[i + 1:]
    elif kind == 2: out = word[:i] + c + word[i:]
    else: out = word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return out if out != word else word[:i] + word[i + 1:]

def kinds_of_queries(screens, rng, length=3, body=slice(None)):
    "Queries of each of `KINDS` but rotated, (query, the screenshot it came from), from `screens`' lines."
    out = {k: [] for k in KINDS}
    words_of = {p: set(typed(' '.join(t)).split()) for p, t in screens.items()}
    for path, lines in screens.items():
        lines = [typed(l).split() for l in lines[body]]
        lines = [l for l in lines if len(l) >= length]
        line = lines[rng.integers(len(lines))]
        start = int(rng.integers(len(line) - length + 1))
        words = line[start:start + length]
        out['phrase'].append((' '.join(words), path))
        if len(words[-1]) >= 5: out['prefix'].append((' '.join(words[:-1] + [words[-1][:len(words[-1]) // 2 + 1]]), path))
        long = [k for k, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
        if long:
            k = int(rng.choice(long))
            wrong = misspelt(words[k], rng)
            if not any(wrong in s for s in words_of.values()):
                out['misspelt'].append((' '.join(words[:k] + [wrong] + words[k + 1:]), path))
        for _ in range(50):
            a, b = rng.choice(len(lines), 2, replace=False)
            w1, w2 = str(rng.choice(lines[a])), str(rng.choice(lines[b]))
            if len(w1) > 2 and len(w2) > 2 and w1 != w2 and sum(w1 in s and w2 in s for s in words_of.values()) == 1:
                out['two words'].append((f'{w1} {w2}', path))
                break
    return out

def answers(folder, qs):
    "The top 5 of each query of `qs` (text, match) in `folder`, as relative paths."
    from memery.core import search_flow
    return [[os.path.relpath(m.path, folder) for m in search_flow(folder, q, model=COLOURS, pretrained=None, update=False,
                                                                  n=5, match=match)] for q, match in qs]

def aged(folder):
    "Record the indexes under `folder` (a copy) as of the schema this memery reads, if newer, for it to search them."
    import sqlite3
    from memery.schema import SCHEMA_VERSION
    for path in Path(folder).rglob('*.sqlite3'):
        with sqlite3.connect(path) as db:
            db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version' AND CAST(value AS INTEGER) > ?",
                       (SCHEMA_VERSION, SCHEMA_VERSION))
        db.close()

def in_revision(rev, code, folder, stdin):
    "What Python `code` prints, given this folder, a copy of `folder` and `stdin`, run by memery at git revision `rev`."
    root = Path(__file__).resolve().parent.parent
    old = Path(tempfile.mkdtemp())
    archive = subprocess.run(['git', '-C', str(root), 'archive', rev, 'memery'], capture_output=True, check=True).stdout
    subprocess.run(['tar', '-x', '-C', str(old)], input=archive, check=True)
    # a later schema may only add what it does not read
    shutil.copytree(folder, old/'copy')
    code = "import sys; sys.path.insert(0, sys.argv[1]); from words import aged; aged(sys.argv[2])\n" + code
    env = {**os.environ, 'PYTHONPATH': str(old)}
    # run where no other memery is at hand
    said = subprocess.run([sys.executable, '-c', code, str(Path(__file__).parent), str(old/'copy')], env=env,
                          input=stdin, capture_output=True, text=True, cwd=old)
    shutil.rmtree(old)
    if said.returncode: sys.exit(f"memery at {rev} failed: {said.stderr[-2000:]}")
    return said.stdout

def answers_before(rev, folder, qs):
    "As `answers`, by memery as it was at git revision `rev` (a copy of its package, in a process of its own)."
    code = ("import json, sys, warnings; warnings.simplefilter('ignore'); sys.path.insert(0, sys.argv[1])\n"
            "from words import answers\n"
            "print(json.dumps(answers(sys.argv[2], json.loads(sys.stdin.read()))))")
    return json.loads(in_revision(rev, code, folder, json.dumps(qs)))

def forgiving_recall(work, corpus, before=None):
    "Print recall@5 of phrase, two-word, prefix, misspelt and rotated queries, words alone and fused; before too."
    from memery.core import index_flow
    from memery.testing import make_words_folder
    rng = np.random.default_rng(1)
    # screenshots turned a quarter either way, or upside down (text read turned)
    turned = make_words_folder(work/'turned', screens=24, photos_per_folder=4, seed=1)
    for k, rel in enumerate(turned.screens):
        Image.open(work/'turned'/rel).rotate((90, 180, 270)[k % 3], expand=True).save(work/'turned'/rel)
    index_flow(work/'turned', model=COLOURS, pretrained=None, ocr=True)
    # text-heavy pages of documentation: code identifiers, numbered headings, sidebars
    docs = {}
    (work/'docs').mkdir()
    for k in range(24):
        im, truth = doc_page(200 + k, dark=k % 2)
        im.save(work/'docs'/f'page-{k}.png')
        docs[f'page-{k}.png'] = truth
    t = time.perf_counter()
    index_flow(work/'docs', model=COLOURS, pretrained=None, ocr=True)
    print(f"\ntext-heavy pages: {len(docs)} indexed with OCR in {time.perf_counter() - t:.0f} s")
    sets = {'generated screenshots': (work/'corpus', kinds_of_queries(corpus.screens, rng)),
            'text-heavy pages (4 words)': (work/'docs', kinds_of_queries(docs, rng, 4, slice(30, None))),
            'text-heavy headings (4 words)': (work/'docs', {'phrase': [(' '.join(typed(t[30]).split()[:4]), p)
                                                                       for p, t in docs.items()]})}
    sets['generated screenshots'][1]['rotated'] = kinds_of_queries(turned.screens, rng)['phrase']
    print("recall@5, as typed by people (lower case, no punctuation, '19.1' as '191'); "
          f"{'before (' + before + ') -> ' if before else ''}now")
    print(f"{'':32} {'kind':10} {'queries':>7} {'words alone':>18} {'fused (default)':>18}  ms a search (mean)")
    for name, (folder, qs) in sets.items():
        for kind, pairs in qs.items():
            if not pairs: continue
            folder_of = work/'turned' if kind == 'rotated' else folder
            asked = [(q, m) for q, _ in pairs for m in ('text', 'both')]
            t = time.perf_counter()
            now = answers(folder_of, asked)
            spent = (time.perf_counter() - t) / len(asked)
            got = lambda said: [np.mean([a in said[2 * i + m] for i, (_, a) in enumerate(pairs)]) for m in (0, 1)]
            r = got(now)
            cells = [f'{x:.3f}' for x in r]
            if before:
                b = got(answers_before(before, folder_of, asked))
                cells = [f'{y:.3f} -> {x:.3f}' for x, y in zip(r, b)]
            print(f"{name:32} {kind:10} {len(pairs):7} {cells[0]:>18} {cells[1]:>18}  {spent * 1000:.0f} ms")

# ---------------------------------------------------------------- how long words take to match, on a big folder

def zipf_pages(images, rng, lines=60):
    "The text of `images` pages: made-up words (50,000, as often as Zipf's law says), `doc_words`, a heading each."
    letters = np.array(list('abcdefghijklmnopqrstuvwxyz'))
    vocabulary = np.array([''.join(rng.choice(letters, rng.integers(3, 11))) for _ in range(50_000)])
    p = 1 / np.arange(1, len(vocabulary) + 1)
    drawn = vocabulary[rng.choice(len(vocabulary), (images, lines, 7), p=p / p.sum())]
    return [f"{rng.integers(1, 40)}.{rng.integers(1, 12)} {' '.join(page[0][:4])}\n" +
            '\n'.join(' '.join(line) + ' ' + doc_words(rng, 1) for line in page) for page in drawn]

def latency_queries(page, rng):
    "Queries of each kind from `page`'s text, as people type them."
    lines = [typed(l).split() for l in page.splitlines()]
    line = lines[5]
    rare = sorted({w for l in lines[1:] for w in l if len(w) >= 6 and w.isalpha()}, key=lambda w: -len(w))
    glued = next((w for l in lines for w in l if re.fullmatch(r'[a-z]+\d+', w)), 'u32')
    return {'phrase': ' '.join(line[2:5]), 'heading': ' '.join(lines[0][:3]), 'two words': f'{rare[0]} {rare[1]}',
            'prefix': ' '.join(line[2:4] + [line[4][:3]]), 'misspelt': ' '.join(line[2:4] + [misspelt(rare[2], rng)]),
            'glued': glued, 'one word a letter off': misspelt(rare[3], rng), 'visual (no word matches)': 'a photo of a sunset'}

def timed_queries(location, queries):
    "Median milliseconds of matching each of `queries`' words in the index at `location`, as this memery does."
    from memery.indexer import Index
    from memery import words
    index = Index(location, 'test-model/none', 'big')
    if hasattr(words, 'query_hits'): match = lambda q: words.query_hits(index, q)
    else: # before: the ranker's
        from memery.ranker import Query, _word_hits
        match = lambda q: _word_hits(index, Query(q))
    out = {}
    for name, q in queries.items():
        match(q)
        spent = []
        for _ in range(5):
            t = time.perf_counter()
            match(q)
            spent.append(time.perf_counter() - t)
        out[name] = 1000 * float(np.median(spent))
    return out

def latency(work, images, before=None):
    "Print how long matching words takes in a folder of `images` text-heavy screenshots (60 lines each), before too."
    from memery.indexer import Entry, Index
    rng = np.random.default_rng(3)
    index = Index(work/'big', 'test-model/none', 'big')
    v = rng.standard_normal((images, 8)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    pages = zipf_pages(images, rng)
    t = time.perf_counter()
    # in batches, as indexing stores them
    for start in range(0, images, 256):
        index.add([Entry(f'shots/{k}.png', 1, 1, f'h{k}', vector=v[k], text=pages[k])
                   for k in range(start, min(start + 256, images))])
    index.db.close()
    queries = latency_queries(pages[7], rng)
    print(f"\nmatching words in {images:,} text-heavy screenshots (60 lines of 8 words each, Zipf's law over 50,000; "
          f"indexed in {time.perf_counter() - t:.0f} s), median ms" + (f", before ({before}) -> now:" if before else ':'))
    now = timed_queries(work/'big', queries)
    if before:
        code = ("import json, sys, warnings; warnings.simplefilter('ignore'); sys.path.insert(0, sys.argv[1])\n"
                "from words import timed_queries\n"
                "print(json.dumps(timed_queries(sys.argv[2], json.loads(sys.stdin.read()))))")
        was = json.loads(in_revision(before, code, work/'big', json.dumps(queries)))
    for name, ms in now.items():
        print(f"  {name:26} {queries[name]!r:36} " + (f"{was[name]:6.1f} -> " if before else '') + f"{ms:6.1f}")

# identifiers of code, among the prose of a page of documentation
CODE = ['Vec<T>', 'HashMap<K, V>', 'iter()', 'fn', 'impl', 'Option<&str>', 'unwrap()', 'self.len()', '&mut',
        'u32', 'Result<(), Error>', 'std::io', 'collect::<Vec<_>>()', 'Box<dyn Fn()>', 'i64', 'as_ref()',
        '#[derive(Debug)]']
BEFORE, AFTER = 'before: RapidOCR, batches of 6 lines', '+ Latin-like characters first'

def doc_words(rng, n):
    "`n` words of documentation: prose, identifiers of code, numbered sections."
    from memery.testing import WORDS
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.12: out.append(str(rng.choice(CODE)))
        elif r < 0.17: out.append(f"{rng.integers(1, 40)}.{rng.integers(1, 12)}")
        else:
            w = str(rng.choice(WORDS))
            out.append(w.capitalize() if rng.random() < 0.1 else w + (',' if rng.random() < 0.08 else ''))
    return ' '.join(out)

def doc_page(seed, dark=False, size=(1280, 800), lines=42, site=None):
    "A page of documentation and its lines: 30 in a sidebar (one `site`'s), a heading, `lines` more."
    from PIL import ImageDraw
    from memery.testing import pick_font
    rng, (w, h) = np.random.default_rng(seed), size
    side = rng if site is None else np.random.default_rng(site)
    fg = (220, 220, 220) if dark else (30, 30, 30)
    im = Image.new('RGB', size, (30, 31, 34) if dark else (255, 255, 255))
    d = ImageDraw.Draw(im)
    d.rectangle((0, 0, 230, h), fill=(40, 42, 46) if dark else (244, 244, 246))
    truth = [doc_words(side, int(side.integers(1, 3))) for _ in range(30)]
    small = pick_font((seed if site is None else site) + 1, 13)
    for j, t in enumerate(truth): d.text((16, 14 + j * 26), t, fill=fg, font=small)
    truth.append(f"{rng.integers(1, 20)}.{rng.integers(1, 9)} " + doc_words(rng, 4).title())
    d.text((260, 14), truth[-1], fill=fg, font=pick_font(seed, 24))
    body = pick_font(seed, int(rng.choice([13, 14, 15])))
    for j in range(lines):
        t = doc_words(rng, int(rng.integers(8, 15)))
        # kept on the page
        while d.textlength(t, font=body) > w - 280: t = t.rsplit(' ', 1)[0]
        d.text((260, 56 + j * (h - 64) / lines), t, fill=fg, font=body)
        truth.append(t)
    return im, truth

def cpu_seconds(children=False):
    "CPU seconds (user and system) this process, or its waited-for children, have used."
    r = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime

def matched(text, truth):
    "Words of `truth` (lines) read as printed in `text`, their characters, and all the words and characters."
    got, want = Counter(text.split()), Counter(' '.join(truth).split())
    both = got & want
    return np.array([sum(both.values()), sum(len(w) * n for w, n in both.items()),
                     sum(want.values()), sum(len(w) * n for w, n in want.items())])

def before_read(threads=1):
    "Reading before issue 27: RapidOCR's, lines in batches of 6 padded to the widest, all characters scored."
    from rapidocr import EngineType, RapidOCR
    from memery.words import DET_MODEL, READ_SIDE, REC_MODEL, _shrunk, _wheel_model
    params = {'Global.log_level': 'error', 'Global.use_cls': False, 'Det.limit_type': 'max',
              'Det.limit_side_len': READ_SIDE, 'EngineConfig.openvino.inference_num_threads': threads or -1}
    for part, name in (('Det', DET_MODEL), ('Rec', REC_MODEL)):
        params[f'{part}.engine_type'] = EngineType.OPENVINO
        params[f'{part}.model_path'] = str(_wheel_model(name))
    engine = RapidOCR(params=params)
    return lambda im: '\n'.join(t for t in (engine(_shrunk(im, READ_SIDE)).txts or ()) if t.strip())

def with_lines(reader, shared, lines, remember=False):
    "`reader.read` with `lines` (a `LineReader`) in its `shared` models, remembering lines if `remember`."
    def read(im):
        shared['lines'] = lines
        if not remember: lines.known.clear()
        return reader.read(im)
    return read

def costs(read, pages, turn=0):
    "CPU seconds per page `read` takes on `pages` (image, lines) turned `turn`° anticlockwise; what it read."
    start, found = cpu_seconds(), 0
    for im, truth in pages: found = found + matched(read(im.rotate(turn, expand=True) if turn else im), truth)
    return (cpu_seconds() - start) / len(pages), found

def print_costs(steps, names, pages):
    "Print the CPU seconds per page of the `steps` named on `pages`, against the first's; what each read."
    base = None
    for name in names:
        s, (w, c, nw, nc) = costs(steps[name], pages)
        base = base or s
        print(f"  {name:38} {s:5.2f} s ({base / s:4.2f}x)   words read as printed {w}/{nw}, "
              f"characters {c}/{nc}")

def ocr_costs(args, work, corpus):
    "Print what OCR costs and reads, before issue 27 and after, step by step, on the same pages in one run."
    from memery import words
    from memery.words import LineReader, TextReader
    pages = [doc_page(seed, dark=seed % 2) for seed in range(args.pages + 1)]
    # the models are loaded and prepared on a first page before any is timed
    warm, pages = pages[0], pages[1:]
    screens = list(corpus.screens.items())[:args.pages]
    light = [(Image.open(work/'corpus'/p).convert('RGB'), t) for p, t in screens]
    # as in each decoding process
    reader = TextReader(threads=1)
    reader.read(warm[0])
    everywhere = TextReader(threads=None)
    everywhere.read(warm[0])
    alone = LineReader(sure=np.inf)
    steps = {BEFORE: before_read(1), 'before, with all the threads': before_read(None),
             'each line alone, widths in steps': with_lines(reader, words._engines[1], alone),
             AFTER: with_lines(reader, words._engines[1], LineReader()),
             'after, with all the threads': with_lines(everywhere, words._engines[None],
                                                       words._engines[None]['lines']),
             'after, lines remembered': with_lines(reader, words._engines[1], LineReader(), remember=True)}
    for read in steps.values(): read(warm[0])
    chars = sum(len(' '.join(t)) for _, t in pages) / len(pages)
    print(f"\nOCR of {len(pages)} text-heavy 1280x800 pages ({chars:.0f} characters each; light and dark; "
          "five fonts), CPU seconds per page, one thread unless said:")
    print_costs(steps, list(steps)[:-1], pages)
    site = [doc_page(50 + k, site=7) for k in range(args.pages)]
    print(f"\n{len(site)} text-heavy pages of one site (the same sidebar):")
    print_costs(steps, [BEFORE, AFTER, 'after, lines remembered'], site)
    print(f"\n{len(light)} light screenshots of {args.screens} (5 lines each):")
    print_costs(steps, [BEFORE, AFTER], light)
    print("\nText turned anticlockwise: words read as printed (recall), and CPU seconds per page")
    for turn in (90, 180, 270):
        for kind, group in (('text-heavy', pages[:4]), ('light', light)):
            read = [costs(steps[name], group, turn) for name in (BEFORE, AFTER)]
            said = [f"{w / n:5.3f} ({s:.2f} s)" for s, (w, _, n, _) in read]
            print(f"  {turn:3}° {kind:10}  before {said[0]}   after {said[1]}")
    text_free(args, work, corpus, reader)

def text_free(args, work, corpus, reader):
    "Print what OCR's look costs on text-free photos, upright and turned, and what `memery index --ocr` does."
    def per_image(images):
        reader(images[0])
        spent = []
        for im in images:
            start = cpu_seconds()
            reader(im)
            spent.append(cpu_seconds() - start)
        return np.array(spent)
    photos = [Image.open(work/'corpus'/p).convert('RGB') for p in corpus.photos]
    turned = [p.rotate(90, expand=True) for p in photos]
    print("\nOCR per text-free image (the look), CPU, one thread (as in each of the decoding processes):")
    for name, images in (('generated photos', photos), ('generated photos, turned 90°', turned)):
        s, read = per_image(images), sum(bool(reader(im)) for im in images)
        print(f"  {name:34} median {np.median(s)*1000:4.0f} ms   max {s.max()*1000:4.0f} ms   "
              f"read as text: {read}")
    real = sorted(Path(args.photos).glob('*.jpg'))
    if real:
        from memery.crafter import open_image
        # as indexing decodes them for ViT-B-32
        drafted = [open_image(p, 448)[0] for p in real]
        s = per_image(drafted)
        with_text = [p.name for p, im in zip(real, drafted) if reader(im)]
        print(f"  {f'real photos ({len(real)}, decoded for the model)':34} median {np.median(s)*1000:4.0f} ms"
              f"   max {s.max()*1000:4.0f} ms   (text found in {len(with_text)}: {', '.join(with_text)})")
        # each photo up to eight times, turned and mirrored: distinct files, as many pixels to decode
        source = work/'photo-source'
        source.mkdir()
        # the comparison is of a folder without text
        text_free = [p for p, im in zip(real, drafted) if not reader(im)]
        for p in text_free:
            im = Image.open(p)
            for k, turn in enumerate([None, *Image.Transpose][:args.variants]):
                (im if turn is None else im.transpose(turn)).save(source/f'{p.stem}-{k}.jpg', quality=92)
        off, on = index_costs(work, source)
        print(f"\n`memery index` of {len(text_free) * args.variants} text-free photos with ViT-B-32 (a new "
              f"process each, best of 2), CPU: {off:.1f} s without --ocr, {on:.1f} s with it: "
              f"{on / off:.2f}x")
    else: print(f"(no photos in {args.photos}: bash benchmarks/get_data.sh fetches them)")
    shots = work/'pages'
    shots.mkdir()
    for k in range(10): doc_page(100 + k, dark=k % 2)[0].save(shots/f'page-{k}.png')
    off, on = index_costs(work, shots)
    print(f"`memery index` of 10 text-heavy pages with ViT-B-32, CPU: {off:.1f} s without --ocr, {on:.1f} s "
          f"with it: {(on - off) / 10:.2f} s of OCR per page")

def index_costs(work, source):
    "CPU seconds (best of 2) of `memery index`, as run by a user, of a copy of `source`: without --ocr, with."
    spent = {}
    memery = [str(Path(sys.executable).parent/'memery'), 'index', str(work/'indexed'), '--pretrained', 'none',
              '--quiet']
    for ocr in (False, True, False, True):
        shutil.rmtree(work/'indexed', ignore_errors=True)
        shutil.copytree(source, work/'indexed')
        start = cpu_seconds(children=True)
        subprocess.run(memery + ['--ocr'] * ocr, check=True, capture_output=True)
        spent.setdefault(ocr, []).append(cpu_seconds(children=True) - start)
    return min(spent[False]), min(spent[True])

if __name__ == '__main__':
    import warnings; warnings.simplefilter('ignore') # random weights, said loudly elsewhere
    main()
