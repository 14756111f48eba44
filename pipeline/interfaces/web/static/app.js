// parksum's pages: multi-file upload by drop, live batch status, and links between the text and its rows.
(function () {
  "use strict";
  var csrf = document.querySelector("meta[name=csrf-token]").content;

  // Upload: files dropped or chosen are sent with fetch; without script the form posts as it is.
  var form = document.getElementById("upload");
  if (form) {
    var input = document.getElementById("files"), drop = document.getElementById("drop");
    var chosen = [], list = document.getElementById("chosen");
    var show = function () {
      list.textContent = "";
      chosen.forEach(function (file) {
        var item = document.createElement("li");
        item.textContent = file.name + " (" + Math.ceil(file.size / 1024) + " KB)";
        list.appendChild(item);
      });
    };
    var add = function (files) { Array.prototype.forEach.call(files, function (f) { chosen.push(f); }); show(); };
    input.addEventListener("change", function () { chosen = []; add(input.files); });
    ["dragenter", "dragover"].forEach(function (name) {
      drop.addEventListener(name, function (e) { e.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      drop.addEventListener(name, function (e) { e.preventDefault(); drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (e) { add(e.dataTransfer.files); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var data = new FormData(form), progress = document.getElementById("progress");
      data.delete("files");
      chosen.forEach(function (file) { data.append("files", file, file.name); });
      var request = new XMLHttpRequest();
      request.open("POST", "/api/batches");
      request.setRequestHeader("X-CSRF-Token", csrf);
      request.upload.onprogress = function (p) {
        if (p.lengthComputable) progress.textContent = Math.round(100 * p.loaded / p.total) + " %";
      };
      request.onload = function () {
        var answer = {};
        try { answer = JSON.parse(request.responseText); } catch (ignored) { answer = {}; }
        if (request.status === 201) { window.location = "/batches/" + answer.id; }
        else { progress.textContent = "refused: " + (answer.detail || request.status); }
      };
      request.send(data);
    });
  }

  // Batch: poll its status until every file is finished.
  var counts = document.getElementById("counts");
  if (counts && counts.dataset.done !== "true") {
    var poll = function () {
      fetch("/api/batches/" + counts.dataset.batch, {headers: {Accept: "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (batch) {
          counts.textContent = "";
          Object.keys(batch.counts).forEach(function (status) {
            var span = document.createElement("span"), n = document.createElement("b");
            span.className = "status " + status;
            span.textContent = status + " ";
            n.textContent = batch.counts[status];
            span.appendChild(n);
            counts.appendChild(span);
            counts.appendChild(document.createTextNode(" "));
          });
          batch.files.forEach(function (file) {
            var row = document.querySelector("tr[data-file='" + file.id + "']");
            if (!row) return;
            var cell = row.querySelector("td.status"), outcome = row.querySelector("td.outcome");
            cell.className = "status " + file.status;
            cell.textContent = file.status;
            outcome.textContent = "";
            if (file.document_id) {
              var link = document.createElement("a");
              link.href = "/documents/" + file.document_id;
              link.textContent = file.title || ("document " + file.document_id);
              outcome.appendChild(link);
            } else if (file.reason) {
              outcome.textContent = file.reason;
            }
          });
          counts.dataset.done = String(batch.done);
          if (!batch.done) window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    };
    window.setTimeout(poll, 500);
  }

  // Document: a mark leads to its row, a row's link lights its mark.
  var light = function (el) {
    document.querySelectorAll(".on").forEach(function (o) { o.classList.remove("on"); });
    if (el) el.classList.add("on");
  };
  document.querySelectorAll("#text mark").forEach(function (mark) {
    mark.addEventListener("click", function (e) {
      e.stopPropagation();
      var row = document.getElementById(mark.dataset.row);
      if (row) { light(row); row.scrollIntoView({block: "center"}); }
    });
  });
  document.querySelectorAll("table.rows a[href^='#at-']").forEach(function (link) {
    link.addEventListener("click", function () { light(document.getElementById(link.hash.slice(1))); });
  });
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) { if (!window.confirm(f.dataset.confirm)) e.preventDefault(); });
  });
})();
