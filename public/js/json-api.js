// One JSON client for the page scripts: the answer's JSON, or a failure shaped
// { status, error: { code, message } } with a sentence for people when Guestlink did not say one
// (media:js.api.*: a page loading this script ships the `media` messages).
(function () {
  'use strict';
  var Guestlink = (window.Guestlink = window.Guestlink || {});

  Guestlink.fetchJson = function (method, url, headers, body) {
    var options = { method: method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    Object.keys(headers || {}).forEach(function (name) {
      options.headers[name] = headers[name];
    });
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(
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
              error: { message: Guestlink.t('media:js.api.unexpected') },
            };
          },
        );
      },
      function () {
        throw {
          status: 0,
          error: { message: Guestlink.t('media:js.api.unreachable') },
        };
      },
    );
  };
})();
