/* Lifeline resumable uploads: a file is sent in parts to /api/v1/files/uploads/ (PATCH at
 * Upload-Offset, tus-like), with progress; after a failure the upload resumes from the offset the
 * server reports (HEAD), so a dropped connection costs at most one part.
 *
 * LifelineUploads.upload(file, options) -> Promise of the finished upload (its `file` is the
 *   stored file). options: kind (required), csrf, endpoint, onProgress(sentBytes, totalBytes),
 *   retries (consecutive failures before giving up, default 8).
 * LifelineUploads.enhanceForm(form): for a form with `data-resumable-uploads`. Its file inputs
 *   marked `data-resumable-input` are uploaded this way on submit; the form is then sent with
 *   one hidden `file_ids` per file instead of the bytes. Without JavaScript the same form sends
 *   the files itself (small ones). The form's data attributes carry the kind and the texts:
 *   data-upload-kind, data-upload-url, data-msg-uploading ("{name}" and "{percent}" replaced),
 *   data-msg-retrying, data-msg-failed. Progress goes to `[data-resumable-progress]` (a
 *   <progress>) and `[data-resumable-status]` (a live region). */
(function () {
  "use strict";

  var CHUNK_TYPE = "application/offset+octet-stream";

  function request(method, url, options) {
    options = options || {};
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.withCredentials = true;
      xhr.setRequestHeader("Accept", "application/json");
      Object.keys(options.headers || {}).forEach(function (name) {
        xhr.setRequestHeader(name, options.headers[name]);
      });
      if (options.onProgress && xhr.upload) {
        xhr.upload.onprogress = function (event) { options.onProgress(event.loaded); };
      }
      xhr.onload = function () {
        var body = null;
        try { body = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch (e) { body = null; }
        resolve({ status: xhr.status, body: body, offset: xhr.getResponseHeader("Upload-Offset") });
      };
      xhr.onerror = xhr.ontimeout = xhr.onabort = function () {
        reject(new Error("network"));
      };
      xhr.send(options.body === undefined ? null : options.body);
    });
  }

  function problemError(response) {
    var problem = response.body || {};
    var error = new Error(problem.detail || problem.title || "HTTP " + response.status);
    error.problem = problem;
    error.status = response.status;
    return error;
  }

  function wait(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function retryable(status) {
    return status === 0 || status === 408 || status === 429 || status >= 500;
  }

  function upload(file, options) {
    var endpoint = options.endpoint || "/api/v1/files/uploads/";
    var csrf = options.csrf || "";
    var maxRetries = options.retries === undefined ? 8 : options.retries;
    var onProgress = options.onProgress || function () {};
    var headers = { "X-CSRFToken": csrf };

    function json(method, url, body) {
      return request(method, url, {
        headers: Object.assign({ "Content-Type": "application/json" }, headers),
        body: JSON.stringify(body)
      });
    }

    return json("POST", endpoint, {
      kind: options.kind, filename: file.name, size_bytes: file.size
    }).then(function (created) {
      if (created.status !== 201) throw problemError(created);
      var session = created.body;
      var url = endpoint + session.id + "/";
      var chunk = session.max_chunk_bytes;
      var failures = 0;

      function offsetFromServer() {
        return request("HEAD", url, { headers: headers }).then(function (head) {
          if (head.status !== 200) throw problemError(head);
          return parseInt(head.offset, 10);
        });
      }

      function recover(options_) {
        failures += 1;
        if (failures > maxRetries) throw new Error("retries");
        if (options_ && options_.onRetry) options_.onRetry(failures);
        // 1 s, 2 s, 4 s … at most 30 s between tries; then ask where the upload stands.
        return wait(Math.min(30000, 1000 * Math.pow(2, failures - 1))).then(function () {
          return offsetFromServer().catch(function () { return recover(options_); });
        });
      }

      function sendFrom(offset) {
        onProgress(offset, file.size);
        var part = file.slice(offset, Math.min(file.size, offset + chunk));
        return request("PATCH", url, {
          headers: Object.assign({ "Content-Type": CHUNK_TYPE, "Upload-Offset": String(offset) }, headers),
          body: part,
          onProgress: function (sent) { onProgress(offset + sent, file.size); }
        }).then(function (response) {
          if (response.status === 200) {
            failures = 0;
            if (response.body.status === "completed") {
              onProgress(file.size, file.size);
              return response.body;
            }
            return sendFrom(response.body.offset);
          }
          var problem = response.body || {};
          if (response.status === 409 && problem.code === "files.offset_mismatch") {
            return sendFrom(problem.offset);
          }
          if (retryable(response.status)) return recover(options).then(sendFrom);
          throw problemError(response);
        }, function () {
          return recover(options).then(sendFrom);
        });
      }

      return sendFrom(0);
    });
  }

  function enhanceForm(form) {
    var inputs = Array.prototype.slice.call(form.querySelectorAll("[data-resumable-input]"));
    var bar = form.querySelector("[data-resumable-progress]");
    var status = form.querySelector("[data-resumable-status]");
    var csrfInput = form.querySelector("[name=csrfmiddlewaretoken]");
    var submit = form.querySelector("[type=submit]");
    var busy = false;

    function say(text) { if (status) status.textContent = text; }
    function message(name, values) {
      var text = form.getAttribute("data-msg-" + name) || "";
      Object.keys(values || {}).forEach(function (key) { text = text.split("{" + key + "}").join(values[key]); });
      return text;
    }

    form.addEventListener("submit", function (event) {
      var files = [];
      inputs.forEach(function (input) {
        Array.prototype.forEach.call(input.files || [], function (file) { files.push(file); });
      });
      if (!files.length || form.getAttribute("data-uploaded") === "1") return;
      event.preventDefault();
      if (busy) return;
      busy = true;
      if (submit) submit.disabled = true;
      var total = files.reduce(function (sum, f) { return sum + f.size; }, 0);
      var done = 0;
      if (bar) { bar.hidden = false; bar.max = total; bar.value = 0; }

      var chain = Promise.resolve([]);
      files.forEach(function (file) {
        chain = chain.then(function (ids) {
          return upload(file, {
            kind: form.getAttribute("data-upload-kind"),
            endpoint: form.getAttribute("data-upload-url") || undefined,
            csrf: csrfInput ? csrfInput.value : "",
            onRetry: function () { say(message("retrying", { name: file.name })); },
            onProgress: function (sent) {
              if (bar) bar.value = done + sent;
              say(message("uploading", {
                name: file.name, percent: Math.floor(100 * (done + sent) / (total || 1)) + "%"
              }));
            }
          }).then(function (finished) {
            done += file.size;
            return ids.concat([finished.file.id]);
          });
        });
      });

      chain.then(function (ids) {
        ids.forEach(function (id) {
          var hidden = document.createElement("input");
          hidden.type = "hidden";
          hidden.name = "file_ids";
          hidden.value = id;
          form.appendChild(hidden);
        });
        // The bytes went up already: the form carries only their ids.
        inputs.forEach(function (input) { input.disabled = true; });
        form.setAttribute("data-uploaded", "1");
        form.submit();
      }, function (error) {
        busy = false;
        if (submit) submit.disabled = false;
        if (bar) bar.hidden = true;
        say(message("failed", { name: "" }) + (error.problem ? " " + error.message : ""));
      });
    });
  }

  window.LifelineUploads = { upload: upload, enhanceForm: enhanceForm };
  Array.prototype.forEach.call(document.querySelectorAll("form[data-resumable-uploads]"), enhanceForm);
})();
