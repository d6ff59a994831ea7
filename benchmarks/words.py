"""Finding pictures by their words: recall of phrase and two-keyword queries by looks alone, by words alone and fused
(memery's tiers against reciprocal-rank fusion and normalised score mixing), whether visual queries keep their order,
and what OCR costs and reads: CPU seconds per text-heavy page, per screenshot and per text-free photo, and the
words and characters read as printed, by memery at --ocr-before and by this one, on the same images in one run
(each in a process of its own; with --f32 in float32 too, as CPUs without AMX compute); text turned a quarter or
upside down; and `memery index` of text-heavy pages with and without --ocr, before and after.

Then recall@5 of queries typed as people type them (phrase, two words, the last word in part, a word a letter off,
screenshots turned), words alone and fused, on the generated corpus and on text-heavy pages of documentation;
with --before REV, memery at git revision REV answers them too, on a copy of the same index.

    python benchmarks/words.py                 # the generated corpus (60 screenshots, 48 photos) and benchmarks/data/photos
    python benchmarks/words.py --screens 200   # a bigger corpus
    python benchmarks/words.py --only-ocr      # OCR alone (a few minutes)
    python benchmarks/words.py --only-ocr --f32  # and in float32, as CPUs without AMX compute
    python benchmarks/words.py --only-ocr --browser-pages 10  # and Chromium's screenshots of Python's documentation
    python benchmarks/words.py --only-ocr --browser-pages 10 --html "$(rustc --print sysroot)/share/doc/rust/html"
    python benchmarks/words.py --only-search --before HEAD   # the searches alone, before and after a change
    python benchmarks/words.py --only-search --browser-pages 30 --samplings 8 --html DIR  # and on Chromium's
                          # screenshots of DIR's pages, queries made of the lines each shows (as the browser lays them out)
    python benchmarks/words.py --latency 20000 --before HEAD # ms to match a query's words in 20,000 text-heavy pages

The looks side is the colour model of `memery.testing` (no pretrained CLIP can be downloaded here), which cannot read:
what finds a screenshot by its text is OCR and the fusion. Photos for the OCR cost come from `bash benchmarks/get_data.sh`.
"""
import argparse, json, os, re, resource, shutil, subprocess, sys, tempfile, time, unicodedata
from collections import Counter
from pathlib import Path
import numpy as np
from PIL import Image
from revisions import package_at

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
    ap.add_argument('--pages', type=int, default=8, help="text-heavy pages OCR reads (and as many of each other set)")
    ap.add_argument('--index-pages', type=int, default=10, help="text-heavy pages `memery index` reads, with --ocr and without")
    ap.add_argument('--browser-pages', type=int, default=0, metavar='N', help="N screenshots of documentation in Chromium (Playwright, /usr/bin/chromium): `memery index` reads them too, and searches are made of their lines")
    ap.add_argument('--samplings', type=int, default=1, metavar='K', help="draw the queries of Chromium's screenshots K times, pooled (more queries from the same pages)")
    ap.add_argument('--html', metavar='DIR', help="a folder of HTML documentation the screenshots show (default: pydoc's pages of Python's standard modules)")
    ap.add_argument('--ocr-before', default=OCR_BEFORE, help="the git revision whose OCR is compared (%(default)s: before its second pass)")
    ap.add_argument('--f32', action='store_true', help="OCR in float32 too, as on CPUs without AMX (a few minutes more)")
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
        shots = browser_shots(args, work) if args.browser_pages else None
        forgiving_recall(work, corpus, args.before, shots, args.samplings)
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

KINDS = ('phrase', 'two words', 'prefix', 'past stem', 'alone', 'misspelt', 'rotated')

def typed(text):
    "`text` as people type it: lower case, no accents nor punctuation, a section's number without its dot ('19.1': '191')."
    plain = ''.join(c for c in unicodedata.normalize('NFD', text.lower()) if not unicodedata.combining(c))
    return ' '.join(re.findall(r'[a-z0-9]+', re.sub(r'(?<=\d)\.(?=\d)', '', plain)))

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

def past_stem(word):
    "A start of `word` two letters past its stem, which SQLite's stemmed prefix query misses ('weddi'), or None."
    import sqlite3
    db = sqlite3.connect(':memory:')
    db.execute("CREATE VIRTUAL TABLE w USING fts5(t, tokenize = 'porter unicode61 remove_diacritics 2')")
    db.execute('INSERT INTO w VALUES (?)', (word,))
    missed = (word[:k] for k in range(4, len(word))
              if not db.execute('SELECT 1 FROM w WHERE w MATCH ?', (f'"{word[:k]}"*',)).fetchone())
    # one letter past it ('wedd') is a letter off the stem, which that tier finds
    next(missed, None)
    return next(missed, None)

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
        # alone: its rarest word typed past its stem, where 5 screenshots at most have it (recall@5 if it is found)
        held = {w: sum(w in s for s in words_of.values()) for l in lines for w in l}
        alone = sorted((held[w], w) for w in held if held[w] <= 5 and len(w) >= 6 and w.isalpha() and past_stem(w))
        if alone: out['alone'].append((past_stem(alone[0][1]), path))
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
                # the second typed in part past its stem ('wedd' of 'wedding', kept as 'wed'), where the first
                # alone is on more screenshots than the 5 looked at
                cut = past_stem(w2)
                if cut and sum(w1 in s for s in words_of.values()) > 5:
                    out['past stem'].append((f'{w1} {cut}', path))
                break
    return out

def answers(folder, qs):
    "The top 5 of each query of `qs` (text, match) in `folder`, as relative paths."
    from memery.core import search_flow
    return [[os.path.relpath(m.path, folder) for m in search_flow(folder, q, model=COLOURS, pretrained=None, update=False,
                                                                  n=5, match=match)] for q, match in qs]

def in_revision(rev, code, folder, stdin):
    "What Python `code` prints, given this folder, a copy of `folder` and `stdin`, run by memery at git revision `rev`."
    old = package_at(rev)
    # a later schema may only add what it does not read
    shutil.copytree(folder, old/'copy')
    code = "import sys; sys.path.insert(0, sys.argv[1]); from revisions import aged; aged(sys.argv[2])\n" + code
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

def forgiving_recall(work, corpus, before=None, shots=None, samplings=1):
    "Print recall@5 of phrase, two-word, prefix, misspelt and rotated queries, words alone and fused; before too; on Chromium's screenshots in `shots` too."
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
    if shots is not None:
        t = time.perf_counter()
        index_flow(shots, model=COLOURS, pretrained=None, ocr=True)
        print(f"Chromium's screenshots: {len(list(shots.glob('*.png')))} indexed with OCR in "
              f"{time.perf_counter() - t:.0f} s")
        pages = json.loads((shots.parent/'lines.json').read_text())
        # a line of one page alone (not a sidebar's, nor a version's every page shows)
        seen = Counter(typed(l) for lines in pages.values() for l in set(lines))
        shown = {p: [l for l in lines if seen[typed(l)] == 1] for p, lines in pages.items()}
        shown = {p: lines for p, lines in shown.items() if sum(len(typed(l).split()) >= 4 for l in lines) >= 2}
        drawn = [kinds_of_queries(shown, rng, 4) for _ in range(samplings)]
        sets["Chromium's screenshots (4 words)"] = (shots, {k: sum((d[k] for d in drawn), []) for k in drawn[0]})
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
            'prefix': ' '.join(line[2:4] + [line[4][:3]]), 'past stem': past_stem('wedding'),
            'misspelt': ' '.join(line[2:4] + [misspelt(rare[2], rng)]),
            'glued': glued, 'its digits alone': re.sub(r'[a-z]+', '', glued), 'one word a letter off': misspelt(rare[3], rng), 'visual (no word matches)': 'a photo of a sunset'}

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
    # in a process of its own, as the one before is: not beside the pages made here (a slower Python)
    timer = ("import json, sys, warnings; warnings.simplefilter('ignore'); sys.path.insert(0, sys.argv[1])\n"
             "from words import timed_queries\n"
             "print(json.dumps(timed_queries(sys.argv[2], json.loads(sys.stdin.read()))))")
    del pages
    now = json.loads(subprocess.run([sys.executable, '-c', timer, str(Path(__file__).parent), str(work/'big')],
                                    input=json.dumps(queries), capture_output=True, text=True, check=True).stdout)
    if before: was = json.loads(in_revision(before, timer, work/'big', json.dumps(queries)))
    for name, ms in now.items():
        print(f"  {name:26} {queries[name]!r:36} " + (f"{was[name]:6.1f} -> " if before else '') + f"{ms:6.1f}")

# identifiers of code, among the prose of a page of documentation
CODE = ['Vec<T>', 'HashMap<K, V>', 'iter()', 'fn', 'impl', 'Option<&str>', 'unwrap()', 'self.len()', '&mut',
        'u32', 'Result<(), Error>', 'std::io', 'collect::<Vec<_>>()', 'Box<dyn Fn()>', 'i64', 'as_ref()',
        '#[derive(Debug)]']

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

# git revision and module of the reader before this chapter's second pass (issue 27): LineReader in memery.words
OCR_BEFORE = 'cfb1ae6'
F32 = "import openvino as ov\n" \
      "_compile = ov.Core.compile_model\n" \
      "def compile_f32(self, model, device_name='CPU', config=None, **kw):\n" \
      "    return _compile(self, model, device_name, {**(config or {}), 'INFERENCE_PRECISION_HINT': 'f32'}, **kw)\n" \
      "ov.Core.compile_model = compile_f32\n"

def as_on(precision):
    "Python code that makes OpenVINO compute in `precision` ('f32': float32, as CPUs without AMX do), or nothing."
    return F32 if precision == 'f32' else ''

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

def reader_costs(folder):
    "In a process of its own: CPU seconds and words read by this memery's `TextReader`, on the sets of `folder`."
    try: from memery.ocr import TextReader
    # before chapter 24, OCR was part of memery.words
    except ImportError: from memery.words import TextReader
    sets = json.loads((Path(folder)/'sets.json').read_text())
    # one thread, as in each decoding process; the models are loaded and prepared on a first page
    reader = TextReader(threads=1)
    reader(Image.open(Path(folder)/sets['warm']).convert('RGB'))
    shared = sys.modules[TextReader.__module__]._engines[1]
    out = {}
    for name, items in sets['sets'].items():
        # each set read afresh: lines are remembered within a set, as within a run
        shared['lines'].known.clear()
        turn = int(name.rsplit(' ', 1)[1]) if name.startswith('turned') else 0
        spent, found = [], np.zeros(4, int)
        for file, truth in items:
            im = Image.open(Path(folder)/file).convert('RGB')
            if turn: im = im.rotate(turn, expand=True)
            start = cpu_seconds()
            text = reader(im)
            spent.append(cpu_seconds() - start)
            found += matched(text, truth) if truth is not None else [bool(text), 0, 1, 0]
        out[name] = {'cpu': spent, 'found': found.tolist()}
    print(json.dumps(out))

def run_costs(folder, package=None, precision=None):
    "`reader_costs` of `folder` by memery's `package` folder (None: this one), OpenVINO in `precision`."
    code = (as_on(precision) + "import sys; sys.path.insert(0, sys.argv[1]); from words import reader_costs\n"
            "import warnings; warnings.simplefilter('ignore')\nreader_costs(sys.argv[2])")
    env = {**os.environ, **({'PYTHONPATH': str(package)} if package else {})}
    said = subprocess.run([sys.executable, '-c', code, str(Path(__file__).parent), str(folder)], env=env,
                          capture_output=True, text=True, cwd=package or Path(__file__).parent.parent)
    if said.returncode: sys.exit(f"reading failed: {said.stderr[-2000:]}")
    return json.loads(said.stdout.splitlines()[-1])

def ocr_sets(args, work, corpus):
    "Images OCR reads in the comparison, saved in a folder with `sets.json`: their sets and what they show."
    folder = work/'ocr-sets'
    folder.mkdir()
    def saved(name, im, truth):
        im.save(folder/name)
        return [name, truth]
    heavy = [saved(f'page-{s}.png', *doc_page(s, dark=s % 2)) for s in range(1, args.pages + 1)]
    sets = {'text-heavy pages': heavy,
            'pages of one site': [saved(f'site-{k}.png', *doc_page(50 + k, site=7)) for k in range(args.pages)],
            'light screenshots': [saved(f'light-{k}.png', Image.open(work/'corpus'/p).convert('RGB'), t)
                                  for k, (p, t) in enumerate(list(corpus.screens.items())[:args.pages])]}
    for turn in (90, 180, 270): sets[f'turned {turn}'] = heavy[:3]
    photos = [saved(f'photo-{k}.png', Image.open(work/'corpus'/p).convert('RGB'), None)
              for k, p in enumerate(corpus.photos)]
    sets['text-free photos'] = photos
    real = sorted(Path(args.photos).glob('*.jpg'))
    if real:
        from memery.crafter import open_image
        # as indexing decodes them for ViT-B-32
        sets['real photos, decoded for the model'] = [saved(f'real-{k}.png', open_image(p, 448)[0], None)
                                                      for k, p in enumerate(real)]
    doc_page(0)[0].save(folder/'warm.png')
    (folder/'sets.json').write_text(json.dumps({'warm': 'warm.png', 'sets': sets}))
    return folder

def ocr_costs(args, work, corpus):
    "Print what OCR costs and reads before this pass and after, on the same images, in one run; then indexing."
    folder, old = ocr_sets(args, work, corpus), package_at(args.ocr_before)
    precisions = [None, 'f32'] if args.f32 else [None]
    said = {(p, when): run_costs(folder, old if when == 'before' else None, p)
            for p in precisions for when in ('before', 'after')}
    for p in precisions:
        kind = ("float32 (INFERENCE_PRECISION_HINT f32, as on CPUs without AMX)" if p else
                "OpenVINO's own precision (bfloat16 on this CPU if it has AMX)")
        print(f"\nOCR, CPU seconds per image on one thread, {kind}: before (memery at {args.ocr_before}) and after")
        for name, items in json.loads((folder/'sets.json').read_text())['sets'].items():
            (b, a), n = (said[p, w][name] for w in ('before', 'after')), len(items)
            if items[0][1] is None:
                print(f"  {name:36} median {np.median(b['cpu'])*1000:4.0f} ms -> {np.median(a['cpu'])*1000:4.0f} ms"
                      f"   max {max(b['cpu'])*1000:4.0f} -> {max(a['cpu'])*1000:4.0f} ms   read as text: "
                      f"{b['found'][0]} -> {a['found'][0]} of {n}")
                continue
            sb, sa = (sum(x['cpu']) / n for x in (b, a))
            (wb, cb, nw, nc), (wa, ca) = b['found'], a['found'][:2]
            print(f"  {name:36} {sb:5.2f} s -> {sa:5.2f} s ({sb / sa:4.2f}x)   words read as printed "
                  f"{wb} -> {wa} of {nw}, characters {cb} -> {ca} of {nc}")
    shots, folders = work/'pages', {}
    if args.index_pages:
        shots.mkdir()
        for k in range(args.index_pages): doc_page(100 + k, dark=k % 2)[0].save(shots/f'page-{k}.png')
        folders[f"{args.index_pages} text-heavy 1280x800 pages"] = shots
    if args.browser_pages:
        folders[f"{args.browser_pages} Chromium screenshots of {args.html or 'Python documentation'}"] = (
            browser_shots(args, work))
    for name, folder in folders.items():
        print(f"\n`memery index` of {name} with ViT-B-32 (random weights), CPU of its processes, best of 2: "
              "OCR's cost is the difference with --ocr")
        pages = len(list(folder.glob('*.png')))
        for p in precisions:
            for when in ('before', 'after'):
                off, on = index_costs(work, folder, old if when == 'before' else None, p)
                print(f"  {when:6} {'float32' if p else 'own precision':13}  {off:5.1f} s without --ocr, {on:5.1f} s "
                      f"with it: {(on - off) / pages:.2f} s of OCR per page")
    shutil.rmtree(old)

DOCUMENTED = ['json', 'pathlib', 'argparse', 'csv', 'textwrap', 'shutil', 'zipfile', 'sqlite3', 'tarfile', 'gzip',
              'logging', 'subprocess', 'datetime', 'collections', 'functools', 'itertools', 'socket', 'email', 'heapq', 'uuid']

def documentation(work, n, html=None):
    "`n` pages of documentation to show: HTML files of the folder `html`, or pydoc's pages of standard modules."
    if html is not None:
        # pages of some substance, spread over the whole folder
        pages = sorted(p for p in html.rglob('*.html') if p.stat().st_size > 20_000)
        return [pages[k * len(pages) // n] for k in range(n)]
    import importlib, pydoc
    work.mkdir()
    for k in range(n):
        module = importlib.import_module(DOCUMENTED[k % len(DOCUMENTED)])
        (work/f'{k}.html').write_text(pydoc.html.page(pydoc.describe(module), pydoc.html.document(module)))
    return [work/f'{k}.html' for k in range(n)]

# each word the screenshot shows whole, in a visible element: its text and box, in the viewport's pixels
SHOWN_WORDS = """() => {
  const words = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, style = getComputedStyle(node.parentElement);
    if (style.visibility !== 'visible' || parseFloat(style.opacity) === 0) continue;
    for (const m of node.textContent.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const r = range.getBoundingClientRect();
      if (!(r.width > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight)) continue;
      // on top where it is: not clipped by a scrolled box, nor under another element
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (hit && (hit === node.parentElement || node.parentElement.contains(hit)))
        words.push([m[0], r.left, r.top, r.width, r.height]);
    }
  }
  return words;
}"""

def shown_lines(words):
    "The lines of text `words` (text, left, top, width, height) make, as OCR would find them: a row, split at wide gaps."
    lines, row = [], []
    def flush():
        row.sort(key=lambda w: w[1])
        line = [row[0]]
        for w in row[1:]:
            if w[1] - (line[-1][1] + line[-1][3]) > 1.5 * line[-1][4]:
                lines.append(' '.join(x[0] for x in line))
                line = []
            line.append(w)
        lines.append(' '.join(x[0] for x in line))
    for w in sorted(words, key=lambda w: w[2] + w[4] / 2):
        if row and abs((w[2] + w[4] / 2) - (row[0][2] + row[0][4] / 2)) > row[0][4] / 2:
            flush()
            row = []
        row.append(w)
    if row: flush()
    return lines

def browser_pages(folder, n, html=None):
    "`n` screenshots of `documentation` in Chromium, 1024 to 1440 pixels wide and 800 high, every other one dark; with `lines.json` beside them, the lines each shows."
    from playwright.sync_api import sync_playwright
    pages = documentation(folder.parent/'html', n, html)
    folder.mkdir()
    shown = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get('MEMERY_CHROMIUM', '/usr/bin/chromium'))
        for k, html_page in enumerate(pages):
            page = browser.new_page(viewport={'width': (1024, 1280, 1440)[k % 3], 'height': 800})
            page.goto(html_page.as_uri())
            # past the page's heading, as someone reading it would take it
            page.evaluate('window.scrollTo(0, 600)')
            if k % 2: page.add_style_tag(content='html { filter: invert(1) hue-rotate(180deg); background: #fff }')
            page.screenshot(path=str(folder/f'page-{k}.png'))
            shown[f'page-{k}.png'] = shown_lines(page.evaluate(SHOWN_WORDS))
            page.close()
        browser.close()
    (folder.parent/'lines.json').write_text(json.dumps(shown))
    return folder

def browser_shots(args, work):
    "The run's `browser_pages` of the documentation `args` names, in `work`: taken at the first call."
    folder = work/'browser'
    return folder if folder.exists() else browser_pages(folder, args.browser_pages, args.html and Path(args.html))

def index_costs(work, source, package=None, precision=None):
    "CPU seconds (best of 2) of `memery index`, by memery's `package` folder (None: this one), of a copy of `source`."
    spent = {}
    code = as_on(precision) + "import sys; from memery.cli import main; sys.argv[0] = 'memery'; sys.exit(main())"
    memery = [sys.executable, '-c', code, 'index', str(work/'indexed'), '--pretrained', 'none', '--quiet']
    env = {**os.environ, **({'PYTHONPATH': str(package)} if package else {})}
    for ocr in (False, True, False, True):
        shutil.rmtree(work/'indexed', ignore_errors=True)
        shutil.copytree(source, work/'indexed', ignore=shutil.ignore_patterns('.memery'))
        start = cpu_seconds(children=True)
        subprocess.run(memery + ['--ocr'] * ocr, check=True, capture_output=True, env=env,
                       cwd=package or Path(__file__).parent.parent)
        spent.setdefault(ocr, []).append(cpu_seconds(children=True) - start)
    return min(spent[False]), min(spent[True])

if __name__ == '__main__':
    import warnings; warnings.simplefilter('ignore') # random weights, said loudly elsewhere
    main()
