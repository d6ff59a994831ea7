"""The notebook GUI in a real JupyterLab, driven in headless Chromium by Playwright (see browser.py for the browser it needs)."""
import json, os, re, shutil, subprocess, sys, time, urllib.request
from pathlib import Path
import pytest
from PIL import Image
from playwright.sync_api import expect, sync_playwright
from memery.core import Query
from memery.gui import Search
from memery.testing import make_told_folder, make_words_folder
from browser import CHROMIUM, CHROMIUM_ARGS, free_port, make_picture_folder, need_chromium, snap

need_chromium()
expect.set_options(timeout=90_000) # the first search imports PyTorch and indexes the folder


@pytest.fixture(scope='module')
def lab(tmp_path_factory):
    "A JupyterLab server with its own settings, serving a notebook that shows `appPage` on a folder of 242 pictures."
    root = tmp_path_factory.mktemp('lab')
    pictures = make_picture_folder(root/'pictures')
    source = ["from memery.gui import appPage\n",
              f"app = appPage({str(pictures)!r}, model='memery.testing:colour_model', pretrained=None, n=12)\n",
              "display(app)"]
    notebook = {'cells': [{'cell_type': 'code', 'execution_count': None, 'id': 'memery-gui', 'metadata': {}, 'outputs': [], 'source': source}],
                'metadata': {'kernelspec': {'display_name': 'Python 3', 'language': 'python', 'name': 'python3'}},
                'nbformat': 4, 'nbformat_minor': 5}
    (root/'gui.ipynb').write_text(json.dumps(notebook))
    settings = root/'.settings'/'@jupyterlab'/'apputils-extension'
    settings.mkdir(parents=True)
    (settings/'notification.jupyterlab-settings').write_text('{"fetchNews": "false", "checkForUpdates": false}')
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(root/'.settings'), JUPYTERLAB_WORKSPACES_DIR=str(root/'.workspaces'),
               JUPYTER_CONFIG_DIR=str(root/'.config'), JUPYTER_RUNTIME_DIR=str(root/'.runtime'), XDG_CACHE_HOME=str(root/'.cache'))
    port, token = free_port(), 'memery-test'
    cmd = [sys.executable, '-m', 'jupyterlab', '--no-browser', f'--port={port}', '--ip=127.0.0.1', f'--IdentityProvider.token={token}',
           f'--ServerApp.root_dir={root}', '--LabApp.extension_manager=readonly', '--ServerApp.terminals_enabled=False']
    if os.geteuid() == 0: cmd.append('--allow-root')
    log = open(root/'jupyter.log', 'wb')
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f'http://127.0.0.1:{port}'
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f'{url}/api/status?token={token}', timeout=2)
                break
            except OSError:
                if server.poll() is not None: pytest.fail(f"jupyter lab exited: {(root/'jupyter.log').read_text()[-2000:]}")
                time.sleep(0.5)
        else: pytest.fail("jupyter lab did not start in 60 s")
        yield dict(url=f'{url}/lab/tree/gui.ipynb?token={token}', root=root, pictures=pictures)
    finally:
        server.terminate()
        try: server.wait(10)
        except subprocess.TimeoutExpired: server.kill()
        log.close()


@pytest.fixture(scope='module')
def page(lab, tmp_path_factory):
    "The notebook open in headless Chromium, its cell run: the GUI is on screen."
    with sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(tmp_path_factory.mktemp('chromium-profile'), executable_path=CHROMIUM,
                                                       headless=True, args=CHROMIUM_ARGS, viewport={'width': 1500, 'height': 1100})
        page = browser.new_page()
        page.set_default_timeout(90_000)
        try:
            page.goto(lab['url'])
            page.get_by_text('Python 3 (ipykernel) | Idle').wait_for() # the kernel is connected: a cell run now is not lost
            page.click('.jp-Cell .cm-content')
            page.keyboard.press('Control+Enter')
            page.wait_for_selector('input[placeholder="a dog on a skateboard"]')
        except Exception:
            page.screenshot(path=lab['root']/'failed-start.png')
            print((lab['root']/'jupyter.log').read_text()[-3000:], f"\nscreenshot: {lab['root']/'failed-start.png'}")
            raise
        yield page
        browser.close()


def button(scope, label: str):
    "The button labelled `label` (its icon aside) in `scope`."
    return scope.get_by_role('button', name=re.compile(rf'^\W*{label}$'))


QUERY = 'input[placeholder="a dog on a skateboard"]'

def search(page, query: str, n: int | None = None, enter: bool = False):
    "Type a query (and a number of results) in the sidebar, and click Search or press Enter."
    page.fill(QUERY, query)
    if n is not None: page.locator('.widget-inline-hbox', has_text='Results').locator('input').fill(str(n))
    if enter: page.press(QUERY, 'Enter')
    else: button(page, 'Search').click()


def shown(page):
    "The results tab on screen."
    return page.locator('.widget-tab > .widget-tab-contents > .lm-Widget:not(.lm-mod-hidden)')


def wait_for_tab(page, count: int, title: str):
    expect(page.locator('.widget-tab .lm-TabBar-tab')).to_have_count(count)
    expect(page.locator('.widget-tab .lm-TabBar-tab .lm-TabBar-tabLabel').last).to_have_text(title) # a new tab's label may come a moment later


def all_loaded(page, n: int):
    "Wait until the tab on screen shows `n` thumbnails, all decoded by the browser."
    page.wait_for_function("""n => {
        const tab = [...document.querySelectorAll('.widget-tab > .widget-tab-contents > .lm-Widget')].find(t => !t.classList.contains('lm-mod-hidden'));
        const grids = tab ? tab.querySelectorAll('.memery-results') : [];
        const imgs = grids.length ? [...grids[grids.length - 1].querySelectorAll('.memery-card img')] : []; // the results, not the earlier marks
        return imgs.length === n && imgs.every(i => i.complete && i.naturalWidth > 0);
    }""", arg=n)


def results(page) -> list[tuple[float, str]]:
    grid = shown(page).locator('.memery-results').last
    return list(zip(map(float, grid.locator('.memery-card .memery-score').all_inner_texts()), grid.locator('.memery-card .memery-name').all_inner_texts()))


def test_search_tabs_refine(page, tmp_path):
    # typed as fast as keys go, the moment the page is there, and Enter: every key counts
    page.click(QUERY)
    page.keyboard.type('red', delay=0)
    page.keyboard.press('Enter')
    # typing on while the kernel starts its first search: the tab that arrives leaves the box alone
    page.keyboard.type(' circle', delay=0)
    wait_for_tab(page, 1, 'red')
    expect(page.locator(QUERY)).to_have_value('red circle')
    all_loaded(page, 12)
    red = results(page)
    assert [s for s, _ in red] == sorted((s for s, _ in red), reverse=True)
    assert red[0][1].startswith('red ') and red[0][0] > 0.5, red
    cards = shown(page).locator('.memery-card')
    expect(cards.first.locator('img')).to_be_visible()
    box = cards.first.locator('img').bounding_box()
    assert 85 <= max(box['width'], box['height']) <= 210, box # thumbnails, shown at no more than their size
    snap(page, tmp_path, '1-search')

    search(page, 'blue')
    wait_for_tab(page, 2, 'blue')
    all_loaded(page, 12)
    assert results(page)[0][1].startswith('blue ')

    page.locator('.widget-tab .lm-TabBar-tab', has_text='red').click()
    expect(page.locator(QUERY)).to_have_value('red') # the sidebar follows the tab on screen
    all_loaded(page, 12)
    button(shown(page), 'Refine').click()
    expect(shown(page).locator('.widget-html', has_text='Like or dislike some results first')).to_be_visible() # beside the button
    liked, disliked = [red[-2][1], red[-1][1]], red[1][1] # like the two last: a refined ranking brings their colours up
    for name in liked: button(shown(page).locator('.memery-card', has_text=name), 'Like').click()
    button(shown(page).locator('.memery-card', has_text=disliked), 'Dislike').click()
    expect(shown(page).locator('.memery-card.liked')).to_have_count(2)
    expect(shown(page).locator('.widget-html', has_text='Refine will use 2 liked and 1 disliked')).to_be_visible()
    button(shown(page), 'Refine').click()
    wait_for_tab(page, 3, 'red ↻1')
    all_loaded(page, 12)
    refined = results(page)
    assert [name for _, name in refined] != [name for _, name in red] and disliked not in [n for _, n in refined]
    still_there = [name for name in liked if name in [n for _, n in refined]]
    grid = shown(page).locator('.memery-results').last
    assert still_there and sorted(grid.locator('.memery-card.liked .memery-name').all_inner_texts()) == sorted(still_there)
    earlier = shown(page).locator('.memery-results').first # the disliked one, left out of the results, stays in sight
    expect(earlier.locator('.memery-card.disliked .memery-name')).to_have_text(disliked)
    expect(shown(page).locator('.widget-html', has_text='Refine will use 2 liked and 1 disliked')).to_be_visible()
    expect(page.locator('.widget-tab .lm-TabBar-tab', has_text='red ↻1')).to_have_attribute('title', 'red') # the whole title, as a tooltip
    snap(page, tmp_path, '2-refined')

    grid.locator('.memery-card .memery-thumb').nth(1).click()
    preview = page.locator('.memery-preview:not([hidden])')
    expect(preview.locator('.memery-path')).to_have_text(str(page_folder(page)/refined[1][1]))
    expect(preview.locator('.memery-words')).to_contain_text('words: [red]') # its name has the query's word: the words that found it show
    expect(preview.locator('img')).to_be_visible()
    box = preview.bounding_box()
    assert box['width'] == 1500 and box['height'] == 1100, box # an overlay on the whole window
    expect(button(preview, 'Similar')).to_be_in_viewport() # path and actions in sight
    snap(page, tmp_path, '3-larger')
    page.keyboard.press('ArrowRight')
    expect(preview.locator('.memery-path')).to_have_text(str(page_folder(page)/refined[2][1]))
    page.keyboard.press('Escape')
    expect(preview).to_be_hidden()
    grid.locator('.memery-card .memery-thumb').nth(1).click()
    expect(preview.locator('.memery-path')).to_have_text(str(page_folder(page)/refined[1][1]))
    button(preview, 'Similar').click()
    wait_for_tab(page, 4, Search('', Query(image=refined[1][1])).title)
    all_loaded(page, 12)
    assert refined[1][1] not in [name for _, name in results(page)]

    button(shown(page), 'Close').click()
    expect(page.locator('.widget-tab .lm-TabBar-tab')).to_have_count(3)


def page_folder(page) -> Path:
    return Path(page.locator('input[placeholder="~/Pictures"]').input_value())


def test_200_results_render_fast(page, lab, tmp_path):
    "A 200-result tab is on screen with every thumbnail decoded (how soon: benchmarks/gui_render.py)."
    start = time.perf_counter()
    search(page, 'green', n=200)
    page.wait_for_function("t => [...document.querySelectorAll('.widget-tab .lm-TabBar-tabLabel')].some(l => l.textContent === t)", arg='green')
    all_loaded(page, 200)
    total = time.perf_counter() - start
    searched = float(re.search(r'searched in ([\d.]+) s', shown(page).locator('.widget-html').first.inner_text())[1])
    print(f"200 results: {total:.2f} s from the click to every thumbnail decoded, of which the search took {searched:.2f} s: "
          f"rendered {total - searched:.2f} s after the search returned")
    expect(page.locator('#filebrowser')).to_be_visible() # JupyterLab's file browser takes its share of the window
    seen = page.evaluate("""() => [...document.querySelectorAll('.memery-card img')].filter(i => {
        const r = i.getBoundingClientRect(), grid = i.closest('.memery-cards').getBoundingClientRect();
        return r.width > 0 && r.top >= Math.max(0, grid.top) && r.bottom <= Math.min(innerHeight, grid.bottom) && r.right <= innerWidth;
    }).length""")
    print(f"{seen} thumbnails in view in a 1500x1100 window with the file browser open")
    assert seen >= 45, seen
    snap(page, tmp_path, '4-200-results')
    # where the relevant ones end: a line after the green pictures (their names say so), the others below it
    greens = sum(p.name.startswith('green ') for p in lab['pictures'].iterdir())
    cut = shown(page).locator('.memery-cut')
    expect(cut).to_contain_text(f'about {greens} relevant above')
    above = cut.evaluate("c => [...c.parentElement.children].indexOf(c)")
    names = shown(page).locator('.memery-card .memery-name').all_text_contents()
    assert above == greens and all(n.startswith('green ') for n in names[:above]), (above, greens, names[:above + 2])

    bar, tabs = page.locator('.widget-tab > .lm-TabBar'), page.locator('.widget-tab .lm-TabBar-tab').count()
    low = shown(page).locator('.memery-results').last.locator('.memery-card').nth(195)
    low.scroll_into_view_if_needed() # far down the page: one scroll, the notebook's
    assert shown(page).bounding_box()['y'] < 0 # the tab's top is scrolled away
    expect(bar).to_be_in_viewport() # but not its title: the tabs stay in sight
    low.hover()
    button(low, 'Similar').click()
    expect(page.locator('.widget-tab .lm-TabBar-tab')).to_have_count(tabs + 1)
    expect(bar).to_be_in_viewport() # the new tab is brought into view, its summary too, not under the bar
    summary, under = shown(page).locator('.widget-html').first.bounding_box(), bar.bounding_box()
    assert summary['y'] >= under['y'] + under['height'] - 1, (summary, under)


def test_small_window(page, tmp_path):
    "At 1366x768 the grid keeps its columns, and the larger view shows the picture, its path and its actions."
    page.set_viewport_size({'width': 1366, 'height': 768})
    try:
        grid = shown(page).locator('.memery-results').last
        all_loaded(page, 200)
        columns = page.evaluate("() => getComputedStyle([...document.querySelectorAll('.memery-cards')].pop()).gridTemplateColumns.split(' ').length")
        assert columns >= 4, columns
        grid.locator('.memery-card .memery-thumb').first.click()
        preview = page.locator('.memery-preview:not([hidden])')
        for part in (preview.locator('img'), preview.locator('.memery-path'), button(preview, 'Like'), button(preview, 'Similar')):
            expect(part).to_be_in_viewport(ratio=1)
        snap(page, tmp_path, '5-viewer-1366')
        page.keyboard.press('Escape')
        expect(preview).to_be_hidden()
    finally: page.set_viewport_size({'width': 1500, 'height': 1100})


def test_errors_are_short_messages(page):
    button(page, 'Clear').click() # the sidebar shows the tab on screen, a search by an example image
    expect(page.locator('input[placeholder="path of an example image"]')).to_have_value('')
    search(page, '')
    message = page.locator('.widget-html', has_text='nothing to search for')
    expect(message).to_be_visible()
    folder = page.locator('input[placeholder="~/Pictures"]')
    pictures = folder.input_value()
    folder.fill('/no/such/folder')
    search(page, 'red')
    expect(page.locator('.widget-html', has_text='folder not found: /no/such/folder')).to_be_visible()
    assert 'Traceback' not in page.locator('.widget-tab').first.inner_text()
    folder.fill(pictures)


def box(page, placeholder: str):
    "The sidebar's text box showing `placeholder` when empty."
    return page.locator(f'input[placeholder="{placeholder}"]')


def test_taken_when_with_whom_newest_first(page, lab, tmp_path):
    "After, Before, Person and Sort keep the pictures whose headers say so, in order, each with its day under it."
    told = make_told_folder(lab['root']/'told')
    folder = box(page, '~/Pictures')
    pictures = folder.input_value()
    tabs = page.locator('.widget-tab .lm-TabBar-tab')
    before_count = tabs.count()
    button(page, 'Clear').click()
    folder.fill(str(lab['root']/'told'))
    box(page, '2019-06').fill('2019-06')
    box(page, '2019-09').fill('2019-09')
    search(page, 'red')
    wait_for_tab(page, before_count + 1, 'red · 2019-06 to 2019-09')
    all_loaded(page, 1)
    # the one taken in summer 2019, with its day
    assert [name for _, name in results(page)] == [told['summer 2019']]
    expect(shown(page).locator('.memery-told')).to_have_text(['2019-07-14'])

    box(page, '2019-06').fill('')
    box(page, '2019-09').fill('')
    box(page, 'Jenny').fill('Jenny')
    search(page, 'red')
    wait_for_tab(page, before_count + 2, 'red · Jenny')
    all_loaded(page, 1)
    assert [name for _, name in results(page)] == [told['jenny']]

    box(page, 'Jenny').fill('')
    box(page, '2019-09').fill('2022')
    sort = page.locator('.widget-dropdown', has=page.locator('label', has_text='Sort')).locator('select')
    sort.select_option(label='newest first')
    search(page, 'red')
    wait_for_tab(page, before_count + 3, Search('', Query('red', before='2022', sort='date')).title)
    all_loaded(page, 4)
    assert [name for _, name in results(page)] == [told[k] for k in ('jenny', '2020', 'summer 2019', '2018')]
    expect(shown(page).locator('.memery-told')).to_have_text(['2021-05-01', '2020-12-25', '2019-07-14', '2018-03-02'])
    expect(shown(page).locator('.widget-html').first).to_contain_text('red · before 2022 · newest first')
    card = shown(page).locator('.memery-card').nth(1)
    card.hover()
    # its caption, faded in over the day
    expect(card.locator('figcaption')).to_have_css('opacity', '1')
    expect(card.locator('.memery-told')).to_have_css('opacity', '0')
    snap(page, tmp_path, '6-newest-first')

    # the sidebar follows the tab on screen, its filters too
    page.locator('.widget-tab .lm-TabBar-tab', has_text='red · 2019-06 to 2019-09').click()
    expect(box(page, '2019-06')).to_have_value('2019-06')
    expect(box(page, '2019-09')).to_have_value('2019-09')
    expect(sort).to_have_value('best first')
    box(page, '2019-06').fill('2019-13')
    button(page, 'Search').click()
    expect(page.locator('.widget-html', has_text='after must be a year, month or day')).to_be_visible()
    expect(tabs).to_have_count(before_count + 3)
    button(page, 'Clear').click()
    expect(box(page, '2019-06')).to_have_value('')
    folder.fill(pictures)


def test_long_message_goes_across_the_results(page, lab):
    "A long message (a paragraph, as the one on weights that cannot be downloaded) is not squeezed into the sidebar."
    folder = box(page, '~/Pictures')
    pictures = folder.input_value()
    missing = '/no/such' + '/very long folder name' * 8
    folder.fill(missing)
    search(page, 'red')
    wide = page.locator('.memery-results-area .widget-html', has_text=f'folder not found: {missing}')
    expect(wide).to_be_visible()
    assert wide.bounding_box()['width'] > 600, wide.bounding_box()
    expect(page.locator('.memery-sidebar')).not_to_contain_text('folder not found')
    folder.fill(pictures)
    search(page, '') # a short one is in the sidebar, and takes the long one's place
    expect(page.locator('.memery-sidebar .widget-html', has_text='nothing to search for')).to_be_visible()
    expect(wide).to_be_hidden()


def tab_titles(page) -> list[str]:
    return page.locator('.widget-tab .lm-TabBar-tabLabel').all_inner_texts()


def test_many_tabs_readable_told_apart_closable(page, lab, tmp_path):
    "16 tabs keep readable titles in a bar that scrolls sideways; a title in two folders says which; × closes a tab."
    folder = box(page, '~/Pictures')
    pictures = folder.input_value()
    tabs = page.locator('.widget-tab .lm-TabBar-tab')
    make_picture_folder(lab['root']/'few', count=6)
    folder.fill(str(lab['root']/'few'))
    search(page, 'red', n=4)
    # the first tab searched "red" in the other folder
    expect(tabs.first).to_contain_text('red · pictures')
    wait_for_tab(page, tabs.count(), 'red · few')
    for colour in ['orange', 'yellow', 'cyan', 'purple', 'pink', 'brown', 'grey', 'black', 'green', 'blue']:
        if tabs.count() >= 16: break
        count, titled = tabs.count(), colour if colour not in tab_titles(page) else f'{colour} · few'
        search(page, colour, n=4)
        wait_for_tab(page, count + 1, titled)
    assert tabs.count() >= 16
    labels = page.locator('.widget-tab .lm-TabBar-tabLabel')
    # every title whole (a search's title is 28 characters at most), none squeezed to a few letters
    assert labels.evaluate_all("ls => ls.every(l => l.clientWidth >= 40 && (l.textContent.length > 28 || "
                               "l.scrollWidth <= l.clientWidth))"), labels.all_inner_texts()
    bar = page.locator('.widget-tab > .lm-TabBar')
    assert bar.evaluate("b => b.scrollWidth > b.clientWidth") # it scrolls sideways
    current = page.locator('.widget-tab .lm-TabBar-tab.lm-mod-current')
    # the new tab is brought into view in the bar
    page.wait_for_function("() => { const t = document.querySelector('.widget-tab .lm-TabBar-tab.lm-mod-current'); "
                           "const r = t.getBoundingClientRect(), b = t.closest('.lm-TabBar').getBoundingClientRect(); "
                           "return r.left >= b.left - 1 && r.right <= b.right + 1; }")
    snap(page, tmp_path, '7-many-tabs')

    def close_by_x(tab):
        # its place once it stays put: the bar may still be scrolling it into view (CI clicked its neighbour's ×)
        r = tab.bounding_box()
        for _ in range(100):
            page.wait_for_timeout(100)
            if (now := tab.bounding_box()) == r: break
            r = now
        page.mouse.click(r['x'] + r['width'] - 10, r['y'] + r['height'] / 2)

    count = tabs.count()
    other = tabs.filter(has_text='red · few')
    other.scroll_into_view_if_needed()
    after = tab_titles(page)[tab_titles(page).index('red · few') + 1]
    close_by_x(other)
    expect(tabs).to_have_count(count - 1)
    assert 'red · few' not in tab_titles(page)
    expect(tabs.first).to_have_text('red') # told apart no more
    # the next tab is on screen, and the sidebar shows its search
    expect(current).to_have_text(after)
    expect(page.locator(QUERY)).to_have_value(after)
    on_screen = tab_titles(page)[-1]
    tabs.last.click()
    tabs.last.scroll_into_view_if_needed()
    close_by_x(tabs.last)
    expect(tabs).to_have_count(count - 2)
    assert on_screen not in tab_titles(page)

    page.set_viewport_size({'width': 1366, 'height': 768})
    try:
        refine, close = button(shown(page), 'Refine'), button(shown(page), 'Close')
        r, c = refine.bounding_box(), close.bounding_box()
        # beside Refine, whole, within the window
        assert abs(r['y'] - c['y']) < 2 and c['height'] < 40 and c['x'] + c['width'] <= 1366, (r, c)
    finally: page.set_viewport_size({'width': 1500, 'height': 1100})
    folder.fill(pictures)


def test_duplicates_in_groups(page, lab, tmp_path):
    "Each group of duplicates under its own heading; each picture says what it is, in words any font shows."
    dupes = make_picture_folder(lab['root']/'dupes', count=5)
    first, second = sorted(dupes.iterdir())[:2]
    shutil.copy(first, dupes/'copy one.jpg')
    shutil.copy(first, dupes/'copy two.jpg')
    with Image.open(second) as im: im.save(dupes/'saved again.jpg', quality=60)
    folder = box(page, '~/Pictures')
    pictures = folder.input_value()
    folder.fill(str(dupes))
    button(page, 'Duplicates').click()
    wait_for_tab(page, page.locator('.widget-tab .lm-TabBar-tab').count(), 'duplicates')
    all_loaded(page, 5)
    groups = shown(page).locator('.memery-group')
    expect(groups).to_have_text(['group 1 · 3 images', 'group 2 · 2 images'])
    roles = ['keep', 'identical file', 'identical file', 'keep', 'near-copy']
    expect(shown(page).locator('.memery-told')).to_have_text(roles)
    # a line across the grid, between the first group's last picture and the second group's first
    grid, heading = shown(page).locator('.memery-cards').last.bounding_box(), groups.nth(1).bounding_box()
    cards = shown(page).locator('.memery-card')
    assert heading['width'] > 0.9 * grid['width'], (heading, grid)
    last, next_first = cards.nth(2).bounding_box(), cards.nth(3).bounding_box()
    assert last['y'] + last['height'] <= heading['y'] < next_first['y'], (last, heading, next_first)
    # its search done, the sidebar says no more that it is searching
    expect(page.locator('.memery-sidebar')).not_to_contain_text('Searching')
    # titles and labels in glyphs that common fonts have
    assert '⧉' not in page.locator('.memery-page').inner_text() + ''.join(tab_titles(page))
    snap(page, tmp_path, '8-duplicates')
    folder.fill(pictures)


def test_read_text_in_images(page, lab):
    "The OCR box has the folder's text read in the background; a screenshot's word then finds it; each folder has its own."
    words = make_words_folder(lab['root']/'words', screens=2, photos_per_folder=1)
    shot, lines = next(iter(words.screens.items()))
    folder = box(page, '~/Pictures')
    pictures = folder.input_value()
    ocr = page.get_by_role('checkbox', name='read text in images (OCR)')
    folder.fill(str(lab['root']/'words'))
    expect(ocr).not_to_be_checked()
    ocr.check()
    expect(page.locator('.memery-sidebar .widget-html', has_text='read by OCR')).to_be_visible()
    expect(ocr).to_be_enabled()
    expect(ocr).to_be_checked()
    match = page.locator('.widget-dropdown', has=page.locator('label', has_text='Match')).locator('select')
    match.select_option(label='words only')
    count = page.locator('.widget-tab .lm-TabBar-tab').count()
    search(page, lines[0].split()[0])
    wait_for_tab(page, count + 1, f"{lines[0].split()[0]} (words only)")
    expect(shown(page).locator('.memery-card .memery-name').first).to_have_text(Path(shot).name)
    match.select_option(label='looks and words')
    # a phrase it shows puts it first, its tier's badge as the browser app's; a photo its looks found has none
    phrase = ' '.join(lines[0].split()[:3])
    search(page, phrase)
    wait_for_tab(page, count + 2, phrase)
    first = shown(page).locator('.memery-card').first
    expect(first.locator('.memery-name')).to_have_text(Path(shot).name)
    expect(first.locator('.memery-why')).to_have_text('phrase')
    photo = shown(page).locator('.memery-card', has=page.locator('.memery-name', has_text='IMG_')).first
    expect(photo.locator('.memery-why')).to_have_count(0)
    folder.fill(pictures)
    expect(ocr).not_to_be_checked() # that folder's index does not read text


def test_a_video_plays_from_its_moment(page, lab, tmp_path):
    "A video result's larger view plays it from its moment: at the Jupyter server's files/ URL inside its root, from its bytes outside."
    from memery.testing import write_clip
    inside, outside = lab['root']/'films', tmp_path/'films'
    for films in (inside, outside):
        films.mkdir()
        write_clip(films/'party.mp4', [(4, 'yellow'), (5, 'blue'), (6, 'purple')], keyframes=2)
    folder = box(page, '~/Pictures')
    pictures = folder.input_value()
    for films, source in ((inside, '/files/films/party.mp4#t='), (outside, 'blob:')):
        folder.fill(str(films))
        count = page.locator('.widget-tab .lm-TabBar-tab').count()
        search(page, 'blue')
        wait_for_tab(page, count + 1, re.compile(r'^blue')) # 'blue · films' beside another folder's 'blue'
        card = shown(page).locator('.memery-card').first
        expect(card.locator('.memery-told')).to_have_text(re.compile(r'^▶ 0:0[4-8]$')) # inside the blue shot
        card.locator('.memery-thumb').click()
        film = page.locator('.memery-preview:not([hidden]) video')
        expect(film).to_be_visible()
        assert film.get_attribute('src').startswith(source), film.get_attribute('src')
        moment = float(film.get_attribute('src').split('#t=')[1])
        assert 4 <= moment < 9, moment
        # it plays, from the moment found
        page.wait_for_function("t => { const v = document.querySelector('.memery-preview:not([hidden]) video'); "
                               "return v && v.readyState >= 2 && v.currentTime >= t - 0.05 && v.currentTime < t + 1; }", arg=moment)
        page.wait_for_function("t => document.querySelector('.memery-preview:not([hidden]) video').currentTime > t + 0.2", arg=moment)
        assert film.evaluate('v => v.error') is None
        snap(page, tmp_path, f'10-video-{source[:5].strip("/:")}')
        page.keyboard.press('Escape')
        expect(page.locator('.memery-preview:not([hidden])')).to_have_count(0)
    folder.fill(pictures)
