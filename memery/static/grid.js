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
  el.append(cards, aside);
  let frames = [], thumbUrls = [], previewUrl = null;
  const blobUrl = (view) => URL.createObjectURL(new Blob([view], { type: "image/jpeg" }));

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
    similar.addEventListener("click", () => model.send({ event: "similar", index: i }));
    row.append(like, dislike, similar);
    return row;
  };

  function marks() {
    const liked = new Set(model.get("liked")), disliked = new Set(model.get("disliked"));
    const selected = model.get("selected");
    el.querySelectorAll("[data-index]").forEach((node) => {
      const i = Number(node.dataset.index);
      node.classList.toggle("liked", liked.has(i));
      node.classList.toggle("disliked", disliked.has(i));
      node.classList.toggle("selected", node.classList.contains("memery-card") && i === selected);
      node.querySelector(".memery-like").setAttribute("aria-pressed", liked.has(i));
      node.querySelector(".memery-dislike").setAttribute("aria-pressed", disliked.has(i));
    });
  }

  const release = () => thumbUrls.concat([previewUrl]).forEach((u) => u && URL.revokeObjectURL(u));

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
    const names = model.get("names"), paths = model.get("paths"), scores = model.get("scores");
    thumbUrls = names.map(() => null);
    previewUrl = null;
    frames = names.map((_, i) => {
      const frame = make("div", "memery-thumb");
      frame.title = paths[i];
      frame.addEventListener("click", () => select(i));
      return frame;
    });
    cards.replaceChildren(...names.map((name, i) => {
      const card = make("figure", "memery-card");
      card.dataset.index = i;
      const frame = frames[i];
      const caption = make("figcaption");
      caption.title = paths[i];
      caption.append(make("span", "memery-score", scores[i].toFixed(3)), make("span", "memery-name", name));
      card.append(frame, caption, buttons(i, true));
      return card;
    }));
    fill();
    preview();
  }

  function preview() {
    const i = model.get("selected"), paths = model.get("paths");
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = size(model.get("preview")) ? blobUrl(model.get("preview")) : null;
    aside.replaceChildren();
    aside.hidden = !(i >= 0 && i < paths.length);
    if (!aside.hidden) {
      aside.dataset.index = i;
      const close = make("button", "memery-close", "×");
      close.title = "Close the larger view";
      close.addEventListener("click", () => select(-1));
      const img = make("img");
      if (previewUrl || thumbUrls[i]) img.src = previewUrl || thumbUrls[i];
      img.alt = model.get("names")[i];
      const about = make("div", "memery-path", paths[i]);
      const score = make("div", "memery-score", `score ${model.get("scores")[i].toFixed(3)}`);
      aside.append(close, img, about, score, buttons(i, false));
    }
    marks();
  }

  model.on("change:names", draw);
  model.on("change:thumbs", fill);
  model.on("change:loading", fill);
  model.on("change:liked", marks);
  model.on("change:disliked", marks);
  model.on("change:selected", preview);
  model.on("change:preview", preview);
  draw();
  return release;
}
export default { render };
