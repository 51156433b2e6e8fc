// Copying links. Guestlink.copyText(text, container) resolves once copied and
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

  var COPIED_FOR_MS = 2000;

  /**
   * A link's URL, read-only and selected on focus, for copying by hand where the clipboard is
   * blocked (some LMS frames). Used by every window that lists links.
   */
  window.Guestlink.linkUrlField = function (url, label) {
    var input = document.createElement('input');
    input.className = 'link-url';
    input.type = 'text';
    input.readOnly = true;
    input.value = url;
    input.setAttribute('aria-label', label);
    input.addEventListener('focus', function () {
      input.select();
    });
    return input;
  };

  function say(box, message) {
    box.textContent = message;
    box.hidden = !message;
  }

  /**
   * Copies a link's URL from its row: "Link copied" beside its field (the row's `.copy-feedback`)
   * and on its button for 2 s, announced; where the browser refuses, the URL is left selected in
   * its field and `errorBox` says to press Ctrl+C. `container` keeps the fallback inside an open
   * modal dialog.
   */
  window.Guestlink.copyLink = function (options) {
    var feedback = options.field.parentNode.querySelector('.copy-feedback');
    say(options.errorBox, '');
    window.Guestlink.copyText(options.url, options.container).then(
      function () {
        options.button.classList.add('is-copied');
        feedback.textContent = window.Guestlink.t('media:js.copy.copied');
        window.setTimeout(function () {
          options.button.classList.remove('is-copied');
          feedback.textContent = '';
        }, COPIED_FOR_MS);
        options.announce(window.Guestlink.t('media:js.copy.copied'));
      },
      function () {
        // Leave the URL selected: Ctrl+C (or Cmd+C) copies it from there.
        options.field.focus();
        options.field.select();
        // What a refused copy tells the user, with the URL left selected in its field.
        say(options.errorBox, window.Guestlink.t('media:js.copy.blocked'));
      },
    );
  };
})();
