"""`memery serve` as a real process, its page driven in headless Chromium by Playwright (see browser.py for the browser it needs).

The whole flow at 1920x1080: a search typed and sent with Enter, the dense grid, two results liked and a Refine, the viewer
with its keys, the back button, a search by an uploaded image and by a dropped one; then a bookmarked search at 1366x768,
and a folder searched while it is being indexed in the background.
"""
import json, os, re, subprocess, sys, time, urllib.request
from contextlib import contextmanager
from pathlib import Path
import pytest
from PIL import Image
from playwright.sync_api import expect, sync_playwright
from memery.testing import make_words_folder
from browser import CHROMIUM, CHROMIUM_ARGS, make_picture_folder, need_chromium, snap

need_chromium()
expect.set_options(timeout=60_000)
MEMERY = str(Path(sys.executable).parent/'memery')
COLOURS = ['--model', 'memery.testing:colour_model', '--pretrained', 'none']


class Server:
    "`memery serve` in a process of its own, on a free port."
    def __init__(self, folders, tmp: Path, *args, model=COLOURS, port=0):
        self.log = open(tmp/'serve.log', 'a+')
        env = dict(os.environ, XDG_CACHE_HOME=str(tmp/'.cache'))
        self.process = subprocess.Popen([MEMERY, 'serve', *map(str, folders), '--port', str(port), *model, *args], stdout=subprocess.PIPE,
                                        stderr=self.log, text=True, env=env)
        # the first line: where it listens, once it does, with the token it made
        self.address = self.process.stdout.readline().strip()
        if not self.address.startswith('http://127.0.0.1:'): pytest.fail(f"memery serve printed {self.address!r}; log: {self.logged()}")
        self.url, _, self.token = self.address.partition('?token=')

    def get(self, path: str, timeout: float = 10) -> dict:
        "The API's JSON answer at `path` (as 'api/status'), asked with the token."
        request = urllib.request.Request(f'{self.url}{path}', headers={'X-Memery-Token': self.token})
        with urllib.request.urlopen(request, timeout=timeout) as r: return json.load(r)

    def status(self) -> dict: return self.get('api/status')

    def wait_indexed(self, timeout=120):
        for _ in range(int(timeout * 4)):
            if not any(f['indexing'] or f['images'] == 0 for f in self.status()['folders']): return
            time.sleep(0.25)
        pytest.fail(f"still indexing after {timeout} s")

    def logged(self) -> str:
        if not self.log.closed:
            self.log.seek(0)
            self.text = self.log.read()
        return self.text[-3000:]

    def stop(self):
        self.process.terminate()
        try: self.process.wait(10)
        except subprocess.TimeoutExpired: self.process.kill()
        self.logged()
        self.log.close()


@contextmanager
def indexed_server(folders, tmp: Path):
    "`memery serve` of `folders`, once they are indexed; stopped after, its log free of tracebacks."
    server = Server(folders, tmp)
    try:
        server.wait_indexed()
        yield server
    finally: server.stop()
    assert 'Traceback' not in server.logged(), server.logged()


@pytest.fixture(scope='module')
def pictures(tmp_path_factory):
    root = tmp_path_factory.mktemp('serve')
    return make_picture_folder(root/'pictures'), make_picture_folder(root/'more', count=30)


@pytest.fixture(scope='module')
def server(pictures, tmp_path_factory):
    with indexed_server(pictures, tmp_path_factory.mktemp('server')) as s: yield s


@pytest.fixture(scope='module')
def browser(tmp_path_factory):
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_page(browser, url, width=1920, height=1080, token=None):
    "A new page at `url`; with `token`, its requests carry it (else `url` must: the server's address as printed)."
    page = browser.new_page(viewport={'width': width, 'height': height})
    if token: page.set_extra_http_headers({'X-Memery-Token': token})
    page.set_default_timeout(60_000)
    errors = []
    page.on('pageerror', lambda e: errors.append(str(e)))
    page.on('console', lambda m: m.type == 'error' and errors.append(m.text))
    page.goto(url)
    page.errors = errors
    return page


def all_loaded(page, n: int):
    "Wait until the grid shows `n` results, and the thumbnails in view are decoded."
    page.wait_for_function("""n => {
        const cards = [...document.querySelectorAll('#grid .card')];
        const inView = cards.filter(c => c.getBoundingClientRect().top < innerHeight);
        return cards.length === n && inView.every(c => { const i = c.querySelector('img'); return i.complete && i.naturalWidth > 0; });
    }""", arg=n)


def names(page) -> list[str]:
    return page.locator('#grid .card .name').all_text_contents()


def visible_thumbnails(page) -> int:
    "Thumbnails entirely within the window, loaded."
    return page.evaluate("""() => [...document.querySelectorAll('#grid .card')].filter(c => {
        const r = c.getBoundingClientRect(), i = c.querySelector('img');
        return r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth && i.complete && i.naturalWidth > 0;
    }).length""")


def first_is(page, colour: str):
    "Wait until the first result is a picture of `colour` (its name starts with it)."
    page.wait_for_function("c => document.querySelector('#grid .card .name')?.textContent.startsWith(c + ' ')", arg=colour)


def summary(page) -> str:
    return page.locator('#summary').inner_text()


def test_search_refine_view_back_upload(server, browser, pictures, tmp_path):
    page = open_page(browser, server.address) # as the user does: the token goes into a cookie
    expect(page.locator('#folder')).to_be_visible() # two folders: a menu
    page.fill('#q', 'red')
    page.press('#q', 'Enter')
    all_loaded(page, 60)
    first = names(page)
    assert first[0].startswith('red '), first[:5]
    assert '\nwords: [red]' in page.locator('#grid .card').nth(0).get_attribute('title') # found by its name too, and the card says so
    assert '?q=red' in page.url
    # where the relevant ones end: the red pictures (their names say so), then a line, then the closest others
    expect(page.locator('#grid .cut')).to_contain_text('relevant above')
    above = page.evaluate("() => [...document.querySelectorAll('#grid > *')].findIndex(e => e.classList.contains('cut'))")
    reds = sum(p.name.startswith('red ') for p in pictures[0].iterdir())
    assert above == reds and all(n.startswith('red ') for n in first[:above]), (above, reds, first[:above + 2])
    assert f'about {reds} relevant' in summary(page), summary(page)
    dense = visible_thumbnails(page)
    print(f"{dense} thumbnails in view at 1920x1080")
    assert dense >= 24, dense
    snap(page, tmp_path, 'serve-1-search-1920')

    page.locator('#grid .card').nth(0).hover()
    scores = page.locator('#grid .card').nth(0).locator('figcaption')
    expect(scores).to_have_css('opacity', '1') # the score shows on hover
    liked = [first[-1], first[-2]] # two far down the list: a refined ranking brings their colours up
    for name in liked:
        card = page.locator('#grid .card', has=page.locator('.name', has_text=name)).first
        card.hover()
        card.get_by_role('button', name=re.compile('^Like')).click()
    expect(page.locator('#grid .card.liked')).to_have_count(2)
    expect(page.locator('#marks .count')).to_have_text('2 liked, 0 disliked')
    expect(page.locator('#marks .chip.like')).to_have_count(2) # each mark a chip, undone by its ×
    page.click('#refine')
    expect(page.locator('#summary')).to_contain_text('round 1')
    all_loaded(page, 60)
    refined = names(page)
    assert refined != first and 'like=' in page.url
    marked = page.locator('#grid .card.liked .name').all_text_contents()
    assert marked and set(marked) <= set(liked), marked
    snap(page, tmp_path, 'serve-2-refined-1920')

    page.locator('#grid .card').nth(1).click()
    viewer = page.locator('#viewer')
    expect(viewer).to_be_visible()
    expect(page.locator('#big-path')).to_have_text(str(pictures[0]/page.locator('#grid .card').nth(1).get_attribute('title').split('\n')[0]))
    page.wait_for_function("() => document.getElementById('big').naturalWidth > 0")
    snap(page, tmp_path, 'serve-3-viewer-1920')
    page.keyboard.press('ArrowRight')
    expect(page.locator('#big-path')).to_have_text(str(pictures[0]/page.locator('#grid .card').nth(2).get_attribute('title').split('\n')[0]))
    page.keyboard.press('l')
    expect(page.locator('#grid .card').nth(2)).to_have_class(re.compile(r'\bliked\b'))
    page.keyboard.press('Escape')
    expect(viewer).to_be_hidden()

    page.go_back() # the first search again
    expect(page.locator('#summary')).to_have_text(re.compile(r'^60\+ results for “red” in pictures · about \d+ relevant · \d+ ms$'))
    all_loaded(page, 60)
    assert names(page) == first and page.locator('#q').input_value() == 'red'

    blue = tmp_path/'my blue.png'
    Image.new('RGB', (64, 64), (0, 0, 235)).save(blue)
    page.fill('#q', '')
    page.set_input_files('#file', str(blue))
    expect(page.locator('#example')).to_be_visible()
    expect(page.locator('#summary')).to_contain_text('an example image')
    all_loaded(page, 60)
    assert names(page)[0].startswith('blue '), names(page)[:3]
    snap(page, tmp_path, 'serve-4-upload-1920')

    green = tmp_path/'green.png'
    Image.new('RGB', (64, 64), (0, 200, 0)).save(green)
    page.evaluate("""async data => {
        const file = new File([Uint8Array.from(atob(data), c => c.charCodeAt(0))], 'green.png', {type: 'image/png'});
        const drop = new DataTransfer(); drop.items.add(file);
        window.dispatchEvent(new DragEvent('drop', {dataTransfer: drop, bubbles: true, cancelable: true}));
    }""", __import__('base64').b64encode(green.read_bytes()).decode())
    first_is(page, 'green')
    assert not page.errors, page.errors


def test_bookmark_at_1366(server, browser, tmp_path):
    page = open_page(browser, f'{server.url}?q=blue&not=purple', 1366, 768, server.token)
    all_loaded(page, 60)
    assert names(page)[0].startswith('blue ')
    assert page.locator('#not').input_value() == 'purple'
    dense = visible_thumbnails(page)
    print(f"{dense} thumbnails in view at 1366x768")
    assert dense >= 15, dense
    snap(page, tmp_path, 'serve-5-bookmark-1366')
    page.select_option('#folder', label='more')
    all_loaded(page, 30)
    assert len(set(names(page))) == 30
    assert not page.errors, page.errors


def test_match_menu(server, browser, pictures, tmp_path):
    "The Match menu: by words only, only images whose words (here, file names) have the query's; by looks only, none are found by words."
    page = open_page(browser, f'{server.url}?q=red&match=text', token=server.token)
    reds = sorted(p.name for p in pictures[0].iterdir() if p.name.startswith('red '))
    all_loaded(page, len(reds))
    assert sorted(names(page)) == reds and page.locator('#match').input_value() == 'text'
    expect(page.locator('#summary')).to_contain_text('results for “red” (words only)')
    snap(page, tmp_path, 'serve-6-words-only')
    page.fill('#q', 'xylophone')
    page.press('#q', 'Enter')
    expect(page.locator('#summary')).to_contain_text("No results for “xylophone” (words only) in pictures · ") # and why:
    expect(page.locator('#summary')).to_contain_text("no image has the words 'xylophone' in its folder and file names, its place")
    expect(page.locator('#grid .card')).to_have_count(0)
    page.go_back()
    page.select_option('#match', label='looks only') # searches again at once
    expect(page.locator('#summary')).to_contain_text('(looks only)')
    all_loaded(page, 60)
    assert 'match=visual' in page.url and names(page)[0].startswith('red ')
    assert not any('words:' in t for t in page.locator('#grid .card').evaluate_all('cs => cs.map(c => c.title)'))
    page.select_option('#match', label='looks + words')
    expect(page.locator('#grid .card').nth(0)).to_have_attribute('title', re.compile(r'words: \[red\]')) # found by both again
    expect(page.locator('#summary')).to_have_text(re.compile(r'^60\+ results for “red” in pictures · about \d+ relevant · \d+ ms$'))
    assert 'match=' not in page.url
    assert not page.errors, page.errors


def test_api_docs_page(server, browser, tmp_path):
    "/docs shows the OpenAPI schema with nothing loaded from elsewhere."
    page = open_page(browser, f'{server.url}docs', token=server.token)
    expect(page.locator('.route')).to_have_count(8) # status, search by POST and by GET, thumbnails, images, videos, duplicates, OCR
    expect(page.locator('#routes')).to_contain_text('the id of an image to find images like')
    snap(page, tmp_path, 'serve-7-docs', full_page=True)
    assert not page.errors, page.errors


def test_search_while_indexing(browser, tmp_path):
    "A folder indexed in the background shows its progress, and what is indexed so far can be searched meanwhile."
    big = make_picture_folder(tmp_path/'big', count=300)
    (big/'broken.jpg').write_bytes(b'\xff\xd8 not a JPEG')
    # a real CLIP (random weights) on the CPU: slow enough for the progress to be seen, and searched, on the way
    s = Server([big], tmp_path, '--device', 'cpu', model=['--model', 'ViT-B-32', '--pretrained', 'none'])
    try:
        page = open_page(browser, s.address)
        expect(page.locator('#indexing')).to_be_visible()
        # some are indexed; a hang guard: loading the model and a first batch take 20 s on a busy 2-core machine
        expect(page.locator('#indexing-text')).to_contain_text(re.compile(r'Indexing big: [1-9][\d,]* of 301 images'),
                                                               timeout=300_000)
        page.fill('#q', 'green')
        page.press('#q', 'Enter')
        page.wait_for_function("() => document.querySelectorAll('#grid .card').length > 0")
        during = len(names(page))
        page.wait_for_function("() => [...document.querySelectorAll('#grid .card img')].slice(0, 12).every(i => i.complete && i.naturalWidth > 0)")
        expect(page.locator('#indexing')).to_be_visible() # still indexing: the results are of what is indexed so far
        snap(page, tmp_path, 'serve-6-indexing')
        expect(page.locator('#indexing')).to_be_hidden(timeout=600_000)
        expect(page.locator('#skipped')).to_have_text('1 file skipped')
        all_loaded(page, 60) # searched again once indexing finished
        page.click('#skipped')
        expect(page.locator('#skipped-list')).to_contain_text('broken.jpg')
        print(f"{during} results while indexing, 60 after")
    finally: s.stop()


def test_filters_by_date_person_and_place_sorted_by_date(browser, tmp_path):
    "Photos that say when, where and who: the page filters by date, person and place, sorts newest first, shows date and place."
    from memery.testing import make_told_folder
    told = make_told_folder(tmp_path/'told')
    with indexed_server([tmp_path/'told'], tmp_path) as s:
        page = open_page(browser, f'{s.url}?q=red&after=2019-06&before=2019-09', width=1366, height=768, token=s.token)
        all_loaded(page, 1)
        assert names(page) == [told['summer 2019']]
        expect(page.locator('#grid .card .told')).to_have_text('2019-07-14')
        expect(page.locator('#summary')).to_contain_text('taken after 2019-06 and before 2019-09')
        for field in ('after', 'before'): page.fill(f'#{field}', '')
        page.fill('#person', 'Jenny')
        page.press('#q', 'Enter')
        # the new search's answer, not the last one's
        expect(page.locator('#summary')).to_contain_text('with Jenny ·')
        all_loaded(page, 1)
        assert names(page) == [told['jenny']]
        assert 'person=Jenny' in page.url
        page.fill('#person', '')
        page.fill('#near', 'Lisbon')
        page.press('#q', 'Enter')
        expect(page.locator('#summary')).to_contain_text('near Lisbon ·')
        all_loaded(page, 1)
        expect(page.locator('#grid .card .told')).to_have_text('Intendente')
        page.fill('#near', '')
        page.fill('#before', '2022')
        page.select_option('#sort', 'date')
        page.press('#q', 'Enter')
        all_loaded(page, 4)
        # the relevant ones newest first, then, past the line, the others newest first
        newest = [told[k] for k in ('jenny', '2020', 'summer 2019', '2018')]
        above = page.evaluate("() => [...document.querySelectorAll('#grid > *')].findIndex(e => e.classList.contains('cut'))")
        shown = names(page)
        above = len(shown) if above < 0 else above
        assert sorted(shown) == sorted(newest) and all(sorted(part, key=newest.index) == part for part in (shown[:above], shown[above:])), (shown, above)
        expect(page.locator('#summary')).to_contain_text('newest first')
        snap(page, tmp_path, 'serve-8-filters')
        page.go_back() # the address bar held the search before
        expect(page.locator('#summary')).to_contain_text('near Lisbon ·')
        all_loaded(page, 1)
        expect(page.locator('#near')).to_have_value('Lisbon')
        assert not page.errors, page.errors
        page.fill('#after', 'summer')
        page.press('#q', 'Enter')
        # the API's 400, said on the page
        expect(page.locator('#error')).to_contain_text('after must be a year, month or day')


def test_keyboard_one_stop_for_the_grid_and_a_modal_viewer(server, browser):
    "The grid is one Tab stop, arrow keys move between cards, Enter opens the viewer, focus stays in it until Esc, then returns."
    page = open_page(browser, f'{server.url}?q=red', token=server.token)
    all_loaded(page, 60)
    active = lambda: page.evaluate("() => { const a = document.activeElement; return [a.id, a.dataset.i ?? null, !!a.closest('#viewer')]; }")
    page.focus('#grid .card[data-i="0"]')
    page.keyboard.press('Tab')
    assert active()[0] == 'more', active() # past 60 cards in one press
    page.focus('#grid .card[data-i="0"]')
    page.keyboard.press('ArrowRight')
    assert active()[1] == '1', active()
    columns = page.evaluate("() => { const c = [...document.querySelectorAll('#grid .card')]; return c.filter(e => e.offsetTop === c[0].offsetTop).length; }")
    page.keyboard.press('ArrowDown')
    assert active()[1] == str(1 + columns), (active(), columns)
    page.keyboard.press('Enter')
    expect(page.locator('#viewer')).to_be_visible()
    for _ in range(12):
        assert active()[2], active() # focus stays inside the dialog
        page.keyboard.press('Tab')
    page.keyboard.press('Escape')
    expect(page.locator('#viewer')).to_be_hidden()
    assert active()[1] == str(1 + columns), active() # back on the card it opened from
    assert page.locator('#summary').get_attribute('role') == 'status'
    assert not page.errors, page.errors


def test_a_server_that_stops_answering_is_one_clear_state(pictures, browser, tmp_path):
    "The server stops: a new search says so, the old results are dimmed; once it answers again, the page searches again by itself."
    from browser import free_port
    port = free_port()
    first = Server([pictures[1]], tmp_path, '--token', 'same-token', port=port)
    try:
        first.wait_indexed()
        page = open_page(browser, f'{first.url}?q=red', token='same-token')
        all_loaded(page, 30)
    finally: first.stop()
    page.fill('#q', 'blue')
    page.press('#q', 'Enter')
    expect(page.locator('#error')).to_contain_text('memery is not answering at this address: is `memery serve` still running?')
    expect(page.locator('#grid')).to_have_class(re.compile(r'\bstale\b'))
    again = Server([pictures[1]], tmp_path, '--token', 'same-token', port=port)
    try:
        expect(page.locator('#summary')).to_contain_text('results for “blue”', timeout=60_000)
        expect(page.locator('#error')).to_have_text('')
        expect(page.locator('#grid')).not_to_have_class(re.compile(r'\bstale\b'))
        assert names(page)[0].startswith('blue ')
    finally: again.stop()


def test_the_page_says_what_it_searches_and_similar_starts_afresh(server, browser, pictures):
    "Before any search the page names the folder and how many images it holds; Similar starts a search of its own: no marks carried over, its example named."
    page = open_page(browser, server.address)
    expect(page.locator('#hint')).to_contain_text(f"pictures ({len(list(pictures[0].glob('*.jpg')))} images): type what you remember")
    expect(page.locator('a.docs')).to_have_attribute('href', '/docs')
    page.fill('#q', 'red')
    page.press('#q', 'Enter')
    all_loaded(page, 60)
    page.focus('#grid .card[data-i="1"]')
    page.keyboard.press('l') # liked, from the keyboard
    expect(page.locator('#marks .count')).to_have_text('1 liked, 0 disliked')
    third = names(page)[2]
    page.focus('#grid .card[data-i="2"]')
    page.keyboard.press('s') # images like the third
    expect(page.locator('#example-name')).to_have_text(third)
    expect(page.locator('#feedback')).to_be_hidden()
    all_loaded(page, 60)
    assert not page.errors, page.errors


def test_a_large_example_is_made_small_in_the_browser(server, browser, tmp_path):
    "A 42 MP example is read and shrunk off the page's main thread: what is sent is a JPEG of at most 1024 pixels a side, and it finds its colour."
    from PIL import Image
    big = tmp_path/'big blue.jpg'
    Image.new('RGB', (7500, 5600), (20, 20, 230)).save(big, quality=95)
    page = open_page(browser, server.address)
    sent = []
    page.on('request', lambda r: sent.append(len(r.post_data or '')) if r.url.endswith('/api/search') else None)
    page.set_input_files('#file', str(big))
    expect(page.locator('#example-name')).to_have_text('big blue.jpg')
    all_loaded(page, 60)
    assert names(page)[0].startswith('blue '), names(page)[:3]
    assert sent and max(sent) < 300_000, sent # base64 of a 1024 px JPEG, not of the 42 MP photo
    assert not page.errors, page.errors


def test_on_a_phone(server, browser):
    "At 390x844 with touch: the header leaves the screen to the results, filters fold away, marks are in sight, the viewer is full width and swipes."
    context = browser.new_context(viewport={'width': 390, 'height': 844}, is_mobile=True, has_touch=True,
                                  extra_http_headers={'X-Memery-Token': server.token})
    page = context.new_page()
    page.goto(f'{server.url}?q=red')
    all_loaded(page, 60)
    header = page.evaluate("() => document.querySelector('header').getBoundingClientRect().height")
    assert header <= 120, header
    expect(page.locator('#after')).to_be_hidden()
    page.click('#filters')
    expect(page.locator('#after')).to_be_visible()
    page.click('#filters')
    assert page.evaluate("() => getComputedStyle(document.querySelector('#grid .card .acts')).opacity") == '1'
    page.locator('#grid .card').nth(0).locator('img').tap()
    expect(page.locator('#viewer')).to_be_visible()
    page.wait_for_function("() => document.querySelector('#big').naturalWidth > 0")
    width = page.evaluate("() => document.querySelector('#big').getBoundingClientRect().width")
    assert width >= 350, width
    first = page.locator('#big-path').inner_text()
    page.evaluate("""() => {
        const v = document.querySelector('#viewer'), at = (x) => [new Touch({identifier: 1, target: v, clientX: x, clientY: 400})];
        v.dispatchEvent(new TouchEvent('touchstart', {changedTouches: at(300), bubbles: true}));
        v.dispatchEvent(new TouchEvent('touchend', {changedTouches: at(100), bubbles: true}));
    }""")
    expect(page.locator('#big-path')).not_to_have_text(first) # swiped to the next
    context.close()


def test_the_next_page_loads_as_it_comes_into_view(server, browser):
    "Scrolling to the end of the grid loads more results, without a click."
    page = open_page(browser, f'{server.url}?q=red', 1366, 768, server.token)
    all_loaded(page, 60)
    page.mouse.move(600, 500)
    page.mouse.wheel(0, 5000)
    page.wait_for_function("() => document.querySelectorAll('#grid .card').length > 60")
    assert len(set(names(page))) == len(names(page)) # no result twice
    assert not page.errors, page.errors


def test_why_a_result_is_there_and_marks_undone(server, browser, tmp_path):
    "A card says which tier put it there and the words it matched; scores show on demand; each mark is a chip that its × undoes."
    page = open_page(browser, f'{server.url}?q=red', token=server.token)
    all_loaded(page, 60)
    first = page.locator('#grid .card').nth(0)
    expect(first.locator('.why')).to_have_text('words') # its name has the word
    expect(first.locator('.told')).to_contain_text('“red”')
    expect(first.locator('.score')).to_be_hidden()
    page.click('#scores')
    first.hover()
    expect(first.locator('.score')).to_be_visible()
    page.click('#scores')
    expect(first.locator('.score')).to_be_hidden()
    # a card far down, found by its looks alone, says nothing of words
    expect(page.locator('#grid .card').nth(59).locator('.why')).to_have_count(0)
    first.click()
    expect(page.locator('#big-words mark').first).to_have_text('red')
    expect(page.locator('#big-score')).to_contain_text('words · score ')
    page.keyboard.press('Escape')
    disliked = names(page)[3]
    page.focus('#grid .card[data-i="0"]')
    page.keyboard.press('l')
    page.focus('#grid .card[data-i="3"]')
    page.keyboard.press('d')
    expect(page.locator('#marks .chip')).to_have_count(2)
    page.click('#refine')
    expect(page.locator('#summary')).to_contain_text('round 1')
    all_loaded(page, 60)
    assert disliked not in names(page) # left out, and still in sight as a chip:
    chip = page.locator('#marks .chip.dislike')
    expect(chip).to_have_attribute('title', f'Disliked: {disliked}')
    snap(page, tmp_path, 'serve-9-why-and-marks')
    chip.get_by_role('button').click()
    expect(page.locator('#marks .count')).to_have_text('1 liked, 0 disliked')
    expect(page.locator('#marks .chip')).to_have_count(1)
    assert not page.errors, page.errors


def test_an_example_image_is_kept_in_the_address_bar(server, browser, tmp_path):
    "An uploaded example is named in the address bar by its content: reload keeps it, Back and Forward step over it, removing it clears its results."
    page = open_page(browser, f'{server.url}?q=red', token=server.token)
    all_loaded(page, 60)
    blue = tmp_path/'my blue.png'
    Image.new('RGB', (64, 64), (0, 0, 235)).save(blue)
    page.fill('#q', '')
    page.set_input_files('#file', str(blue))
    page.wait_for_url(re.compile(r'upload=\w+'))
    first_is(page, 'blue')
    all_loaded(page, 60)
    by_example = names(page)
    page.reload()
    expect(page.locator('#example-name')).to_have_text('my blue.png')
    all_loaded(page, 60)
    assert names(page) == by_example
    page.go_back()
    expect(page.locator('#q')).to_have_value('red')
    expect(page.locator('#example')).to_be_hidden()
    first_is(page, 'red')
    page.go_forward()
    expect(page.locator('#example-name')).to_have_text('my blue.png')
    first_is(page, 'blue')
    page.click('#example-drop')
    expect(page.locator('#grid .card')).to_have_count(0)
    expect(page.locator('#hint')).to_contain_text('type what you remember')
    assert 'upload=' not in page.url
    # an address whose example this browser does not keep says so, and searches nothing
    other = open_page(browser, f'{server.url}?upload=somethingelse', token=server.token)
    expect(other.locator('#error')).to_contain_text('not kept by this browser')
    expect(other.locator('#grid .card')).to_have_count(0)
    assert not page.errors, page.errors


def test_viewer_layout_and_duplicates(server, browser, tmp_path):
    "A small image fills the viewer; 'As shot' keeps the pictures' shapes; Duplicates shows the folder's groups, the one to keep first."
    page = open_page(browser, f'{server.url}?q=green', token=server.token)
    all_loaded(page, 60)
    page.locator('#grid .card').nth(0).click()
    page.wait_for_function("() => document.getElementById('big').naturalWidth > 0")
    shown, natural = page.evaluate("() => [document.getElementById('big').getBoundingClientRect().width, document.getElementById('big').naturalWidth]")
    assert shown > 1.5 * natural, (shown, natural) # 480 px pictures, shown larger at 1920x1080
    page.keyboard.press('Escape')
    page.click('#layout')
    all_loaded(page, 60)
    ratio = page.evaluate("() => { const r = document.querySelector('#grid .card').getBoundingClientRect(); return r.width / r.height; }")
    assert abs(ratio - 480 / 360) < 0.1, ratio
    page.focus('#grid .card[data-i="0"]')
    page.keyboard.press('ArrowDown') # the next row down, whatever the shapes
    assert page.evaluate("() => document.activeElement.getBoundingClientRect().top > document.querySelector('#grid .card').getBoundingClientRect().bottom - 1")
    snap(page, tmp_path, 'serve-10-as-shot')
    page.reload()
    expect(page.locator('#layout')).to_have_attribute('aria-pressed', 'true') # as the user left it
    page.click('#layout')

    page.click('#dupes')
    expect(page.locator('#summary')).to_contain_text('groups of duplicates in pictures')
    page.wait_for_url(re.compile(r'\?dupes'))
    groups = page.locator('#grid .group')
    expect(groups.first).to_contain_text(re.compile(r'^Group 1 · \d+ images'))
    count = groups.count()
    assert count >= 2, count
    # each group opens with its keeper
    keepers = page.evaluate("() => [...document.querySelectorAll('#grid .group')].map(g => g.nextElementSibling.querySelector('.why').textContent)")
    assert keepers == ['keep'] * count, keepers
    expect(page.locator('#grid .card .why', has_text=re.compile(r'^\d+% alike$')).first).to_be_visible()
    expect(page.locator('#grid .card .acts .like').first).to_be_hidden()
    all_loaded(page, page.locator('#grid .card').count())
    snap(page, tmp_path, 'serve-11-duplicates')
    page.go_back()
    first_is(page, 'green')
    expect(page.locator('#grid .group')).to_have_count(0)
    assert not page.errors, page.errors


def test_reading_the_text_in_images_from_the_page(browser, tmp_path):
    "A words search that finds nothing because the text in images is not read offers to read it; once read, the search finds the screenshot."
    made = make_words_folder(tmp_path/'screens', screens=1, photos_per_folder=1)
    [(screen, lines)] = made.screens.items()
    word = lines[0].split()[0]
    with indexed_server([tmp_path/'screens'], tmp_path) as server:
        page = open_page(browser, f'{server.url}?q={word}&match=text', token=server.token)
        expect(page.locator('#summary')).to_contain_text('not read yet')
        expect(page.locator('#ocr')).not_to_be_checked()
        page.click('#read-now')
        expect(page.locator('#indexing-text')).to_contain_text('Reading the text in the images of screens')
        # read, the same search runs again by itself
        expect(page.locator('#grid .card')).to_have_count(1, timeout=120_000)
        expect(page.locator('#grid .card .name')).to_have_text(screen.split('/')[-1])
        expect(page.locator('#ocr')).to_be_checked()
        assert server.status()['folders'][0]['reads_text']
        page.click('#ocr') # and off again: remembered by the index
        page.wait_for_function("() => !document.getElementById('ocr').checked")
        for _ in range(200):
            if not server.status()['folders'][0]['reads_text']: break
            time.sleep(0.1)
        assert not server.status()['folders'][0]['reads_text']
        assert not page.errors, page.errors


def test_a_video_plays_from_its_moment(browser, tmp_path):
    "A video is found at its moment: its card shows the time, and the viewer plays it from there (HTTP ranges, token-checked)."
    from memery.testing import make_colour_folder, write_clip
    folder = tmp_path/'phone'
    make_colour_folder(folder, ['red', 'green'])
    write_clip(folder/'VID_0704.mp4', [(3, 'yellow'), (4, 'blue'), (5, 'purple')], keyframes=1)
    with indexed_server([folder], tmp_path) as server:
        page = open_page(browser, f'{server.url}?q=blue', token=server.token)
        first = page.locator('#grid .card').nth(0)
        expect(first.locator('.clock')).to_have_text(re.compile(r'^▶ 0:0[3-6] / 0:12$'))
        moment = server.get('api/search?q=blue&n=1', timeout=30)['results'][0]
        first.click()
        expect(page.locator('#film')).to_be_visible()
        # it plays, from the moment found
        page.wait_for_function("t => { const v = document.getElementById('film'); return v.readyState >= 2 && v.currentTime >= t - 0.05; }",
                               arg=moment['time'])
        page.wait_for_function("t => document.getElementById('film').currentTime > t + 0.2", arg=moment['time'])
        assert page.evaluate("() => document.getElementById('film').error") is None
        expect(page.locator('#big-score')).to_contain_text('at 0:0')
        snap(page, tmp_path, 'serve-12-video')
        page.keyboard.press('Escape')
        expect(page.locator('#viewer')).to_be_hidden()
        assert page.evaluate("() => document.getElementById('film').paused")
        assert not page.errors, page.errors
