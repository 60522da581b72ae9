// 导入县级台账, the mapping table: a column's 资金渠道 choice is shown only for a channel
// field, its 金额单位 only for an amount. Each field option says its kind in data-kind.
// The page comes drawn that way (hidden on the server); this keeps it so as choices change.
(function () {
  "use strict";
  function update(select) {
    var option = select.options[select.selectedIndex];
    var kind = option ? option.getAttribute("data-kind") || "" : "";
    var row = select.closest("tr");
    var source = row.querySelector("select[name$='-source']");
    var unit = row.querySelector("select[name$='-unit']");
    if (source) source.hidden = kind !== "channel";
    if (unit) unit.hidden = kind !== "channel" && kind !== "money";
  }
  document.querySelectorAll("table.mapping select[name$='-field']").forEach(function (s) {
    update(s);
    s.addEventListener("change", function () { update(s); });
  });
})();
