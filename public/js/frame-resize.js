// Asks the LMS to fit its frame to this page (the lti.frameResize message Canvas, Moodle and
// others honour): LMS frames are short (~580 px in Moodle) and would hide the lobby below a
// scroll bar inside a scroll bar. Sent only when framed, only when the height changed, and at
// most once per quiet 150 ms, so a growing list or an animation is one message, not hundreds.
(function () {
  'use strict';
  if (window.parent === window || typeof ResizeObserver !== 'function') return;

  var QUIET_MS = 150;
  var lastSent = 0;
  var timer = null;

  // The content's height, not the document's: body's min-height of 100vh would otherwise report
  // the frame's own height back, and a frame could grow but never shrink.
  function contentHeight() {
    var bottom = 0;
    Array.prototype.forEach.call(document.body.children, function (child) {
      if (child.tagName === 'SCRIPT' || child.tagName === 'DIALOG') return;
      var rect = child.getBoundingClientRect();
      if (rect.height > 0) bottom = Math.max(bottom, rect.bottom + window.scrollY);
    });
    return Math.ceil(bottom);
  }

  function send() {
    timer = null;
    var height = contentHeight();
    if (height <= 0 || height === lastSent) return;
    lastSent = height;
    // '*': the message carries only a height, and the page does not know the LMS's origin (the
    // same tool is framed by every institution's domain). Canvas's postMessage documentation
    // uses '*' for it; a secret would never be sent this way.
    window.parent.postMessage({ subject: 'lti.frameResize', height: height }, '*');
  }

  function schedule() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(send, QUIET_MS);
  }

  var observer = new ResizeObserver(schedule);
  observer.observe(document.documentElement);
  Array.prototype.forEach.call(document.body.children, function (child) {
    observer.observe(child);
  });
})();
