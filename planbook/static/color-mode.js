// The reader's colour mode, set before the page is drawn: pydata-sphinx-theme's snippet, which
// the theme writes into the page's head, as a file (the Content Security Policy refuses scripts
// written in a page; _templates/layout.html loads this one in its place). The site sets no
// default mode: "" leaves it to the reader's system.
document.documentElement.dataset.mode = localStorage.getItem("mode") || "";
document.documentElement.dataset.theme = localStorage.getItem("theme") || "";
