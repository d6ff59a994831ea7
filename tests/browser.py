"""What the browser tests share: Debian's Chromium (Playwright never downloads a browser here), pictures whose colours the
colour model ranks, free ports and screenshots.

Without a browser the browser tests are skipped, unless MEMERY_REQUIRE_BROWSER is set (as CI does), which makes a missing
browser a failure. Set MEMERY_SCREENSHOTS to a directory to keep the screenshots.
"""
import os, random, shutil, socket
from pathlib import Path
import pytest
from PIL import Image
from memery.testing import PALETTE

CHROMIUM = os.environ.get('MEMERY_CHROMIUM', '/usr/bin/chromium')
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync']
IMAGES = Path(__file__).parent.parent/'images'
BACKGROUNDS = ['red', 'orange', 'yellow', 'green', 'cyan', 'blue', 'purple', 'pink', 'brown', 'grey', 'black']


def need_chromium():
    "Skip the calling test module when there is no browser, or fail it if MEMERY_REQUIRE_BROWSER is set."
    if Path(CHROMIUM).exists(): return
    missing = f"no browser at {CHROMIUM}: `apt-get install chromium`, or set MEMERY_CHROMIUM to a Chromium or Chrome binary"
    if os.environ.get('MEMERY_REQUIRE_BROWSER'): pytest.fail(missing, pytrace=False)
    pytest.skip(missing, allow_module_level=True)


def make_picture_folder(folder: Path, count: int = 242) -> Path:
    "`count` JPEGs: the example clip-art on backgrounds mixing two colours, so that the colour model's ranking shows in the pictures."
    arts = sorted(IMAGES.rglob('*.png'))
    folder.mkdir(parents=True)
    rng = random.Random(0)
    for i in range(count):
        art, colour, other = arts[i % len(arts)], BACKGROUNDS[(i // len(arts) + i) % len(BACKGROUNDS)], rng.choice(BACKGROUNDS)
        mix = rng.uniform(0, 0.5)
        background = [(1 - mix) * a + mix * b for a, b in zip(PALETTE[colour], PALETTE[other])]
        picture = Image.new('RGB', (480, 360), tuple(int(255 * c) for c in background))
        with Image.open(art) as im:
            im = im.convert('RGBA')
            im.thumbnail((300, 300))
            picture.paste(im, ((480 - im.width) // 2, (360 - im.height) // 2), im)
        again = f' {i // (len(arts) * len(BACKGROUNDS))}' if i >= len(arts) * len(BACKGROUNDS) else '' # names stay unique
        picture.save(folder/f'{colour} {art.stem}{again}.jpg', quality=88)
    return folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def snap(page, tmp_path, name, full_page=False) -> Path:
    "Save a screenshot in the test's temp dir (and in $MEMERY_SCREENSHOTS, if set)."
    path = tmp_path/f'{name}.png'
    page.screenshot(path=path, full_page=full_page)
    if os.environ.get('MEMERY_SCREENSHOTS'):
        Path(os.environ['MEMERY_SCREENSHOTS']).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(os.environ['MEMERY_SCREENSHOTS'])/path.name)
    assert path.stat().st_size > 10_000
    return path
