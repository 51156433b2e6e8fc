// Small DOM helpers shared by the media page's windows (guest access, invite users, guest log,
// lobby). Everything is text: names and messages come from guests and the server.
(function () {
  'use strict';
  window.Guestlink = window.Guestlink || {};

  /** An element with an optional class and text (textContent, never HTML). */
  window.Guestlink.el = function (tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  };

  /** Shows a message in an error element, or hides the element when there is none. */
  window.Guestlink.showError = function (element, message) {
    element.textContent = message || '';
    element.hidden = !message;
  };
})();
