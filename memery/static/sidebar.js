// Enter in one of the sidebar's boxes, or a click on Search, sends what every box shows at that moment.
// ipywidgets sends a box's new value only once the kernel has answered the previous one, but Enter and clicks
// at once: a search made on those alone could see "r" of a quickly typed "red".
const BOX = "memery-box-";

function render({ model, el }) {
  const send = (e) => {
    const sidebar = el.closest(".memery-sidebar");
    if (!sidebar || !sidebar.contains(e.target)) return;
    const inBox = e.target.closest(`[class*="${BOX}"]`);
    const enter = e.type === "keydown" && e.key === "Enter" && !e.isComposing && inBox;
    const click = e.type === "click" && e.target.closest(".memery-search");
    if (!enter && !click) return;
    // the button's own click message would search a second time
    if (click) e.stopPropagation();
    const boxes = {};
    for (const box of sidebar.querySelectorAll(`[class*="${BOX}"]`)) {
      const name = [...box.classList].find((c) => c.startsWith(BOX)).slice(BOX.length);
      boxes[name] = box.querySelector("input").value;
    }
    model.send({ event: "search", boxes });
  };
  // heard before the boxes' own handlers, which keep keys from the notebook
  document.addEventListener("keydown", send, true);
  document.addEventListener("click", send, true);
  return () => {
    document.removeEventListener("keydown", send, true);
    document.removeEventListener("click", send, true);
  };
}
export default { render };
