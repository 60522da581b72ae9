// The clerk's payment form: show the remaining allocation of the chosen project and
// channel and the arrived balance available at the payment date, before the amount is
// typed. The same figures are rendered by the server when the page is loaded with
// ?project=&source= (and by the "查看可用额度" button), so the form works without this.
(function () {
  "use strict";
  var form = document.getElementById("payment-form");
  var panel = document.getElementById("availability");
  if (!form || !panel || !window.fetch) return;
  var project = form.elements.project_code;
  var source = form.elements.source_code;
  var paidOn = form.elements.paid_on;
  var check = document.getElementById("check-button");
  if (check) check.remove(); // figures follow the inputs; Enter must post the payment
  var lastSources = null;
  var pending = 0;

  function formatMoney(text) {
    if (text === null || text === undefined) return "—";
    var negative = text.charAt(0) === "-";
    var parts = text.replace("-", "").split(".");
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return (negative ? "-" : "") + whole + "." + (parts[1] || "00") + " 元";
  }

  function message(text, cls) {
    Array.prototype.forEach.call(panel.querySelectorAll("p.error, p.warn"), function (p) {
      p.remove();
    });
    if (!text) return;
    var p = document.createElement("p");
    p.className = cls || "error";
    p.textContent = text;
    panel.insertBefore(p, panel.firstChild);
  }

  function show(key, value) {
    var dd = panel.querySelector('[data-key="' + key + '"]');
    if (dd) dd.textContent = formatMoney(value);
  }

  function showName(name) {
    var el = panel.querySelector('[data-key="project_name"]');
    if (el) el.textContent = name || "";
  }

  function fillSources(list) {
    var keep = source.value;
    var codes = list.map(function (s) { return s.code; }).join("|");
    if (codes === lastSources) return;
    lastSources = codes;
    while (source.options.length > 1) source.remove(1);
    list.forEach(function (s) {
      var option = new Option(s.code + " " + s.name, s.code);
      source.add(option);
    });
    source.value = list.some(function (s) { return s.code === keep; }) ? keep
      : (list.length === 1 ? list[0].code : "");
  }

  function refresh(projectChanged) {
    var params = new URLSearchParams();
    var p = project.value.trim();
    if (p) params.set("project", p);
    if (source.value && !projectChanged) params.set("source", source.value);
    if (paidOn.value) params.set("paid_on", paidOn.value);
    var ticket = ++pending;
    panel.classList.add("loading");
    fetch(panel.dataset.url + "?" + params.toString(), {
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (reply) {
      if (ticket !== pending) return; // a newer question is on its way
      panel.classList.remove("loading");
      var body = reply.body;
      if (!reply.ok) {
        message(body.errors && body.errors[0] ? body.errors[0].message : "无法查询可用额度");
        show("remaining_allocation", null);
        show("available_cash", null);
        showName("");
        return;
      }
      if (projectChanged && body.sources) {
        fillSources(body.sources);
        message(body.sources.length ? "" : "该项目尚无资金安排,请先在资金来源页面安排资金。",
                "warn");
        if (source.value) { refresh(false); return; }
      } else {
        message("");
      }
      showName(body.project_name);
      show("remaining_allocation", body.remaining_allocation);
      show("available_cash", body.available_cash);
    }).catch(function () {
      if (ticket !== pending) return;
      panel.classList.remove("loading");
      message("无法查询可用额度,请检查网络后重试");
    });
  }

  project.addEventListener("change", function () { refresh(true); });
  source.addEventListener("change", function () { refresh(false); });
  paidOn.addEventListener("change", function () { refresh(false); });
})();
