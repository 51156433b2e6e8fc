// Opens a launched user's Guestlink page by posting the media page's navigation form
// (#ltik-navigation): the ltik travels in the post's body, same-origin, never in an address
// (browser history, proxy logs, Referer). Guest pages have no such form and use plain links.
(function () {
  'use strict';
  var Guestlink = (window.Guestlink = window.Guestlink || {});

  /** Loads `path` in this window (or `target`) by a post carrying the ltik; false without the form. */
  Guestlink.postWithLtik = function (path, target) {
    var form = document.getElementById('ltik-navigation');
    if (!form) return false;
    form.action = path;
    form.target = target || '_self';
    form.submit();
    return true;
  };
})();
