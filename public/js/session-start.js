// An invited viewer's or speaker's notice that the session has not started: shown until a host
// or moderator is on the live stage, and again when the last one leaves. live-room.js reports
// who is there (guestlink:live-presence) from the stage's participant events.
(function () {
  'use strict';
  var notice = document.getElementById('session-start');
  if (!notice) return;
  document.addEventListener('guestlink:live-presence', function (event) {
    notice.hidden = Boolean(event.detail && event.detail.moderatorPresent);
  });
})();
