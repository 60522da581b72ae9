// Progress of long work run on the server (fundtrack/jobs.py), an import or an export:
// polls the job's status (data-job-status) and shows rows done (and sheets written, for
// an export) with an estimate; when the job is done, loads its page (data-job-page),
// which then shows the result. data-job-waiting: what to say before the rows are known.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status]");
  if (!box) return;
  var bar = document.getElementById("job-bar");
  var text = document.getElementById("job-text");
  var number = new Intl.NumberFormat("zh-CN");

  var waiting = box.dataset.jobWaiting || "正在读取工作簿……";

  function show(s) {
    if (!s.total) {
      text.textContent = waiting + "(已用 " + Math.round(s.elapsed) + " 秒)";
      return;
    }
    bar.max = s.total;
    bar.value = s.done;
    var percent = Math.floor((s.done * 100) / s.total);
    var left = s.seconds_left === null ? "正在估算剩余时间" : "预计还需 " + s.seconds_left + " 秒";
    var sheets = s.sheets ? "工作表 " + s.sheets[0] + " / " + s.sheets[1] + "," : "";
    text.textContent = (s.sheets ? "已写入 " : "已处理 ") + number.format(s.done) + " / " +
      number.format(s.total) + " 行(" + percent + "%)," + sheets + left;
  }

  function poll() {
    fetch(box.dataset.jobStatus, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (s) {
        show(s);
        if (s.finished) {
          window.location.replace(box.dataset.jobPage);
        } else {
          window.setTimeout(poll, 500);
        }
      })
      .catch(function () {
        text.textContent = "暂时无法获取进度,正在重试……";
        window.setTimeout(poll, 2000);
      });
  }
  poll();
})();
