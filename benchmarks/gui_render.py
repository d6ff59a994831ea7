"""The notebook GUI's results tab: how fast it is ready after the search returns, and what it costs in memory.

A 200-result tab on real photos and clip-art (benchmarks/get_data.sh), built by `AppPage` exactly as the Search button
does, with the colour model from memery.testing standing in for CLIP (the ranking does not matter here, the pictures do).
The baseline, in the same run, is the obvious way to show those results: each file decoded in full and shrunk with
Pillow's `thumbnail`, one after another.

    python benchmarks/gui_render.py                  # after benchmarks/get_data.sh
    python benchmarks/gui_render.py --photos DIR --pngs DIR --n 200

Prints the seconds from the search's return to the tab on screen (its first screenful of thumbnails) and to its
last thumbnail, with new and with cached thumbnails, against the baseline; the bytes sent to the browser against the files' sizes; and the kernel's resident memory before and after.
"""
import argparse, io, resource, shutil, tempfile, time
from pathlib import Path
from PIL import Image
from memery.gui import AppPage
from index_speed import DATA, sample # this script's folder is on the path when it runs

def rss_mb() -> float:
    "This process's resident memory now, in MB."
    return int(Path('/proc/self/statm').read_text().split()[1]) * resource.getpagesize() / 1e6

def naive_thumbnails(paths) -> float:
    "Seconds to decode each file in full and shrink it to 200 px, as a first attempt would."
    start = time.perf_counter()
    for p in paths:
        with Image.open(p) as im:
            im = im.convert('RGB')
            im.thumbnail((200, 200))
            im.save(io.BytesIO(), 'JPEG', quality=85)
    return time.perf_counter() - start

def tab(app: AppPage, n: int):
    "Search as the Search button does; return the new tab, and the seconds from the search's return to the tab on screen and to its last thumbnail."
    app.query.value, app.n.value = 'red', n
    shown = []
    watch = lambda _: shown.append(time.perf_counter())
    app.tabs.observe(watch, 'children')
    started = time.perf_counter()
    app.search_button.click()
    app.wait()
    app.tabs.unobserve(watch, 'children')
    if not app.results: raise SystemExit(app.message.value)
    result = app.results[-1]
    return result, shown[0] - started - result.seconds, time.perf_counter() - started - result.seconds

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--photos', type=Path, default=DATA/'photos')
    parser.add_argument('--pngs', type=Path, default=DATA/'pngs')
    parser.add_argument('--n', type=int, default=200, help="results in the tab; half photos, half PNGs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)/'pictures'
        paths = sample(args.photos, args.n // 2, folder/'photos') + sample(args.pngs, args.n - args.n // 2, folder/'pngs')
        app = AppPage(folder, model='memery.testing:colour_model', pretrained=None)
        app.query.value = 'red'
        app.search_button.click(); app.wait() # indexes the folder, loads PyTorch: not part of what is measured
        for r in list(app.results): app.close_tab(r)
        shutil.rmtree(folder/'.memery'/'thumbnails', ignore_errors=True)
        file_bytes = sum(p.stat().st_size for p in paths)
        decoded = 0
        for p in paths:
            with Image.open(p) as im: decoded += im.width * im.height * 3
        before = rss_mb()
        cold, cold_shown, cold_s = tab(app, args.n)
        after = rss_mb()
        warm, warm_shown, warm_s = tab(app, args.n)
        naive_s = naive_thumbnails(paths)
        sent = sum(map(len, cold.grid.thumbs))
        print(f"{len(cold.matches)} results ({args.n // 2} photos of {sum(p.stat().st_size for p in paths[:args.n // 2]) / 1e6 / (args.n // 2):.1f} MB on average, "
              f"{args.n - args.n // 2} PNGs); the search itself took {cold.seconds:.2f} s")
        print(f"after the search returned, with new thumbnails: the tab on screen in {cold_shown:.2f} s, its last thumbnail in {cold_s:.2f} s; "
              f"with cached thumbnails: {warm_shown:.2f} s and {warm_s:.2f} s")
        print(f"all thumbnails: {cold_s:.2f} s new, {warm_s:.2f} s cached; "
              f"naive full decodes: {naive_s:.2f} s ({naive_s / cold_s:.1f}x slower than cold, {naive_s / warm_s:.0f}x slower than cached)")
        print(f"bytes for the browser: {sent / 1e6:.2f} MB of thumbnails, against {file_bytes / 1e6:.0f} MB of files "
              f"({file_bytes / sent:.0f}x less) and {decoded / 1e6:.0f} MB decoded")
        print(f"resident memory: {before:.0f} MB before the tab, {after:.0f} MB after (+{after - before:.0f} MB), "
              f"against {file_bytes / 1e6:.0f} MB of files and {decoded / 1e6:.0f} MB decoded")
