// The 附件 form (templates/attachments/_block.html): drop files on it or choose several,
// and they are sent in one request with a progress bar; the page then reloads to list
// them. Without this script the form posts as a plain multipart form.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("form.attachment-upload"), function (form) {
    var zone = form.querySelector(".drop-zone");
    var input = form.querySelector('input[type="file"]');
    var bar = form.querySelector(".upload-progress");
    var status = form.querySelector(".upload-status");
    if (!window.FormData || !window.XMLHttpRequest) return;

    function say(text, isError) {
      status.textContent = text;
      status.className = "upload-status" + (isError ? " error" : "");
    }

    function send(files) {
      if (!files || !files.length) { say("请选择要上传的文件", true); return; }
      var data = new FormData(form);
      data.delete("file");
      Array.prototype.forEach.call(files, function (f) { data.append("file", f, f.name); });
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      bar.hidden = false;
      bar.value = 0;
      say("正在上传 " + files.length + " 个文件…");
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total);
      };
      xhr.onload = function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
        if (xhr.status === 201) {
          bar.value = 100;
          say("已上传 " + body.attachments.length + " 个附件");
          window.location.reload();
        } else if (body && body.errors) {
          say(body.errors[0].message, true);
        } else if (xhr.status === 413) {
          say("上传内容过大", true);
        } else if (xhr.status === 403) {
          say("无权执行此操作", true);
        } else {
          say("上传失败(" + xhr.status + ")", true);
        }
      };
      xhr.onerror = function () { say("上传失败:网络错误", true); };
      xhr.send(data);
    }

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      send(input.files);
    });
    input.addEventListener("change", function () { send(input.files); });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.add("dragging"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      send(e.dataTransfer && e.dataTransfer.files);
    });
  });
})();
