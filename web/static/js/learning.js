// Learning pages: a lesson video resumes where the learner stopped and reports how much was
// played (POST /api/learning/lessons/{id}/video every 10 s, on pause, on end and when the page
// is left); every report's answer carries the course standing, and the progress bar is
// updated in place (no reload). When the answer says the lesson is done, the outline's ✓ and
// the title's "done" badge appear at once too. Opening a PDF lesson's file marks it read
// (POST .../viewed, the same answer); the file's own address marks it too, without JavaScript.
// A SCORM runtime frame on the package origin sends the same standing with postMessage (type
// "govhub-scorm-progress", with the lesson's state and its parts done); it is accepted from that
// frame only, and moves the bar, the ✓ and "N of M parts done" as the package reports.
'use strict';
(function () {
  function updateStanding(p) {
    if (!p) return;
    document.querySelectorAll('.course-progress').forEach(function (box) {
      box.dataset.percent = p.percent;
      var bar = box.querySelector('progress');
      if (bar) { bar.value = p.percent; bar.textContent = p.percent + '%'; }
      var set = function (sel, v) { var el = box.querySelector(sel); if (el) el.textContent = v; };
      set('[data-progress-percent]', p.percent);
      set('[data-progress-done]', p.lessons_done);
      set('[data-progress-required]', p.lessons_required);
      var done = box.querySelector('[data-progress-completed]');
      if (done) done.hidden = !p.completed;
    });
  }
  // Ticks `link`'s item in a menu as the server draws a done one: "✓ " before the link.
  function tick(link) {
    var item = link && link.parentElement;
    if (!item || item.classList.contains('done')) return;
    item.classList.add('done');
    var mark = document.createElement('span');
    mark.className = 'tick';
    var menu = document.querySelector('.lesson-menu');
    mark.setAttribute('aria-label', (menu && menu.dataset.doneLabel) || '✓');
    mark.textContent = '✓';
    item.insertBefore(document.createTextNode(' '), link);
    item.insertBefore(mark, link.previousSibling);
  }
  // The SCO playing now (the lesson menu's current item) is done.
  function markScoDone() {
    tick(document.querySelector('.scorm-menu a[aria-current="true"]'));
  }
  // The lesson on this page is done: its ✓ in the outline and the badge beside its title.
  function markLessonDone() {
    var badge = document.querySelector('[data-lesson-done]');
    if (badge) badge.hidden = false;
    tick(document.querySelector('.lesson-menu a[aria-current="page"]'));
  }
  // An answer {progress, lesson} of the lesson API.
  function applyUpdate(j) {
    if (!j) return;
    if (j.progress) updateStanding(j.progress);
    if (j.lesson && j.lesson.completed) markLessonDone();
  }
  window.govhubLearning = { updateStanding: updateStanding, markLessonDone: markLessonDone };

  var pdf = document.querySelector('a[data-mark-viewed]');
  if (pdf) {
    pdf.addEventListener('click', function () {
      // The link opens in a new tab as usual; this only records it here and now.
      fetch('/api/learning/lessons/' + encodeURIComponent(pdf.dataset.lesson) + '/viewed', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': pdf.dataset.csrf },
        body: '{}'
      }).then(function (r) { return r.ok ? r.json() : null; }).then(applyUpdate)
        .catch(function () {});
    });
  }

  var video = document.getElementById('lesson-video');
  if (video && video.dataset.learner === '1') {
    var lesson = video.dataset.lesson;
    var csrf = video.dataset.csrf;
    var played = 0;        // ms played since the last report
    var lastTick = null;   // media time at the last timeupdate, while playing
    var resume = parseInt(video.dataset.resumeMs || '0', 10);
    video.addEventListener('loadedmetadata', function () {
      // Back to where the learner stopped, unless that was the very end.
      if (resume > 0 && resume / 1000 < video.duration - 2) video.currentTime = resume / 1000;
    });
    video.addEventListener('timeupdate', function () {
      var t = video.currentTime;
      // Only time that played forward counts: a seek is not watching.
      if (lastTick !== null && !video.paused && t > lastTick && t - lastTick < 2) {
        played += (t - lastTick) * 1000;
      }
      lastTick = t;
    });
    video.addEventListener('seeking', function () { lastTick = null; });
    var report = function (leaving) {
      if (!isFinite(video.duration) || video.duration <= 0) return;
      var body = JSON.stringify({
        position_ms: Math.round(video.currentTime * 1000),
        played_ms: Math.round(played),
        duration_ms: Math.round(video.duration * 1000)
      });
      played = 0;
      fetch('/api/learning/lessons/' + encodeURIComponent(lesson) + '/video', {
        method: 'POST',
        credentials: 'same-origin',
        keepalive: !!leaving,
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
        body: body
      }).then(function (r) { return r.ok ? r.json() : null; }).then(function (j) {
        if (!j || !j.progress) return;
        applyUpdate(j);
        var watched = document.querySelector('[data-watched]');
        if (watched && j.lesson) watched.textContent = j.lesson.percent;
      }).catch(function () {});
    };
    setInterval(function () { if (!video.paused) report(false); }, 10000);
    video.addEventListener('pause', function () { report(false); });
    video.addEventListener('ended', function () { report(false); });
    window.addEventListener('pagehide', function () { report(true); });
  }

  // Progress from the SCORM runtime frame (its origin is the frame's own, given by the page).
  var frame = document.querySelector('iframe[data-scorm-origin]');
  if (frame) {
    window.addEventListener('message', function (e) {
      if (e.origin !== frame.dataset.scormOrigin || e.source !== frame.contentWindow) return;
      if (e.data && e.data.type === 'govhub-scorm-progress') {
        applyUpdate({ progress: e.data.progress, lesson: e.data.lesson });
        if (e.data.sco && e.data.sco.done) markScoDone();
        var parts = document.getElementById('scorm-parts');
        var n = e.data.parts;
        if (parts && parts.dataset.format && n && typeof n.done === 'number') {
          parts.textContent = parts.dataset.format.replace('{done}', String(n.done))
            .replace('{total}', String(n.total));
        }
      }
      // The lesson was opened elsewhere: the runtime asks for a fresh launch.
      if (e.data && e.data.type === 'govhub-scorm-reload') window.location.reload();
    });
  }
})();
