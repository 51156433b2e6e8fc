// One small confirmation window for the lobby's bulk actions (Admit all, Deny all, turning
// the lobby off): Guestlink.confirmLobby({ title, text, confirm, danger }) resolves to true
// when the moderator confirms, false on Cancel or Esc. Focus starts on Cancel and returns
// to the button that asked.
(function () {
  'use strict';
  var dialog = document.getElementById('lobby-confirm-dialog');
  if (!dialog) return;
  var title = document.getElementById('lobby-confirm-title');
  var text = document.getElementById('lobby-confirm-text');
  var ok = document.getElementById('lobby-confirm-ok');
  var cancel = document.getElementById('lobby-confirm-cancel');
  var settle = null;
  var returnTo = null;

  function finish(answer) {
    var resolve = settle;
    settle = null;
    if (dialog.open) dialog.close();
    if (resolve) resolve(answer);
  }

  ok.addEventListener('click', function () {
    finish(true);
  });
  cancel.addEventListener('click', function () {
    finish(false);
  });
  // Esc closes the dialog without a click: that is a Cancel.
  dialog.addEventListener('close', function () {
    finish(false);
    if (returnTo && document.contains(returnTo)) returnTo.focus();
    returnTo = null;
  });

  window.Guestlink = window.Guestlink || {};
  window.Guestlink.confirmLobby = function (question) {
    if (settle) finish(false);
    title.textContent = question.title;
    text.textContent = question.text;
    ok.textContent = question.confirm;
    ok.className = 'button ' + (question.danger ? 'button-danger' : 'button-primary');
    returnTo = document.activeElement;
    return new Promise(function (resolve) {
      settle = resolve;
      dialog.showModal();
      cancel.focus();
    });
  };
})();
