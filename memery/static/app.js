// memery's browser app: one page over the JSON API (/api/search, /api/status, /api/thumb, /api/image, /api/duplicates,
// /api/ocr). No build step.
const $ = (id) => document.getElementById(id);
const make = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};
const PAGE = 60; // results per request
const MATCHES = { both: "", visual: "looks only", text: "words only" }; // what finds an image (the API's match), as the summary says it
const FILTERS = ["after", "before", "person", "near"]; // what a search keeps, as the API and the address bar name it
const INTRO = "Type what you remember of a picture, or drop an image on the page to find pictures like it.";

const state = {
  folders: [], // from /api/status
  query: null, // the search on screen: {folder, text, not, match, image, upload, like, dislike, round}, or {folder, dupes}
  results: [], // [{id, path, score, matched, found_by, snippet}], best first; duplicates, group by group
  marks: new Map(), // image id -> "like" | "dislike"; kept across feedback rounds
  more: false, // the last page was full: there may be more
  relevant: null, // how many of the results are relevant, as the server judged (null: not judged)
  viewing: -1, // the result in the viewer
  names: new Map(), // image id -> file name, of the results searched for similar ones
  busy: 0, // a counter of searches, so that only the latest one's results are shown
  loading: false, // a search is on its way: the end of the grid coming into view does not ask for more yet
  groups: [], // in the duplicates view: the index of each group's first result
  reading: false, // the user turned reading the text in images on: the progress says so
};
const dupesShown = () => Boolean(state.query && state.query.dupes);

// ---- example images from this computer: kept for the session by their content, named in the address bar ----

const uploads = new Map(); // hash -> {data (a data: URL), name}: this page's own, if the browser's storage is full or off
const UPLOAD_KEY = "memery-upload-";

// a short name for `text`'s content (cyrb53): the same image gives the same address
function contentHash(text) {
  let h1 = 0xdeadbeef, h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

function keepUpload(data, name) {
  const hash = contentHash(data), kept = JSON.stringify({ data, name });
  uploads.set(hash, { data, name });
  for (let tries = 0; tries < 2; tries++) {
    try { sessionStorage.setItem(UPLOAD_KEY + hash, kept); break; } catch {
      // full: the session's older examples make room
      Object.keys(sessionStorage).filter((k) => k.startsWith(UPLOAD_KEY)).forEach((k) => sessionStorage.removeItem(k));
    }
  }
  return hash;
}

function keptUpload(hash) {
  if (hash && !uploads.has(hash)) {
    try {
      const kept = JSON.parse(sessionStorage.getItem(UPLOAD_KEY + hash));
      if (kept && typeof kept.data === "string" && kept.data.startsWith("data:image/")) uploads.set(hash, { data: kept.data, name: String(kept.name) });
    } catch { /* not kept, or not ours */ }
  }
  return uploads.get(hash) || null;
}

function say(message) { $("error").textContent = message || ""; }

// the server did not answer at all: stopped, or restarting
class Unreachable extends Error {
  constructor() { super("memery is not answering at this address: is `memery serve` still running? This page searches again once it answers."); }
}

async function api(path, options) {
  let response;
  try { response = await fetch(path, options); } catch { throw new Unreachable(); }
  let body = null;
  try { body = await response.json(); } catch { /* not JSON */ }
  if (!response.ok) throw new Error((body && body.error) || `${response.status} ${response.statusText}`);
  return body;
}

// ---- the query and the address bar ----

function queryFromForm() {
  const folder = Number($("folder").value || 0);
  const image = state.query && state.query.image && state.query.folder === folder ? state.query.image : null;
  const upload = state.query && state.query.upload ? state.query.upload : null;
  return { folder, text: $("q").value.trim(), not: $("not").value.trim(), match: $("match").value, image, upload, like: [], dislike: [], round: 0,
           ...Object.fromEntries(FILTERS.map((k) => [k, $(k).value.trim()])), sort: $("sort").value };
}

function toURL(q) {
  const p = new URLSearchParams();
  if (q.folder) p.set("folder", q.folder);
  if (q.dupes) p.set("dupes", "");
  if (q.text) p.set("q", q.text);
  if (q.not) p.set("not", q.not);
  if (q.match && q.match !== "both") p.set("match", q.match);
  for (const k of FILTERS) if (q[k]) p.set(k, q[k]);
  if (q.sort === "date") p.set("sort", "date");
  if (q.image) p.set("image", q.image);
  if (q.upload) p.set("upload", q.upload);
  if (q.like.length) p.set("like", q.like.join(","));
  if (q.dislike.length) p.set("dislike", q.dislike.join(","));
  if (q.round) p.set("round", q.round);
  const s = p.toString().replace(/dupes=(&|$)/, "dupes$1");
  return s ? `?${s}` : location.pathname;
}

function fromURL() {
  const p = new URLSearchParams(location.search);
  const list = (k) => (p.get(k) || "").split(",").filter(Boolean);
  const match = Object.hasOwn(MATCHES, p.get("match")) ? p.get("match") : "both";
  const folder = Number(p.get("folder") || 0);
  if (p.has("dupes")) return { folder, dupes: true };
  const upload = p.get("upload") && keptUpload(p.get("upload")) ? p.get("upload") : null;
  // an example from another session (a shared address, a closed tab) is not kept: the user picks it again
  if (p.get("upload") && !upload) say("The example image this address names is not kept by this browser any more: pick it again.");
  const q = { folder, text: p.get("q") || "", not: p.get("not") || "", match, image: p.get("image"), upload,
              like: list("like"), dislike: list("dislike"), round: Number(p.get("round") || 0),
              ...Object.fromEntries(FILTERS.map((k) => [k, p.get(k) || ""])), sort: p.get("sort") === "date" ? "date" : "score" };
  return q.text || q.image || q.upload || q.like.length ? q : null;
}

function showQuery(q) {
  $("folder").value = String(q ? q.folder : $("folder").value || 0);
  if (q && q.dupes) q = null;
  $("q").value = q ? q.text : "";
  $("not").value = q ? q.not : "";
  if (q) $("match").value = q.match;
  for (const k of FILTERS) $(k).value = q ? q[k] || "" : "";
  $("sort").value = q && q.sort === "date" ? "date" : "score";
  showExample(q);
}

function showExample(q) {
  const upload = q && keptUpload(q.upload);
  const example = upload ? { url: upload.data, name: upload.name }
                         : q && q.image ? { url: `/api/thumb/${q.image}`, name: state.names.get(q.image) || "a result" } : null;
  $("example").hidden = !example;
  if (example) {
    $("example-img").src = example.url;
    $("example-name").textContent = example.name;
  }
}

// ---- searching ----

async function search(q, { push = true, append = false } = {}) {
  if (!q.text && !q.image && !q.upload && !q.like.length) { say("Type what to look for, or give an example image."); return; }
  const ticket = ++state.busy;
  state.loading = true;
  if (!append) {
    state.query = q;
    if (push === "replace") history.replaceState(null, "", toURL(q));
    else if (push) history.pushState(null, "", toURL(q));
    showQuery(q);
  }
  const body = { folder: q.folder, text: q.text || null, negatives: q.not ? [q.not] : [], match: q.match, image: q.image || null,
                 upload: q.upload ? keptUpload(q.upload).data : null, liked: q.like, disliked: q.dislike,
                 n: PAGE, offset: append ? state.results.length : 0, sort: q.sort || "score", relevance: true,
                 ...Object.fromEntries(FILTERS.filter((k) => q[k]).map((k) => [k, q[k]])) };
  say("");
  $("grid").classList.remove("stale");
  $("summary").textContent = append ? "Loading more…" : "Searching…";
  try {
    const found = await api("/api/search", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    if (ticket !== state.busy) return; // a newer search is on its way
    state.results = append ? state.results.concat(found.results) : found.results;
    state.more = found.results.length === PAGE;
    state.stale = found.indexing;
    state.why = found.why_empty;
    state.relevant = found.relevant;
    draw(append ? found.results.length : null);
    summarize(found.seconds);
    state.loading = false;
  } catch (e) {
    if (ticket !== state.busy) return;
    state.loading = false;
    $("summary").textContent = "";
    say(e.message);
    // what is on screen answers the search before: dimmed, and not taken for this one's
    $("grid").classList.add("stale");
    if (e instanceof Unreachable) waitForServer(() => search(q, { push: false, append }));
  }
}

// ask until the server answers again, then `then()`: once, however many searches failed meanwhile
let waiting = null;
function waitForServer(then) {
  if (waiting) { waiting.then = then; return; }
  waiting = { then };
  const ask = async () => {
    try { await api("/api/status"); } catch (e) { if (e instanceof Unreachable) { setTimeout(ask, 2000); return; } }
    const { then } = waiting;
    waiting = null;
    say("");
    then();
  };
  setTimeout(ask, 2000);
}

function filtersSaid(q) {
  const when = [q.after && `after ${q.after}`, q.before && `before ${q.before}`].filter(Boolean).join(" and ");
  return [when && `, taken ${when}`, q.person && `, with ${q.person}`, q.near && `, near ${q.near}`,
          q.sort === "date" && ", newest first"].filter(Boolean).join("");
}

function summarize(seconds) {
  const q = state.query, folder = state.folders[q.folder];
  const what = [q.text && `“${q.text}”`, (q.image || q.upload) && "an example image", q.not && `not “${q.not}”`].filter(Boolean).join(", ") +
    (MATCHES[q.match] ? ` (${MATCHES[q.match]})` : "") + filtersSaid(q);
  const round = q.round ? ` · round ${q.round}` : "";
  const count = state.results.length ? `${state.results.length}${state.more ? "+" : ""}` : "No";
  // where the relevant ones end: the grid's divider says it too
  const relevant = !state.results.length || state.relevant == null ? "" :
    state.relevant ? ` · about ${state.relevant} relevant` : " · none stands out as relevant";
  const results = state.results.length === 1 && !state.more ? "result" : "results";
  $("summary").textContent = `${count} ${results} for ${what || "your likes"}` +
    (folder && state.folders.length > 1 ? ` in ${folder.name}` : "") + `${round}${relevant} · ` + (seconds < 1 ? `${Math.round(seconds * 1000)} ms` : `${seconds.toFixed(1)} s`) +
    (state.results.length || !state.why ? "" : ` · ${state.why}`);
  // "the text in its images is not read yet": one click reads it
  $("read-now").hidden = !(state.why && state.why.includes("not read yet"));
}

function refine() {
  const q = state.query;
  if (!q) return;
  const like = [...state.marks].filter(([, m]) => m === "like").map(([id]) => id);
  const dislike = [...state.marks].filter(([, m]) => m === "dislike").map(([id]) => id);
  if (!like.length && !dislike.length) { say("Like or dislike some results first, then Refine."); return; }
  search({ ...q, like, dislike, round: q.round + 1 });
}

function similar(i) {
  const r = state.results[i];
  closeViewer();
  // a new search, not a feedback round: its marks start afresh, and its example is named
  state.marks.clear();
  state.names.set(r.id, r.path.split("/").pop());
  search({ folder: state.query.folder, text: "", not: "", match: "both", image: r.id, upload: null, like: [], dislike: [], round: 0 });
}

// ---- the grid ----

function card(r, i) {
  const c = make("figure", "card");
  c.dataset.i = i;
  c.dataset.id = r.id;
  // one Tab stop for the grid: the card last focused; arrow keys move between cards
  c.tabIndex = i === 0 ? 0 : -1;
  const name = r.path.split("/").pop();
  c.title = `${r.path}\n${r.found_by ? `${r.found_by} · ` : ""}score ${r.score.toFixed(3)}` + (r.snippet ? `\nwords: ${r.snippet}` : "") +
    (r.taken ? `\ntaken ${r.taken}` : "") + (r.place ? `\n${r.place}` : "") + (r.people ? `\n${r.people.join(", ")}` : "");
  const img = make("img");
  img.loading = "lazy";
  img.decoding = "async";
  img.alt = name;
  img.src = `/api/thumb/${encodeURIComponent(r.id)}`;
  // its own shape, for the grid that keeps it ("As shot"): from its headers at once, from the thumbnail once loaded
  if (r.width && r.height) c.style.setProperty("--ratio", (r.width / r.height).toFixed(3));
  img.addEventListener("load", () => c.style.setProperty("--ratio", (img.naturalWidth / img.naturalHeight).toFixed(3)));
  img.addEventListener("error", () => {
    img.classList.add("failed");
    c.classList.add("failed");
    c.title = `${r.path}\ncannot be read now: moved, deleted or damaged since it was indexed`;
  });
  const caption = make("figcaption");
  caption.append(make("span", "score", r.score.toFixed(3)), make("span", "name", name));
  // why it is there: the tier that put it there, when words did, and the words it matched, in sight
  if (r.found_by && (r.found_by !== "looks" || dupesShown())) c.append(make("span", `why ${r.keeper ? "keep" : ""}`, r.found_by));
  // when and where, as the photo says (a date from the file itself is not shown: it is when it was copied)
  const said = matchedWords(r.snippet);
  const told = [said && `“${said}”`, r.taken && r.taken_from !== "file" && r.taken.slice(0, 10), r.place && r.place.split(", ")[0]].filter(Boolean);
  if (told.length) c.append(make("span", "told", told.join(" · ")));
  // a video: the moment found, of how long
  if (r.time != null) c.append(make("span", "clock", `▶ ${clock(r.time)}` + (r.duration ? ` / ${clock(r.duration)}` : "")));
  const acts = make("div", "acts");
  const button = (cls, text, title, action) => {
    const b = make("button", cls, text);
    b.type = "button";
    b.title = title;
    b.setAttribute("aria-label", title);
    b.addEventListener("click", (e) => { e.stopPropagation(); action(); });
    return b;
  };
  acts.append(button("like", "♥", "Like: more like this when you Refine", () => mark(r.id, "like")),
              button("dislike", "✕", "Dislike: less like this when you Refine", () => mark(r.id, "dislike")),
              button("similar", "≈", "Similar: search for images like this one", () => similar(i)));
  c.append(img, caption, acts);
  c.addEventListener("click", () => openViewer(i));
  c.addEventListener("keydown", (e) => cardKey(e, i));
  c.addEventListener("focus", () => rove(i));
  acts.querySelectorAll("button").forEach((b) => { b.tabIndex = -1; });
  return c;
}

// seconds as a player shows them: 1:23, or 1:02:03
function clock(seconds) {
  const s = Math.floor(seconds), two = (n) => String(n).padStart(2, "0");
  return s >= 3600 ? `${Math.floor(s / 3600)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}` : `${Math.floor(s / 60)}:${two(s % 60)}`;
}

// the words of a snippet that matched the query (those in [brackets]), each once
function matchedWords(snippet) {
  if (!snippet) return "";
  return [...new Set([...snippet.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]))].join(" ");
}

// the card that holds the grid's one Tab stop
function rove(i) {
  document.querySelectorAll('#grid .card[tabindex="0"]').forEach((c) => { if (Number(c.dataset.i) !== i) c.tabIndex = -1; });
  const c = document.querySelector(`#grid .card[data-i="${i}"]`);
  if (c) c.tabIndex = 0;
}

function cardKey(e, i) {
  const cards = [...document.querySelectorAll("#grid .card")];
  const step = { ArrowRight: 1, ArrowLeft: -1, Home: -i, End: cards.length - 1 - i }[e.key];
  const acts = { Enter: () => openViewer(i), l: () => mark(state.results[i].id, "like"), d: () => mark(state.results[i].id, "dislike"),
                 s: () => similar(i) };
  if (step !== undefined || e.key === "ArrowDown" || e.key === "ArrowUp") {
    const to = step !== undefined ? cards[Math.min(cards.length - 1, Math.max(0, i + step))] : below(cards, i, e.key === "ArrowDown");
    if (to) { e.preventDefault(); to.focus(); }
  } else if (acts[e.key] && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); acts[e.key](); }
}

// the card in the next row down (or up) nearest the middle of card `i`: rows of squares or of shapes alike
function below(cards, i, down) {
  const at = cards[i].getBoundingClientRect(), middle = at.left + at.width / 2;
  const rows = cards.map((c) => c.getBoundingClientRect()).map((b, k) => ({ k, b }))
    .filter(({ b }) => (down ? b.top >= at.bottom - 1 : b.bottom <= at.top + 1));
  if (!rows.length) return null;
  const row = down ? Math.min(...rows.map(({ b }) => b.top)) : Math.max(...rows.map(({ b }) => b.top));
  const near = rows.filter(({ b }) => b.top === row).sort((a, b) => Math.abs(a.b.left + a.b.width / 2 - middle) - Math.abs(b.b.left + b.b.width / 2 - middle));
  return cards[near[0].k];
}

function draw(added) {
  const grid = $("grid");
  if (added === null) grid.replaceChildren(...state.results.map(card));
  else grid.append(...state.results.slice(-added).map((r, k) => card(r, state.results.length - added + k)));
  showCut();
  showGroups();
  $("grid").classList.toggle("dupes", dupesShown());
  $("hint").hidden = state.results.length > 0;
  if (!state.results.length) {
    $("hint").hidden = false;
    $("hint").textContent = dupesShown() ? "No duplicates: every image is one of a kind." : state.query ? "Nothing found." : INTRO;
  }
  $("more").hidden = !state.more;
  showMarks();
}

// a line across the grid after the last relevant result (before the first, if none is)
function showCut() {
  document.querySelector("#grid .cut")?.remove();
  const n = state.relevant;
  if (n == null || !state.results.length || n >= state.results.length) return;
  const cut = make("div", "cut", n ? `about ${n} relevant above · the closest others below` : "nothing stands out as relevant · the closest below");
  cut.setAttribute("role", "separator");
  const after = document.querySelector(`#grid .card[data-i="${n - 1}"]`);
  if (after) after.after(cut); else $("grid").prepend(cut);
}

// in the duplicates view: a heading before each group
function showGroups() {
  document.querySelectorAll("#grid .group").forEach((g) => g.remove());
  if (!dupesShown()) return;
  state.groups.forEach((first, g) => {
    const members = state.results.filter((r) => r.group === g), same = members.filter((r) => r.identical).length;
    const heading = make("h2", "group", `Group ${g + 1} · ${members.length} images` + (same ? ` · ${same} identical file${same > 1 ? "s" : ""}` : ""));
    document.querySelector(`#grid .card[data-i="${first}"]`)?.before(heading);
  });
}

// ---- duplicates: a folder's groups of copies and near-copies, the one to keep first ----

async function showDuplicates(folder, { push = true } = {}) {
  const ticket = ++state.busy;
  closeViewer();
  state.marks.clear();
  state.query = { folder, dupes: true, like: [], dislike: [], round: 0 };
  if (push) history.pushState(null, "", toURL(state.query));
  showQuery(null);
  say("");
  $("grid").classList.remove("stale");
  $("summary").textContent = "Looking for duplicates…";
  try {
    const found = await api(`/api/duplicates?folder=${folder}`);
    if (ticket !== state.busy) return;
    state.results = found.groups.flatMap((members, g) => members.map((m) => (
      { ...m, group: g, found_by: m.keeper ? "keep" : m.identical ? "identical file" : `${Math.round(m.score * 100)}% alike` })));
    state.groups = [];
    state.results.forEach((r, i) => { if (r.keeper) state.groups[r.group] = i; });
    state.more = false;
    state.relevant = null;
    draw(null);
    const name = state.folders[folder] ? state.folders[folder].name : "this folder";
    $("summary").textContent = `${found.total.toLocaleString()} group${found.total === 1 ? "" : "s"} of duplicates in ${name}` +
      (found.total > found.groups.length ? ` (the ${found.groups.length} largest shown)` : "") + ` · ${state.results.length} images`;
  } catch (e) {
    if (ticket !== state.busy) return;
    $("summary").textContent = "";
    say(e.message);
    $("grid").classList.add("stale");
    if (e instanceof Unreachable) waitForServer(() => showDuplicates(folder, { push: false }));
  }
}

function mark(id, how) {
  if (dupesShown()) return; // duplicates are not a search to refine
  const r = state.results.find((x) => x.id === id);
  if (r) state.names.set(id, r.path.split("/").pop());
  if (state.marks.get(id) === how) state.marks.delete(id); else state.marks.set(id, how);
  showMarks();
}

const SHOWN_MARKS = 12; // chips in the bar, at most: the count says the rest

function showMarks() {
  document.querySelectorAll(".card").forEach((c) => {
    const m = state.marks.get(c.dataset.id);
    c.classList.toggle("liked", m === "like");
    c.classList.toggle("disliked", m === "dislike");
    c.querySelector(".like").setAttribute("aria-pressed", m === "like");
    c.querySelector(".dislike").setAttribute("aria-pressed", m === "dislike");
  });
  const likes = [...state.marks.values()].filter((m) => m === "like").length, dislikes = state.marks.size - likes;
  $("feedback").hidden = state.marks.size === 0;
  // a chip for each: seen, even once Refine has left a disliked one out, and undone with its ×
  const chips = [...state.marks].slice(0, SHOWN_MARKS).map(([id, how]) => {
    const name = state.names.get(id) || "an image", said = how === "like" ? "Liked" : "Disliked";
    const chip = make("span", `chip ${how}`);
    chip.setAttribute("role", "listitem");
    chip.title = `${said}: ${name}`;
    const img = make("img");
    img.src = `/api/thumb/${encodeURIComponent(id)}`;
    img.alt = `${said}: ${name}`;
    const forget = make("button", "icon", "×");
    forget.type = "button";
    forget.title = forget.ariaLabel = `Forget: ${said.toLowerCase()} ${name}`;
    forget.addEventListener("click", () => mark(id, how));
    chip.append(img, forget);
    return chip;
  });
  const rest = state.marks.size - chips.length;
  $("marks").replaceChildren(make("span", "count", `${likes} liked, ${dislikes} disliked`), ...chips, ...(rest > 0 ? [make("span", null, `+${rest}`)] : []));
  if (state.viewing >= 0) showViewerMarks();
}

// ---- the viewer ----

function openViewer(i) {
  state.viewing = i;
  const r = state.results[i], folder = state.folders[state.query.folder];
  $("viewer").hidden = false;
  // a modal dialog: the page behind it is out of reach until it closes
  for (const behind of document.querySelectorAll("body > header, body > main")) behind.inert = true;
  if (!$("viewer").contains(document.activeElement)) $("v-close").focus();
  // a video plays from its moment; an image is shown large
  const film = r.time != null, id = encodeURIComponent(r.id);
  $("big").hidden = film;
  $("film").hidden = !film;
  if (film) {
    $("film").src = `/api/video/${id}#t=${r.time}`;
    $("film").play().catch(() => { /* the browser waits for a click */ });
    $("big").removeAttribute("src");
  } else {
    stopFilm();
    $("big").src = `/api/thumb/${id}?size=large`;
  }
  $("big").alt = r.path;
  // breaks between folders, not inside names
  const path = (folder ? `${folder.path.replace(/\/$/, "")}/${r.path}` : r.path).split("/");
  $("big-path").replaceChildren(...path.flatMap((part, k) => (k ? [make("wbr"), `/${part}`] : [part])));
  $("big-score").textContent = (film ? `at ${clock(r.time)}${r.moments && r.moments.length ? ` and ${r.moments.length} more moments` : ""} · ` : "") +
    `${r.found_by ? `${r.found_by} · ` : ""}score ${r.score.toFixed(3)}`;
  // the words that found it, the matched ones marked
  $("big-words").replaceChildren(...(r.snippet || "").split(/(\[[^\]]*\])/).filter(Boolean)
    .map((part) => (part.startsWith("[") ? make("mark", null, part.slice(1, -1)) : part)));
  $("v-open").href = film ? `/api/video/${id}` : `/api/image/${id}`;
  $("viewer").classList.toggle("dupes", dupesShown());
  $("prev").disabled = i === 0;
  $("next").disabled = i === state.results.length - 1;
  showViewerMarks();
  document.querySelector(`.card[data-i="${i}"]`)?.scrollIntoView({ block: "nearest" });
}

function showViewerMarks() {
  const m = state.marks.get(state.results[state.viewing].id);
  $("viewer").classList.toggle("liked", m === "like");
  $("viewer").classList.toggle("disliked", m === "dislike");
}

function closeViewer() {
  if (state.viewing < 0) return;
  const i = state.viewing;
  state.viewing = -1;
  $("viewer").hidden = true;
  for (const behind of document.querySelectorAll("body > header, body > main")) behind.inert = false;
  $("big").removeAttribute("src");
  stopFilm();
  document.querySelector(`.card[data-i="${i}"]`)?.focus({ preventScroll: true });
}

function stopFilm() {
  $("film").pause();
  $("film").removeAttribute("src");
  $("film").load();
}

const move = (step) => {
  const i = state.viewing + step;
  if (i >= 0 && i < state.results.length) openViewer(i);
};

// ---- example images: picked, dropped or pasted ----

const SENT_SIDE = 1024; // pixels on the longer side of an example image as sent: the model reads far fewer

// an example image, made small in a worker (the page stays responsive), then searched for
function useImage(file) {
  if (!file || !file.type.startsWith("image/")) { say("That is not an image."); return; }
  say("");
  $("summary").textContent = "Reading the image…";
  const worker = new Worker("/static/shrink.js");
  worker.onmessage = ({ data }) => {
    worker.terminate();
    // one the browser cannot decode is sent as it is: the server may read it (HEIC, a RAW photo…)
    const send = data.error ? file : data.blob;
    if (send.size > 20e6) { say(`That image is ${(send.size / 1e6).toFixed(1)} MB; the limit is 20 MB.`); return; }
    const reader = new FileReader();
    reader.onload = () => {
      const q = queryFromForm();
      q.image = null;
      q.upload = keepUpload(reader.result, file.name || "pasted image");
      search(q);
    };
    reader.readAsDataURL(send);
  };
  worker.postMessage({ file, side: SENT_SIDE });
}

// ---- folders, indexing progress and skipped files ----

// read the text in the folder's images from now on (or stop), as `memery index --ocr` does; then search again
async function readText(on) {
  const folder = Number($("folder").value || 0);
  try { await api("/api/ocr", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ folder, on }) }); }
  catch (e) { say(e.message); $("ocr").checked = !on; return; }
  state.reading = on;
  state.stale = on && Boolean(state.query);
  $("read-now").hidden = true;
  refreshStatus();
}

async function refreshStatus() {
  let status;
  try { status = await api("/api/status"); } catch (e) { say(e.message); return; }
  const first = state.folders.length === 0;
  state.folders = status.folders;
  if (first) {
    const select = $("folder");
    select.replaceChildren(...status.folders.map((f) => {
      const o = make("option", null, f.name);
      o.value = f.folder;
      o.title = f.path;
      return o;
    }));
    select.hidden = status.folders.length < 2;
    if (state.query) select.value = String(state.query.folder);
  }
  const folder = status.folders[Number($("folder").value || 0)] || status.folders[0];
  if (!state.query && folder) {
    const held = folder.images ? `${folder.images.toLocaleString()} image${folder.images === 1 ? "" : "s"}` : "no images indexed yet";
    $("hint").textContent = `${folder.name} (${held}): ${INTRO[0].toLowerCase()}${INTRO.slice(1)}`;
  }
  const running = status.folders.find((f) => f.indexing);
  $("indexing").hidden = !running;
  if (!running) state.reading = false;
  $("ocr").checked = Boolean(folder && folder.reads_text);
  if (running) {
    const doing = state.reading ? "Reading the text in the images of" : "Indexing";
    $("indexing-text").textContent = running.total ? `${doing} ${running.name}: ${running.done.toLocaleString()} of ${running.total.toLocaleString()} images`
                                                   : `${doing} ${running.name}: looking for what is not read yet…`;
    $("progress").max = running.total || 1;
    $("progress").value = running.done;
  }
  const problems = [status.model_error, folder.error].filter(Boolean).join(" · ");
  if (problems) say(problems);
  $("skipped").hidden = !folder.skipped;
  $("skipped").textContent = `${folder.skipped.toLocaleString()} file${folder.skipped === 1 ? "" : "s"} skipped`;
  $("skipped").onclick = () => {
    const list = document.querySelector("#skipped-list ul");
    list.replaceChildren(...folder.skipped_files.map((s) => {
      const li = make("li");
      li.append(make("code", null, s.path), `: ${s.reason}`);
      return li;
    }));
    if (folder.skipped > folder.skipped_files.length) list.append(make("li", null, `… and ${folder.skipped - folder.skipped_files.length} more`));
    $("skipped-list").showModal();
  };
  if (running || status.folders.some((f) => f.indexing)) setTimeout(refreshStatus, 1000);
  // indexing finished: search it all
  else if (state.stale && state.query && !dupesShown()) { state.stale = false; search(state.query, { push: false }); }
  return status;
}

// ---- wiring ----

function wire() {
  $("search").addEventListener("submit", (e) => {
    e.preventDefault();
    state.marks.clear();
    search(queryFromForm());
  });
  $("folder").addEventListener("change", () => {
    state.marks.clear();
    refreshStatus();
    if (dupesShown()) showDuplicates(Number($("folder").value));
    else if ($("q").value || (state.query && state.query.upload)) search(queryFromForm());
  });
  $("match").addEventListener("change", () => { if ($("q").value || (state.query && (state.query.upload || state.query.image))) search(queryFromForm()); });
  $("file").addEventListener("change", (e) => { useImage(e.target.files[0]); e.target.value = ""; });
  $("example-drop").addEventListener("click", () => {
    const q = queryFromForm();
    q.image = q.upload = null;
    showExample(null);
    // the example's results go with it
    if (q.text) search(q);
    else { history.pushState(null, "", toURL(q)); showNothing(); }
  });
  $("dupes").addEventListener("click", () => showDuplicates(Number($("folder").value || 0)));
  $("ocr").addEventListener("change", () => readText($("ocr").checked));
  $("read-now").addEventListener("click", () => readText(true));
  // how results are shown, as the user left it last time
  const toggle = (id, key, apply) => {
    const set = (on) => { $(id).setAttribute("aria-pressed", on); apply(on); localStorage.setItem(key, on ? "1" : ""); };
    set(localStorage.getItem(key) === "1");
    $(id).addEventListener("click", () => set($(id).getAttribute("aria-pressed") !== "true"));
  };
  toggle("scores", "memery-scores", (on) => document.body.classList.toggle("scores", on));
  toggle("layout", "memery-layout", (on) => $("grid").classList.toggle("justified", on));
  $("refine").addEventListener("click", refine);
  $("clear").addEventListener("click", () => { state.marks.clear(); showMarks(); });
  $("more").addEventListener("click", () => search(state.query, { append: true }));
  // the next page loads as the user scrolls towards the end of the grid
  let pending = false;
  window.addEventListener("scroll", () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      const near = $("more").getBoundingClientRect().top < innerHeight + 400;
      if (near && state.more && !state.loading && state.query && !$("more").hidden) search(state.query, { append: true });
    });
  }, { passive: true });
  $("prev").addEventListener("click", () => move(-1));
  $("next").addEventListener("click", () => move(1));
  $("v-close").addEventListener("click", closeViewer);
  $("v-like").addEventListener("click", () => mark(state.results[state.viewing].id, "like"));
  $("v-dislike").addEventListener("click", () => mark(state.results[state.viewing].id, "dislike"));
  $("v-similar").addEventListener("click", () => similar(state.viewing));
  $("viewer").addEventListener("click", (e) => { if (e.target === $("viewer")) closeViewer(); });
  // on a phone: swipe to the next or previous result
  let touched = null;
  $("viewer").addEventListener("touchstart", (e) => { touched = e.changedTouches[0]; }, { passive: true });
  $("viewer").addEventListener("touchend", (e) => {
    const dx = e.changedTouches[0].clientX - (touched ? touched.clientX : 0), dy = e.changedTouches[0].clientY - (touched ? touched.clientY : 0);
    if (touched && Math.abs(dx) > 50 && Math.abs(dx) > 2 * Math.abs(dy)) move(dx < 0 ? 1 : -1);
    touched = null;
  });
  $("filters").addEventListener("click", () => {
    const open = $("search").classList.toggle("open");
    $("filters").setAttribute("aria-expanded", open);
  });
  document.addEventListener("keydown", (e) => {
    if (state.viewing < 0 || e.target.tagName === "INPUT") return;
    if (e.key === "Tab") { // round the viewer's own buttons
      const stops = [...$("viewer").querySelectorAll("button:not(:disabled), a[href]")];
      const at = stops.indexOf(document.activeElement), to = (at + (e.shiftKey ? -1 : 1) + stops.length) % stops.length;
      e.preventDefault();
      stops[at < 0 ? 0 : to].focus();
      return;
    }
    const keys = { Escape: closeViewer, ArrowLeft: () => move(-1), ArrowRight: () => move(1),
                   l: () => mark(state.results[state.viewing].id, "like"), d: () => mark(state.results[state.viewing].id, "dislike"),
                   s: () => similar(state.viewing) };
    if (keys[e.key]) { e.preventDefault(); keys[e.key](); }
  });
  let dragging = 0;
  const hasFiles = (e) => [...(e.dataTransfer?.types || [])].includes("Files");
  window.addEventListener("dragenter", (e) => { if (hasFiles(e)) { dragging++; $("dropzone").hidden = false; } });
  window.addEventListener("dragleave", () => { if (--dragging <= 0) { dragging = 0; $("dropzone").hidden = true; } });
  window.addEventListener("dragover", (e) => { if (hasFiles(e)) e.preventDefault(); });
  window.addEventListener("drop", (e) => {
    e.preventDefault();
    dragging = 0;
    $("dropzone").hidden = true;
    useImage(e.dataTransfer.files[0]);
  });
  window.addEventListener("paste", (e) => {
    const item = [...(e.clipboardData?.items || [])].find((i) => i.kind === "file" && i.type.startsWith("image/"));
    if (item) { e.preventDefault(); useImage(item.getAsFile()); }
  });
  window.addEventListener("popstate", () => {
    closeViewer();
    const q = fromURL();
    if (q && q.dupes) { showDuplicates(q.folder, { push: false }); return; }
    state.marks = new Map([...(q ? q.like.map((id) => [id, "like"]) : []), ...(q ? q.dislike.map((id) => [id, "dislike"]) : [])]);
    showQuery(q);
    if (q) search(q, { push: false });
    else showNothing();
  });
}

// no search: an empty page that says what to do
function showNothing() {
  state.busy++;
  state.query = null;
  state.results = [];
  state.marks.clear();
  draw(null);
  showExample(null);
  $("summary").textContent = "";
  refreshStatus();
}

async function start() {
  wire();
  const params = new URLSearchParams(location.search);
  if (params.has("token")) { params.delete("token"); history.replaceState(null, "", params.toString() ? `?${params}` : location.pathname); }
  await refreshStatus();
  const q = fromURL();
  if (q && q.dupes) showDuplicates(q.folder, { push: false });
  else if (q) {
    q.like.forEach((id) => state.marks.set(id, "like"));
    q.dislike.forEach((id) => state.marks.set(id, "dislike"));
    search(q, { push: "replace" });
  }
}
start();
