// Opens a launched user's Guestlink page by posting the media page's navigation form
// (#ltik-navigation): the ltik travels in the post's body, same-origin, never in an address
// (browser history, proxy logs, Referer). Guest pages have no such form and use plain links.
//
// Reloading: a posted page (the launch's answer, or a room page a menu item opened) would be
// posted again on reload, and the launch's id_token is accepted only once. So this tab keeps
// the ltik in its sessionStorage (per tab, per origin, sent nowhere by itself) and turns this
// history entry into a plain GET of the page's own address; a reload then gets reopen.js's
// page, which posts the kept ltik back. Where storage is blocked, the entry stays a post.
(function () {
  'use strict';
  var Guestlink = (window.Guestlink = window.Guestlink || {});
  var KEY = 'guestlink.ltik.';

  /** Loads `path` in this window (or `target`) by a post carrying the ltik; false without the form. */
  Guestlink.postWithLtik = function (path, target) {
    var form = document.getElementById('ltik-navigation');
    if (!form) return false;
    form.action = path;
    form.target = target || '_self';
    form.submit();
    return true;
  };

  var page = document.querySelector('[data-ltik][data-reopen]');
  if (!page || !page.dataset.ltik) return;
  try {
    window.sessionStorage.setItem(KEY + page.dataset.roomId, page.dataset.ltik);
  } catch {
    return;
  }
  window.history.replaceState(window.history.state, '', page.dataset.reopen);
})();
