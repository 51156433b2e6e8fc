// The page's words for its scripts: the server embeds them (#gl-messages) in the page's
// language, as ICU messages, and this formats them with intl-messageformat for <html lang>.
/* global IntlMessageFormat -- intl-messageformat's browser build, loaded before this script */
(function () {
  'use strict';
  window.Guestlink = window.Guestlink || {};
  var source = document.getElementById('gl-messages');
  var messages = source ? JSON.parse(source.textContent) : {};
  var lang = document.documentElement.lang || 'en';
  var formats = {};

  /** A message by key ("lobby:js.waiting"), its {placeholders} filled from values. */
  window.Guestlink.t = function (key, values) {
    var message = messages[key];
    if (message === undefined) return key;
    if (!formats[key]) formats[key] = new IntlMessageFormat.IntlMessageFormat(message, lang);
    return String(formats[key].format(values));
  };

  window.Guestlink.lang = lang;

  /** A date in the viewer's own time zone and the page's language. */
  window.Guestlink.formatDate = function (date, options) {
    return new Intl.DateTimeFormat(lang, options).format(date);
  };

  window.Guestlink.formatNumber = function (value, options) {
    return new Intl.NumberFormat(lang, options).format(value);
  };
})();
