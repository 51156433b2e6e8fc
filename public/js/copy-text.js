// Copies text to the clipboard: Guestlink.copyText(text, container) resolves once copied and
// rejects when the browser refuses. Inside some LMS frames the Clipboard API is blocked; a
// selected field (put in `container`, so it stays inside an open modal dialog) still copies.
(function () {
  'use strict';
  window.Guestlink = window.Guestlink || {};

  function legacyCopy(text, container) {
    return new Promise(function (resolve, reject) {
      var field = document.createElement('textarea');
      field.value = text;
      field.setAttribute('readonly', '');
      field.className = 'visually-hidden';
      container.appendChild(field);
      field.select();
      var copied = false;
      try {
        copied = document.execCommand('copy');
      } catch {
        copied = false;
      }
      container.removeChild(field);
      if (copied) resolve();
      else reject(new Error('copy refused'));
    });
  }

  window.Guestlink.copyText = function (text, container) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        return legacyCopy(text, container);
      });
    }
    return legacyCopy(text, container);
  };

  /** What a refused copy tells the user, with the URL left selected in its field. */
  window.Guestlink.COPY_BLOCKED =
    'Your browser blocked copying. The link is selected: press Ctrl+C (Cmd+C on a Mac) to copy it.';
})();
