// A launched user's page reloaded (or its address opened again in the same tab): posts the
// ltik this tab kept (ltik-navigation.js) back to the same address, same-origin. Without one
// (another tab, an old bookmark, storage blocked) the page's message stays: open Guestlink
// again from the course.
(function () {
  'use strict';
  var form = document.getElementById('reopen-form');
  if (!form) return;
  var ltik = null;
  try {
    ltik = window.sessionStorage.getItem('guestlink.ltik.' + form.dataset.roomId);
  } catch {
    ltik = null;
  }
  if (!ltik) return;
  form.elements.ltik.value = ltik;
  document.getElementById('reopen-message').textContent = window.Guestlink.t('media:js.reopen.opening');
  form.submit();
})();
