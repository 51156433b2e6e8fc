// Asks before Leave when coming back would cost one of the link's clicks (the server renders
// the dialog only then). Without this script the form leaves at once.
(function () {
  'use strict';
  var form = document.querySelector('form[data-leave-confirm]');
  var dialog = document.getElementById('leave-dialog');
  if (!form || !dialog || typeof dialog.showModal !== 'function') return;
  var confirmed = false;
  form.addEventListener('submit', function (event) {
    if (confirmed) return;
    event.preventDefault();
    dialog.showModal();
  });
  document.getElementById('leave-confirm').addEventListener('click', function () {
    confirmed = true;
    dialog.close();
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  });
  dialog.querySelectorAll('[data-close]').forEach(function (button) {
    button.addEventListener('click', function () {
      dialog.close();
    });
  });
})();
