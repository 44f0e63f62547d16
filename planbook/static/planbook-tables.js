// Wide tables on a narrow screen. The theme puts each table in a box that scrolls sideways;
// when the table is wider than its box, this marks the box (planbook.css then shows the cue
// «Vuốt ngang để xem hết bảng», keeps the key column in view and the caption within the
// screen) and follows the scrolling (the cue changes once the last column is reached).
// A table whose first column numbers the rows ("TT") is marked once: its name column is kept in
// view too. Marking never changes a table's width, so that it cannot undo itself.
(function () {
  "use strict";

  function setUp(box) {
    const table = box.querySelector("table");
    if (!table) return;
    const first = table.querySelector("thead th");
    if (first && /^S?TT$/.test(first.textContent.trim())) {
      table.classList.add("planbook-numbered");
    }
    const update = () => {
      const wide = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("planbook-wide", wide);
      box.classList.toggle("planbook-at-end",
        wide && box.scrollLeft + box.clientWidth >= box.scrollWidth - 1);
      box.style.setProperty("--planbook-box-width", box.clientWidth + "px");
      if (first) box.style.setProperty("--planbook-key-width", first.offsetWidth + "px");
    };
    box.addEventListener("scroll", update, { passive: true });
    if ("ResizeObserver" in window) {
      const observer = new ResizeObserver(update);  // the window, the fonts, the images
      observer.observe(box);
      observer.observe(table);
    } else {
      window.addEventListener("resize", update);
    }
    update();
  }

  function run() {
    document.querySelectorAll(".pst-scrollable-table-container").forEach(setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
