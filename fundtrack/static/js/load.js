// 稍后加载: <p data-load="URL"> is replaced by the HTML fragment at URL once the page is
// shown (figures that take longer to compute than the rest of the page).
(function () {
  "use strict";
  document.querySelectorAll("[data-load]").forEach(function (place) {
    fetch(place.dataset.load, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var box = document.createElement("div");
        box.innerHTML = html.trim();
        place.replaceWith.apply(place, box.childNodes);
      })
      .catch(function () {
        place.removeAttribute("aria-busy");
        var note = place.querySelector(".loading");
        if (note) note.textContent = place.dataset.loadFailed || "未能计算,请打开页面查看";
      });
  });
})();
