// 复制: <button data-copy-target="ID"> copies the text of the element with that id.
(function () {
  "use strict";
  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) return;
    var source = document.getElementById(button.dataset.copyTarget);
    if (!source) return;
    var text = source.textContent.trim();
    var status = button.parentElement.querySelector(".copy-status");
    var copying = navigator.clipboard && window.isSecureContext
      ? navigator.clipboard.writeText(text) : fallback(text);
    copying.then(function () {
      if (status) status.textContent = "已复制";
    }, function () {
      // select the text so that Ctrl+C copies it
      var range = document.createRange();
      range.selectNodeContents(source);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      if (status) status.textContent = "请按 Ctrl+C 复制已选中的文字";
    });
  });
})();
