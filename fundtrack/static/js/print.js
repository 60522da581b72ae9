// fundtrack: the 打印 button of a printable page (<button data-print>); no inline script.
(function () {
  "use strict";
  if (window.fundtrackPrint) { return; }  // loaded by the layout and by a page: one handler
  window.fundtrackPrint = true;
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
})();
