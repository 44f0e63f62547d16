/*
 * The plan book's search ranking (see planbook/search.py). Sphinx copies this file into
 * _static/language_data.js (html_search_scorer), which the search page loads after
 * searchtools.js and before searchindex.js: `Search` is defined, its index not yet loaded.
 * `planbookFold` and `Stemmer` come before this file in language_data.js, `splitQuery` after
 * it (both are only called once a query runs).
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
    // From files (file://) the browser refuses to fetch the pages, so no summary under results
    if (window.location.protocol === "file:") DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;

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

    // The summary under each result (when the pages can be fetched, i.e. from a server): the
    // text around the first word of the query, the query's words marked whatever their marks.
    // The text is folded letter for letter, so that places in it are places in the text.
    const foldInPlace = (text) => Array.from(text, (c) => {
      const f = planbookFold(c);
      return f.length === c.length ? f : c;
    }).join("");
    const escapeRegExp = (text) => text.replace(/[.*+\-?^${}()|[\]\\]/g, "\\$&");

    Search.makeSearchSummary = (htmlText, keywords, anchor) => {
      const whole = Search.htmlToText(htmlText, anchor);
      if (whole === "") return null;
      const alone = (word) => `(?<![\\p{L}\\p{N}])${escapeRegExp(word)}(?![\\p{L}\\p{N}])`;
      const words = [...keywords].filter((word) => word);
      const pattern = new RegExp(words.length ? words.map(alone).join("|") : "(?!)", "gu");
      const first = foldInPlace(whole).search(pattern);
      const start = Math.max(first - 120, 0);
      const text = whole.substr(start, 240);
      const summary = document.createElement("p");
      summary.classList.add("context");
      if (start > 0) summary.append("...");
      let done = 0;
      for (const match of foldInPlace(text).matchAll(pattern)) {
        summary.append(text.slice(done, match.index));
        const mark = summary.appendChild(document.createElement("span"));
        mark.classList.add("highlighted");
        mark.textContent = text.substr(match.index, match[0].length);
        done = match.index + match[0].length;
      }
      summary.append(text.slice(done));
      if (start + 240 < whole.length) summary.append("...");
      return summary;
    };
  })();
}
