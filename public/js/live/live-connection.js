// The stage's line to Guestlink: one event stream (server-sent events) for what happens in
// the room, and small JSON posts for what this page does. A launched user's posts carry the
// launch token in the Authorization header, a guest's the CSRF token in a header: neither
// can be forged by another site's form.
(function () {
  'use strict';
  var live = ((window.Guestlink = window.Guestlink || {}).live = window.Guestlink.live || {});

  live.connection = function (stage, handlers) {
    var source = null;
    var failures = 0;
    var stopped = false;
    var retryTimer = null;

    function headers() {
      var result = {};
      if (stage.dataset.auth) result.Authorization = 'Bearer ' + stage.dataset.auth;
      if (stage.dataset.csrf) result['X-CSRF-Token'] = stage.dataset.csrf;
      return result;
    }

    function post(path, body) {
      return window.Guestlink.fetchJson('POST', stage.dataset.api + path, headers(), body || {});
    }

    function get(path) {
      return window.Guestlink.fetchJson('GET', stage.dataset.api + path, headers());
    }

    var EVENTS = ['welcome', 'participant', 'participant-left', 'signal', 'muted', 'departed', 'refused'];

    function open() {
      if (stopped) return;
      // EventSource sends no headers: a launched user's stream is read with fetch, the ltik
      // in the Authorization header (event-stream.js); a guest's pass is a cookie.
      source = stage.dataset.auth
        ? window.Guestlink.eventStream(stage.dataset.events, headers())
        : new EventSource(stage.dataset.events);
      EVENTS.forEach(function (name) {
        source.addEventListener(name, function (event) {
          if (name === 'welcome') failures = 0;
          var handler = handlers[name];
          if (handler) handler(JSON.parse(event.data));
        });
      });
      source.onerror = function () {
        // EventSource reconnects by itself after a network error, as a new participant (the
        // welcome resets the page); a refused connection (full room, removed, sent to the
        // lobby) closes it for good: reloading shows the page that explains why.
        if (source.readyState !== EventSource.CLOSED) {
          if (handlers.interrupted) handlers.interrupted();
          return;
        }
        source = null;
        failures += 1;
        if (handlers.interrupted) handlers.interrupted();
        if (failures >= 3) {
          retryTimer = window.setTimeout(reload, reloadDelay());
          return;
        }
        retryTimer = window.setTimeout(open, 1000 * failures);
      };
    }

    // A launched user's room is posted to (the ltik stays out of the address); a guest's is a link.
    function reload() {
      if (stage.dataset.auth && window.Guestlink.postWithLtik(stage.dataset.reload)) return;
      window.location.assign(stage.dataset.reload);
    }

    // Reloading shows why a connection is refused (full room, removed). A refusal the page
    // cannot show (too many tabs open, the server full: 429/503) would reload again and
    // again: each reload within two minutes of the last waits longer, up to a minute.
    function reloadDelay() {
      var key = 'guestlink.liveReloads';
      var now = Date.now();
      var recent = [];
      try {
        recent = JSON.parse(window.sessionStorage.getItem(key) || '[]').filter(function (at) {
          return now - at < 120000;
        });
        window.sessionStorage.setItem(key, JSON.stringify(recent.concat([now])));
      } catch {
        recent = [];
      }
      return Math.min(60000, 10000 * recent.length);
    }

    function close() {
      stopped = true;
      if (retryTimer) window.clearTimeout(retryTimer);
      if (source) source.close();
      source = null;
    }

    function reopen() {
      close();
      stopped = false;
      failures = 0;
      open();
    }

    return { open: open, close: close, reopen: reopen, post: post, get: get };
  };

  /** A failed post's message for people (the server's is already in the page's language). */
  live.messageOf = function (failure) {
    if (failure && failure.status === 401) return window.Guestlink.t('live:js.sessionEnded');
    return (failure && failure.error && failure.error.message) || window.Guestlink.t('live:js.failed');
  };
})();
