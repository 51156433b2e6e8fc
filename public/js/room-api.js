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
      var options = {
        method: method,
        headers: { Authorization: 'Bearer ' + ltik, Accept: 'application/json' },
      };
      if (body !== undefined) {
        options.headers['Content-Type'] = 'application/json';
        options.body = JSON.stringify(body);
      }
      return fetch(base + path, options).then(
        function (response) {
          if (response.status === 204) return null;
          return response.json().then(
            function (json) {
              if (!response.ok) throw { status: response.status, error: json.error || {} };
              return json;
            },
            function () {
              throw {
                status: response.status,
                error: { message: 'Guestlink did not answer as expected. Try again.' },
              };
            },
          );
        },
        function () {
          throw {
            status: 0,
            error: { message: 'Guestlink cannot be reached. Check your connection and try again.' },
          };
        },
      );
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
