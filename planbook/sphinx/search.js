/*
 * The plan book's search ranking, excerpts and marks (see planbook/sphinx/search.py). Sphinx copies
 * this file into _static/language_data.js (html_search_scorer), which the search page loads
 * after searchtools.js and before searchindex.js: `Search` is defined, its index not yet
 * loaded. `planbookFold` and `Stemmer` come before this file in language_data.js, `splitQuery`
 * after it (both are only called once a query runs). The theme loads them on every page, where
 * this file marks the query on a page opened from the results.
 *
 * One result per page, best first:
 *   5  the page's title is the query (its number aside)
 *   4  the page's title holds the query's words in a row
 *   3  one of its sections is titled with them (the result links to the section)
 *   2  its title holds every word of the query
 *   1  its text holds the query's syllables side by side (each pair indexed), or the one word
 *   0  its text holds every word somewhere (a word it lacks: a longer word holding it)
 * then, at equal rank, the book's reading order (PLANBOOK_SEARCH_ORDER, which the search page
 * loads from _static/planbook-search-order.js), so unit 2 comes before unit 10.
 */
if (typeof Search !== "undefined") {
  (() => {
    const words = (text) => splitQuery(text).map(planbookFold);

    const asText = (html) =>
      new DOMParser().parseFromString(html, "text/html").body.textContent;

    const escapeHTML = (text) =>
      text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

    // `part` (a list of words) stands in `whole` in a row
    const inARow = (whole, part) => {
      if (!part.length) return false;
      for (let i = 0; i + part.length <= whole.length; i++)
        if (part.every((word, j) => whole[i + j] === word)) return true;
      return false;
    };

    const files = (entry) =>
      entry === undefined ? [] : typeof entry === "number" ? [entry] : entry;

    const hasTerm = (index, file, term) =>
      files(index.terms[term]).includes(file) || files(index.titleterms[term]).includes(file);

    // a title without its leading number ("8.16. Dĩnh Trì" → ["dinh", "tri"])
    const unnumbered = (titleWords) => {
      let start = 0;
      while (start < titleWords.length - 1 && /^\d+$/.test(titleWords[start])) start++;
      return titleWords.slice(start);
    };

    let readingRank = null; // document number → place in the book
    const rankOf = (index) => {
      if (readingRank) return readingRank;
      const order = typeof PLANBOOK_SEARCH_ORDER === "undefined" ? [] : PLANBOOK_SEARCH_ORDER;
      const place = new Map(order.map((docname, i) => [docname, i]));
      const collator = new Intl.Collator("vi", { numeric: true, sensitivity: "base" });
      const documents = index.docnames.map((docname, file) => file);
      documents.sort((a, b) => {
        const pa = place.has(index.docnames[a]) ? place.get(index.docnames[a]) : Infinity;
        const pb = place.has(index.docnames[b]) ? place.get(index.docnames[b]) : Infinity;
        if (pa !== pb) return pa < pb ? -1 : 1;
        return collator.compare(asText(index.titles[a]), asText(index.titles[b]))
          || collator.compare(index.docnames[a], index.docnames[b]);
      });
      readingRank = new Map(documents.map((file, i) => [file, i]));
      return readingRank;
    };

    Search._performSearch = (query, searchTerms, excludedTerms, highlightTerms, objectTerms) => {
      _removeChildren(document.getElementById("search-progress"));
      const index = Search._index;
      const fileOf = new Map(index.docnames.map((docname, file) => [docname, file]));
      const queryWords = words(query);
      const pairs = queryWords.slice(1).map((word, i) => `${queryWords[i]} ${word}`);

      // Every word of the query in the page (Sphinx lets words of one or two letters go
      // unmatched, and "xa", "ho" are words). A word the index lacks matches the longer
      // words holding it, as in Sphinx; a number must be there as it is (Sphinx skips
      // numbers; the index has them).
      const pagesWith = (word) => {
        const pages = new Set([...files(index.terms[word]), ...files(index.titleterms[word])]);
        if (word.length > 2 && !/^\d+$/.test(word))
          for (const mapping of [index.terms, index.titleterms])
            if (!mapping.hasOwnProperty(word))
              for (const [term, entry] of Object.entries(mapping))
                if (term.includes(word)) files(entry).forEach((file) => pages.add(file));
        return pages;
      };
      const found = new Set();
      if (queryWords.length) {
        const each = queryWords.map(pagesWith);
        for (const file of each[0]) if (each.every((pages) => pages.has(file))) found.add(file);
      }
      // titles with the query's words in a row, numbers included (Sphinx's words skip numbers)
      const sections = new Map(); // file → [section title, anchor]
      for (const [title, places] of Object.entries(index.alltitles)) {
        if (!inARow(words(title), queryWords)) continue;
        for (const [file, id] of places) {
          found.add(file);
          if (id !== null && !sections.has(file)) sections.set(file, [title, id]);
        }
      }

      const ranked = [...found].map((file) => {
        const titleWords = words(asText(index.titles[file]));
        let rank = 0;
        let anchor = "";
        let title = index.titles[file];
        if (queryWords.length && unnumbered(titleWords).join(" ") === queryWords.join(" ")) rank = 5;
        else if (inARow(titleWords, queryWords)) rank = 4;
        else if (sections.has(file)) {
          const [section, id] = sections.get(file);
          rank = 3;
          anchor = `#${id}`;
          title = `${title} › ${escapeHTML(section)}`;
        } else if (queryWords.length && queryWords.every((word) => titleWords.includes(word))) rank = 2;
        else if (queryWords.length && [...queryWords, ...pairs].every((term) => hasTerm(index, file, term)))
          rank = 1;
        return [index.docnames[file], title, anchor, null, rank, index.filenames[file]];
      });
      const place = rankOf(index);
      ranked.sort((a, b) => b[4] - a[4] || place.get(fileOf.get(a[0])) - place.get(fileOf.get(b[0])));
      return ranked.reverse(); // searchtools.js shows the last one first
    };

    // Where the query stands in some texts, as the search finds it: its words in a row (spaces
    // between them, or what the query has there: "1.691") where any of the texts has them so,
    // else each word; whole words, marks folded. Each text is folded letter for letter, so
    // that places in it are places in the text. [[start, end], …] for each text.
    const foldInPlace = (text) => Array.from(text, (c) => {
      const f = planbookFold(c);
      return f.length === c.length ? f : c;
    }).join("");
    const escapeRegExp = (text) => text.replace(/[.*+\-?^${}()|[\]\\]/g, "\\$&");
    const letter = "[\\p{L}\\p{M}\\p{N}_]"; // what splitQuery keeps
    const whole = (pattern) => new RegExp(`(?<!${letter})(?:${pattern})(?!${letter})`, "gu");
    const patterns = (query) => {
      const parts = query.normalize("NFC").split(/([^\p{L}\p{M}\p{N}_]+)/u); // word, between, …
      const inARow = parts.map((part, i) => {
        if (i % 2 === 0) return escapeRegExp(planbookFold(part));
        if (!parts[i - 1] || !parts[i + 1]) return "";
        const between = planbookFold(part.trim());
        return between ? `\\s*${escapeRegExp(between)}\\s*` : "\\s+";
      }).join("");
      const each = words(query).map(escapeRegExp);
      if (!each.length) return [];
      return each.length > 1 ? [whole(inARow), whole(each.join("|"))] : [whole(each[0])];
    };
    const places = (texts, query) => {
      const folded = texts.map(foldInPlace);
      for (const pattern of patterns(query)) {
        const found = folded.map((text) =>
          [...text.matchAll(pattern)].map((m) => [m.index, m.index + m[0].length]));
        if (found.some((list) => list.length)) return found;
      }
      return texts.map(() => []);
    };

    // `text` (from `offset` in its page's) appended to `into`, its places `found` marked
    const appendMarked = (into, text, found, offset = 0) => {
      let done = 0;
      for (const [start, end] of found) {
        if (start - offset < done || end - offset > text.length) continue;
        into.append(text.slice(done, start - offset));
        const mark = document.createElement("span");
        mark.className = "highlighted";
        mark.textContent = text.slice(start - offset, end - offset);
        into.append(mark);
        done = end - offset;
      }
      into.append(text.slice(done));
    };

    // The excerpt under a result: about 240 characters of the page's text around the place
    // where most of the query's words stand (in the result's section if it links to one), then
    // a shorter one around each word it lacks; cut between words.
    const LENGTH = 240;
    const around = (text, [start, end], length) => {
      let from = Math.max(start - Math.floor((length - (end - start)) / 3), 0);
      const space = text.indexOf(" ", from);
      if (from > 0 && space >= 0 && space < start) from = space + 1;
      let to = Math.min(from + length, text.length);
      const cut = text.lastIndexOf(" ", to);
      if (to < text.length && cut >= end) to = cut;
      return [from, to];
    };
    const excerpt = (page, query, anchor) => {
      const text = page.text;
      const from = page.places[anchor.slice(1)] || 0;
      const found = places([text], query)[0];
      const after = found.filter(([start]) => start >= from);
      const here = after.length ? after : found;
      const wordAt = ([start, end]) => foldInPlace(text.slice(start, end));
      let best = [from, from];
      let most = 0;
      for (const place of here) {
        const near = here.filter(([start, end]) =>
          start >= place[0] && end <= place[0] + LENGTH / 2);
        const count = new Set(near.map(wordAt)).size;
        if (count > most) [best, most] = [place, count];
      }
      const spans = [around(text, best, LENGTH)];
      const shown = new Set(here.filter(([start, end]) =>
        start >= spans[0][0] && end <= spans[0][1]).map(wordAt));
      for (const place of [...here, ...found]) {
        if (shown.has(wordAt(place))) continue;
        shown.add(wordAt(place));
        spans.push(around(text, place, LENGTH / 2));
      }
      spans.sort((a, b) => a[0] - b[0]);
      const summary = document.createElement("p");
      summary.classList.add("context");
      let done = 0;
      spans.forEach(([start, end], i) => {
        start = Math.max(start, done);
        if (end <= start) return;
        if (start > done) summary.append(i ? " … " : "… ");
        appendMarked(summary, text.slice(start, end), found, start);
        done = end;
      });
      if (done < text.length) summary.append(" …");
      return summary;
    };

    // The pages' texts (_static/planbook-text/<page>.js, see planbook/sphinx/search.py): each is a
    // script calling planbookPageText, loaded once a result needs it. Sphinx fetches each
    // result's page instead, which a page opened from the files may not do, and takes its
    // navigation with its text.
    DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
    const texts = new Map(); // page → its text, or what waits for it
    const withText = (docname, use) => {
      const known = texts.get(docname);
      if (Array.isArray(known)) return known.push(use);
      if (known) return use(known);
      texts.set(docname, [use]);
      const script = document.createElement("script");
      const path = docname.split("/").map(encodeURIComponent).join("/");
      const root = document.documentElement.dataset.content_root;
      script.src = `${root}_static/planbook-text/${path}.js`;
      document.head.appendChild(script);
    };
    window.planbookPageText = (docname, text, ids) => {
      const waiting = texts.get(docname);
      texts.set(docname, { text, places: ids });
      if (Array.isArray(waiting)) waiting.forEach((use) => use(texts.get(docname)));
    };

    // Each result, as searchtools.js shows it, gets its excerpt; the page it opens marks the
    // query (the query is handed over in the browser's storage, as Sphinx does).
    const HIGHLIGHT = "planbook-highlight";
    const suffix = DOCUMENTATION_OPTIONS.LINK_SUFFIX;
    const showResult = (item, query) => {
      const link = item.querySelector("a");
      if (!link) return;
      const [path, anchor = ""] = link.getAttribute("href").split(/(?=#)/);
      link.addEventListener("click", () => localStorage.setItem(HIGHLIGHT, query));
      withText(path.slice(0, path.length - suffix.length), (page) =>
        item.appendChild(excerpt(page, query, anchor)));
    };
    const runQuery = Search.query;
    Search.query = (text) => {
      new MutationObserver((changes) => changes.forEach((change) =>
        change.addedNodes.forEach((item) => showResult(item, text))))
        .observe(Search.output, { childList: true });
      runQuery(text);
    };

    // The page a result opened: the query marked in its text (not in the navigation), as the
    // excerpt marks it. Sphinx's own marking (sphinx_highlight.js) runs on no page here, the
    // theme loading the search on every page, and would mark "da" in "dang".
    const markPage = () => {
      const article = document.querySelector("article.bd-article");
      if (document.getElementById("search-results") || !article) return;
      const query = localStorage.getItem(HIGHLIGHT);
      localStorage.removeItem(HIGHLIGHT);
      if (!query) return;
      const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
        acceptNode: (node) => node.parentElement.closest("nav, script, style, .headerlink")
          ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
      });
      const nodes = [];
      while (walker.nextNode()) nodes.push(walker.currentNode);
      places(nodes.map((node) => node.nodeValue), query).forEach((found, i) => {
        if (!found.length) return;
        const marked = document.createDocumentFragment();
        appendMarked(marked, nodes[i].nodeValue, found);
        nodes[i].replaceWith(marked);
      });
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", markPage);
    else markPage();
  })();
}
