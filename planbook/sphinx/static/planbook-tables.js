// Wide tables on a narrow screen. The theme puts each table in a box that scrolls sideways;
// when the table is wider than its box, this marks the box (planbook.css then shows the cue
// «Vuốt ngang để xem hết bảng», keeps the key columns in view and the caption within the
// screen) and follows the scrolling (the cue changes once the last column is reached).
// The key columns are the first (the name); when it numbers the rows ("TT"), the second too.
// Their cells, found by column (a header row under cells spanning rows starts further right),
// are marked to stay in view: a header cell of other columns keeps to its own column.
// Marking never changes a table's width, so that it cannot undo itself.
(function () {
  "use strict";

  // Each cell's first and last column, spans counted (HTML's table model).
  function columns(table) {
    const found = new Map();
    for (const group of table.querySelectorAll(":scope > :is(thead, tbody, tfoot)")) {
      const taken = [];  // per row, the columns that cells of rows above fill
      [...group.rows].forEach((row, r) => {
        let column = 0;
        for (const cell of row.cells) {
          while (taken[r] && taken[r].has(column)) column++;
          found.set(cell, [column, column + cell.colSpan - 1]);
          for (let i = r; i < r + (cell.rowSpan || group.rows.length - r); i++) {
            for (let c = column; c < column + cell.colSpan; c++) {
              (taken[i] = taken[i] || new Set()).add(c);
            }
          }
          column += cell.colSpan;
        }
      });
    }
    return found;
  }

  function markKeys(table, numbered) {
    const keys = numbered ? 2 : 1;
    for (const [cell, [first, last]] of columns(table)) {
      if (last >= keys) continue;
      cell.classList.add("planbook-key");
      if (first > 0) cell.classList.add("planbook-key-after");
      if (last === keys - 1) cell.classList.add("planbook-key-edge");
      if (numbered && last === 0) cell.classList.add("planbook-number");
    }
  }

  function setUp(box) {
    const table = box.querySelector("table");
    if (!table) return;
    const first = table.querySelector("thead th");
    const numbered = Boolean(first && /^S?TT$/.test(first.textContent.trim()));
    markKeys(table, numbered);
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
