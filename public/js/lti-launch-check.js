// The launch's check page (src/lti/launch-binding.ts): the launch came back without its
// state cookie, so ask the platform's storage whether this browser's login put that state
// there. If it did, post the launch again from this page (same origin, which the server
// checks); if not, say so and post nothing.
(function () {
  'use strict';

  var root = document.getElementById('lti-launch-check');
  if (!root) return;
  var data = root.dataset;

  function show(step) {
    root.querySelectorAll('[data-step]').forEach(function (section) {
      section.hidden = section.getAttribute('data-step') !== step;
    });
  }

  window.GuestlinkLtiStorage.get(data.storageTarget, data.platformOrigin, 'state_' + data.state).then(
    function (value) {
      if (value === data.state) root.querySelector('form[data-launch-check-form]').submit();
      else show('failed');
    },
    function () {
      show('failed');
    },
  );
})();
