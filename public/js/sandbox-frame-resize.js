// The sandbox LMS honours lti.frameResize as Moodle and Canvas do: its tool frame takes the
// height the tool asks for, within bounds, and only from the tool frame itself.
(function () {
  'use strict';
  var MIN_HEIGHT = 200;
  var MAX_HEIGHT = 5000;
  var frame = document.querySelector('iframe[name="tool-frame"]');
  if (!frame) return;

  window.addEventListener('message', function (event) {
    // Any page can post to this window; only the frame we show the tool in may resize it.
    if (event.source !== frame.contentWindow) return;
    var data = event.data;
    if (typeof data === 'string') {
      try {
        data = JSON.parse(data);
      } catch {
        return;
      }
    }
    if (!data || data.subject !== 'lti.frameResize') return;
    var height = Number(data.height);
    if (!isFinite(height) || height <= 0) return;
    frame.style.height = Math.round(Math.min(Math.max(height, MIN_HEIGHT), MAX_HEIGHT)) + 'px';
  });
})();
