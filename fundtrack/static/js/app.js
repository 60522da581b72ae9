// fundtrack: small behaviours shared by every page (no inline scripts, no CDN).
(function () {
  "use strict";
  // Confirmation before destructive or irreversible actions: <button data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.dataset.confirm) || event.target.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // Busy indicator on long work: <form data-busy="正在检查……">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.dataset.busy) return;
    var note = document.createElement("p");
    note.className = "flash flash-info";
    note.setAttribute("role", "status");
    note.textContent = form.dataset.busy;
    form.appendChild(note);
    // after the browser has read the form, so the clicked button's value is still sent
    setTimeout(function () {
      Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = true; });
    }, 0);
  });
})();
