// The SCORM runtime page (issue 16). It runs on the PACKAGE origin (no govhub cookies there),
// gives the SCO the API object it looks for — window.API (SCORM 1.2) or window.API_1484_11
// (SCORM 2004), both from scorm-again — and commits the learner's data model cross-origin to
// govhub with a short-lived per-attempt token. The server side is learning/scorm_runtime.hpp.
//
// How the page must be built (one page per launch, served from the package origin):
//
//   <!doctype html>
//   <html lang="th"><head>
//     <meta charset="utf-8">
//     <meta name="viewport" content="width=device-width, initial-scale=1">
//     <title>…course item title…</title>
//     <script src="/run/lib/scorm12.min.js"></script>      (or scorm2004.min.js; package_site.cpp)
//     <script src="/run/lib/scorm-runtime.js" defer></script>
//   </head>
//   <body data-version="1.2|2004"
//         data-commit-url="https://site/api/learning/scorm/commit"
//         data-token="…per-attempt token…"
//         data-seq-start="…BeginSession()'s result (< 2^53)…"
//         data-launch="…URL of the SCO on this origin…"
//         data-site-origin="https://site"
//         data-suspend-max="64000"
//         data-interactions-max="250">                                   (optional, default 250)
//     <script type="application/json" id="cmi-initial">…InitialCmiJson()…</script>
//   </body></html>
//
// The JSON in #cmi-initial must be escaped for a script element ("<" as \u003c). Both scripts
// are files, so the page's CSP needs no 'unsafe-inline'. The govhub commit URL must answer CORS
// preflights from the package origin (Authorization and Content-Type allowed, credentials not,
// Access-Control-Max-Age so the keepalive beacon on pagehide finds the preflight cached).
//
// What is sent: POST data-commit-url, header "Authorization: Bearer <token>", no cookies
// (credentials: 'omit'), body {"seq": n, "terminate": bool, "cmi": {"<element>": "<value>"}}
// with flattened element names (cmi.core.lesson_status, cmi.interactions.0.id …), string values,
// only the elements the SCO may write, and only those that changed since the last commit the
// server accepted (the server keeps what a commit leaves out). seq starts at data-seq-start
// and increases with each commit of this page; nothing is kept in localStorage. Commits happen
// on the SCO's Commit and Terminate, after SetValue (scorm-again's autocommit, ~10 s later),
// and as a keepalive fetch when the page is hidden or goes away.
// The reply {"result": "true", "progress": {…}} is passed to the course page with
// parent.postMessage({type: 'govhub-scorm-progress', progress}, data-site-origin).
//
// Values the server would refuse are refused here first, with the code the SCO expects from
// GetLastError, so a commit is never refused whole for one bad value: suspend_data past
// data-suspend-max (1.2: 405, 2004: 407; scorm-again itself stops at 64,000 characters, so a
// larger cap is held to that), an interaction past data-interactions-max (201 / 351), a session
// time or latency the server's strict parser would not read (405 / 406), a response or pattern
// over 4,000 characters (405 / 407).
(function () {
  'use strict';
  var body = document.body;
  var data = body.dataset;
  var is12 = data.version === '1.2';
  var Api = is12 ? window.Scorm12API : window.Scorm2004API;
  var initialEl = document.getElementById('cmi-initial');
  if (!Api || !data.commitUrl || !data.token || !data.launch || !initialEl) {
    if (window.console) console.error('scorm-runtime: the page is missing its settings');
    return;
  }

  var suspendMax = Math.min(parseInt(data.suspendMax, 10) || 64000, 64000);
  var interactionsMax = parseInt(data.interactionsMax, 10) || 250;
  var seq = parseInt(data.seqStart, 10) || 1;
  var siteOrigin = data.siteOrigin || '';

  // ------------------------------------------------------------ what the server would refuse

  var TIMESPAN_12 = /^\d{1,4}:[0-5]\d:[0-5]\d(\.\d{1,2})?$/;
  var DURATION_2004 =
    /^P(?!$)(\d{1,9}Y)?(\d{1,9}M)?(\d{1,9}D)?(T(?=\d)(\d{1,9}H)?(\d{1,9}M)?(\d{1,9}(\.\d{1,2})?S)?)?$/;
  var code = is12
    ? { tooLong: 405, index: 201, type: 405 }
    : { tooLong: 407, index: 351, type: 406 };

  function refusal(element, value) {
    if (element === 'cmi.suspend_data' && value.length > suspendMax) {
      return [code.tooLong, 'suspend_data is limited to ' + suspendMax + ' characters'];
    }
    var m = /^cmi\.interactions\.(\d+)\.(.*)$/.exec(element);
    if (m) {
      if (+m[1] >= interactionsMax) {
        return [code.index, 'at most ' + interactionsMax + ' interactions'];
      }
      var cr = /^correct_responses\.(\d+)\.pattern$/.exec(m[2]);
      if (cr && +cr[1] >= 32) return [code.index, 'at most 32 correct responses'];
      if ((cr || /^(learner|student)_response$/.test(m[2])) && value.length > 4000) {
        return [code.tooLong, 'limited to 4000 characters'];
      }
      if (m[2] === 'latency' && value !== '' && !validTime(value)) {
        return [code.type, 'not a valid time interval'];
      }
    }
    if ((element === 'cmi.core.session_time' || element === 'cmi.session_time') &&
        !validTime(value)) {
      return [code.type, 'not a valid time interval'];
    }
    return null;
  }

  function validTime(value) {
    return is12 ? TIMESPAN_12.test(value) : DURATION_2004.test(value);
  }

  // ------------------------------------------------------------ commits

  // Elements the SCO cannot write: scorm-again renders them in every commit; the server would
  // ignore them, so they are not sent.
  var READ_ONLY = is12
    ? /^cmi\.(core\.(student_id|student_name|credit|entry|total_time|lesson_mode)|launch_data|comments_from_lms|student_data\.)/
    : /^cmi\.(_version|entry|total_time|learner_id|learner_name|credit|mode|launch_data|completion_threshold|scaled_passing_score|max_time_allowed|time_limit_action|comments_from_lms)/;

  var acked = {};      // the elements as of the last commit the server accepted
  var ackedSeq = 0;
  var terminateBody = null;  // the Terminate commit, resent as is (same seq) if unanswered
  var terminateAcked = false;

  function writable(flat) {
    var out = {};
    Object.keys(flat).forEach(function (k) {
      if (typeof flat[k] === 'string' && !READ_ONLY.test(k)) out[k] = flat[k];
    });
    return out;
  }

  function changed(full) {
    var out = {};
    var any = false;
    Object.keys(full).forEach(function (k) {
      if (acked[k] !== full[k]) {
        out[k] = full[k];
        any = true;
      }
    });
    return any ? out : null;
  }

  function byteLength(text) {
    return new Blob([text]).size;
  }

  function post(text, keepalive) {
    return fetch(data.commitUrl, {
      method: 'POST',
      mode: 'cors',
      credentials: 'omit',
      cache: 'no-store',
      // A keepalive body is limited to 64 KiB; larger ones go as ordinary requests.
      keepalive: !!keepalive && byteLength(text) < 60000,
      headers: { 'Authorization': 'Bearer ' + data.token, 'Content-Type': 'application/json' },
      body: text,
    }).then(function (response) {
      return response.json().catch(function () {
        return { result: 'false', status: response.status };
      });
    });
  }

  var inFlight = null;  // the changes of the last commit not yet answered

  // A notice over the package when its commits are no longer kept (the lesson was opened in
  // another window); its button asks the course page to reload (learning.js).
  function staleNotice() {
    if (document.getElementById('scorm-stale')) return;
    var th = (document.documentElement.lang || 'th') !== 'en';
    var box = document.createElement('div');
    box.id = 'scorm-stale';
    box.setAttribute('role', 'alert');
    box.style.cssText = 'position:fixed;top:0;left:0;right:0;z-index:10;padding:12px 16px;' +
      'background:#fff4d6;color:#5c3c00;border-bottom:3px solid #b26a00;font:16px/1.5 sans-serif';
    var text = document.createElement('p');
    text.style.margin = '0 0 8px';
    text.textContent = th
      ? 'บทเรียนนี้ถูกเปิดในหน้าต่างหรืออุปกรณ์อื่นแล้ว ความก้าวหน้าจากหน้านี้จะไม่ถูกบันทึก ' +
        'โหลดหน้านี้ใหม่เพื่อเรียนต่อจากจุดล่าสุด'
      : 'This lesson was opened in another window or device, so progress made here is no ' +
        'longer saved. Reload to continue from your latest place.';
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = th ? 'โหลดใหม่' : 'Reload';
    button.style.cssText = 'font:inherit;min-height:44px;padding:0 16px';
    button.addEventListener('click', function () {
      if (siteOrigin && window.parent !== window) {
        window.parent.postMessage({ type: 'govhub-scorm-reload' }, siteOrigin);
      } else {
        window.location.reload();
      }
    });
    box.appendChild(text);
    box.appendChild(button);
    document.body.appendChild(box);
  }

  function send(flat, terminate, keepalive) {
    var full = writable(flat);
    var cmi = changed(full) || {};
    var cmiText = JSON.stringify(cmi);
    // Nothing new, or the very same changes are already on their way (visibilitychange and
    // pagehide both fire when a tab closes).
    if (!terminate && (cmiText === '{}' || cmiText === inFlight)) return;
    var mySeq = seq++;
    var text = JSON.stringify({ seq: mySeq, terminate: terminate, cmi: cmi });
    if (terminate) terminateBody = text;
    inFlight = cmiText;
    post(text, keepalive || terminate).then(function (reply) {
      if (inFlight === cmiText) inFlight = null;
      if (reply && reply.stale) {
        // The lesson was opened again elsewhere (another tab or device): its later session
        // holds the learner's place, and this page's commits are no longer kept. Say so.
        staleNotice();
        return;
      }
      var ok = reply && (reply.result === 'true' || reply.result === true);
      if (!ok) {
        if (window.console) console.warn('scorm-runtime: commit refused', reply);
        return;
      }
      if (mySeq > ackedSeq) {
        ackedSeq = mySeq;
        acked = full;
      }
      if (terminate) terminateAcked = true;
      if (reply.progress && siteOrigin && window.parent !== window) {
        window.parent.postMessage({ type: 'govhub-scorm-progress', progress: reply.progress,
          lesson: reply.lesson, parts: reply.parts, sco: reply.sco },
          siteOrigin);
      }
    }).catch(function (error) {
      if (inFlight === cmiText) inFlight = null;
      // The next commit carries these changes again (they are not acknowledged).
      if (window.console) console.warn('scorm-runtime: commit failed', error);
    });
  }

  // scorm-again calls this for Commit, Terminate and its autocommit. The answer to the SCO is
  // immediate; the server's reply arrives later.
  var httpService = {
    processHttpRequest: function (url, params, immediate, apiLog, processListeners, metadata) {
      send(params, !!(metadata && metadata.isTerminateCommit), false);
      return { result: 'true', errorCode: 0 };
    },
    updateSettings: function () {},
  };

  var api = new Api({
    lmsCommitUrl: data.commitUrl,
    dataCommitFormat: 'flattened',
    sendFullCommit: true,
    autocommit: true,
    autocommitSeconds: 10,
    logLevel: 4,  // errors only
    httpService: httpService,
  });
  api.loadFromJSON(JSON.parse(initialEl.textContent));

  var setName = is12 ? 'LMSSetValue' : 'SetValue';
  var scormAgainSet = api[setName];
  api[setName] = function (element, value) {
    var text = String(value);
    if (api.isInitialized() && !api.isTerminated()) {
      var refused = refusal(String(element), text);
      if (refused) {
        api.throwSCORMError(String(element), refused[0], refused[1]);
        return 'false';
      }
    }
    return scormAgainSet.call(api, element, value);
  };
  if (is12) window.API = api;
  else window.API_1484_11 = api;

  // The page is hidden (tab switched, phone locked) or going away: send what changed, as a
  // keepalive request the browser completes after the page is gone.
  function flush() {
    if (terminateBody) {
      if (!terminateAcked) post(terminateBody, true).catch(function () {});
      return;
    }
    if (!api.isInitialized() || api.isTerminated()) return;
    send(api.renderCommitCMI(false), false, true);
  }
  window.addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden') flush();
  });

  // ------------------------------------------------------------ the SCO, filling the page

  var html = document.documentElement;
  html.style.height = '100%';
  body.style.margin = '0';
  body.style.height = '100%';
  body.style.overflow = 'hidden';
  var frame = document.createElement('iframe');
  frame.src = data.launch;
  frame.title = document.title || 'SCORM';
  frame.setAttribute('allow', 'fullscreen; autoplay');
  frame.style.border = '0';
  frame.style.display = 'block';
  frame.style.width = '100%';
  frame.style.height = '100%';
  body.appendChild(frame);
})();
