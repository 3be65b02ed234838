// Progressive enhancement of the resource form: shows only the chosen source's fields, and sends a chosen file at
// once in 8 MiB parts (R2 multipart) with a progress bar, so the recognised format is shown before saving. Without
// this script the form posts the file itself (small files only).
(function () {
  var form = document.querySelector('[data-resource-form]');
  if (!form) return;
  var msg = function (name, params) {
    var text = form.getAttribute('data-msg-' + name) || '';
    Object.keys(params || {}).forEach(function (key) { text = text.replace('{' + key + '}', params[key]); });
    return text;
  };

  // Sources: only the chosen one's fields are shown.
  var choices = form.querySelectorAll('[data-mode-choice]');
  var sections = form.querySelectorAll('[data-mode-section]');
  function showMode() {
    var checked = form.querySelector('[data-mode-choice]:checked');
    var mode = checked ? checked.value : 'upload';
    sections.forEach(function (section) { section.hidden = section.getAttribute('data-mode-section') !== mode; });
  }
  choices.forEach(function (choice) { choice.addEventListener('change', showMode); });
  showMode();

  var fileInput = form.querySelector('[data-upload-file]');
  var uploadId = form.querySelector('[data-upload-id]');
  var progressBox = form.querySelector('[data-upload-progress]');
  var progress = progressBox.querySelector('progress');
  var status = progressBox.querySelector('[data-upload-status]');
  var formatSelect = form.querySelector('select[name="format"]');
  var csrf = form.querySelector('input[name="_csrf"]').value;
  var base = form.getAttribute('data-upload-url');
  var maxBytes = Number(form.getAttribute('data-max-bytes'));
  var uploading = null; // the running upload's promise
  var submitAfterUpload = false;

  function post(url, fields) {
    var body = new FormData();
    body.set('_csrf', csrf);
    Object.keys(fields).forEach(function (key) { body.set(key, fields[key]); });
    return fetch(url, { method: 'POST', body: body, credentials: 'same-origin' }).then(answer);
  }
  function answer(response) {
    return response.json().then(function (data) {
      if (!response.ok) throw new Error((data.error && data.error.message) || String(response.status));
      return data;
    });
  }
  // XHR rather than fetch: it reports upload progress.
  function sendPart(url, blob, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open('PUT', url);
      xhr.setRequestHeader('x-csrf-token', csrf);
      xhr.upload.onprogress = function (event) { onProgress(event.loaded); };
      xhr.onload = function () {
        var data = {};
        try { data = JSON.parse(xhr.responseText); } catch (e) { /* not JSON: status says enough */ }
        if (xhr.status >= 200 && xhr.status < 300) resolve(data);
        else reject(new Error((data.error && data.error.message) || String(xhr.status)));
      };
      xhr.onerror = function () { reject(new Error(msg('network'))); };
      xhr.send(blob);
    });
  }
  function show(percent, text) {
    progressBox.hidden = false;
    progress.value = percent;
    status.textContent = text;
  }
  function offerFormats(data) {
    formatSelect.querySelectorAll('option[value]:not([value=""])').forEach(function (option) { option.remove(); });
    data.formats.forEach(function (format) {
      var option = document.createElement('option');
      option.value = format.code;
      option.textContent = format.label;
      if (format.code === data.format) option.selected = true;
      formatSelect.appendChild(option);
    });
  }

  function upload(file) {
    uploadId.value = '';
    if (file.size > maxBytes) return Promise.reject(new Error(msg('too-large')));
    var fields = { file_name: file.name, size: String(file.size) };
    var resourceId = form.getAttribute('data-resource-id');
    if (resourceId) fields.resource_id = resourceId;
    show(0, msg('sending', { percent: 0 }));
    return post(base, fields).then(function (created) {
      var partSize = created.partSize;
      var count = Math.ceil(file.size / partSize);
      var chain = Promise.resolve();
      for (var i = 0; i < count; i++) {
        (function (index) {
          chain = chain.then(function () {
            var start = index * partSize;
            var url = base + '/' + created.uploadId + '/parts/' + (index + 1);
            return sendPart(url, file.slice(start, Math.min(file.size, start + partSize)), function (loaded) {
              var percent = Math.min(99, Math.floor(((start + loaded) / file.size) * 100));
              show(percent, msg('sending', { percent: percent }));
            });
          });
        })(i);
      }
      return chain.then(function () { return post(base + '/' + created.uploadId + '/complete', {}); });
    }).then(function (done) {
      uploadId.value = done.uploadId;
      offerFormats(done);
      show(100, msg('sent') + ' — ' + done.message);
      // The file is on the portal: the form must not send it a second time.
      fileInput.value = '';
      return done;
    });
  }

  fileInput.addEventListener('change', function () {
    var file = fileInput.files && fileInput.files[0];
    if (!file) return;
    uploading = upload(file).catch(function (error) {
      show(0, msg('failed', { message: error.message }));
      progressBox.classList.add('upload-failed');
      fileInput.value = '';
      submitAfterUpload = false;
    }).then(function () {
      uploading = null;
      if (submitAfterUpload && uploadId.value) form.submit();
    });
    progressBox.classList.remove('upload-failed');
  });

  form.addEventListener('submit', function (event) {
    if (uploading) {
      event.preventDefault();
      submitAfterUpload = true;
    }
  });
})();
