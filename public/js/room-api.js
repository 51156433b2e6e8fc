// The media page's client for the JSON API: the launch's ltik travels in the
// Authorization header, which a cross-site form cannot forge.
(function () {
  'use strict';
  window.Guestlink = window.Guestlink || {};

  window.Guestlink.roomApi = function () {
    var main = document.querySelector('main[data-room-id]');
    var base = '/api/rooms/' + encodeURIComponent(main.dataset.roomId);
    var ltik = main.dataset.ltik;
    var announcer = document.getElementById('announcer');

    function request(method, path, body) {
      return window.Guestlink.fetchJson(method, base + path, { Authorization: 'Bearer ' + ltik }, body);
    }

    function messageOf(failure) {
      if (failure && failure.status === 401)
        return 'Your session has ended. Open Guestlink again from your course.';
      return (failure && failure.error && failure.error.message) || 'Something went wrong. Try again.';
    }

    function announce(message) {
      if (!announcer) return;
      announcer.textContent = '';
      window.setTimeout(function () {
        announcer.textContent = message;
      }, 50);
    }

    return { base: base, ltik: ltik, request: request, messageOf: messageOf, announce: announce };
  };
})();
