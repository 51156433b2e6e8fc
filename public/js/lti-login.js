// The login page in a frame (src/lti/login-page.ts): binds the login to this browser before
// the platform's one-time lti_message_hint is sent anywhere. Platform storage when offered,
// else our own cookie if this frame lets it through; if neither, a new window starts a
// fresh login top-level (where cookies are first-party) and this frame never uses the hint.
(function () {
  'use strict';

  var root = document.getElementById('lti-login');
  if (!root) return;
  var data = root.dataset;

  function show(step) {
    root.querySelectorAll('[data-step]').forEach(function (section) {
      section.hidden = section.getAttribute('data-step') !== step;
    });
  }

  function cookiesReachGuestlink() {
    return document.cookie.split(';').some(function (cookie) {
      return cookie.trim() === data.probeCookie + '=1';
    });
  }

  function continueToPlatform() {
    window.location.replace(data.authRequest);
  }

  // The spec's keys: the state (what the launch checks) and the nonce, each under its own key.
  function keepInPlatformStorage() {
    var storage = window.GuestlinkLtiStorage;
    return storage
      .put(data.storageTarget, data.platformOrigin, 'state_' + data.state, data.state)
      .then(function () {
        return storage.put(data.storageTarget, data.platformOrigin, 'nonce_' + data.nonce, data.nonce);
      });
  }

  function withoutStorage() {
    if (cookiesReachGuestlink()) continueToPlatform();
    else show('new-window');
  }

  root.querySelectorAll('a[data-new-window]').forEach(function (link) {
    link.addEventListener('click', function () {
      // After the browser has taken the click (popups need it), say where Guestlink went.
      window.setTimeout(function () {
        show('opened');
      }, 0);
    });
  });

  if (data.storageTarget) keepInPlatformStorage().then(continueToPlatform, withoutStorage);
  else withoutStorage();
})();
