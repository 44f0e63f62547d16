// The reader's colour mode, set before the page is drawn: pydata-sphinx-theme's snippet, which
// the theme writes into the page's head, as a file (the Content Security Policy refuses scripts
// written in a page; _templates/layout.html loads this one in its place). Until the reader
// picks one, the mode is "auto", the reader's system's (the theme's own default, "", made it
// log "Got invalid theme mode" as an error on a first visit).
document.documentElement.dataset.mode = localStorage.getItem("mode") || "auto";
document.documentElement.dataset.theme = localStorage.getItem("theme") || "";
