// The page script of `make preview` (planbook/preview.py adds it to every page it serves): it
// listens to the preview server's events. After a good build the page reloads itself; while a
// build runs a line says so; while the data is wrong the clerk's message stands above the last
// good page.
(function () {
  "use strict";
  const meta = document.querySelector('meta[name="planbook-preview"]');
  const shown = meta ? meta.content : "";
  const words = {
    building: "Đang dựng lại trang…",
    error: "Chưa dựng lại được trang — dưới đây là bản dựng tốt gần nhất.",
  };

  function show(status) {
    let box = document.getElementById("planbook-preview");
    if (!box) {
      box = document.createElement("div");
      box.id = "planbook-preview";
      document.body.prepend(box);
    }
    box.className = "planbook-preview-" + status.state;
    box.hidden = status.state === "ok";
    box.setAttribute("role", status.state === "error" ? "alert" : "status");
    const title = document.createElement("p");
    const strong = document.createElement("strong");
    strong.textContent = words[status.state] || "";
    title.appendChild(strong);
    box.replaceChildren(title);
    if (status.state === "error") {
      const message = document.createElement("pre");
      message.textContent = status.message;
      box.appendChild(message);
    }
  }

  const events = new EventSource("/_preview/events");
  events.onmessage = (event) => {
    const status = JSON.parse(event.data);
    if (status.state === "ok" && status.build !== shown) {
      events.close();
      window.location.reload();
    } else if (document.body) {
      show(status);
    } else {
      document.addEventListener("DOMContentLoaded", () => show(status));
    }
  };
})();
