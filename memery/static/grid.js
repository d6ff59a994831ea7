const make = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};
const size = (v) => (v && v.byteLength) || 0;

function render({ model, el }) {
  el.classList.add("memery-results");
  const cards = make("div", "memery-cards");
  const aside = make("aside", "memery-preview");
  el.append(cards);
  // the larger view lives on the page's body: inside a notebook's panels, "fixed" would be fixed to the panel, not the window
  document.body.append(aside);
  let frames = [], thumbUrls = [], previewUrl = null, filmUrl = null;
  const isWebp = (view) => view.byteLength > 12 && String.fromCharCode(view.getUint8(8), view.getUint8(9), view.getUint8(10), view.getUint8(11)) === "WEBP";
  const blobUrl = (view) => URL.createObjectURL(new Blob([view], { type: isWebp(view) ? "image/webp" : "image/jpeg" }));

  function toggle(name, other, i) {
    const on = new Set(model.get(name)), off = new Set(model.get(other));
    if (on.has(i)) on.delete(i); else { on.add(i); off.delete(i); }
    const sorted = (s) => [...s].sort((a, b) => a - b);
    model.set(name, sorted(on));
    model.set(other, sorted(off));
    model.save_changes();
  }
  const select = (i) => { model.set("selected", i); model.save_changes(); };
  const buttons = (i, compact) => {
    // on a card, icons that show on hover (a marked card keeps its mark); in the larger view, icons and words
    const row = make("div", "memery-actions");
    const button = (cls, icon, label, title) => {
      const b = make("button", cls, compact ? icon : `${icon} ${label}`);
      b.title = title;
      b.setAttribute("aria-label", label);
      return b;
    };
    const like = button("memery-like", "♥", "Like", "Like: show more like this when you Refine");
    const dislike = button("memery-dislike", "✕", "Dislike", "Dislike: show less like this when you Refine");
    const similar = button("memery-similar", "≈", "Similar", "Similar: search for images like this one, in a new tab");
    like.addEventListener("click", () => toggle("liked", "disliked", i));
    dislike.addEventListener("click", () => toggle("disliked", "liked", i));
    similar.addEventListener("click", () => {
      if (model.get("selected") >= 0) select(-1); // the new tab is where to look next
      model.send({ event: "similar", index: i });
    });
    row.append(like, dislike, similar);
    return row;
  };

  function marks() {
    const liked = new Set(model.get("liked")), disliked = new Set(model.get("disliked"));
    const selected = model.get("selected");
    [...el.querySelectorAll("[data-index]"), ...(aside.hidden ? [] : [aside])].forEach((node) => {
      const i = Number(node.dataset.index);
      node.classList.toggle("liked", liked.has(i));
      node.classList.toggle("disliked", disliked.has(i));
      node.classList.toggle("selected", node.classList.contains("memery-card") && i === selected);
      node.querySelector(".memery-like").setAttribute("aria-pressed", liked.has(i));
      node.querySelector(".memery-dislike").setAttribute("aria-pressed", disliked.has(i));
    });
  }

  const release = () => thumbUrls.concat([previewUrl, filmUrl]).forEach((u) => u && URL.revokeObjectURL(u));

  function fill() {
    // thumbnails arrive in chunks: show each new one once, and say which are still coming
    const thumbs = model.get("thumbs"), names = model.get("names"), waiting = model.get("loading") ? "loading…" : "no preview";
    frames.forEach((frame, i) => {
      if (thumbUrls[i]) return;
      if (size(thumbs[i])) {
        const img = make("img");
        img.src = thumbUrls[i] = blobUrl(thumbs[i]);
        img.alt = names[i];
        frame.replaceChildren(img);
      } else frame.replaceChildren(make("span", "memery-missing", waiting));
    });
  }

  function draw() {
    release();
    const names = model.get("names"), paths = model.get("paths"), scores = model.get("scores"), words = model.get("words");
    const told = model.get("told") || [], foundBy = model.get("found_by") || [];
    const about = (i) => paths[i] + (words[i] ? `\nwords: ${words[i]}` : "");
    thumbUrls = names.map(() => null);
    previewUrl = null;
    frames = names.map((_, i) => {
      const frame = make("div", "memery-thumb");
      frame.title = about(i);
      frame.addEventListener("click", () => select(i));
      return frame;
    });
    const figures = names.map((name, i) => {
      const card = make("figure", "memery-card");
      card.dataset.index = i;
      const frame = frames[i];
      const caption = make("figcaption");
      caption.title = about(i);
      caption.append(make("span", "memery-score", Number.isFinite(scores[i]) ? scores[i].toFixed(3) : "earlier"), make("span", "memery-name", name));
      card.append(frame, caption, buttons(i, true));
      // when and where, as its headers say: always in sight, under the hover caption
      if (told[i]) card.append(make("span", "memery-told", told[i]));
      // why it is there, when its words put it there: the tier's name, as the browser app's badge
      if (foundBy[i]) card.append(make("span", "memery-why", foundBy[i]));
      return card;
    });
    cards.replaceChildren(...figures);
    // where the relevant ones end: a line across the grid (before the first result if none is relevant)
    const relevant = model.get("relevant");
    if (relevant >= 0 && relevant < names.length) {
      const cut = make("div", "memery-cut", relevant ? `about ${relevant} relevant above · the closest others below`
                                                     : "nothing stands out as relevant · the closest below");
      cut.setAttribute("role", "separator");
      if (relevant) figures[relevant - 1].after(cut); else cards.prepend(cut);
    }
    // groups (of duplicates): a heading across the grid before each group's first picture
    (model.get("headings") || []).forEach((text, i) => {
      if (!text || !figures[i]) return;
      const heading = make("div", "memery-group", text);
      heading.setAttribute("role", "heading");
      heading.setAttribute("aria-level", "3");
      figures[i].before(heading);
    });
    fill();
    preview();
  }

  function film(i) {
    // the selected result's video, from its moment: at the URL the Jupyter server serves it at, or from its bytes
    if (filmUrl) URL.revokeObjectURL(filmUrl);
    filmUrl = null;
    const url = model.get("video_url"), data = model.get("video_data"), t = model.get("video_time");
    if (model.get("video_for") !== i || !(url || size(data))) return null;
    const video = make("video", "memery-film");
    Object.assign(video, { controls: true, muted: true, playsInline: true, preload: "auto" });
    if (!url) filmUrl = URL.createObjectURL(new Blob([data]));
    video.src = `${url || filmUrl}#t=${t}`;
    if (previewUrl || thumbUrls[i]) video.poster = previewUrl || thumbUrls[i];
    // where the fragment is not honoured
    video.addEventListener("loadedmetadata", () => { if (video.currentTime < t - 0.05) video.currentTime = t; }, { once: true });
    video.play().catch(() => { /* the browser waits for a click */ });
    return video;
  }

  function preview() {
    // the larger view is an overlay on the whole window: Esc closes it, the arrow keys step through the results
    const i = model.get("selected"), paths = model.get("paths");
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = size(model.get("preview")) ? blobUrl(model.get("preview")) : null;
    aside.replaceChildren();
    aside.hidden = !(i >= 0 && i < paths.length);
    if (!aside.hidden) {
      aside.dataset.index = i;
      const close = make("button", "memery-close", "×");
      close.title = "Close (Esc)";
      close.setAttribute("aria-label", "Close");
      close.addEventListener("click", () => select(-1));
      const step = (cls, text, to, title) => {
        const b = make("button", cls, text);
        b.title = title;
        b.setAttribute("aria-label", title);
        b.disabled = to < 0 || to >= paths.length;
        b.addEventListener("click", () => select(to));
        return b;
      };
      const img = film(i) || make("img");
      if (img.tagName === "IMG" && (previewUrl || thumbUrls[i])) img.src = previewUrl || thumbUrls[i];
      img.alt = model.get("names")[i];
      const about = make("div", "memery-path", paths[i]);
      const score = make("span", "memery-score", Number.isFinite(model.get("scores")[i]) ? `score ${model.get("scores")[i].toFixed(3)}` : "");
      const actions = buttons(i, false);
      actions.prepend(score);
      const figure = make("figure", "memery-view");
      const caption = make("figcaption");
      const words = model.get("words")[i]; // the words that found it, under its path
      // a video that cannot play here says why
      const note = model.get("video_for") === i ? model.get("video_note") : "";
      caption.append(about, ...(words ? [make("div", "memery-words", `words: ${words}`)] : []),
                     ...(note ? [make("div", "memery-words", note)] : []), actions);
      figure.append(img, caption);
      aside.append(close, step("memery-prev", "‹", i - 1, "Previous (←)"), figure, step("memery-next", "›", i + 1, "Next (→)"));
      if (!aside.contains(document.activeElement)) aside.focus({ preventScroll: true });
    }
    marks();
  }

  aside.tabIndex = -1;
  aside.setAttribute("role", "dialog");
  aside.setAttribute("aria-modal", "true");
  aside.dataset.lmSuppressShortcuts = "true"; // keys go to the viewer, not to JupyterLab's shortcuts
  aside.addEventListener("keydown", (e) => {
    const i = model.get("selected"), last = model.get("paths").length - 1;
    const to = { Escape: -1, ArrowLeft: Math.max(0, i - 1), ArrowRight: Math.min(last, i + 1) }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    e.stopPropagation();
    select(to);
  });
  aside.addEventListener("click", (e) => { if (e.target === aside) select(-1); });

  // the tab this grid is in: its panel, and its header among the tab bar's
  const panelOf = () => el.closest(".widget-tab-contents > .lm-Widget");
  const headerOf = (tabs) => {
    const panel = panelOf();
    return tabs.querySelectorAll(".lm-TabBar-tab")[[...panel.parentElement.children].indexOf(panel)];
  };
  const showInBar = (tabs, header) => {
    // scrolled within the tab bar only: the page stays where it is
    const bar = tabs.querySelector(".lm-TabBar"), b = bar.getBoundingClientRect(), r = header.getBoundingClientRect();
    if (r.left < b.left) bar.scrollLeft -= b.left - r.left;
    else if (r.right > b.right) bar.scrollLeft += r.right - b.right;
  };
  function placeTab() {
    // a tab's full title as its tooltip
    const tabs = el.closest(".widget-tab");
    if (!panelOf() || !tabs) return false;
    const tab = headerOf(tabs);
    if (tab && tab.title !== model.get("title")) tab.title = model.get("title"); // only on a change: no endless mutations
    // titles that come or change move the tabs: the one on screen stays in sight in the bar
    if (tab && tab.classList.contains("lm-mod-current")) showInBar(tabs, tab);
    return true;
  }
  // ipywidgets' tabs cannot be closed: grid.css draws a × at each tab's right end, and a press there closes
  // the tab
  const CLOSE_ZONE = 24; // pixels at a tab's right end: the × and the padding around it
  const PRESSES = ["pointerdown", "mousedown", "click"];
  const closeTab = (e) => {
    const tab = e.target.closest(".lm-TabBar-tab");
    if (!tab || !panelOf() || e.clientX < tab.getBoundingClientRect().right - CLOSE_ZONE) return;
    // Lumino would select the tab on the press, and the sidebar would show its search on its way out
    e.stopPropagation();
    if (e.type === "click" && tab === headerOf(e.currentTarget)) model.send({ event: "close" });
  };
  let tries = 0, closer = null, watcher = null;
  const attach = () => {
    if (placeTab()) {
      const tabs = el.closest(".widget-tab"), bar = tabs.querySelector(".lm-TabBar-content");
      // Lumino redraws its tabs (and their empty tooltips) as tabs come and go: set this one's again each time
      if (bar) {
        watcher = new MutationObserver(placeTab);
        const changes = { childList: true, subtree: true, attributes: true, attributeFilter: ["title"] };
        watcher.observe(bar, changes);
      }
      closer = tabs;
      for (const type of PRESSES) tabs.addEventListener(type, closeTab, true);
      // the first time its tab is on screen (a new tab is selected a moment after it is made), bring its
      // top into view, and its header into the tab bar's view, which scrolls sideways when tabs are many
      const panel = panelOf(), tabBar = tabs.querySelector(".lm-TabBar");
      const reveal = () => {
        if (panel.classList.contains("lm-mod-hidden")) return false;
        // the bar sticks to the top while the tabs' top is scrolled away above it, and the summary with it
        if (tabBar.getBoundingClientRect().top > tabs.getBoundingClientRect().top + 1) tabs.scrollIntoView();
        else tabBar.scrollIntoView({ block: "nearest" });
        const header = headerOf(tabs);
        if (header) showInBar(tabs, header);
        return true;
      };
      if (!reveal()) {
        const shown = new MutationObserver(() => reveal() && shown.disconnect());
        shown.observe(panel, { attributes: true, attributeFilter: ["class"] });
      }
    } else if (tries++ < 50) setTimeout(attach, 100);
  };
  attach();

  model.on("change:names", draw);
  model.on("change:told", draw);
  model.on("change:found_by", draw);
  model.on("change:headings", draw);
  model.on("change:thumbs", fill);
  model.on("change:loading", fill);
  model.on("change:liked", marks);
  model.on("change:disliked", marks);
  model.on("change:selected", preview);
  model.on("change:preview", preview);
  model.on("change:video_for", preview);
  model.on("change:title", placeTab);
  draw();
  return () => {
    release();
    aside.remove();
    if (watcher) watcher.disconnect();
    if (closer) for (const type of PRESSES) closer.removeEventListener(type, closeTab, true);
  };
}
export default { render };
