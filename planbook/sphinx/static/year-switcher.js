// The year switcher: the link "Các năm" above every page is followed by one link per published
// year, each to the same page in that year when it has it (a unit's page is matched by its
// name without the number), else to that year's home. The list comes from years.js, written
// beside the years' folders by planbook.site; it works from files, without a server.
(function () {
  "use strict";
  const root = document.documentElement.dataset.content_root || "";

  function samePage(pages, here) {
    if (pages.includes(here)) return here;
    const bare = (path) => path.replace(/\/\d+-([^/]*)$/, "/$1");
    return pages.find((page) => bare(page) === bare(here)) || "book/index.html";
  }

  function render() {
    const nav = document.querySelector("nav.planbook-years");
    const years = window.PLANBOOK_YEARS || [];
    if (!nav || !years.length) return;
    const yearRoot = new URL(root, window.location.href);
    const here = decodeURI(window.location.pathname).slice(decodeURI(yearRoot.pathname).length);
    const current = yearRoot.pathname.split("/").filter(Boolean).pop();
    const list = document.createElement("ul");
    for (const entry of years) {
      const item = document.createElement("li");
      const year = String(entry.year);
      if (year === current) {
        const span = document.createElement("span");
        span.textContent = "Năm " + year;
        span.setAttribute("aria-current", "page");
        item.appendChild(span);
      } else {
        const link = document.createElement("a");
        link.href = root + "../" + year + "/" + samePage(entry.pages, here);
        link.textContent = "Năm " + year;
        item.appendChild(link);
      }
      list.appendChild(item);
    }
    nav.insertBefore(list, nav.querySelector("a.planbook-pdf"));
  }

  const script = document.createElement("script");
  script.src = root + "../years.js";
  script.onload = () => {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", render);
    } else {
      render();
    }
  };
  document.head.appendChild(script);
})();
