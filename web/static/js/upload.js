// The resource form's upload with a progress bar: the same multipart POST the plain form makes,
// sent with XMLHttpRequest so the browser reports how much of the file has gone. Without
// JavaScript the form posts as it is. The server's answer (a redirect, or the form again with
// its messages) is shown as the plain form would show it.
(function () {
  'use strict';
  var form = document.querySelector('form[data-upload-form]');
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  var input = form.querySelector('input[type=file]');
  var box = form.querySelector('.upload-progress');
  var bar = box && box.querySelector('progress');
  var percent = box && box.querySelector('.upload-percent');
  form.addEventListener('submit', function (event) {
    if (!input || !input.files || input.files.length === 0 || !box) return;  // plain POST
    event.preventDefault();
    var data = new FormData(form);
    var submitter = event.submitter;
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    var buttons = form.querySelectorAll('button');
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
    box.hidden = false;
    bar.value = 0;
    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.upload.addEventListener('progress', function (e) {
      if (!e.lengthComputable) return;
      var p = Math.floor((e.loaded / e.total) * 100);
      bar.value = p;
      percent.textContent = p + '%';
    });
    xhr.addEventListener('load', function () {
      bar.value = 100;
      percent.textContent = '100%';
      // A redirect was followed: go where it led. Otherwise show the page the server sent.
      if (xhr.status < 400 && xhr.responseURL && xhr.responseURL !== form.action) {
        window.location.assign(xhr.responseURL);
        return;
      }
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener('error', function () {
      for (var i = 0; i < buttons.length; i++) buttons[i].disabled = false;
      box.hidden = true;
      form.submit();  // the network failed: let the browser try and report it itself
    });
    xhr.send(data);
  });
})();
