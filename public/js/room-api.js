// The media page's client for the JSON API: the launch's ltik travels in the
// Authorization header, which a cross-site form cannot forge; on an invited moderator's room
// page, the CSRF token in its header (and the guest pass, a cookie).
(function () {
  'use strict';
  window.Guestlink = window.Guestlink || {};

  window.Guestlink.roomApi = function () {
    var main = document.querySelector('main[data-room-id]');
    // A launched user's page: /api with the ltik. An invited moderator's room page names its
    // own base (/guest/rooms/…) and sends its CSRF token; the guest pass is a cookie.
    var base = main.dataset.apiBase || '/api/rooms/' + encodeURIComponent(main.dataset.roomId);
    var ltik = main.dataset.ltik;
    var headers = ltik ? { Authorization: 'Bearer ' + ltik } : { 'X-CSRF-Token': main.dataset.csrf };
    var announcer = document.getElementById('announcer');

    function request(method, path, body) {
      return window.Guestlink.fetchJson(method, base + path, headers, body);
    }

    /**
     * An event stream. EventSource sends no headers: a launched user's is read with fetch and
     * the ltik in the Authorization header (event-stream.js), never in the address; an invited
     * moderator's pass is a cookie, which EventSource sends.
     */
    function openStream(path) {
      return ltik ? window.Guestlink.eventStream(base + path, headers) : new EventSource(base + path);
    }

    function messageOf(failure) {
      if (failure && failure.status === 401) return window.Guestlink.t('media:js.api.sessionEnded');
      return (failure && failure.error && failure.error.message) || window.Guestlink.t('media:js.api.failed');
    }

    function announce(message) {
      if (!announcer) return;
      announcer.textContent = '';
      window.setTimeout(function () {
        announcer.textContent = message;
      }, 50);
    }

    return {
      base: base,
      ltik: ltik,
      headers: headers,
      request: request,
      openStream: openStream,
      messageOf: messageOf,
      announce: announce,
    };
  };
})();
