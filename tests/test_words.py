"Words typed as people type them find the screenshot that shows them, through `memery recall`, first in the default search."
import json
from pathlib import Path
import pytest
from PIL import Image, ImageDraw
from memery.testing import make_words_folder, pick_font
from cli import COLOURS, memery, offline_env

PAGES = {'places.png': ['19.1 All the Places for Patterns', 'Patterns can be used in many places'],
         'intersection.png': ["pub struct Intersection<'a, T>", 'A lazy iterator producing elements in the intersection'],
         'invoice.png': ['Invoice#4410 from Acme Plumbing', 'Total due: $1,284.50'],
         'receipt.png': ['Order ACME7731 paid in full', 'Deposit for the engraving of rings']}

@pytest.fixture(scope='module')
def folder(tmp_path_factory):
    "Screenshots of known text, photos of known colours, and three pages typed as printed, indexed with OCR."
    folder = tmp_path_factory.mktemp('words')/'shots'
    make_words_folder(folder, screens=6, photos_per_folder=2)
    for name, lines in PAGES.items():
        page = Image.new('RGB', (1024, 400), (250, 250, 248))
        for i, line in enumerate(lines): ImageDraw.Draw(page).text((30, 30 + 40 * i), line, fill=(25, 25, 25), font=pick_font(0, 22))
        page.save(folder/name)
    done = memery('index', folder, '--ocr', '--quiet', *COLOURS, env=offline_env(folder.parent))
    assert done.returncode == 0, done.stderr
    return folder

def recall(folder, query, *args):
    "The results of `memery recall FOLDER QUERY --json`: (file name, found_by) of each, best first."
    said = memery('recall', folder, query, '--json', '-n', '5', *args, *COLOURS, env=offline_env(folder.parent))
    assert said.returncode == 0, said.stderr
    return [(Path(r['path']).name, r['found_by']) for r in json.loads(said.stdout)]

@pytest.mark.parametrize('query, page, found_by', [
    ('191 all the places', 'places.png', 'phrase'), # a section's number typed without its dot
    ('places 191 patterns', 'places.png', 'words near each other'),
    ('intersection a t', 'intersection.png', 'phrase'), # an identifier and its parameters
    ('invoice4410', 'invoice.png', 'words'), # glued, typed; 'Invoice#4410' printed
    ('acme plumbing tota', 'invoice.png', 'phrase'), # the last word in part
    ('plumbing invoice', 'invoice.png', 'words near each other'),
    ('intersectoin iterator', 'intersection.png', 'words, one a letter off'), # a typo
    # in part, past its stem: 'engraving' is kept as 'engrav'
    ('deposit for the engravi', 'receipt.png', 'phrase'),
    ('engravi', 'receipt.png', 'words'),
    ('7731', 'receipt.png', 'words'), # digits glued after letters, alone
    ('acme7731 paid', 'receipt.png', 'phrase'),
])
def test_typed_as_said(folder, query, page, found_by):
    "Each is first by words alone, and first in the default search, where looks alone would not put it there."
    assert recall(folder, query, '--text-only')[0][0] == page
    assert recall(folder, query)[0] == (page, found_by)

def test_stray_word_leaves_looks_first(folder):
    "A colour and a word one page shows: a photo of that colour stays first; a typo of a word matches no page."
    assert recall(folder, 'red places')[0][0].startswith('IMG_')
    assert recall(folder, 'red invoise')[0][0].startswith('IMG_')
