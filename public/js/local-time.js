// Times the server wrote in UTC (<time datetime data-local-time>), shown in the viewer's own
// time zone: "until 18:40" must mean the guest's 18:40. The date is added when it is not today.
// Written in the page's language (<html lang>), as the sentence around it is.
(function () {
  'use strict';
  var lang = document.documentElement.lang || undefined;
  document.querySelectorAll('time[data-local-time]').forEach(function (node) {
    var date = new Date(node.getAttribute('datetime'));
    if (isNaN(date.getTime())) return;
    var sameDay = date.toDateString() === new Date().toDateString();
    var options = { hour: '2-digit', minute: '2-digit' };
    if (!sameDay) {
      options.weekday = 'short';
      options.day = 'numeric';
      options.month = 'short';
    }
    node.textContent = date.toLocaleString(lang, options);
  });
})();
